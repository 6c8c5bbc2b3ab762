"""Reference scorer: the default evaluation model, written independently in plain Python.

This is how a platform's data team would score a registry without the engine: read each
enterprise from JSON Lines into a dict, work out which public credit records still count on the
evaluation date, and add up the model's points with exact decimals.

It reads every number (points, bins, caps, factors, periods, grade bands, vetoes) from the model
JSON; nothing is hard-coded but the meaning of the constructs. Only the constructs the default
model uses are implemented: `bins`, `category`, `deduction` and `bonus` indicators, vetoes on
record classes and on a categorical feature, list terms. Anything else raises
`NotImplementedError` rather than guessing, an unknown or absent `decay` rule included. It takes
no related-party context, so it leaves out `related_party` indicators, which contribute nothing
without one.

Counting conventions (the model's decay rules):

* a period of N months from a date D ends, exclusively, on D + N months, clamped to the end of
  the month (2024-02-29 + 12 months = 2025-02-28);
* a given disclosure end or honour expiry is the last day that counts;
* a removal, repair or payment date is the first day the record no longer counts in full;
* repair ends a penalty early only once its minimum period is over, and never for a penalty that
  matches all three `unrepairable` lists;
* a listing on a list with a term (`listing_max_months`) ends at its removal or at the end of
  the term, whichever comes first;
* the tax grade is the grade in force: the latest year given, if it is one of the two years
  before the evaluation date's year; an older one counts as no grade.

Usage as a script (one JSON line out per line in)::

    python3 bench/reference_scorer.py --as-of 2026-06-30 registry.jsonl
"""

from __future__ import annotations

import argparse
import calendar
import json
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow, localcontext
from pathlib import Path
from typing import Any, Iterable, Iterator

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "engine" / "src" / "model" / "default.json"

# Points and factors have a few decimal places; products and sums of them are exact well within
# 60 digits. Trapping `Inexact` turns any silent rounding into an error.
EXACT = Context(prec=60, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])

ONE = Decimal(1)
ZERO = Decimal(0)


# --------------------------------------------------------------------------------------------
# Dates


def add_months(d: date, months: int) -> date:
    """`d` plus whole calendar months, the day clamped to the last day of the target month."""
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def whole_years(start: date, end: date) -> int:
    """Completed years from `start` to `end`: whole months over 12."""
    return whole_months(start, end) // 12


