//! The relationship graph: building it from JSON Lines or CSV, and its analyses (integrated
//! ownership, beneficial owners, control, group clients, guarantee circles, contagion).

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::json;
use wasm_bindgen::prelude::*;
use xinyong::Decimal;
use xinyong::graph::contagion::{ContagionConfig, debt_rank};
use xinyong::graph::groups::{GroupConfig, groups};
use xinyong::graph::guarantee::{GuaranteeConfig, analyse};
use xinyong::graph::ownership::{Ownership, OwnershipConfig};
use xinyong::graph::{
    BuildPolicy, BuildReport, DuplicatePolicy, EdgeKind, GraphBuilder, GuaranteeStatus,
    OversubscribedPolicy, RelationGraph, Role,
};
use xinyong::num::Amount;

use crate::convert::{IntoJs, date, invalid, json_text, to_js};
use crate::error::OrThrow;

/// A frozen relationship graph and the report of its build. The graph is shared, not copied,
/// with the matchers given it (`Matcher.withGraph`).
#[wasm_bindgen]
pub struct Graph {
    graph: Rc<RelationGraph>,
    report: BuildReport,
}

/// The build policy as JavaScript gives it; every member optional. The engine's policy types
/// are not deserialisable, so the names are read here, with the engine's spelling.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PolicyInput {
    duplicates: Option<String>,
    oversubscribed: Option<String>,
    implicit_enterprises: Option<bool>,
}

/// A node, for drawing.
#[derive(Serialize)]
struct NodeOut<'a> {
    key: &'a str,
    name: Option<&'a str>,
    person: bool,
}

/// An edge, for drawing: its endpoints, its kind and the attributes of that kind.
#[derive(Serialize)]
struct EdgeOut<'a> {
    from: &'a str,
    to: &'a str,
    relation: EdgeKind,
    #[serde(with = "xinyong::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    share: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<GuaranteeStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
}

/// The group-client options as JavaScript gives them; every member optional.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct GroupOptions {
    control: Option<bool>,
    common_controller: Option<bool>,
    key_persons: Option<bool>,
    key_roles: Option<Vec<Role>>,
    mutual_guarantees: Option<bool>,
    max_person_firms: Option<usize>,
    state_owners: Option<Vec<String>>,
    state_by_authority: Option<bool>,
}

impl GroupOptions {
    /// Overrides the members given.
    fn apply(self, config: &mut GroupConfig) {
        let c = config;
        c.control = self.control.unwrap_or(c.control);
        c.common_controller = self.common_controller.unwrap_or(c.common_controller);
        c.key_persons = self.key_persons.unwrap_or(c.key_persons);
        c.mutual_guarantees = self.mutual_guarantees.unwrap_or(c.mutual_guarantees);
        c.max_person_firms = self.max_person_firms.unwrap_or(c.max_person_firms);
        c.state_by_authority = self.state_by_authority.unwrap_or(c.state_by_authority);
        if let Some(roles) = self.key_roles {
            c.key_roles = roles;
        }
        if let Some(owners) = self.state_owners {
            c.state_owners = owners;
        }
    }
}

/// A map of USCC to yuan (net assets, equity), given as strings or numbers.
#[derive(Deserialize, Default)]
struct Yuan(#[serde(with = "xinyong::num::decimal_map")] BTreeMap<String, Decimal>);

fn policy(value: Option<JsValue>) -> Result<BuildPolicy, JsValue> {
    let mut policy = BuildPolicy::default();
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(policy);
    };
    let given: PolicyInput = serde_json::from_str(&json_text(&value, "policy")?)
        .map_err(|e| invalid("policy", &e.to_string()).into_js())?;
    if let Some(name) = given.duplicates {
        policy.duplicates = match name.as_str() {
            "merge" => DuplicatePolicy::Merge,
            "reject" => DuplicatePolicy::Reject,
            _ => return Err(invalid("policy.duplicates", "expected merge or reject").into_js()),
        };
    }
    if let Some(name) = given.oversubscribed {
        policy.oversubscribed = match name.as_str() {
            "reject" => OversubscribedPolicy::Reject,
            "renormalise" => OversubscribedPolicy::Renormalise,
            "keep" => OversubscribedPolicy::Keep,
            _ => {
                let message = "expected reject, renormalise or keep";
                return Err(invalid("policy.oversubscribed", message).into_js());
            }
        };
    }
    if let Some(implicit) = given.implicit_enterprises {
        policy.implicit_enterprises = implicit;
    }
    Ok(policy)
}

fn yuan(value: Option<JsValue>, what: &str) -> Result<BTreeMap<String, Decimal>, JsValue> {
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(BTreeMap::new());
    };
    let map: Yuan = serde_json::from_str(&json_text(&value, what)?)
        .map_err(|e| invalid(what, &e.to_string()).into_js())?;
    Ok(map.0)
}

