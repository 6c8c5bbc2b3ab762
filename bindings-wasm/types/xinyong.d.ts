// Shapes of the plain objects the xinyong WebAssembly package takes and returns. Included in the
// generated declarations (crate xinyong-wasm, `typescript_custom_section`), so every export is
// typed against them; tests/node/typecheck.ts checks them with `tsc --noEmit`.
//
// Decimals are strings (`"910"`, `"0.638298"`), dates `YYYY-MM-DD` strings. Member names are the
// engine's (snake_case), so these objects equal `JSON.parse` of the engine's and the CLI's JSON.

/** A decimal number written as a string, exactly as the engine computed it. */
export type DecimalString = string;
/** A calendar date, `YYYY-MM-DD`. */
export type DateString = string;
/** A text in Chinese and English. */
export interface Label { zh: string; en: string }
/** Report language. */
export type Lang = "zh" | "en";

/** The stable kind of an engine error: the `name` of every thrown engine error. */
export type ErrorKind =
  | "invalid_uscc" | "malformed_json" | "invalid_field" | "unknown_record_kind"
  | "inconsistent_dates" | "future_date" | "invalid_model" | "line_too_long" | "invalid_utf8"
  | "limit_exceeded" | "io";

/** An engine error as serialised in batch entries (and as the CLI prints it). */
export interface EngineErrorInfo {
  kind: ErrorKind;
  message: string;
  path?: string;
  line?: number;
  column?: number;
  problems?: ModelProblem[];
  reason?: string;
  position?: number | null;
  date?: DateString;
  as_of?: DateString;
  limit?: number;
  what?: string;
  found?: number;
}

/** A thrown engine error: a real `Error` whose `name` is the kind, with the context fields. */
export interface EngineError extends Error, Omit<EngineErrorInfo, "kind" | "message"> {
  name: ErrorKind;
}

// ---- USCC -------------------------------------------------------------------------------------

/** The result of `validateUscc`: the object `xinyong uscc` prints. */
export interface UsccCheck {
  input: string;
  valid: boolean;
  normalized: string | null;
  error: { kind: string; position: number | null; message: string } | null;
  authority?: string;
  category?: string;
  region?: string;
  lenient?: boolean;
  check_character_expected?: string;
}

// ---- Model and evaluation -----------------------------------------------------------------------

/** One problem of a model file. */
export interface ModelProblem { path: string; message: string }

/**
 * An enterprise record document (see docs/records.md); accepted as an object or as JSON text,
 * and checked by the engine, so only its required identity members are typed here.
 */
export interface Enterprise {
  uscc: string;
  name: string;
  established_on: DateString;
  records?: object[];
  [member: string]: unknown;
}

export interface ModelStamp { id: string; version: string; hash: string }
export interface DimensionScore { id: string; points: DecimalString; max_points: DecimalString }
export interface Contribution {
  indicator: string;
  dimension: string;
  points: DecimalString;
  records?: number[];
  /** For a related-party indicator: the parts that deducted points. */
  related?: RelatedPartyCause[];
}
/** One part of a related-party deduction (docs/model.md, Related-party indicators). */
export interface RelatedPartyCause {
  part:
    | "dishonest_one_hop"
    | "dishonest_two_hops"
    | "dishonest_controller"
    | "guarantee_circle_size"
    | "guarantee_exposure_ratio"
    | "debt_rank_distress";
  value: DecimalString;
  points: DecimalString;
  parties?: string[];
}
/**
 * What the relationship graph says about a firm's related parties: one line of `xinyong graph
 * features` without `firm` and `dishonest`. Every member is optional.
 */
export interface RelatedParty {
  dishonest_within_1?: number;
  dishonest_within_2?: number;
  related_dishonest?: { firm: string; hops: number }[];
  guarantee_circle_size?: number;
  guarantee_exposure_ratio?: DecimalString | number | null;
  dishonest_controllers?: string[];
  debt_rank_distress?: DecimalString | number;
}
export interface AppliedVeto { id: string; cap: string; records?: number[] }
export interface Reason {
  code: string;
  points_lost: DecimalString | null;
  text: Label;
  records?: number[];
}
export interface PlanStep {
  record: number;
  record_id?: string;
  /** `kind.subtype`, e.g. `listing.abnormal_operation`. */
  class: string;
  action: Label;
  possible_from: DateString;
  gain: DecimalString;
  score_after: DecimalString;
  grade_after: string;
}
export interface Plan { steps: PlanStep[]; score_after: DecimalString; grade_after: string }

