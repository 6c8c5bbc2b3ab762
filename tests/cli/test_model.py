"""`xinyong model`: show the embedded default model and validate model files."""

from __future__ import annotations

import json
from decimal import Decimal

from helpers import describe


def show(run) -> dict:
    proc = run("model", "show")
    assert proc.returncode == 0, describe(proc)
    model = json.loads(proc.stdout, parse_float=Decimal)
    assert isinstance(model, dict), describe(proc)
    return model


def test_default_model_dimensions_sum_to_1000_points(run) -> None:
    dimensions = show(run).get("dimensions")
    assert isinstance(dimensions, list) and dimensions, dimensions
    total = sum(Decimal(str(d["max_points"])) for d in dimensions)
    assert total == Decimal(1000), [d["max_points"] for d in dimensions]


def test_validate_accepts_the_default_model(run, tmp_path) -> None:
    proc = run("model", "show")
    assert proc.returncode == 0, describe(proc)
    path = tmp_path / "default-model.json"
    path.write_text(proc.stdout, encoding="utf-8")
    checked = run("model", "validate", path)
    assert checked.returncode == 0, describe(checked)
    assert "(1000 points, " in checked.stdout, checked.stdout
    # Points written with trailing zeros are reported as the number they are.
    model = json.loads(proc.stdout)
    for dimension in model["dimensions"]:
        dimension["max_points"] = f'{dimension["max_points"]}.00'
    path.write_text(json.dumps(model), encoding="utf-8")
    checked = run("model", "validate", path)
    assert checked.returncode == 0, describe(checked)
    assert "(1000 points, " in checked.stdout, checked.stdout


def test_validate_rejects_a_malformed_model(run, tmp_path) -> None:
    path = tmp_path / "broken-model.json"
    path.write_text('{"id": 3}\n', encoding="utf-8")
    proc = run("model", "validate", path)
    assert proc.returncode == 1, describe(proc)
    assert (proc.stdout + proc.stderr).strip(), "no message explains the rejection"


def test_validate_fails_on_a_missing_file(run, tmp_path) -> None:
    proc = run("model", "validate", tmp_path / "no-such-model.json")
    assert proc.returncode != 0, describe(proc)
    assert proc.stderr.strip() or proc.stdout.strip(), describe(proc)