def whole_months(start: date, end: date) -> int:
    """Completed months from `start` to `end` (0 when `end` is earlier): the largest n with
    `add_months(start, n) <= end`, so a month is complete on the same day or, in a shorter
    month, on its last day."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def parse_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def to_decimal(value: Any) -> Decimal | None:
    """An amount as written in JSON (a string or a number), exactly."""
    if value is None:
        return None
    if isinstance(value, str):
        return Decimal(value.strip())
    if isinstance(value, float):
        # The shortest round-trip text of the float: the literal as written (up to 15 digits).
        return Decimal(repr(value))
    return Decimal(value)


# --------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class Standing:
    """How a record stands on the evaluation date."""

    factor: Decimal
    in_force: bool  # counting in full rather than as a residual


NOT_COUNTING = Standing(ZERO, False)
IN_FORCE = Standing(ONE, True)


@dataclass(frozen=True)
class Indicator:
    """One indicator of the model, its numbers read into Decimals once."""

    id: str
    dimension: int
    kind: str  # bins | category | deduction | bonus
    feature: str | None = None
    missing: Decimal = ZERO
    bins: tuple[tuple[Decimal | None, Decimal], ...] = ()  # (to, points), in model order
    points: dict[str, Decimal] | None = None  # category value -> points
    other: Decimal = ZERO
    cap: Decimal | None = None
    amount_factors: tuple[tuple[Decimal, Decimal], ...] = ()  # (from, factor), in model order
    domain_factors: dict[str, Decimal] | None = None

    @classmethod
    def from_spec(cls, ind: dict, dimension: int) -> "Indicator":
        def dec(value):
            return None if value is None else Decimal(value)

        return cls(
            id=ind["id"],
            dimension=dimension,
            kind=ind["kind"],
            feature=ind.get("feature"),
            missing=Decimal(ind.get("missing", "0")),
            bins=tuple((dec(b["to"]), Decimal(b["points"])) for b in ind.get("bins") or []),
            points={k: Decimal(v) for k, v in (ind.get("points") or {}).items()},
            other=Decimal(ind.get("other", "0")),
            cap=dec(ind.get("cap")),
            amount_factors=tuple(
                (Decimal(a["from"]), Decimal(a["factor"])) for a in ind.get("amount_factors") or []
            ),
            domain_factors={k: Decimal(v) for k, v in (ind.get("domain_factors") or {}).items()},
        )


@dataclass(frozen=True)
class Result:
    score: Decimal
    grade: str
    grade_by_score: str


class FutureDate(ValueError):
    """A date of the enterprise lies after the evaluation date; it cannot be evaluated."""


NUMERIC_FEATURES = {
    "age_years",
    "registered_capital",
    "tax_paid_12m",
    "revenue_12m",
    "social_insurance_headcount",
    "social_insurance_months_paid_12m",
    "consecutive_a_tax_years",
    "months_since_last_tax_payment",
    "existing_loans",
}
CATEGORY_FEATURES = {"status", "size", "tax_grade", "customs_class", "samr_risk_class", "industry_section"}

# The national list terms, which apply when a model's `decay` does not name `listing_max_months`.
NATIONAL_LISTING_TERMS = {"serious_violation": 36, "major_tax_violation": 36}
DECAY_KEYS = {
    "penalty",
    "unrepairable",
    "listing_residual",
    "listing_max_months",
    "arrears_residual",
    "honour_validity_months",
    "commitment_months",
}


class Model:
    """An evaluation model read from its JSON file."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.dimensions = [(Decimal(d["base_points"]), Decimal(d["max_points"])) for d in spec["dimensions"]]
        self.indicators: list[Indicator] = []
        # "penalty.serious" -> (indicator index, points per record)
        self.class_points: dict[str, tuple[int, Decimal]] = {}
        for d, dim in enumerate(spec["dimensions"]):
            for ind in dim["indicators"]:
                kind = ind["kind"]
                if kind == "related_party":
                    # Evaluated only with a related-party context, which these scorers never
                    # take: without one it contributes nothing and is left out.
                    continue
                index = len(self.indicators)
                if kind == "bins":
                    self._check_feature(ind, NUMERIC_FEATURES)
                elif kind == "category":
                    self._check_feature(ind, CATEGORY_FEATURES)
                elif kind in ("deduction", "bonus"):
                    for subtype, points in ind["points"].items():
                        self.class_points[f"{ind['records']}.{subtype}"] = (index, Decimal(points))
                else:
                    raise NotImplementedError(f"indicator kind {kind!r}")
                self.indicators.append(Indicator.from_spec(ind, d))

        self.grades = [(g["grade"], Decimal(g["min_points"])) for g in spec["grades"]]
        grade_codes = [code for code, _ in self.grades]

        # Vetoes: (record classes, feature, feature values, index of the capped grade).
        self.vetoes = []
        for veto in spec.get("vetoes", []):
            classes = set(veto.get("records", []))
            if any("." not in c for c in classes):
                raise NotImplementedError("vetoes on a whole record kind")
            feature = veto.get("feature")
            if feature is not None and feature not in CATEGORY_FEATURES:
                raise NotImplementedError(f"veto on feature {feature!r}")
            cap = grade_codes.index(veto["cap"]) if veto["cap"] in grade_codes else len(grade_codes) - 1
            self.vetoes.append((classes, feature, set(veto.get("values", [])), cap))

        if "decay" not in spec:
            raise NotImplementedError("a model without `decay` (the national defaults)")
        decay = spec["decay"]
        unknown = set(decay) - DECAY_KEYS
        if "unrepairable" not in decay:
            raise NotImplementedError("decay without `unrepairable` (the national rule)")
        if unknown or "by_domain" in decay["penalty"]:
            raise NotImplementedError(f"decay rules {sorted(unknown) or ['penalty.by_domain']}")
        self.penalty_periods = decay["penalty"]  # severity -> {min_months, max_months}
        unrepairable = decay.get("unrepairable", {})
        self.unrepairable = (
            set(unrepairable.get("severities", [])),
            set(unrepairable.get("measures", [])),
            set(unrepairable.get("domains", [])),
        )
        self.listing_residual = {
            kind: (r["months"], Decimal(r["factor"])) for kind, r in decay.get("listing_residual", {}).items()
        }
        residual = decay.get("arrears_residual", {"months": 0, "factor": "0"})
        self.arrears_residual = (residual["months"], Decimal(residual["factor"]))
        self.honour_validity = decay.get("honour_validity_months", {})
        self.commitment_months = decay["commitment_months"]
        self.listing_terms = decay.get("listing_max_months", NATIONAL_LISTING_TERMS)

    @staticmethod
    def _check_feature(ind: dict, known: set[str]) -> None:
        if ind["feature"] not in known:
            raise NotImplementedError(f"feature {ind['feature']!r}")

    @classmethod
    def load(cls, path: Path | str = DEFAULT_MODEL_PATH) -> "Model":
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))

    def grade_index(self, score: Decimal) -> int:
        """The first band (best first) whose minimum the score reaches."""
        for i, (_, minimum) in enumerate(self.grades):
            if score >= minimum:
                return i
        return len(self.grades) - 1

    # ---- decay --------------------------------------------------------------------------

    def standing(self, record: dict, as_of: date) -> Standing:
        kind = record["kind"]
        if kind == "penalty":
            return self._penalty_standing(record, as_of)
        if kind == "listing":
            months, factor = self.listing_residual.get(record["list"], (0, ZERO))
            listed = parse_date(record["listed_on"])
            end = parse_date(record.get("removed_on"))
            term = self.listing_terms.get(record["list"])
            if term is not None:
                term_end = add_months(listed, term)
                end = term_end if end is None else min(end, term_end)
            return state_standing(listed, end, months, factor, as_of)
        if kind == "arrears":
            months, factor = self.arrears_residual
            return state_standing(
                parse_date(record["since"]), parse_date(record.get("paid_on")), months, factor, as_of
            )
        if kind == "honour":
            return self._honour_standing(record, as_of)
        if kind == "commitment":
            return self._commitment_standing(record, as_of)
        raise ValueError(f"unknown record kind {kind!r}")

    def penalty_repairable(self, record: dict) -> bool:
        severities, measures, domains = self.unrepairable
        return not (
            record["severity"] in severities
            and record.get("measure") in measures
            and (record.get("domain") or "other") in domains
        )

    def penalty_end(self, record: dict) -> date:
        """The first day the penalty no longer counts."""
        period = self.penalty_periods[record["severity"]]
        decided = parse_date(record["decided_on"])
        last_day = parse_date(record.get("disclosure_end"))
        natural = last_day + timedelta(days=1) if last_day else add_months(decided, period["max_months"])
        repaired = parse_date(record.get("repaired_on"))
        if repaired is not None and self.penalty_repairable(record):
            earliest = add_months(decided, period["min_months"])
            return min(natural, max(repaired, earliest))
        return natural

    def _penalty_standing(self, record: dict, as_of: date) -> Standing:
        decided = parse_date(record["decided_on"])
        return IN_FORCE if decided <= as_of < self.penalty_end(record) else NOT_COUNTING

    def _honour_standing(self, record: dict, as_of: date) -> Standing:
        awarded = parse_date(record["awarded_on"])
        expires = parse_date(record.get("expires_on"))
        if expires is not None:
            valid = as_of <= expires
        else:
            months = self.honour_validity.get(record["honour"], 0)
            valid = as_of < add_months(awarded, months) if months > 0 else True
        return IN_FORCE if awarded <= as_of and valid else NOT_COUNTING

    def _commitment_standing(self, record: dict, as_of: date) -> Standing:
        resolved = parse_date(record.get("resolved_on"))
        if record["status"] in ("fulfilled", "breached") and resolved is not None:
            if resolved <= as_of < add_months(resolved, self.commitment_months):
                return IN_FORCE
        return NOT_COUNTING


