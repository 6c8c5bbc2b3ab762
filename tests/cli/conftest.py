"""Fixtures for the command-line tests.

The suite runs against a built `xinyong` binary named by the XINYONG_BIN environment variable
(`make test` builds it and sets the variable). Without it the tests fail rather than skip: a
suite that silently tests nothing is worse than a red one.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from helpers import REPO_ROOT

TIMEOUT_SECONDS = 300


@pytest.fixture(scope="session")
def xinyong() -> Path:
    """Path of the xinyong binary under test."""
    value = os.environ.get("XINYONG_BIN")
    if not value:
        pytest.fail(
            "XINYONG_BIN is not set: build the CLI with "
            "`cargo build --release --features cli --bin xinyong` and point XINYONG_BIN at it "
            "(or run `make test`)",
            pytrace=False,
        )
    path = Path(value)
    if not path.is_file():
        pytest.fail(f"XINYONG_BIN={value} does not exist or is not a file", pytrace=False)
    if not os.access(path, os.X_OK):
        pytest.fail(f"XINYONG_BIN={value} is not executable", pytrace=False)
    return path.resolve()


@pytest.fixture(scope="session")
def run(xinyong: Path) -> Callable[..., subprocess.CompletedProcess]:
    """Run the CLI from the repository root: run(*args, input="") -> CompletedProcess (text)."""

    def _run(*args: object, input: str = "", cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(xinyong), *(str(a) for a in args)],
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=cwd,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )

    return _run