/** The engine's evaluation of one enterprise. */
export interface Evaluation {
  uscc: string;
  name: string;
  as_of: DateString;
  score: DecimalString;
  max_score: DecimalString;
  grade: string;
  grade_label: Label;
  grade_by_score: string;
  dimensions: DimensionScore[];
  vetoes: AppliedVeto[];
  reasons: Reason[];
  plan: Plan;
  contributions: Contribution[];
  model: ModelStamp;
}

/** One entry of `evaluateMany`: the evaluation or the error of the item at `index`. */
export type EvaluationEntry =
  | { index: number; evaluation: Evaluation; error?: never }
  | { index: number; error: EngineErrorInfo; evaluation?: never };

/** One entry of `evaluateJsonl`, with the 1-based line number. */
export type EvaluationLine = EvaluationEntry & { line: number };

/** The score-only evaluation (`grade`): the full evaluation's score, grades and veto ids. */
export interface Grading {
  uscc: string;
  score: DecimalString;
  grade: string;
  grade_by_score: string;
  /** Ids of the vetoes applied, in model order. */
  vetoes: string[];
}

/** One entry of `gradeMany`: the grading or the error of the item at `index`. */
export type GradingEntry =
  | { index: number; grading: Grading; error?: never }
  | { index: number; error: EngineErrorInfo; grading?: never };

// ---- Financing --------------------------------------------------------------------------------

export type RankKey = "coverage" | "rate" | "term_fit";
export interface ReferenceRate { percent: DecimalString; since: DateString }
/** Matching options; every member optional, the rest keep the engine's defaults. */
export interface MatchOptions {
  reference_rate?: { percent: DecimalString | number; since: DateString };
  order?: RankKey[];
  near_misses?: number;
  /** Report only the best N eligible offers; null or absent: every eligible product. */
  offers?: number | null;
}
/** A financing demand (see docs/finance.md): the enterprise and what it asks for. */
export interface Demand {
  id?: string;
  enterprise: Enterprise;
  [member: string]: unknown;
}
export type BoundKind =
  | "product_cap" | "grade_cap" | "tax_multiple" | "sales_multiple" | "debt_headroom";
export interface Offer {
  product: string;
  bank: string;
  name: string;
  limit: DecimalString;
  binding: BoundKind;
  bounds: { bound: BoundKind; value: DecimalString }[];
  explanation: Label;
  rate_percent: DecimalString;
  coverage: DecimalString;
  term_gap_months: number;
}
export interface Gap {
  condition: string;
  required: string;
  actual: string | null;
  short: DecimalString | null;
  text: Label;
  closable_by_plan: boolean;
  closable_from?: DateString;
}
export interface NearMiss {
  product: string;
  bank: string;
  name: string;
  failed: Gap[];
  plan_makes_eligible: boolean;
}
/** The match of one demand against a catalog. */
export interface DemandMatch {
  demand?: string;
  uscc: string;
  as_of: DateString;
  reference_rate: ReferenceRate;
  grade: string;
  score: DecimalString;
  plan_grade_after: string;
  eligible: Offer[];
  near_misses: NearMiss[];
}
export type MatchEntry =
  | { index: number; match: DemandMatch; error?: never }
  | { index: number; error: EngineErrorInfo; match?: never };

// ---- Relationship graph -------------------------------------------------------------------------