#[wasm_bindgen]
impl Graph {
    /// Builds a graph from JSON Lines (`{"node": ...}` and `{"edge": ...}` lines). `policy` may
    /// set `duplicates` (`"merge"` | `"reject"`), `oversubscribed` (`"reject"` |
    /// `"renormalise"` | `"keep"`) and `implicit_enterprises` (boolean).
    #[wasm_bindgen(js_name = fromJsonl)]
    pub fn from_jsonl(
        text: &str,
        #[wasm_bindgen(js_name = policy, unchecked_optional_param_type = "BuildPolicy")]
        policy_value: Option<JsValue>,
    ) -> Result<Graph, JsValue> {
        let mut builder = GraphBuilder::new(policy(policy_value)?);
        builder.read_jsonl(text).or_throw()?;
        let (graph, report) = builder.freeze().or_throw()?;
        Ok(Graph { graph: Rc::new(graph), report })
    }

    /// Builds a graph from CSV edges (a header row naming columns of the edge format); the
    /// policy is as for `fromJsonl`.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(
        text: &str,
        #[wasm_bindgen(js_name = policy, unchecked_optional_param_type = "BuildPolicy")]
        policy_value: Option<JsValue>,
    ) -> Result<Graph, JsValue> {
        let mut builder = GraphBuilder::new(policy(policy_value)?);
        builder.read_csv_edges(text).or_throw()?;
        let (graph, report) = builder.freeze().or_throw()?;
        Ok(Graph { graph: Rc::new(graph), report })
    }

    /// What the build changed or noticed: implied enterprises, treasury shares removed,
    /// duplicates merged, oversubscribed firms.
    #[wasm_bindgen(unchecked_return_type = "BuildReport")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        to_js(&self.report)
    }

    /// Every node `{key, name, person}`, in node order.
    #[wasm_bindgen(unchecked_return_type = "GraphNode[]")]
    pub fn nodes(&self) -> Result<JsValue, JsValue> {
        let g = &self.graph;
        let nodes: Vec<NodeOut<'_>> = (0..g.node_count() as u32)
            .map(|v| NodeOut { key: g.key_str(v), name: g.name(v), person: g.is_person(v) })
            .collect();
        to_js(&nodes)
    }

    /// Every edge `{from, to, relation, share?, amount?, status?, role?}` after the build's
    /// merges, for drawing: shareholdings, control agreements, key roles, guarantees, supply.
    #[wasm_bindgen(unchecked_return_type = "GraphEdge[]")]
    pub fn edges(&self) -> Result<JsValue, JsValue> {
        to_js(&self.edge_list())
    }

    /// Integrated (direct and indirect) ownership of `firm`.
    #[wasm_bindgen(unchecked_return_type = "FirmOwnership")]
    pub fn ownership(&self, firm: &str) -> Result<JsValue, JsValue> {
        to_js(&self.analysis_of_ownership().of(firm).or_throw()?)
    }

    /// Beneficial owners of `firm`, with the basis of the finding and the ownership chains.
    #[wasm_bindgen(js_name = beneficialOwners, unchecked_return_type = "BeneficialOwners")]
    pub fn beneficial_owners(&self, firm: &str) -> Result<JsValue, JsValue> {
        to_js(&self.analysis_of_ownership().beneficial_owners(firm).or_throw()?)
    }

    /// The ultimate controllers of `firm` (node keys).
    pub fn controllers(&self, firm: &str) -> Result<Vec<String>, JsValue> {
        self.analysis_of_ownership().controllers(firm).or_throw()
    }

    /// Cross-holding cycles that have no integrated ownership, with the reason.
    #[wasm_bindgen(unchecked_return_type = "UnresolvableCycle[]")]
    pub fn unresolvable(&self) -> Result<JsValue, JsValue> {
        to_js(&self.analysis_of_ownership().unresolvable())
    }

    /// Guarantee circles in force on `asOf`. `netAssets` (optional) maps USCCs to net assets in
    /// yuan for the exposure ratios.
    #[wasm_bindgen(js_name = guaranteeCircles, unchecked_return_type = "GuaranteeAnalysis")]
    pub fn guarantee_circles(
        &self,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(js_name = netAssets, unchecked_optional_param_type = "YuanByFirm")]
        net_assets: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let config = GuaranteeConfig::new(date(as_of, "as_of")?);
        let net_assets = yuan(net_assets, "netAssets")?;
        to_js(&analyse(&self.graph, &net_assets, config).or_throw()?)
    }

    /// The group clients on `asOf` (control, common control, key persons, mutual guarantees),
    /// each with the ties that joined it; `options` switches tests and sets their limits.
    #[wasm_bindgen(unchecked_return_type = "Groups")]
    pub fn groups(
        &self,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "GroupOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let mut config = GroupConfig::new(date(as_of, "as_of")?);
        if let Some(value) = options.filter(|v| !v.is_undefined() && !v.is_null()) {
            let given: GroupOptions = serde_json::from_str(&json_text(&value, "options")?)
                .map_err(|e| invalid("options", &e.to_string()).into_js())?;
            given.apply(&mut config);
        }
        to_js(&groups(&self.graph, config).or_throw()?)
    }

    /// DebtRank contagion over the guarantees in force on `asOf`, from the `seeds` (USCCs; none
    /// when omitted). `equity` (optional) maps USCCs to equity in yuan; without it firms are
    /// weighed equally.
    #[wasm_bindgen(unchecked_return_type = "DebtRank")]
    pub fn contagion(
        &self,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "string[]")] seeds: Option<Vec<String>>,
        #[wasm_bindgen(unchecked_optional_param_type = "YuanByFirm")] equity: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let config = ContagionConfig::new(date(as_of, "as_of")?);
        let equity = yuan(equity, "equity")?;
        let seeds = seeds.unwrap_or_default();
        let seeds: Vec<&str> = seeds.iter().map(String::as_str).collect();
        to_js(&debt_rank(&self.graph, &equity, &seeds, config).or_throw()?)
    }

    /// The golden analysis document of `fixtures/graph/`: `{report, unresolvable, firms}`, with
    /// each enterprise's `{ownership, beneficial_owners}` in key order.
    #[wasm_bindgen(unchecked_return_type = "GraphAnalysis")]
    pub fn analysis(&self) -> Result<JsValue, JsValue> {
        let ownership = self.analysis_of_ownership();
        let g = &self.graph;
        // Every enterprise in node order: the whole-registry pass, equal firm for firm to the
        // per-firm query.
        let registry = ownership.registry_owners().or_throw()?;
        let mut firms = Vec::with_capacity(registry.len());
        let reports = (0..registry.len())
            .filter_map(|p| registry.firm(p).map(|v| (v, registry.report(p, true))));
        for (v, owners) in reports {
            firms.push(json!({
                "ownership": ownership.of(g.key_str(v)).or_throw()?,
                "beneficial_owners": owners.or_throw()?,
            }));
        }
        let document = json!({
            "report": self.report,
            "unresolvable": ownership.unresolvable(),
            "firms": firms,
        });
        to_js(&document)
    }
}

