"""Paths and loaders shared by the Python binding's tests (fixtures/ of the repository)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "fixtures"


def golden_cases() -> list[dict[str, Any]]:
    """The cases of fixtures/cases.json."""
    cases: list[dict[str, Any]] = json.loads((FIXTURES / "cases.json").read_text("utf-8"))["cases"]
    return cases


def registry_lines() -> list[str]:
    """The sample registry's JSON Lines (300 enterprises)."""
    text = (FIXTURES / "registry" / "registry.jsonl").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip()]