export interface BuildPolicy {
  duplicates?: "merge" | "reject";
  oversubscribed?: "reject" | "renormalise" | "keep";
  implicit_enterprises?: boolean;
}
export type EdgeKind = "shareholding" | "control_agreement" | "key_role" | "guarantee" | "supply_chain";
export interface BuildReport {
  implied_enterprises: string[];
  treasury_removed: { firm: string; share: DecimalString }[];
  duplicates_merged: { kind: EdgeKind; from: string; to: string; count: number }[];
  oversubscribed: { firm: string; total: DecimalString; action: "reject" | "renormalise" | "keep" }[];
}
export interface GraphNode { key: string; name: string | null; person: boolean }
export interface GraphEdge {
  from: string;
  to: string;
  relation: EdgeKind;
  share?: DecimalString;
  amount?: DecimalString;
  status?: "active" | "released";
  role?: "legal_representative" | "director" | "supervisor" | "manager";
}
export interface UnresolvableCycle {
  members: string[];
  reason: "closed_ring" | "divergent" | "too_large";
}
export interface IntegratedShare {
  owner: string;
  kind: "enterprise" | "person";
  direct: DecimalString;
  integrated: DecimalString;
}
export interface FirmOwnership {
  firm: string;
  owners: IntegratedShare[];
  unresolvable: UnresolvableCycle[];
}
export interface BeneficialOwner {
  person: string;
  share: DecimalString;
  chains: { path: string[]; share: DecimalString }[];
  chains_truncated: boolean;
}
export interface BeneficialOwners {
  firm: string;
  basis: "ownership" | "control" | "legal_representative" | "none";
  owners: BeneficialOwner[];
  controllers: string[];
  unresolvable: UnresolvableCycle[];
}
/** The golden analysis document of fixtures/graph/. */
export interface GraphAnalysis {
  report: BuildReport;
  unresolvable: UnresolvableCycle[];
  firms: { ownership: FirmOwnership; beneficial_owners: BeneficialOwners }[];
}
/** USCC → yuan, as strings or numbers. */
export type YuanByFirm = Record<string, DecimalString | number>;
export interface GuaranteeCircle {
  id: number;
  size: number;
  members: string[];
  pairs: { guarantor: string; borrower: string; contracts: number; amount: DecimalString }[];
  mutual_pairs: [string, string][];
  cycles: string[][];
  cycles_truncated: boolean;
  chains: { firm: string; hops: number }[];
}
export interface FirmGuarantees {
  firm: string;
  given: number;
  given_amount: DecimalString;
  received: number;
  received_amount: DecimalString;
  circle: number | null;
  circle_size: number;
  net_assets: DecimalString | null;
  exposure_ratio: DecimalString | null;
  close_linked: boolean;
}
export interface CloseLink {
  guarantor: string;
  borrower: string;
  basis: "guarantor_owns_borrower" | "borrower_owns_guarantor" | "common_holder";
  via: string | null;
  share: DecimalString;
}
export interface GuaranteeAnalysis {
  config: {
    as_of: DateString;
    max_cycle_length: number;
    max_cycles: number;
    max_cycle_steps: number;
    close_links: boolean;
  };
  active_guarantees: number;
  inactive_guarantees: number;
  circles: GuaranteeCircle[];
  firms: FirmGuarantees[];
  close_links: CloseLink[];
}
export type KeyRole = "legal_representative" | "director" | "supervisor" | "manager";
/** Which tests tie firms into group clients; every member optional (defaults as the engine's). */
export interface GroupOptions {
  control?: boolean;
  common_controller?: boolean;
  key_persons?: boolean;
  key_roles?: KeyRole[];
  mutual_guarantees?: boolean;
  max_person_firms?: number;
  state_owners?: string[];
  state_by_authority?: boolean;
}
export interface GroupTie {
  kind: "control" | "common_controller" | "key_person" | "mutual_guarantee";
  a: string;
  b: string;
  via?: string;
}
export interface Groups {
  config: Required<GroupOptions> & { as_of: DateString };
  groups: { id: number; members: string[]; ties: GroupTie[] }[];
  hubs_skipped: { person: string; firms: number }[];
}
export interface DebtRank {
  config: { as_of: DateString; lgd: DecimalString; initial_distress: DecimalString };
  firms: { firm: string; distress: DecimalString; seed: boolean; round: number }[];
  total_impact: DecimalString;
  weights: "equity" | "uniform";
  network_size: number;
  rounds: number;
  without_equity: string[];
}

// ---- Scorecards and metrics ---------------------------------------------------------------------

/** A row to score: field name → number, string or null (missing). */
export type ScorecardRow = Record<string, number | string | null>;
export interface ScorecardResult { score: DecimalString; reason_codes: string[] }

export type Direction = "higher_is_bad" | "higher_is_good";
export interface Ks { statistic: number; threshold: number; bad_share: number; good_share: number }
export interface Psi {
  value: number;
  level: "stable" | "watch" | "shift";
  bins: { expected_share: number; actual_share: number; contribution: number }[];
}
export interface ScorePsi {
  cut_points: number[];
  expected_counts: number[];
  actual_counts: number[];
  psi: Psi;
}
export interface WoeOptions { convention?: "good_over_bad" | "bad_over_good"; zero_count?: number }
export interface IvTable {
  convention: "good_over_bad" | "bad_over_good";
  bins: { goods: number; bads: number; good_share: number; bad_share: number; woe: number; iv: number }[];
  iv: number;
  band: "useless" | "weak" | "medium" | "strong" | "suspicious";
}
export interface Binomial {
  defaults: number;
  n: number;
  pd: number;
  expected_defaults: number;
  observed_rate: number;
  p_value: number;
  cumulative: number;
  light: "green" | "yellow" | "red";
}
export interface HosmerLemeshow {
  statistic: number;
  degrees_of_freedom: number;
  p_value: number;
  groups: { count: number; observed: number; expected: number; min_probability: number; max_probability: number }[];
}
export interface MigrationMatrix {
  grades: string[];
  counts: number[][];
  row_shares: number[][];
  total: number;
  upgrades: number;
  downgrades: number;
  stable: number;
  upgrade_share: number;
  downgrade_share: number;
  stable_share: number;
}
