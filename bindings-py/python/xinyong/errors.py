"""Exceptions raised by :mod:`xinyong`: one class per engine error kind.

Every class derives from :class:`XinyongError`; the ones whose meaning is "the value you passed is
wrong" also derive from :class:`ValueError`, and :class:`IoError` derives from :class:`OSError`, so
code that already catches the built-in classes keeps working. The native module raises these
classes (it looks them up here by kind), which is why they are plain Python classes: a class with
two built-in bases cannot be declared from the native side.
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = [
    "XinyongError",
    "InvalidUsccError",
    "MalformedJsonError",
    "InvalidFieldError",
    "UnknownRecordKindError",
    "InconsistentDatesError",
    "FutureDateError",
    "InvalidModelError",
    "LineTooLongError",
    "InvalidUtf8Error",
    "LimitExceededError",
    "IoError",
    "ERROR_CLASSES",
]


class XinyongError(Exception):
    """Base class of every error the engine reports.

    Attributes:
        kind: the engine's stable snake_case error kind (``"invalid_field"``, ...).
        path: the JSON path the error points at, when the kind has one (else ``None``).
        index: the 0-based row of a batch the error belongs to (``None`` outside batches).
        line: the 1-based input line of a JSON Lines batch (``None`` elsewhere).
        detail: the engine's serialised error (``{"kind", "message", ...context}``), the same
            object the CLI prints.
    """

    kind: str = "xinyong"

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        path: Optional[str] = None,
        index: Optional[int] = None,
        line: Optional[int] = None,
        detail: Optional[dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind
        self.message = message
        self.path = path
        self.index = index
        self.line = line
        self.detail: dict[str, Any] = detail if detail is not None else {"kind": self.kind, "message": message}

    def __repr__(self) -> str:
        where = f", index={self.index}" if self.index is not None else ""
        return f"{type(self).__name__}({self.message!r}{where})"


class InvalidUsccError(XinyongError, ValueError):
    """A Unified Social Credit Code failed validation (``detail`` has ``reason`` and ``position``)."""

    kind = "invalid_uscc"


class MalformedJsonError(XinyongError, ValueError):
    """The input is not well-formed JSON (``detail`` has ``line`` and ``column``)."""

    kind = "malformed_json"


class InvalidFieldError(XinyongError, ValueError):
    """A field is missing, has the wrong type, or holds a value outside its domain."""

    kind = "invalid_field"


class UnknownRecordKindError(XinyongError, ValueError):
    """A record names a ``kind`` the engine does not know."""

    kind = "unknown_record_kind"


class InconsistentDatesError(XinyongError, ValueError):
    """Dates of one record (or of the enterprise) contradict each other."""

    kind = "inconsistent_dates"


class FutureDateError(XinyongError, ValueError):
    """A date lies after the evaluation date (``detail`` has ``date`` and ``as_of``)."""

    kind = "future_date"


class InvalidModelError(XinyongError, ValueError):
    """A model failed validation; ``detail["problems"]`` lists every problem with its path."""

    kind = "invalid_model"


class LineTooLongError(XinyongError, ValueError):
    """A JSON Lines input line is longer than the limit (``detail["limit"]``)."""

    kind = "line_too_long"


class InvalidUtf8Error(XinyongError, ValueError):
    """An input is not valid UTF-8."""

    kind = "invalid_utf8"


class LimitExceededError(XinyongError, ValueError):
    """An input exceeds a configured size limit (``detail`` has ``what``, ``limit``, ``found``)."""

    kind = "limit_exceeded"


class IoError(XinyongError, OSError):
    """Reading the caller's input failed."""

    kind = "io"


#: Exception class for each engine error kind.
ERROR_CLASSES: dict[str, type[XinyongError]] = {
    cls.kind: cls
    for cls in (
        InvalidUsccError,
        MalformedJsonError,
        InvalidFieldError,
        UnknownRecordKindError,
        InconsistentDatesError,
        FutureDateError,
        InvalidModelError,
        LineTooLongError,
        InvalidUtf8Error,
        LimitExceededError,
        IoError,
    )
}
