"""Edge cases for the oracle: rewrite a synthetic registry so its dates and amounts sit on the
model's boundaries.

`xinyong synth` writes realistic registries, and realism avoids exactly the cases where two
implementations are most likely to disagree: a repair before the minimum disclosure period, a
repaired penalty that cannot be repaired, gaps between tax-grade years, a list removal exactly
residual-months before the evaluation date, a listing exactly its list's term (and residual)
before it, a tax grade too old to be in force, an amount exactly on an amount-factor threshold, a
31st or a 29 February plus some months. This script moves a share of the values onto those
boundaries (and one day either side), deterministically from a seed, keeping every record valid
except for a few dates deliberately put after the evaluation date, which both tools must refuse.

    python3 bench/perturb.py --as-of 2026-06-30 --seed 1 registry.jsonl perturbed.jsonl
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
from datetime import date, timedelta

FEATURE_THRESHOLDS = {  # bin bounds of the default model, and one amount either side
    "registered_capital": [1000000, 5000000, 10000000],
    "tax_paid_12m": [1, 20000, 100000, 1000000],
    "revenue_12m": [1, 1000000, 10000000],
}
AMOUNT_THRESHOLDS = [100000, 1000000]
LEAP_DAYS = [date(2016, 2, 29), date(2020, 2, 29), date(2024, 2, 29)]


def shift_months(d: date, months: int) -> date:
    """`d` moved by whole months (either way), the day clamped to the month's end."""
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


