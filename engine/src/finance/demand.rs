//! A financing demand: the enterprise with everything known of it, and what it asks for.

use serde::Deserialize;

use super::graph_facts::GraphFacts;
use super::product::Collateral;
use crate::error::{Error, Result};
use crate::num::Amount;
use crate::record::Enterprise;

/// What a firm asks for on the financing platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    /// The platform's demand id, echoed in the result.
    pub id: Option<String>,
    /// The enterprise, as in `docs/records.md`.
    pub enterprise: Enterprise,
    /// Amount requested, yuan (above zero).
    pub amount: Amount,
    /// Term requested, months (at least 1).
    pub term_months: u32,
    /// Purpose as the firm states it (working capital, equipment ...), free text.
    pub purpose: Option<String>,
    /// Collateral the firm can offer.
    pub collateral: Collateral,
    /// The guarantor offered (a USCC or a person's key in the relationship graph), for a
    /// guarantee-backed demand.
    pub guarantor: Option<String>,
    /// Relationship-graph facts stated by a caller without a graph; a matcher with a graph
    /// computes them instead.
    pub graph_facts: GraphFacts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemandWire<'a> {
    #[serde(default)]
    id: Option<String>,
    /// The enterprise's text as it stands in the demand, read by the enterprise's own reader:
    /// once, and with the errors (repeated fields included) that reader gives.
    #[serde(borrow)]
    enterprise: &'a serde_json::value::RawValue,
    amount: Amount,
    term_months: u32,
    #[serde(default)]
    purpose: Option<String>,
    #[serde(default)]
    collateral: Collateral,
    #[serde(default)]
    guarantor: Option<String>,
    #[serde(default)]
    graph_facts: GraphFacts,
}

impl Demand {
    /// Reads and validates one demand from JSON text.
    ///
    /// Errors are those of [`Enterprise::from_json`], with paths under `enterprise.`, and
    /// [`Error::InvalidField`] for the demand's own fields.
    pub fn from_json(text: &str) -> Result<Demand> {
        let wire: DemandWire = crate::record::from_json_text(text)?;
        if wire.amount.value().is_zero() {
            return Err(Error::field("amount", "the amount requested must be above zero"));
        }
        if wire.term_months == 0 {
            return Err(Error::field("term_months", "the term must be at least 1 month"));
        }
        let enterprise = Enterprise::from_json(wire.enterprise.get()).map_err(nest)?;
        Ok(Demand {
            id: wire.id,
            enterprise,
            amount: wire.amount,
            term_months: wire.term_months,
            purpose: wire.purpose,
            collateral: wire.collateral,
            guarantor: wire.guarantor,
            graph_facts: wire.graph_facts,
        })
    }
}

impl Demand {
    /// Writes the demand as one line of JSON in the format [`Demand::from_json`] reads.
    pub fn to_json(&self) -> String {
        let text = |v: &str| serde_json::to_string(v).unwrap_or_default();
        let mut out = String::from("{");
        if let Some(id) = &self.id {
            out.push_str(&format!("\"id\": {}, ", text(id)));
        }
        out.push_str(&format!(
            "\"enterprise\": {}, \"amount\": \"{}\", \"term_months\": {}",
            self.enterprise.to_json(),
            self.amount,
            self.term_months
        ));
        if let Some(purpose) = &self.purpose {
            out.push_str(&format!(", \"purpose\": {}", text(purpose)));
        }
        out.push_str(&format!(", \"collateral\": \"{}\"", self.collateral.as_str()));
        if let Some(guarantor) = &self.guarantor {
            out.push_str(&format!(", \"guarantor\": {}", text(guarantor)));
        }
        if self.graph_facts != GraphFacts::default() {
            let facts = serde_json::to_string(&self.graph_facts).unwrap_or_default();
            out.push_str(&format!(", \"graph_facts\": {facts}"));
        }
        out.push('}');
        out
    }
}

/// Moves an enterprise error's path under `enterprise`, where it is in the demand.
fn nest(e: Error) -> Error {
    let under = |path: String| {
        if path.is_empty() || path == "." {
            "enterprise".to_owned()
        } else {
            format!("enterprise.{path}")
        }
    };
    match e {
        Error::InvalidField { path, message } => Error::InvalidField { path: under(path), message },
        Error::UnknownRecordKind { path, kind } => {
            Error::UnknownRecordKind { path: under(path), kind }
        }
        Error::InconsistentDates { path, message } => {
            Error::InconsistentDates { path: under(path), message }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use crate::synth::{SynthConfig, registry};

    fn demand_of(enterprise: &str) -> Result<Demand> {
        Demand::from_json(&format!(
            r#"{{"id": "d-1", "enterprise": {enterprise}, "amount": "300000", "term_months": 12}}"#
        ))
    }

    /// The enterprise of a demand is the one its text reads as alone, whatever the spacing.
    #[test]
    fn the_enterprise_is_read_as_its_text_alone_reads() {
        let config = SynthConfig::new(30, 11, parse_date("2026-06-30").unwrap());
        for e in registry(&config) {
            let text = e.to_json();
            let alone = Enterprise::from_json(&text).unwrap();
            assert_eq!(demand_of(&text).unwrap().enterprise, alone);
            let spaced = text.replace(',', " ,\n\t ");
            assert_eq!(demand_of(&spaced).unwrap().enterprise, alone);
        }
    }

    /// A field the enterprise repeats, an unknown one or a wrong type is refused as for the
    /// enterprise alone, its path under `enterprise`.
    #[test]
    fn enterprise_errors_are_those_of_the_enterprise_alone_under_its_path() {
        let cases = [
            r#"{"uscc": "91350200155000013M", "name": "A", "name": "B", "established_on": "2015-03-10"}"#,
            r#"{"uscc": "91350200155000013M", "name": "A", "established_on": "2015-03-10", "colour": 1}"#,
            r#"{"uscc": "91350200155000013M", "name": "A", "established_on": "2015-03-10", "records": [[1]]}"#,
        ];
        for text in cases {
            let alone = Enterprise::from_json(text).unwrap_err();
            let in_demand = demand_of(text).unwrap_err();
            assert_eq!(in_demand.kind(), alone.kind(), "{text}");
            assert_eq!(in_demand, nest(alone), "{text}");
            if let Error::InvalidField { path, .. } = &in_demand {
                assert!(path.starts_with("enterprise"), "{path}");
            }
        }
    }
}
