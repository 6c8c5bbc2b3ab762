"""xinyong: explainable public-credit evaluation of enterprises.

The engine is written in Rust; this package is a thin layer over it (the native module
``xinyong._xinyong``), so every result is the same, byte for byte, as the Rust library and the
``xinyong`` command line give.

Quick tour::

    import xinyong
    evaluator = xinyong.Evaluator()                      # the embedded default model
    ev = evaluator.evaluate(record_dict, as_of="2026-06-30")
    ev.score, ev.grade, ev.reasons                       # Decimal, "A", [...]
    print(xinyong.explain(ev, lang="en"))

See the package documentation (``docs/python.md`` in the repository) for the API, the column
convention of ``Evaluator.evaluate_frame``, errors and threading.
"""

from __future__ import annotations

from ._xinyong import (
    ERROR_KINDS,
    Evaluation,
    Evaluator,
    Model,
    Uscc,
    __version__,
    explain,
    person_key,
    redact,
    validate_uscc,
)
from .errors import (
    ERROR_CLASSES,
    FutureDateError,
    InconsistentDatesError,
    InvalidFieldError,
    InvalidModelError,
    InvalidUsccError,
    InvalidUtf8Error,
    IoError,
    LimitExceededError,
    LineTooLongError,
    MalformedJsonError,
    UnknownRecordKindError,
    XinyongError,
)

# Everything else the native module exports (the graph, finance, synthetic data, scorecard and
# metrics capabilities) is reachable as `xinyong.<name>` too.
from ._xinyong import *  # noqa: E402,F401,F403

# Relationship graph, financing, synthetic data, scorecards and validation metrics, named
# explicitly so that type checkers and `help(xinyong)` see them (docs/python-analytics.md).
from ._xinyong import (  # noqa: E402
    Catalog,
    Demand,
    Graph,
    MatchResult,
    Matcher,
    Scorecard,
    auc,
    binomial_test,
    brier,
    calibrate_cutoffs,
    csi,
    gini,
    hosmer_lemeshow,
    ks,
    match_demand,
    migration,
    psi,
    psi_from_scores,
    synth_catalog,
    synth_demands,
    synth_demands_jsonl,
    synth_registry,
    synth_registry_jsonl,
    woe_iv,
)