def state_standing(start: date, end: date | None, months: int, factor: Decimal, as_of: date) -> Standing:
    """A list state or an unpaid debt: in force from `start` until `end`, then a residual."""
    if as_of < start:
        return NOT_COUNTING
    if end is None or as_of < end:
        return IN_FORCE
    if months > 0 and as_of < add_months(end, months):
        return Standing(factor, False)
    return NOT_COUNTING


# --------------------------------------------------------------------------------------------
# Features


def record_class(record: dict) -> str:
    subtype_field = {
        "penalty": "severity",
        "listing": "list",
        "arrears": "arrears",
        "honour": "honour",
        "commitment": "status",
    }[record["kind"]]
    return f"{record['kind']}.{record[subtype_field]}"


def record_amount(record: dict) -> Decimal | None:
    if record["kind"] in ("penalty", "listing", "arrears"):
        return to_decimal(record.get("amount"))
    return None


def tax_grades(enterprise: dict) -> list[tuple[int, str]]:
    """(year, grade), latest year first."""
    grades = (enterprise.get("ratings") or {}).get("tax_grades") or {}
    return sorted(((int(year), grade) for year, grade in grades.items()), reverse=True)


def grade_in_force(enterprise: dict, as_of: date) -> str | None:
    """The latest grade, if it assesses one of the two years before `as_of`'s year."""
    grades = tax_grades(enterprise)
    if grades and as_of.year - 2 <= grades[0][0] <= as_of.year - 1:
        return grades[0][1]
    return None


