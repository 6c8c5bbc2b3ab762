"""Vectorised batch scorer: the default evaluation model in pandas and NumPy.

This is how a data scientist would batch-score a whole registry: read the JSON Lines with
Arrow's JSON reader (nested structs and lists, parsed in C++), flatten the enterprises into one
table and their records into another, work out every record's standing with vectorised date
arithmetic, then group by enterprise and indicator, cap, clamp and grade.

Exactness without `Decimal` columns: every number of the model is turned into an integer at a
fixed scale chosen from the model itself (points to 10^p, each factor to 10^k, a record's points
times three factors to 10^(p + 3k)), and the arithmetic runs in int64. Loading checks that the
worst case fits. Amounts are only ever compared with the model's integer thresholds (bin bounds,
amount bands), and for an integer T, `amount < T` exactly when `floor(amount) < T`, so only the
whole-yuan part of each amount is read, from its text, without passing through a binary float.

Reads every number from the model JSON; implements the constructs the default model uses and
raises `NotImplementedError` for anything else (fractional thresholds, vetoes on a whole record
kind, unknown indicator kinds or features, unknown or absent `decay` rules). It takes no
related-party context, so it leaves out `related_party` indicators, which contribute nothing
without one.

    python3 bench/reference_pandas.py --as-of 2026-06-30 registry.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "engine" / "src" / "model" / "default.json"

DAY = np.timedelta64(1, "D")
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
INT64_LIMIT = 2**62

# Record fields whose value can never lie after the evaluation date (the disclosure end and the
# honour expiry look forward and are exempt).
PAST_DATE_FIELDS = [
    "decided_on",
    "repaired_on",
    "listed_on",
    "removed_on",
    "since",
    "paid_on",
    "awarded_on",
    "made_on",
    "resolved_on",
]
DATE_FIELDS = PAST_DATE_FIELDS + ["disclosure_end", "expires_on"]
SUBTYPE_FIELD = {
    "penalty": "severity",
    "listing": "list",
    "arrears": "arrears",
    "honour": "honour",
    "commitment": "status",
}


# --------------------------------------------------------------------------------------------
# Vectorised helpers


def child(array, name: str):
    """A member of a struct column (null where the struct itself is null); None if no row has it."""
    if array is None or not pa.types.is_struct(array.type) or array.type.get_field_index(name) < 0:
        return None
    return pc.struct_field(array, name)


def to_days(array, n: int) -> np.ndarray:
    """A date column (inferred as timestamps, or ISO strings) as datetime64[D], NaT where absent."""
    if array is None or pa.types.is_null(array.type):
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        array = pc.strptime(array, format="%Y-%m-%d", unit="s")
    return array.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")


def days(column: pd.Series) -> np.ndarray:
    """A date column back as datetime64[D] (pandas stores dates at a finer resolution)."""
    return column.to_numpy().astype("datetime64[D]")


def to_objects(array, n: int) -> pd.Series:
    """A code column as plain Python strings, None where absent.

    Object dtype on purpose: the codes are looked up in small dicts (`map`, `isin`), which is
    several times faster on object columns than on pandas' Arrow-backed string dtype.
    """
    if array is None or pa.types.is_null(array.type):
        return pd.Series(np.full(n, None, dtype=object), dtype=object)
    return pd.Series(array.to_numpy(zero_copy_only=False), dtype=object)


def to_floats(array, n: int) -> np.ndarray:
    """An integer column as float64 with NaN where absent."""
    if array is None or pa.types.is_null(array.type):
        return np.full(n, np.nan)
    return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)


def add_months(d: np.ndarray, months) -> np.ndarray:
    """Whole calendar months added, the day clamped to the target month's end; NaT stays NaT."""
    month_start = d.astype("datetime64[M]")
    day = d - month_start.astype("datetime64[D]")
    target = month_start + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    length = (target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")
    return target.astype("datetime64[D]") + np.minimum(day, length - DAY)


def whole_months(start: np.ndarray, end: np.datetime64) -> np.ndarray:
    """Completed months from each start to `end`, 0 when `end` is earlier: the largest n with
    `add_months(start, n) <= end` (a month is complete on the same day or, in a shorter month,
    on its last day). NaT gives an undefined count, to be masked by the caller."""
    months = end.astype("datetime64[M]").astype(np.int64) - start.astype("datetime64[M]").astype(np.int64)
    months = months - (add_months(start, months) > end)
    return np.maximum(months, 0)


def floor_amounts(array, n: int) -> np.ndarray:
    """The whole part of each amount as float64, NaN where absent.

    Amounts written as strings are cut at the decimal point as text, so no binary float ever
    rounds them (exact below 2^53; larger values keep their order relative to every threshold
    below it). Amounts written as JSON numbers go through a float, as they do in the engine.
    """
    if array is None or pa.types.is_null(array.type):
        return np.full(n, np.nan)
    if pa.types.is_integer(array.type):
        return to_floats(array, n)
    if pa.types.is_floating(array.type):
        return np.floor(to_floats(array, n))
    text = pc.utf8_trim_whitespace(array)
    plain = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]+(\.[0-9]*)?$"), False)
    whole = pc.list_element(pc.split_pattern(pc.if_else(plain, text, None), ".", max_splits=1), 0)
    out = pc.cast(whole, pa.float64()).to_numpy(zero_copy_only=False)
    # Anything else (scientific notation, a leading '.', '-0'): read exactly, one by one.
    other = np.flatnonzero(
        ~plain.to_numpy(zero_copy_only=False) & text.is_valid().to_numpy(zero_copy_only=False)
    )
    for i in other:
        out[i] = float(int(Decimal(text[i].as_py())))
    return out


