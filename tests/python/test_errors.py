"""Each engine error kind is raised as its own exception class, with kind, path and detail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

import xinyong
from support import FIXTURES

BAD = FIXTURES / "bad"
CLEAN = json.loads((FIXTURES / "enterprises" / "clean.json").read_text("utf-8"))
AS_OF = "2026-06-30"


def with_fields(**fields: Any) -> dict[str, Any]:
    return {**CLEAN, **fields}


def evaluate(record: Any) -> Callable[[], object]:
    return lambda: xinyong.Evaluator().evaluate(record, AS_OF)


def bad_model() -> object:
    return xinyong.Model.from_json(BAD / "model" / "overlapping_bins.json").evaluator()


def deep_dict(depth: int) -> dict[str, Any]:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(depth):
        node["a"] = {}
        node = node["a"]
    return deep


def too_deep() -> object:
    # The engine never needs deep nesting, and the binding refuses to write a record nested
    # deeper than its limit (the engine's parser has a lower one of its own).
    return xinyong.Evaluator().evaluate({**CLEAN, "extra": deep_dict(1000)}, AS_OF)


def long_line(tmp_path: Path) -> object:
    limit = 16 * 1024 * 1024
    path = tmp_path / "long.jsonl"
    path.write_bytes(b'{"name": "' + b"x" * limit + b'"}\n')
    results = xinyong.Evaluator().evaluate_jsonl(path, AS_OF, errors="raise")
    return results


# kind -> (how to provoke it, the exception's built-in base besides XinyongError)
PROVOKE: dict[str, tuple[Callable[[Path], object], type]] = {
    "invalid_uscc": (lambda _: xinyong.Uscc("91350900587527783Q"), ValueError),
    "malformed_json": (lambda _: evaluate('{"uscc": ')(), ValueError),
    "invalid_field": (lambda _: evaluate(with_fields(name=5))(), ValueError),
    "unknown_record_kind": (
        lambda _: evaluate((BAD / "enterprise" / "record_unknown_kind.json").read_text("utf-8"))(),
        ValueError,
    ),
    "inconsistent_dates": (
        lambda _: evaluate(
            (BAD / "enterprise" / "penalty_repaired_before_decision.json").read_text("utf-8")
        )(),
        ValueError,
    ),
    "future_date": (lambda _: evaluate(with_fields(established_on="2027-01-01"))(), ValueError),
    "invalid_model": (lambda _: bad_model(), ValueError),
    "line_too_long": (long_line, ValueError),
    "invalid_utf8": (lambda _: evaluate(b'{"name": "\xff"}')(), ValueError),
    "limit_exceeded": (lambda _: too_deep(), ValueError),
    "io": (lambda tmp: xinyong.Model.from_json(tmp / "missing.json"), OSError),
}


def test_every_engine_kind_is_provoked_here() -> None:
    assert sorted(PROVOKE) == sorted(xinyong.ERROR_KINDS)


def test_every_kind_has_its_own_class() -> None:
    assert sorted(xinyong.ERROR_CLASSES) == sorted(xinyong.ERROR_KINDS)
    classes = list(xinyong.ERROR_CLASSES.values())
    assert len(set(classes)) == len(classes)
    for kind, cls in xinyong.ERROR_CLASSES.items():
        assert cls is not xinyong.XinyongError
        assert issubclass(cls, xinyong.XinyongError)
        assert cls.kind == kind
        assert getattr(xinyong, cls.__name__) is cls


@pytest.mark.parametrize("kind", sorted(PROVOKE))
def test_kind_raises_its_class(kind: str, tmp_path: Path) -> None:
    provoke, builtin = PROVOKE[kind]
    cls = xinyong.ERROR_CLASSES[kind]
    with pytest.raises(cls) as info:
        provoke(tmp_path)
    error = info.value
    assert type(error) is cls
    assert isinstance(error, builtin)
    assert error.kind == kind
    assert error.detail["kind"] == kind
    assert error.detail["message"] == str(error)
    assert error.path == error.detail.get("path")


def test_invalid_field_carries_path() -> None:
    with pytest.raises(xinyong.InvalidFieldError) as info:
        evaluate(with_fields(name=5))()
    assert info.value.path == "name"
    assert info.value.index is None


def test_invalid_uscc_detail_has_reason_and_position() -> None:
    with pytest.raises(xinyong.InvalidUsccError) as info:
        xinyong.Uscc("91350900587527783Q")
    assert info.value.detail["reason"] == "check_character"
    assert info.value.detail["position"] == 18


def test_invalid_model_lists_problems() -> None:
    with pytest.raises(xinyong.InvalidModelError) as info:
        bad_model()
    problems = info.value.detail["problems"]
    assert problems and all({"path", "message"} <= set(p) for p in problems)


def test_python_type_errors_stay_type_errors() -> None:
    with pytest.raises(TypeError):
        xinyong.Evaluator().evaluate(with_fields(name={1, 2}), AS_OF)
    with pytest.raises(TypeError):
        xinyong.Evaluator().evaluate(42, AS_OF)
    with pytest.raises(ValueError):
        xinyong.Evaluator().evaluate(CLEAN, "30/06/2026")
    with pytest.raises(ValueError):
        xinyong.Evaluator().evaluate(CLEAN, AS_OF).explain("fr")


def test_absurdly_deep_dict_is_a_limit_not_a_crash() -> None:
    with pytest.raises(xinyong.LimitExceededError) as info:
        xinyong.Evaluator().evaluate({**CLEAN, "extra": deep_dict(100_000)}, AS_OF)
    assert info.value.detail["what"] == "JSON nesting depth"
