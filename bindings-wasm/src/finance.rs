//! Financing matching: a product catalog against enterprises' financing demands, with graph
//! facts from a relationship graph when the matcher is given one.

use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use xinyong::date::Date;
use xinyong::finance::{Catalog, Demand, DemandMatch, GraphSource, MatchOptions, ReferenceRate};
use xinyong::graph::RelationGraph;
use xinyong::{Evaluator, Model};

use crate::convert::{IntoJs, date, invalid, json_text, options, to_js};
use crate::error::OrThrow;
use crate::graph::Graph;

/// The sample catalog the fixtures and the pages use (illustrative products, not any bank's
/// terms): bundled so a page can match demands with no download.
const SAMPLE_CATALOG: &str = include_str!("../../fixtures/finance/catalog.json");

/// The bundled sample product catalog (JSON text).
#[wasm_bindgen(js_name = sampleCatalogJson)]
pub fn sample_catalog_json() -> String {
    SAMPLE_CATALOG.to_owned()
}

/// A validated catalog with the model that grades demands and the ranking options; with
/// `withGraph`, also the relationship graph the demands' graph facts come from.
#[wasm_bindgen]
pub struct Matcher {
    evaluator: Evaluator,
    catalog: Rc<Catalog>,
    options: MatchOptions,
    graph: Option<Rc<RelationGraph>>,
}

/// One entry of [`Matcher::match_many`]: the match or the error, with its position.
#[derive(Serialize)]
struct Entry<'a> {
    index: usize,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    matched: Option<&'a DemandMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a xinyong::Error>,
}

#[wasm_bindgen]
impl Matcher {
    /// Reads `catalogJson` and checks it against the model (`modelJson`, or the embedded
    /// default). `options` may set any of `reference_rate` (`{percent, since}`), `order` (of
    /// `"coverage"`, `"rate"`, `"term_fit"`), `near_misses` and `offers` (the best N eligible
    /// offers; absent or null: every eligible product); the rest keep their defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = catalogJson)] catalog_json: &str,
        #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "MatchOptions")]
        options_value: Option<JsValue>,
        #[wasm_bindgen(js_name = modelJson, unchecked_optional_param_type = "string")]
        model_json: Option<String>,
    ) -> Result<Matcher, JsValue> {
        let evaluator = match model_json {
            None => Evaluator::default_model(),
            Some(text) => Evaluator::new(Model::from_json(&text).or_throw()?).or_throw()?,
        };
        let options = options::<MatchOptions>(options_value, "options")?;
        let rate = options.reference_rate;
        ReferenceRate::new(rate.percent, rate.since).map_err(|e| match e {
            // The rate is one member of the options.
            xinyong::Error::InvalidField { path, message } => {
                invalid(&format!("options.{path}"), &message).into_js()
            }
            other => other.into_js(),
        })?;
        let catalog = Catalog::from_json(catalog_json, evaluator.model()).or_throw()?;
        Ok(Matcher { evaluator, catalog: Rc::new(catalog), options, graph: None })
    }

    /// A matcher like this one that computes every demand's graph facts (guarantee circle,
    /// close links of the guarantor named) from `graph`, with the guarantees in force on each
    /// call's `asOf`, ignoring the `graph_facts` demands state. The graph is shared, not copied;
    /// this matcher is unchanged and still uses the stated facts.
    #[wasm_bindgen(js_name = withGraph)]
    pub fn with_graph(&self, graph: &Graph) -> Matcher {
        Matcher {
            evaluator: self.evaluator.clone(),
            catalog: Rc::clone(&self.catalog),
            options: self.options.clone(),
            graph: Some(graph.shared()),
        }
    }

    /// Whether graph facts come from a relationship graph (`withGraph`) rather than from the
    /// demands.
    #[wasm_bindgen(getter, js_name = hasGraph)]
    pub fn has_graph(&self) -> bool {
        self.graph.is_some()
    }

    /// Evaluates the demand's enterprise on `asOf` and matches it: eligible offers with limit
    /// and rate, near misses with their gaps.
    #[wasm_bindgen(js_name = matchDemand, unchecked_return_type = "DemandMatch")]
    pub fn match_demand(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Demand | string")] demand: &JsValue,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
    ) -> Result<JsValue, JsValue> {
        let demand = Demand::from_json(&json_text(demand, "demand")?).or_throw()?;
        let as_of = date(as_of, "as_of")?;
        to_js(&self.with_engine(as_of, |m| m.match_demand(&demand, as_of)).or_throw()?)
    }

    /// As `matchDemand`, from and to JSON text: the engine's pretty JSON and a final newline,
    /// byte for byte the golden match files.
    #[wasm_bindgen(js_name = matchJson)]
    pub fn match_json(
        &self,
        #[wasm_bindgen(js_name = demandJson)] demand_json: &str,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
    ) -> Result<String, JsValue> {
        let demand = Demand::from_json(demand_json).or_throw()?;
        let as_of = date(as_of, "as_of")?;
        let matched = self.with_engine(as_of, |m| m.match_demand(&demand, as_of)).or_throw()?;
        Ok(matched.to_json_pretty() + "\n")
    }

    /// Matches every demand (objects or JSON texts); one entry per demand, in order:
    /// `{index, match}` or `{index, error}`. Throws only when the graph's guarantees on `asOf`
    /// cannot be analysed.
    #[wasm_bindgen(js_name = matchMany, unchecked_return_type = "MatchEntry[]")]
    pub fn match_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<Demand | string>")] demands: &js_sys::Array,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
    ) -> Result<JsValue, JsValue> {
        let as_of = date(as_of, "as_of")?;
        let texts = demands
            .iter()
            .enumerate()
            .map(|(i, d)| json_text(&d, &format!("demands[{i}]")))
            .collect::<Result<Vec<String>, JsValue>>()?;
        let results = self
            .with_engine(as_of, |m| Ok(m.match_texts(texts.iter().map(String::as_str), as_of)))
            .or_throw()?;
        let entries: Vec<Entry<'_>> = results
            .iter()
            .enumerate()
            .map(|(index, r)| Entry { index, matched: r.as_ref().ok(), error: r.as_ref().err() })
            .collect();
        to_js(&entries)
    }

    /// The catalog as validated, pretty JSON.
    #[wasm_bindgen(js_name = catalogJson)]
    pub fn catalog_json(&self) -> String {
        self.catalog.to_json_pretty()
    }

    /// Runs `work` with the engine matcher, built per call (indexing the catalog is cheap next
    /// to evaluating a demand); with a graph, its facts come from the guarantees in force on
    /// `as_of`.
    fn with_engine<T>(
        &self,
        as_of: Date,
        work: impl FnOnce(&xinyong::finance::Matcher<'_>) -> xinyong::Result<T>,
    ) -> xinyong::Result<T> {
        let matcher =
            xinyong::finance::Matcher::new(&self.evaluator, &self.catalog, self.options.clone());
        match &self.graph {
            None => work(&matcher),
            Some(graph) => {
                let source = GraphSource::new(graph, as_of)?;
                work(&matcher.with_graph(&source))
            }
        }
    }
}