# --------------------------------------------------------------------------------------------
# The model in fixed point


def decimals(value) -> int:
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return max(0, -exponent)


def as_threshold(value) -> int:
    d = Decimal(str(value))
    if d != d.to_integral_value() or abs(d) >= 2**53:
        raise NotImplementedError(f"threshold {value} is not a whole number below 2^53")
    return int(d)


class FixedPointModel:
    """The model JSON with every points value at scale 10^S and every factor at 10^k."""

    def __init__(self, spec: dict):
        point_values, factor_values = [], []
        for dim in spec["dimensions"]:
            point_values += [dim["base_points"], dim["max_points"]]
            for ind in dim["indicators"]:
                point_values += [v for v in (ind.get("points") or {}).values()]
                point_values += [b["points"] for b in ind.get("bins") or []]
                point_values += [ind[k] for k in ("missing", "other", "cap") if ind.get(k) is not None]
                factor_values += [a["factor"] for a in ind.get("amount_factors") or []]
                factor_values += list((ind.get("domain_factors") or {}).values())
        point_values += [g["min_points"] for g in spec["grades"]]
        if "decay" not in spec:
            raise NotImplementedError("a model without `decay` (the national defaults)")
        decay = spec["decay"]
        residuals = list(decay.get("listing_residual", {}).values()) + [decay.get("arrears_residual")]
        factor_values += [r["factor"] for r in residuals if r]

        self.k = max(map(decimals, factor_values), default=0)
        self.p = max(map(decimals, point_values), default=0)
        self.scale = self.p + 3 * self.k  # of every points total
        self.factor_one = 10**self.k
        self.max_points_scaled = max(abs(Decimal(v)) for v in point_values) * 10**self.scale
        self.max_factor_scaled = max([Decimal(v) for v in factor_values] + [Decimal(1)]) * 10**self.k

        self.dimensions = [
            (self.points(d["base_points"]), self.points(d["max_points"])) for d in spec["dimensions"]
        ]
        self.indicators = []  # dicts with everything a column of the score table needs
        self.class_rule: dict[str, tuple[int, int]] = {}  # "penalty.serious" -> (indicator, points at 10^p)
        for d, dim in enumerate(spec["dimensions"]):
            for ind in dim["indicators"]:
                kind = ind["kind"]
                if kind == "related_party":
                    # Evaluated only with a related-party context, which this scorer never
                    # takes: without one it contributes nothing and is left out.
                    continue
                i = len(self.indicators)
                entry = {
                    "id": ind["id"],
                    "dimension": d,
                    "kind": kind,
                    "feature": ind.get("feature"),
                    "missing": self.points(ind.get("missing", "0")),
                }
                if kind == "bins":
                    entry["bins"] = [
                        (None if b["to"] is None else as_threshold(b["to"]), self.points(b["points"]))
                        for b in ind["bins"]
                    ]
                elif kind == "category":
                    entry["table"] = {k: self.points(v) for k, v in ind["points"].items()}
                    entry["other"] = self.points(ind.get("other", "0"))
                elif kind in ("deduction", "bonus"):
                    for subtype, points in ind["points"].items():
                        self.class_rule[f"{ind['records']}.{subtype}"] = (
                            i,
                            int(Decimal(points) * 10**self.p),
                        )
                    entry["cap"] = None if ind.get("cap") is None else self.points(ind["cap"])
                    entry["amount_factors"] = [
                        (as_threshold(a["from"]), self.factor(a["factor"]))
                        for a in ind.get("amount_factors") or []
                    ]
                    entry["domain_factors"] = {
                        k: self.factor(v) for k, v in (ind.get("domain_factors") or {}).items()
                    }
                else:
                    raise NotImplementedError(f"indicator kind {kind!r}")
                self.indicators.append(entry)

        self.grades = [(g["grade"], self.points(g["min_points"])) for g in spec["grades"]]
        codes = [g for g, _ in self.grades]
        self.vetoes = []
        for v in spec.get("vetoes", []):
            classes = list(v.get("records", []))
            if any("." not in c for c in classes):
                raise NotImplementedError("vetoes on a whole record kind")
            cap = codes.index(v["cap"]) if v["cap"] in codes else len(codes) - 1
            self.vetoes.append((classes, v.get("feature"), list(v.get("values", [])), cap))

        unknown = set(decay) - DECAY_KEYS
        if "unrepairable" not in decay:
            raise NotImplementedError("decay without `unrepairable` (the national rule)")
        if unknown or "by_domain" in decay["penalty"]:
            raise NotImplementedError(f"decay rules {sorted(unknown) or ['penalty.by_domain']}")
        self.penalty_periods = decay["penalty"]
        u = decay.get("unrepairable", {})
        self.unrepairable = (u.get("severities", []), u.get("measures", []), u.get("domains", []))
        self.listing_residual = {
            kind: (r["months"], self.factor(r["factor"]))
            for kind, r in decay.get("listing_residual", {}).items()
        }
        ar = decay.get("arrears_residual") or {"months": 0, "factor": "0"}
        self.arrears_residual = (ar["months"], self.factor(ar["factor"]))
        self.honour_validity = decay.get("honour_validity_months", {})
        self.commitment_months = decay["commitment_months"]
        self.listing_terms = decay.get("listing_max_months", NATIONAL_LISTING_TERMS)

    def points(self, value) -> int:
        return int(Decimal(str(value)) * 10**self.scale)

    def factor(self, value) -> int:
        return int(Decimal(str(value)) * 10**self.k)

    def check_fits(self, max_records_per_enterprise: int) -> None:
        worst = (self.max_points_scaled * self.max_factor_scaled**3 / 10 ** (3 * self.k)) * max(
            1, max_records_per_enterprise
        )
        if worst * 4 >= INT64_LIMIT:
            raise OverflowError("the model's numbers do not fit int64 fixed point for this registry")

    @classmethod
    def load(cls, path=DEFAULT_MODEL_PATH) -> "FixedPointModel":
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))


