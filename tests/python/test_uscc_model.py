"""`Uscc`, `validate_uscc` and `Model`."""

from __future__ import annotations

import json
import pickle

import pytest

import xinyong
from support import FIXTURES

VALID = "91350200155000013M"


def test_uscc_attributes() -> None:
    code = xinyong.Uscc(" 91350200155000013m ")
    assert code.code == VALID
    assert str(code) == VALID
    assert repr(code) == f"Uscc('{VALID}')"
    assert code.authority == "9"
    assert code.category == "1"
    assert code.region == "350200"
    assert code.organisation_code == VALID[8:17]
    assert isinstance(code.authority_name, str) and code.authority_name
    assert code.category_name is None or isinstance(code.category_name, str)
    assert code.check_character_expected is None
    assert code == xinyong.Uscc(VALID)
    assert len({code, xinyong.Uscc(VALID)}) == 1
    assert pickle.loads(pickle.dumps(code)) == code


def test_uscc_lenient_accepts_pilot_codes_only_when_asked() -> None:
    text = (FIXTURES / "bad" / "uscc" / "bad_check_character.txt").read_text("utf-8").splitlines()[0]
    with pytest.raises(xinyong.InvalidUsccError):
        xinyong.Uscc(text)
    checked = xinyong.validate_uscc([text], lenient=True)[0]
    if checked["valid"]:
        lenient = xinyong.Uscc(text, lenient=True)
        assert lenient.check_character_expected == checked["check_character_expected"]
    else:
        with pytest.raises(xinyong.InvalidUsccError):
            xinyong.Uscc(text, lenient=True)


def test_validate_uscc_matches_the_cli_objects() -> None:
    results = xinyong.validate_uscc([VALID, "123"])
    assert len(results) == 2
    good, bad = results
    # The field order of `xinyong uscc` output lines.
    assert list(good) == ["input", "valid", "normalized", "error", "authority", "category", "region"]
    assert good["valid"] is True and good["normalized"] == VALID and good["error"] is None
    assert good["authority"] == "9" and good["region"] == "350200"
    assert list(bad) == ["input", "valid", "normalized", "error"]
    assert bad["valid"] is False
    assert bad["error"]["kind"] == "length"
    assert set(bad["error"]) == {"kind", "position", "message"}


def test_default_model_round_trips() -> None:
    model = xinyong.Model.default()
    assert model.problems() == []
    text = model.to_json()
    again = xinyong.Model.from_json(text)
    assert again.content_hash == model.content_hash
    assert model.content_hash.startswith("sha256:")
    assert repr(model).startswith("Model(id=")


def test_model_from_path_and_hash_stamps_evaluations(tmp_path: object) -> None:
    path = tmp_path / "model.json"  # type: ignore[operator]
    path.write_text(xinyong.Model.default().to_json(), "utf-8")
    model = xinyong.Model.from_json(path)
    evaluator = model.evaluator()
    record = json.loads((FIXTURES / "enterprises" / "clean.json").read_text("utf-8"))
    evaluation = evaluator.evaluate(record, "2026-06-30")
    assert evaluation.to_dict()["model"]["hash"] == model.content_hash
    assert xinyong.Evaluator(model).evaluate(record, "2026-06-30") == evaluation


def test_invalid_model_problems_without_raising() -> None:
    model = xinyong.Model.from_json(FIXTURES / "bad" / "model" / "overlapping_bins.json")
    problems = model.problems()
    assert problems and all(set(p) == {"path", "message"} for p in problems)
    with pytest.raises(xinyong.InvalidModelError):
        xinyong.Evaluator(model)


def test_from_json_rejects_other_types() -> None:
    with pytest.raises(TypeError):
        xinyong.Model.from_json(42)  # type: ignore[arg-type]
