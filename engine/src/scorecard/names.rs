//! PMML spellings of every enumerated attribute value, shared by the importer and the exporter
//! so the two cannot drift apart.

use super::data::{
    Closure, DataType, InvalidValueTreatment, MissingValueTreatment, OpType, UsageType,
    ValueProperty,
};
use super::expr::{BooleanOperator, SetOperator};
use super::scaling::{InterceptPlacement, OddsDirection, Rounding};
use super::{BaselineMethod, ReasonCodeAlgorithm};

pub(super) const OPTYPES: [(OpType, &str); 3] = [
    (OpType::Categorical, "categorical"),
    (OpType::Ordinal, "ordinal"),
    (OpType::Continuous, "continuous"),
];
pub(super) const DATA_TYPES: [(DataType, &str); 4] = [
    (DataType::String, "string"),
    (DataType::Integer, "integer"),
    (DataType::Float, "float"),
    (DataType::Double, "double"),
];
pub(super) const CLOSURES: [(Closure, &str); 4] = [
    (Closure::OpenOpen, "openOpen"),
    (Closure::OpenClosed, "openClosed"),
    (Closure::ClosedOpen, "closedOpen"),
    (Closure::ClosedClosed, "closedClosed"),
];
pub(super) const PROPERTIES: [(ValueProperty, &str); 3] = [
    (ValueProperty::Valid, "valid"),
    (ValueProperty::Invalid, "invalid"),
    (ValueProperty::Missing, "missing"),
];
pub(super) const USAGE_TYPES: [(UsageType, &str); 4] = [
    (UsageType::Active, "active"),
    (UsageType::Predicted, "predicted"),
    (UsageType::Target, "target"),
    (UsageType::Supplementary, "supplementary"),
];
pub(super) const MISSING_TREATMENTS: [(MissingValueTreatment, &str); 6] = [
    (MissingValueTreatment::AsIs, "asIs"),
    (MissingValueTreatment::AsMean, "asMean"),
    (MissingValueTreatment::AsMode, "asMode"),
    (MissingValueTreatment::AsMedian, "asMedian"),
    (MissingValueTreatment::AsValue, "asValue"),
    (MissingValueTreatment::ReturnInvalid, "returnInvalid"),
];
pub(super) const INVALID_TREATMENTS: [(InvalidValueTreatment, &str); 3] = [
    (InvalidValueTreatment::ReturnInvalid, "returnInvalid"),
    (InvalidValueTreatment::AsIs, "asIs"),
    (InvalidValueTreatment::AsMissing, "asMissing"),
];
pub(super) const ALGORITHMS: [(ReasonCodeAlgorithm, &str); 2] = [
    (ReasonCodeAlgorithm::PointsBelow, "pointsBelow"),
    (ReasonCodeAlgorithm::PointsAbove, "pointsAbove"),
];
pub(super) const BASELINE_METHODS: [(BaselineMethod, &str); 5] = [
    (BaselineMethod::Max, "max"),
    (BaselineMethod::Min, "min"),
    (BaselineMethod::Mean, "mean"),
    (BaselineMethod::Neutral, "neutral"),
    (BaselineMethod::Other, "other"),
];
pub(super) const SET_OPERATORS: [(SetOperator, &str); 2] =
    [(SetOperator::IsIn, "isIn"), (SetOperator::IsNotIn, "isNotIn")];
pub(super) const BOOLEAN_OPERATORS: [(BooleanOperator, &str); 4] = [
    (BooleanOperator::And, "and"),
    (BooleanOperator::Or, "or"),
    (BooleanOperator::Xor, "xor"),
    (BooleanOperator::Surrogate, "surrogate"),
];

/// `Extension/@extender` of the extensions this crate writes.
pub(super) const EXTENDER: &str = "xinyong";
/// `Extension/@name` of the scaling metadata under the `Scorecard` element.
pub(super) const SCALING_EXTENSION: &str = "scaling";
pub(super) const ODDS_DIRECTIONS: [(OddsDirection, &str); 2] =
    [(OddsDirection::GoodToBad, "goodToBad"), (OddsDirection::BadToGood, "badToGood")];
pub(super) const INTERCEPT_PLACEMENTS: [(InterceptPlacement, &str); 2] =
    [(InterceptPlacement::BasePoints, "basePoints"), (InterceptPlacement::Spread, "spread")];
pub(super) const ROUNDINGS: [(Rounding, &str); 2] =
    [(Rounding::None, "none"), (Rounding::Integer, "integer")];
