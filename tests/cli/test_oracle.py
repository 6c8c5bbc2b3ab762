"""The engine against the independent Python scorers of `bench/` (`bench/compare.py`).

An oracle is only worth having while it follows the model: the suite runs it on a registry small
enough for every test run, as it is and with dates and amounts moved onto the model's
boundaries (`--perturb`), so a model change that the scorer does not follow fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT, describe


@pytest.mark.parametrize("perturb", [False, True], ids=["synthetic", "perturbed"])
def test_the_reference_scorers_agree_on_every_enterprise(xinyong: Path, perturb: bool) -> None:
    command = [
        sys.executable,
        str(REPO_ROOT / "bench" / "compare.py"),
        "--enterprises", "3000",
        "--mean-records", "20",
        "--seed", "8",
        "--as-of", "2026-06-30",
        "--xinyong", str(xinyong),
    ]  # fmt: skip
    if perturb:
        command.append("--perturb")
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, describe(proc)
    assert "oracle check (3000 enterprises" in proc.stdout, describe(proc)
    for scorer in ("reference_scorer.py", "reference_pandas.py"):
        assert f"{scorer}: all match" in proc.stdout, describe(proc)
