"""`xinyong uscc`: validate Unified Social Credit Codes (GB 32100), one JSON object per code."""

from __future__ import annotations

import pytest

from helpers import describe, json_lines

# The code alphabet is 0123456789ABCDEFGHJKLMNPQRTUWXY (no I, O, S, V, Z).

VALID = {
    # input as given -> normalized
    "91350900587527783P": "91350900587527783P",
    "91110000802100433B": "91110000802100433B",
    # trimmed, spaces and hyphens dropped, upper-cased
    " 9135-0900 5875 2778 3p ": "91350900587527783P",
}

# input -> (error kind, 1-based position, or None when the position is not pinned)
INVALID = {
    "91350900587527783Q": ("check_character", 18),
    "9135090058752778": ("length", None),
    "91350900587527783I": ("character", 18),
}

RESULT_KEYS = {"input", "valid", "normalized", "error"}


def assert_valid(obj: dict, code: str) -> None:
    assert RESULT_KEYS <= obj.keys(), obj
    assert obj["input"] == code
    assert obj["valid"] is True, obj
    assert obj["normalized"] == VALID[code], obj
    assert obj["error"] is None, obj


def assert_invalid(obj: dict, code: str) -> None:
    kind, position = INVALID[code]
    assert RESULT_KEYS <= obj.keys(), obj
    assert obj["input"] == code
    assert obj["valid"] is False, obj
    assert obj["normalized"] is None, obj
    error = obj["error"]
    assert isinstance(error, dict), obj
    assert error.get("kind") == kind, obj
    assert "position" in error, obj
    if position is None:
        assert error["position"] is None or (
            isinstance(error["position"], int) and error["position"] >= 1
        ), obj
    else:
        assert error["position"] == position, obj
    assert isinstance(error.get("message"), str) and error["message"].strip(), obj


def assert_result(obj: dict, code: str) -> None:
    if code in VALID:
        assert_valid(obj, code)
    else:
        assert_invalid(obj, code)


def test_all_valid_arguments_exit_zero(run) -> None:
    codes = list(VALID)
    proc = run("uscc", *codes)
    assert proc.returncode == 0, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(codes), describe(proc)
    for obj, code in zip(results, codes):
        assert_valid(obj, code)


@pytest.mark.parametrize("code", list(INVALID))
def test_single_invalid_code(run, code: str) -> None:
    proc = run("uscc", code)
    assert proc.returncode == 1, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == 1, describe(proc)
    assert_invalid(results[0], code)


def test_mixed_arguments_exit_one_and_keep_order(run) -> None:
    codes = [
        "91350900587527783P",
        "91350900587527783Q",
        " 9135-0900 5875 2778 3p ",
        "9135090058752778",
        "91110000802100433B",
        "91350900587527783I",
    ]
    proc = run("uscc", *codes)
    assert proc.returncode == 1, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(codes), describe(proc)
    for obj, code in zip(results, codes):
        assert_result(obj, code)


def test_stdin_one_code_per_line(run) -> None:
    codes = ["91350900587527783P", "91350900587527783Q", "91110000802100433B"]
    proc = run("uscc", input="".join(code + "\n" for code in codes))
    assert proc.returncode == 1, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(codes), describe(proc)
    for obj, code in zip(results, codes):
        assert_result(obj, code)


def test_stdin_all_valid_exit_zero(run) -> None:
    codes = ["91110000802100433B", "91350900587527783P"]
    proc = run("uscc", input="\n".join(codes) + "\n")
    assert proc.returncode == 0, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(codes), describe(proc)
    for obj, code in zip(results, codes):
        assert_valid(obj, code)


def test_lenient_flag_accepts_valid_codes(run) -> None:
    codes = ["91350900587527783P", " 9135-0900 5875 2778 3p "]
    proc = run("uscc", "--lenient", *codes)
    assert proc.returncode == 0, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(codes), describe(proc)
    for obj, code in zip(results, codes):
        assert_valid(obj, code)
