"""Shared fixtures of the Python binding's test suite.

The suite tests the installed `xinyong` package (the wheel `make python-test` builds); it reads the
repository's `fixtures/` folder, the same files the Rust, CLI and Node suites read.
"""

from __future__ import annotations

import pytest

import xinyong


@pytest.fixture(scope="session")
def evaluator() -> xinyong.Evaluator:
    """The default-model evaluator, shared by the session."""
    return xinyong.Evaluator()
