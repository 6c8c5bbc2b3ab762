"""One evaluator shared by several threads gives the same results as one thread."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import xinyong
from support import registry_lines

AS_OF = "2026-06-30"


def test_shared_evaluator_across_threads() -> None:
    evaluator = xinyong.Evaluator()
    lines = registry_lines()
    expected = [evaluator.evaluate(line, AS_OF).to_json() for line in lines]

    def work(offset: int) -> list[str]:
        # Each thread walks the registry from a different place, mixing single and batch calls.
        order = lines[offset:] + lines[:offset]
        singles = [evaluator.evaluate(line, AS_OF).to_json() for line in order]
        batch = [e.to_json() for e in evaluator.evaluate_many(order, AS_OF)]  # type: ignore[union-attr]
        assert singles == batch
        return singles[len(lines) - offset:] + singles[: len(lines) - offset]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(0, 160, 10)))
    assert len(results) == 16
    for result in results:
        assert result == expected