# --------------------------------------------------------------------------------------------
# Tables


def read_registry(path) -> pa.Table:
    """The registry as an Arrow table: nested structs for ratings and finance, a list of record
    structs per enterprise. Types are inferred; the engine's own output (amounts as strings)
    reads cleanly, a column mixing strings and numbers does not."""
    return pj.read_json(path)


def enterprise_table(table: pa.Table) -> pd.DataFrame:
    n = table.num_rows
    col = {name: table.column(name).combine_chunks() for name in table.column_names}
    finance, ratings = col.get("finance"), col.get("ratings")
    status = to_objects(col.get("status"), n)
    industry = col.get("industry")
    return pd.DataFrame(
        {
            "uscc": to_objects(col["uscc"], n),
            "established_on": to_days(col["established_on"], n),
            "status": status.fillna("operating"),
            "size": to_objects(col.get("size"), n),
            "industry_section": to_objects(
                None if industry is None else pc.utf8_slice_codeunits(industry, 0, 1), n
            ),
            "registered_capital": floor_amounts(col.get("registered_capital"), n),
            "tax_paid_12m": floor_amounts(child(finance, "tax_paid_12m"), n),
            "revenue_12m": floor_amounts(child(finance, "revenue_12m"), n),
            "existing_loans": floor_amounts(child(finance, "existing_loans"), n),
            "social_insurance_headcount": to_floats(child(finance, "social_insurance_headcount"), n),
            "social_insurance_months_paid_12m": to_floats(
                child(finance, "social_insurance_months_paid_12m"), n
            ),
            "last_tax_payment_on": to_days(child(finance, "last_tax_payment_on"), n),
            "customs_class": to_objects(child(ratings, "customs"), n),
            "samr_risk_class": to_objects(child(ratings, "samr_risk"), n),
        }
    )