impl Graph {
    /// The engine graph, shared.
    pub(crate) fn shared(&self) -> Rc<RelationGraph> {
        Rc::clone(&self.graph)
    }

    fn analysis_of_ownership(&self) -> Ownership<'_> {
        Ownership::new(&self.graph, OwnershipConfig::default())
    }

    fn edge_list(&self) -> Vec<EdgeOut<'_>> {
        let g = &self.graph;
        let edge = |from: u32, to: u32, relation: EdgeKind| EdgeOut {
            from: g.key_str(from),
            to: g.key_str(to),
            relation,
            share: None,
            amount: None,
            status: None,
            role: None,
        };
        let mut out = Vec::new();
        let holdings = g.shareholdings();
        for e in 0..holdings.edges().len() as u32 {
            if let Some((from, to)) = holdings.edges().endpoints(e) {
                let share = Some(holdings.share(e));
                out.push(EdgeOut { share, ..edge(from, to, EdgeKind::Shareholding) });
            }
        }
        let agreements = g.control_agreements();
        for e in 0..agreements.len() as u32 {
            if let Some((from, to)) = agreements.endpoints(e) {
                out.push(edge(from, to, EdgeKind::ControlAgreement));
            }
        }
        let roles = g.key_roles();
        for e in 0..roles.edges().len() as u32 {
            if let Some((from, to)) = roles.edges().endpoints(e) {
                out.push(EdgeOut { role: roles.role(e), ..edge(from, to, EdgeKind::KeyRole) });
            }
        }
        let guarantees = g.guarantees();
        for e in 0..guarantees.edges().len() as u32 {
            if let Some((from, to)) = guarantees.edges().endpoints(e) {
                let terms = guarantees.terms(e);
                out.push(EdgeOut {
                    amount: terms.map(|t| t.0),
                    status: terms.map(|t| t.3),
                    ..edge(from, to, EdgeKind::Guarantee)
                });
            }
        }
        let supply = g.supply_chain();
        for e in 0..supply.len() as u32 {
            if let Some((from, to)) = supply.endpoints(e) {
                out.push(edge(from, to, EdgeKind::SupplyChain));
            }
        }
        out
    }
}
