"""Helpers shared by the command-line tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
REGISTRY = REPO_ROOT / "fixtures" / "registry" / "registry.jsonl"

GRADES = {"A", "B", "C", "D"}


def json_lines(text: str) -> list[dict]:
    """Parse output holding one JSON object per line; every line must be an object."""
    objects = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            value = json.loads(line)
        except json.JSONDecodeError as err:
            raise AssertionError(f"output line {number} is not JSON: {line!r} ({err})") from None
        assert isinstance(value, dict), f"output line {number} is not a JSON object: {line!r}"
        objects.append(value)
    return objects


def nonblank_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def describe(proc: subprocess.CompletedProcess) -> str:
    """A failure message showing what the command printed."""
    return (
        f"exit code {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout[-4000:]}\n"
        f"--- stderr ---\n{proc.stderr[-4000:]}"
    )


def decimal_string(value: object) -> Decimal:
    """A decimal serialised as a JSON string (never a float), parsed exactly."""
    assert isinstance(value, str), f"expected a decimal string, got {value!r}"
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        raise AssertionError(f"not a decimal: {value!r}") from None
    assert parsed.is_finite(), f"not a finite decimal: {value!r}"
    return parsed


def assert_evaluation(obj: dict) -> None:
    """A successful evaluation: uscc, a decimal-string score and a grade A-D."""
    assert "error" not in obj, f"expected an evaluation, got an error: {obj}"
    assert isinstance(obj.get("uscc"), str), obj
    decimal_string(obj.get("score"))
    assert obj.get("grade") in GRADES, obj