def consecutive_a_years(enterprise: dict, as_of: date) -> int:
    if grade_in_force(enterprise, as_of) is None:
        return 0
    count = 0
    expected = None
    for year, grade in tax_grades(enterprise):
        if grade != "A" or (expected is not None and year != expected):
            break
        count += 1
        expected = year - 1
    return count


def numeric_feature(name: str, e: dict, as_of: date) -> Decimal | None:
    finance = e.get("finance") or {}
    if name == "age_years":
        return Decimal(whole_years(parse_date(e["established_on"]), as_of))
    if name == "registered_capital":
        return to_decimal(e.get("registered_capital"))
    if name in (
        "tax_paid_12m",
        "revenue_12m",
        "existing_loans",
        "social_insurance_headcount",
        "social_insurance_months_paid_12m",
    ):
        return to_decimal(finance.get(name))
    if name == "consecutive_a_tax_years":
        return Decimal(consecutive_a_years(e, as_of))
    if name == "months_since_last_tax_payment":
        last = parse_date(finance.get("last_tax_payment_on"))
        return None if last is None else Decimal(whole_months(last, as_of))
    raise NotImplementedError(name)


def category_feature(name: str, e: dict, as_of: date) -> str | None:
    ratings = e.get("ratings") or {}
    if name == "status":
        return e.get("status") or "operating"
    if name == "size":
        return e.get("size")
    if name == "tax_grade":
        return grade_in_force(e, as_of)
    if name == "customs_class":
        return ratings.get("customs")
    if name == "samr_risk_class":
        return ratings.get("samr_risk")
    if name == "industry_section":
        industry = e.get("industry")
        return industry[0] if industry else None
    raise NotImplementedError(name)


def check_dates(e: dict, as_of: date) -> None:
    """No date may lie after `as_of`, except the forward-looking disclosure end and expiry."""
    dates = [("established_on", e["established_on"])]
    dates.append(("finance.last_tax_payment_on", (e.get("finance") or {}).get("last_tax_payment_on")))
    for i, r in enumerate(e.get("records") or []):
        for field in (
            "decided_on",
            "repaired_on",
            "listed_on",
            "removed_on",
            "since",
            "paid_on",
            "awarded_on",
            "made_on",
            "resolved_on",
        ):
            dates.append((f"records[{i}].{field}", r.get(field)))
    for path, text in dates:
        if text is not None and parse_date(text) > as_of:
            raise FutureDate(f"{path} {text} is after {as_of}")
    # A grade assesses a year that is over: one for the year of `as_of` or later cannot exist.
    grades = tax_grades(e)
    if grades and grades[0][0] >= as_of.year:
        raise FutureDate(f"ratings.tax_grades.{grades[0][0]} assesses a year not over on {as_of}")


# --------------------------------------------------------------------------------------------
# Scoring


