"""The quick tour of docs/python.md, run as written (between its START/END markers)."""

from __future__ import annotations

import re

from support import REPO_ROOT


def quick_tour() -> str:
    text = (REPO_ROOT / "docs" / "python.md").read_text("utf-8")
    match = re.search(
        r"<!-- START quick-tour -->\s*```python\n(.*?)```\s*<!-- END quick-tour -->", text, re.S
    )
    assert match, "docs/python.md has no quick-tour block"
    return match.group(1)


def test_quick_tour_runs() -> None:
    code = quick_tour()
    assert "evaluate" in code and "assert" in code
    namespace: dict[str, object] = {"__name__": "quick_tour"}
    exec(compile(code, "docs/python.md#quick-tour", "exec"), namespace)
    assert namespace["evaluation"].grade == "C"  # type: ignore[attr-defined]
