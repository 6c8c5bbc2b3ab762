"""The engine against the independent Python scorers of `bench/` (`bench/compare.py`).

An oracle is only worth having while it follows the model: the suite runs it on a registry small
enough for every test run, as generated and with dates and amounts moved onto the model's
boundaries (`--perturb`: periods, list terms, residuals, tax grades out of force, month ends), on
a day of June and on the last day of a February, so a model change the scorers do not follow
fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TIMEOUT_SECONDS
from helpers import REPO_ROOT, describe

FIRMS = 3000


@pytest.mark.parametrize(
    ("as_of", "perturb"),
    [("2026-06-30", False), ("2026-06-30", True), ("2027-02-28", True)],
    ids=["synthetic", "perturbed", "perturbed-february"],
)
def test_the_reference_scorers_agree_on_every_enterprise(xinyong: Path, as_of: str, perturb: bool) -> None:
    command = [
        sys.executable,
        str(REPO_ROOT / "bench" / "compare.py"),
        "--enterprises", str(FIRMS),
        "--mean-records", "20",
        "--seed", "8",
        "--as-of", as_of,
        "--xinyong", str(xinyong),
    ]  # fmt: skip
    if perturb:
        command.append("--perturb")
    proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    assert proc.returncode == 0, describe(proc)
    found = re.search(rf"oracle check \({FIRMS} enterprises, (\d+) not evaluable\)", proc.stdout)
    assert found, describe(proc)
    # The perturbation puts a few dates after the evaluation date on purpose; every other
    # enterprise is scored, so the agreement is over real scores.
    most_refused = FIRMS // 50 if perturb else 0
    assert int(found.group(1)) <= most_refused, describe(proc)
    for scorer in ("reference_scorer.py", "reference_pandas.py"):
        assert f"{scorer}: all match" in proc.stdout, describe(proc)
