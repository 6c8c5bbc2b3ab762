"""`xinyong demo`: evaluates the bundled sample registry, prints a table, writes JSON results."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from helpers import REGISTRY, assert_evaluation, describe, nonblank_lines


def load_results(path: Path) -> list[dict]:
    """The results file is either one JSON array or JSON Lines."""
    text = path.read_text(encoding="utf-8")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = [json.loads(line) for line in nonblank_lines(text)]
    assert isinstance(value, list), f"{path} holds neither a JSON array nor JSON Lines"
    assert all(isinstance(item, dict) for item in value), f"{path}: non-object evaluations"
    return value


def token(text: str, pattern: str) -> bool:
    """Whether `pattern` occurs in `text` not glued to other letters, digits or decimal points."""
    return re.search(rf"(?<![A-Za-z0-9.]){pattern}(?![A-Za-z0-9.])", text) is not None


@pytest.fixture(scope="module")
def demo(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "results.json"
    proc = run("demo", "--out", out)
    assert proc.returncode == 0, describe(proc)
    assert out.is_file(), f"demo wrote no results file at {out}\n{describe(proc)}"
    return proc, load_results(out)


def registry_usccs() -> list[str]:
    assert REGISTRY.is_file(), f"missing sample registry {REGISTRY}"
    lines = nonblank_lines(REGISTRY.read_text(encoding="utf-8"))
    assert lines, f"{REGISTRY} is empty"
    return [json.loads(line)["uscc"] for line in lines]


def test_one_evaluation_per_registry_enterprise(demo) -> None:
    _, results = demo
    usccs = registry_usccs()
    assert len(results) == len(usccs)
    for result in results:
        assert_evaluation(result)
    assert Counter(r["uscc"] for r in results) == Counter(usccs)


def test_table_shows_the_grade_distribution(demo) -> None:
    proc, results = demo
    assert proc.stdout.strip(), describe(proc)
    distribution = Counter(r["grade"] for r in results)
    lines = proc.stdout.splitlines()
    for grade, count in distribution.items():
        assert any(token(line, grade) and token(line, str(count)) for line in lines), (
            f"no stdout line shows grade {grade} with count {count}\n{describe(proc)}"
        )


# GB 11643: 17 digits (characters 7-14 a birth date) and a mod-11 check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"(?<![A-Za-z0-9.])[0-9]{6}(19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx](?![A-Za-z0-9.])")


def resident_id_numbers(text: str) -> list[str]:
    """Every run in `text` shaped like a resident ID number whose check character fits."""
    found = []
    for match in _ID_SHAPE.finditer(text):
        number = match.group(0).upper()
        total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
        if _ID_CHECK[total % 11] == number[17]:
            found.append(number)
    return found


def test_resident_id_scan_sees_a_number() -> None:
    assert resident_id_numbers('{"owner": "11010119900307109X"}') == ["11010119900307109X"]
    assert resident_id_numbers('{"uscc": "91350900587527783P", "p": 0.041183184069848354}') == []


def test_no_output_of_the_demo_holds_a_resident_id_number(demo) -> None:
    proc, results = demo
    for name, text in (("stdout", proc.stdout), ("stderr", proc.stderr), ("results", json.dumps(results))):
        assert resident_id_numbers(text) == [], f"resident ID numbers in the demo's {name}"