class Scorer:
    """Scores enterprises with a model."""

    def __init__(self, model: Model | None = None):
        self.model = model or Model.load()

    @staticmethod
    def bins_points(ind: Indicator, value: Decimal | None) -> Decimal:
        """The points of the first bin whose (exclusive) upper bound lies above the value."""
        if value is None:
            return ind.missing
        for to, points in ind.bins:
            if to is None or value < to:
                return points
        return ind.missing

    @staticmethod
    def category_points(ind: Indicator, value: str | None) -> Decimal:
        if value is None:
            return ind.missing
        return ind.points.get(value, ind.other)

    @staticmethod
    def amount_factor(ind: Indicator, amount: Decimal | None) -> Decimal:
        """The factor of the last band (in model order) whose `from` the amount reaches."""
        if amount is None:
            return ONE
        for start, factor in reversed(ind.amount_factors):
            if amount >= start:
                return factor
        return ONE

    def score(self, e: dict, as_of: date) -> Result:
        with localcontext(EXACT):
            return self._score(e, as_of)

    def _score(self, e: dict, as_of: date) -> Result:
        m = self.model
        check_dates(e, as_of)
        raw = [ZERO] * len(m.indicators)

        for i, ind in enumerate(m.indicators):
            if ind.kind == "bins":
                raw[i] = self.bins_points(ind, numeric_feature(ind.feature, e, as_of))
            elif ind.kind == "category":
                raw[i] = self.category_points(ind, category_feature(ind.feature, e, as_of))

        classes_in_force = set()
        for record in e.get("records") or []:
            standing = m.standing(record, as_of)
            if standing.factor == 0:
                continue
            cls = record_class(record)
            if standing.in_force:
                classes_in_force.add(cls)
            if cls not in m.class_points:
                continue
            i, per_record = m.class_points[cls]
            ind = m.indicators[i]
            points = per_record * standing.factor * self.amount_factor(ind, record_amount(record))
            if record["kind"] == "penalty":
                points *= ind.domain_factors.get(record.get("domain") or "other", ONE)
            raw[i] += points

        dimensions = [base for base, _ in m.dimensions]
        for i, ind in enumerate(m.indicators):
            points = raw[i]
            if ind.kind in ("deduction", "bonus"):
                if ind.cap is not None:
                    points = min(points, ind.cap)
                if ind.kind == "deduction":
                    points = -points
            dimensions[ind.dimension] += points
        score = sum(
            (
                min(max(points, ZERO), maximum)
                for points, (_, maximum) in zip(dimensions, m.dimensions, strict=True)
            ),
            ZERO,
        )

        by_score = m.grade_index(score)
        grade = by_score
        for classes, feature, values, cap in m.vetoes:
            applies = bool(classes & classes_in_force)
            if feature is not None and category_feature(feature, e, as_of) in values:
                applies = True
            if applies:
                grade = max(grade, cap)
        return Result(score, m.grades[grade][0], m.grades[by_score][0])


def read_jsonl(lines: Iterable[str]) -> Iterator[dict]:
    for line in lines:
        if line.strip():
            yield json.loads(line)


def score_file(path: Path | str, as_of: date, scorer: Scorer | None = None) -> list[Result | Exception]:
    """Every non-blank line of a JSON Lines file, scored (or the error that prevented it)."""
    scorer = scorer or Scorer()
    results: list[Result | Exception] = []
    with open(path, encoding="utf-8") as f:
        for enterprise in read_jsonl(f):
            try:
                results.append(scorer.score(enterprise, as_of))
            except FutureDate as err:
                results.append(err)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="JSON Lines file of enterprises")
    parser.add_argument("--as-of", required=True, type=date.fromisoformat)
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    args = parser.parse_args(argv)
    scorer = Scorer(Model.load(args.model))
    with open(args.input, encoding="utf-8") as f:
        for e in read_jsonl(f):
            try:
                r = scorer.score(e, args.as_of)
                out = {
                    "uscc": e["uscc"],
                    "score": f"{r.score.normalize():f}",
                    "grade": r.grade,
                    "grade_by_score": r.grade_by_score,
                }
            except FutureDate as err:
                out = {"uscc": e.get("uscc"), "error": str(err)}
            print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