def tax_grade_features(table: pa.Table, as_of: date) -> pd.DataFrame:
    """The tax grade in force and consecutive A years (counting back from it, no gaps). The
    grade in force is the latest one, if it assesses one of the two years before `as_of`'s
    year; an older latest grade counts as none, and starts no run.

    The grades arrive as a struct with one member per year seen anywhere in the registry; as a
    frame, one column per year, null where the enterprise has no grade for it.
    """
    n = table.num_rows
    ratings = table.column("ratings").combine_chunks() if "ratings" in table.column_names else None
    grades = child(ratings, "tax_grades")
    years = [] if grades is None else sorted((f.name for f in grades.type), key=int, reverse=True)
    if not years:
        return pd.DataFrame(
            {
                "tax_grade": pd.Series([None] * n, dtype=object),
                "consecutive_a_tax_years": 0,
                "latest_tax_grade_year": np.nan,
            }
        )
    frame = pd.DataFrame({int(y): to_objects(child(grades, y), n) for y in years}, index=range(n))
    latest_year = frame.notna().idxmax(axis=1).where(frame.notna().any(axis=1))
    tax_grade = pd.Series(None, index=frame.index, dtype=object)
    run = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    latest = latest_year.to_numpy(dtype=np.float64, na_value=np.nan)
    for year in frame.columns:  # latest first
        grade = frame[year]
        tax_grade = tax_grade.where(tax_grade.notna() | (latest != year), grade)
        reached = year <= latest
        ok = (grade == "A").to_numpy() & (year == latest - run)
        alive &= ~reached | ok
        run += reached & alive
    in_force = (latest >= as_of.year - 2) & (latest <= as_of.year - 1)
    tax_grade = tax_grade.where(in_force, None)
    run = np.where(in_force, run, 0)
    return pd.DataFrame(
        {"tax_grade": tax_grade, "consecutive_a_tax_years": run, "latest_tax_grade_year": latest}
    )


def record_table(table: pa.Table) -> pd.DataFrame:
    """One row per record, with its owner's row number in `ent`."""
    if "records" not in table.column_names:
        records, owners = pa.array([], pa.struct([])), np.zeros(0, dtype=np.int64)
    else:
        lists = table.column("records").combine_chunks()
        owners = pc.list_parent_indices(lists).to_numpy()
        records = pc.list_flatten(lists)
    n = len(records)
    frame = pd.DataFrame({"ent": owners.astype(np.int64)})
    for field in DATE_FIELDS:
        frame[field] = to_days(child(records, field), n)
    for field in ("kind", "severity", "domain", "measure", "list", "arrears", "honour", "status"):
        frame[field] = to_objects(child(records, field), n)
    frame["amount"] = floor_amounts(child(records, "amount"), n)
    frame["domain"] = frame["domain"].fillna("other")
    kind = frame["kind"]
    subtype = np.select(
        [kind == k for k in SUBTYPE_FIELD], [frame[f] for f in SUBTYPE_FIELD.values()], default=None
    )
    frame["class"] = (kind + "." + pd.Series(subtype, index=frame.index, dtype=object)).astype(object)
    return frame


# --------------------------------------------------------------------------------------------
# Standing of every record