class Perturber:
    def __init__(self, as_of: date, seed: int):
        self.as_of = as_of
        self.rng = random.Random(seed)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def near(self, d: date) -> date:
        """The date itself or one day either side."""
        return d + timedelta(days=self.rng.choice((-1, 0, 0, 1)))

    def boundary(self, months: int) -> date:
        """A date whose `months`-month period ends on or next to the evaluation date."""
        anchor = shift_months(self.as_of, -months)
        if self.chance(0.2):  # the 31st, or 29 February, of that month when there is one
            last = calendar.monthrange(anchor.year, anchor.month)[1]
            anchor = anchor.replace(day=last)
        return min(self.near(anchor), self.as_of)

    def amount(self, thresholds: list[int]) -> str:
        t = self.rng.choice(thresholds)
        return self.rng.choice(
            [f"{t}", f"{t - 1}", f"{t}.00", f"{t - 1}.99", f"{t}.01", f"{t:.0e}".replace("+0", "")]
        )

    def enterprise(self, e: dict) -> dict:
        a = self.as_of
        if self.chance(0.2):
            established = shift_months(a, -12 * self.rng.randint(0, 12))
            e["established_on"] = min(self.near(established), a).isoformat()
        elif self.chance(0.02):
            e["established_on"] = self.rng.choice([d for d in LEAP_DAYS if d <= a]).isoformat()
        if self.chance(0.25):
            years = [y for y in range(a.year - 7, a.year) if self.chance(0.7)]
            if self.chance(0.01):  # a grade for a year not yet over: refused
                years.append(a.year)
            grades = {str(y): self.rng.choice("AAAABMCD") for y in years}
            e.setdefault("ratings", {})["tax_grades"] = grades
        finance = e.setdefault("finance", {})
        for name, thresholds in FEATURE_THRESHOLDS.items():
            if self.chance(0.1):
                target = e if name == "registered_capital" else finance
                target[name] = self.amount(thresholds)
        if self.chance(0.1):
            finance["social_insurance_headcount"] = self.rng.choice([0, 1, 9, 10, 49, 50])
        if self.chance(0.1):
            finance["social_insurance_months_paid_12m"] = self.rng.choice([0, 5, 6, 11, 12])
        if not finance:
            del e["finance"]
        for record in e.get("records", []):
            getattr(self, record["kind"])(record)
        if self.chance(0.003) and e.get("records"):
            record = self.rng.choice(e["records"])
            start = {
                "penalty": "decided_on",
                "listing": "listed_on",
                "arrears": "since",
                "honour": "awarded_on",
                "commitment": "made_on",
            }[record["kind"]]
            record[start] = (a + timedelta(days=1)).isoformat()
            for later in (
                "disclosure_end",
                "repaired_on",
                "removed_on",
                "paid_on",
                "expires_on",
                "resolved_on",
            ):
                record.pop(later, None)
            if record.get("status") in ("fulfilled", "breached"):
                record["status"] = "pending"
        return e

    def penalty(self, r: dict) -> None:
        periods = {"minor": (0, 3), "ordinary": (3, 12), "serious": (12, 36)}
        if self.chance(0.05):  # a penalty repair can never end early
            r.update(
                severity="serious",
                measure=self.rng.choice(["licence_revocation", "closure"]),
                domain=self.rng.choice(["food", "drug", "safety", "environment", "special_equipment"]),
            )
        minimum, maximum = periods[r["severity"]]
        if self.chance(0.15):
            r["decided_on"] = self.boundary(self.rng.choice([minimum, maximum])).isoformat()
        decided = date.fromisoformat(r["decided_on"])
        for later in ("repaired_on", "disclosure_end"):  # keep the record's dates in order
            if later in r and date.fromisoformat(r[later]) < decided:
                r[later] = decided.isoformat()
        if self.chance(0.3):
            months = self.rng.randint(0, maximum + 2)
            repaired = self.near(shift_months(decided, months)) if self.chance(0.5) else self.boundary(months)
            r["repaired_on"] = min(max(repaired, decided), self.as_of).isoformat()
        if self.chance(0.15):
            r["disclosure_end"] = max(self.near(self.as_of), decided).isoformat()
        if "amount" in r and self.chance(0.2):
            r["amount"] = self.amount(AMOUNT_THRESHOLDS)

    def _state(self, r: dict, start_field: str, end_field: str, residual_months: int) -> None:
        if self.chance(0.3):
            end = self.boundary(self.rng.choice([0, residual_months]))
            r[end_field] = end.isoformat()
            if date.fromisoformat(r[start_field]) > end:
                r[start_field] = (end - timedelta(days=self.rng.randint(0, 400))).isoformat()
        elif self.chance(0.05):  # listed or owed from the evaluation date or the day before
            r[start_field] = min(self.near(self.as_of), self.as_of).isoformat()
            r.pop(end_field, None)

    def listing(self, r: dict) -> None:
        residual = {
            "abnormal_operation": 6,
            "dishonest_debtor": 6,
            "serious_violation": 12,
            "major_tax_violation": 12,
        }.get(r["list"], 0)
        term = {"serious_violation": 36, "major_tax_violation": 36}.get(r["list"])
        if term and self.chance(0.3):
            # Listed its term (or its term and residual) before the evaluation date, give or
            # take a day; not removed, or removed about when the term ends.
            listed = self.boundary(term + self.rng.choice([0, residual]))
            r["listed_on"] = listed.isoformat()
            r.pop("removed_on", None)
            if self.chance(0.5):
                removed = self.near(shift_months(listed, term))
                r["removed_on"] = min(max(removed, listed), self.as_of).isoformat()
        else:
            self._state(r, "listed_on", "removed_on", residual)
        if self.chance(0.2):
            r["amount"] = self.amount(AMOUNT_THRESHOLDS)

    def arrears(self, r: dict) -> None:
        self._state(r, "since", "paid_on", 3)
        if self.chance(0.3):
            r["amount"] = self.amount(AMOUNT_THRESHOLDS)

    def honour(self, r: dict) -> None:
        validity = {"high_tech": 36, "specialised_sme": 36, "contract_abiding": 24, "other": 12}.get(
            r["honour"], 0
        )
        if self.chance(0.3):
            r["awarded_on"] = self.boundary(validity or 12).isoformat()
            r.pop("expires_on", None)
        elif self.chance(0.3):
            r["expires_on"] = max(self.near(self.as_of), date.fromisoformat(r["awarded_on"])).isoformat()

    def commitment(self, r: dict) -> None:
        if r["status"] != "pending" and self.chance(0.4):
            resolved = self.boundary(36)
            r["resolved_on"] = resolved.isoformat()
            if date.fromisoformat(r["made_on"]) > resolved:
                r["made_on"] = (resolved - timedelta(days=self.rng.randint(0, 200))).isoformat()


def perturb_file(source, target, as_of: date, seed: int) -> None:
    p = Perturber(as_of, seed)
    with open(source, encoding="utf-8") as src, open(target, "w", encoding="utf-8") as dst:
        for line in src:
            if line.strip():
                dst.write(json.dumps(p.enterprise(json.loads(line)), ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--as-of", required=True, type=date.fromisoformat)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    perturb_file(args.source, args.target, args.as_of, args.seed)


if __name__ == "__main__":
    main()