def standings(rec: pd.DataFrame, m: FixedPointModel, as_of: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """(factor at 10^k, in force) for every record."""
    kind = rec["kind"].to_numpy()
    col = {f: days(rec[f]) for f in DATE_FIELDS}

    # Penalties: from the decision until the disclosure end (given, or the maximum period);
    # repair ends it early, but not before the minimum period and not if unrepairable.
    is_penalty = kind == "penalty"
    severity = rec["severity"]
    min_months = (
        severity.map({s: p["min_months"] for s, p in m.penalty_periods.items()}).fillna(0).to_numpy(np.int64)
    )
    max_months = (
        severity.map({s: p["max_months"] for s, p in m.penalty_periods.items()}).fillna(0).to_numpy(np.int64)
    )
    decided = col["decided_on"]
    natural = np.where(
        np.isnat(col["disclosure_end"]), add_months(decided, max_months), col["disclosure_end"] + DAY
    )
    severities, measures, domains = m.unrepairable
    repairable = ~(
        severity.isin(severities) & rec["measure"].isin(measures) & rec["domain"].isin(domains)
    ).to_numpy()
    repaired = col["repaired_on"]
    repaired_end = np.minimum(natural, np.maximum(repaired, add_months(decided, min_months)))
    end = np.where(~np.isnat(repaired) & repairable, repaired_end, natural)
    penalty_full = is_penalty & (decided <= as_of) & (as_of < end)

    # List states and arrears: while active, then a residual.
    is_listing = kind == "listing"
    is_arrears = kind == "arrears"
    is_state = is_listing | is_arrears
    start = np.where(is_listing, col["listed_on"], col["since"])
    stop = np.where(is_listing, col["removed_on"], col["paid_on"])
    # A list with a term ends an entry then, unless it was removed earlier.
    term = rec["list"].map(m.listing_terms)
    has_term = (is_listing & term.notna()).to_numpy()
    term_end = add_months(start, term.fillna(0).to_numpy(np.int64))
    stop = np.where(has_term & (np.isnat(stop) | (term_end < stop)), term_end, stop)
    listing_months = rec["list"].map({k: r[0] for k, r in m.listing_residual.items()})
    listing_factor = rec["list"].map({k: r[1] for k, r in m.listing_residual.items()})
    residual_months = np.where(is_arrears, m.arrears_residual[0], listing_months.fillna(0).to_numpy(np.int64))
    residual_factor = np.where(is_arrears, m.arrears_residual[1], listing_factor.fillna(0).to_numpy(np.int64))
    started = is_state & (start <= as_of)
    state_full = started & (np.isnat(stop) | (as_of < stop))
    state_residual = (
        started
        & ~np.isnat(stop)
        & (as_of >= stop)
        & (residual_months > 0)
        & (as_of < add_months(stop, residual_months))
    )

    # Honours: until the expiry (the last valid day) or the validity period, if any.
    validity = rec["honour"].map(m.honour_validity).fillna(0).to_numpy(np.int64)
    awarded = col["awarded_on"]
    expires = col["expires_on"]
    valid = np.where(
        ~np.isnat(expires),
        as_of <= expires,
        np.where(validity > 0, as_of < add_months(awarded, validity), True),
    )
    honour_full = (kind == "honour") & (awarded <= as_of) & valid

    # Commitments: fulfilled or breached ones count for a period from their resolution.
    resolved = col["resolved_on"]
    commitment_full = (
        (kind == "commitment")
        & rec["status"].isin(["fulfilled", "breached"]).to_numpy()
        & (resolved <= as_of)
        & (as_of < add_months(resolved, m.commitment_months))
    )

    in_force = penalty_full | state_full | honour_full | commitment_full
    factor = np.where(in_force, m.factor_one, np.where(state_residual, residual_factor, 0)).astype(np.int64)
    return factor, in_force


# --------------------------------------------------------------------------------------------
# Scoring


def score_registry(
    table: pa.Table, as_of: date, model: FixedPointModel | None = None, contributions: bool = False
) -> pd.DataFrame:
    """uscc, score (Decimal), grade, grade_by_score and error (a future date) per enterprise;
    with `contributions`, also one column per indicator (points at scale 10^S)."""
    m = model or FixedPointModel.load()
    day = np.datetime64(as_of.isoformat(), "D")
    n = table.num_rows
    ent = enterprise_table(table)
    ent = ent.join(tax_grade_features(table, as_of))
    rec = record_table(table)
    m.check_fits(int(np.bincount(rec["ent"], minlength=1).max()) if len(rec) else 0)

    # Features.
    ent["age_years"] = whole_months(days(ent["established_on"]), day) // 12
    last = days(ent["last_tax_payment_on"])
    ent["months_since_last_tax_payment"] = pd.array(
        np.where(np.isnat(last), np.nan, whole_months(last, day)), dtype="Float64"
    )

    # Points of every indicator, one column each, at scale 10^S.
    columns = np.zeros((n, len(m.indicators)), dtype=np.int64)
    record_indicators = []
    for i, ind in enumerate(m.indicators):
        if ind["kind"] == "bins":
            value = pd.to_numeric(ent[ind["feature"]]).to_numpy(dtype=np.float64, na_value=np.nan)
            conditions = [np.ones(n, bool) if to is None else value < to for to, _ in ind["bins"]]
            points = np.select(conditions, [p for _, p in ind["bins"]], default=ind["missing"])
            columns[:, i] = np.where(np.isnan(value), ind["missing"], points)
        elif ind["kind"] == "category":
            value = ent[ind["feature"]]
            points = value.map(ind["table"]).fillna(ind["other"]).where(value.notna(), ind["missing"])
            columns[:, i] = points.to_numpy(np.int64)
        else:
            record_indicators.append(i)

    # Records: standing, points per record, then per enterprise and indicator.
    factor, in_force = standings(rec, m, day)
    rule_indicator = rec["class"].map({c: r[0] for c, r in m.class_rule.items()})
    rule_points = rec["class"].map({c: r[1] for c, r in m.class_rule.items()})
    counted = (factor != 0) & rule_indicator.notna().to_numpy()
    scored = rec.loc[counted, ["ent", "kind", "domain", "amount"]]
    scored = scored.assign(indicator=rule_indicator[counted].to_numpy(np.int64))
    per_record = rule_points[counted].to_numpy(np.int64)
    amount_factor = np.full(len(scored), m.factor_one, dtype=np.int64)
    domain_factor = np.full(len(scored), m.factor_one, dtype=np.int64)
    indicator = scored["indicator"].to_numpy()
    amount = scored["amount"].to_numpy()
    is_penalty = (scored["kind"] == "penalty").to_numpy()
    for i in record_indicators:
        mine = indicator == i
        for start, f in m.indicators[i]["amount_factors"]:  # the last band reached wins
            amount_factor[mine & (amount >= start)] = f
        factors = m.indicators[i]["domain_factors"]
        if factors:
            by_domain = scored["domain"].map(factors).fillna(m.factor_one).to_numpy(np.int64)
            domain_factor = np.where(mine & is_penalty, by_domain, domain_factor)
    scored["points"] = per_record * factor[counted] * amount_factor * domain_factor
    totals = scored.groupby(["ent", "indicator"])["points"].sum().unstack(fill_value=0)
    for i in record_indicators:
        total = (
            totals[i].reindex(range(n), fill_value=0).to_numpy(np.int64)
            if i in totals
            else np.zeros(n, np.int64)
        )
        cap = m.indicators[i]["cap"]
        if cap is not None:
            total = np.minimum(total, cap)
        columns[:, i] = total if m.indicators[i]["kind"] == "bonus" else -total

    # Dimensions, score, grades.
    score = np.zeros(n, dtype=np.int64)
    for d, (base, maximum) in enumerate(m.dimensions):
        mine = [i for i, ind in enumerate(m.indicators) if ind["dimension"] == d]
        score += np.clip(base + columns[:, mine].sum(axis=1), 0, maximum)
    by_score = np.select(
        [score >= minimum for _, minimum in m.grades], list(range(len(m.grades))), default=len(m.grades) - 1
    )
    grade = by_score.copy()
    for classes, feature, values, cap in m.vetoes:
        hit = np.zeros(n, dtype=bool)
        if classes:
            on = rec.loc[in_force & rec["class"].isin(classes).to_numpy(), "ent"].to_numpy()
            hit[on] = True
        if feature is not None:
            hit |= ent[feature].isin(values).to_numpy()
        grade = np.where(hit, np.maximum(grade, cap), grade)

    # Enterprises with a date after the evaluation date cannot be evaluated.
    future = (days(ent["established_on"]) > day) | (last > day)
    # A grade assesses a year that is over: one for the year of `as_of` or later cannot exist.
    future |= ent["latest_tax_grade_year"].to_numpy() >= as_of.year
    late = np.zeros(len(rec), dtype=bool)
    for field in PAST_DATE_FIELDS:
        late |= days(rec[field]) > day
    future[rec.loc[late, "ent"].to_numpy()] = True

    codes = np.array([g for g, _ in m.grades], dtype=object)
    result = pd.DataFrame(
        {
            "uscc": ent["uscc"],
            "score": [Decimal(int(s)).scaleb(-m.scale) for s in score],
            "grade": codes[grade],
            "grade_by_score": codes[by_score],
            "error": future,
        }
    )
    if contributions:
        result = result.join(pd.DataFrame(columns, columns=[ind["id"] for ind in m.indicators]))
    return result


def score_file(path, as_of: date, model: FixedPointModel | None = None) -> pd.DataFrame:
    return score_registry(read_registry(path), as_of, model)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="JSON Lines file of enterprises")
    parser.add_argument("--as-of", required=True, type=date.fromisoformat)
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    args = parser.parse_args(argv)
    out = score_file(args.input, args.as_of, FixedPointModel.load(args.model))
    for row in out.itertuples(index=False):
        if row.error:
            print(json.dumps({"uscc": row.uscc, "error": "future_date"}))
        else:
            print(
                json.dumps(
                    {
                        "uscc": row.uscc,
                        "score": f"{row.score.normalize():f}",
                        "grade": row.grade,
                        "grade_by_score": row.grade_by_score,
                    },
                    ensure_ascii=False,
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
