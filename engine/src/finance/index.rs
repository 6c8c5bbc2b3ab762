//! A candidate index over the catalog, so that a batch does not test every demand against
//! every product.
//!
//! Products are bucketed by region prefix (nationwide products in their own bucket) and, inside
//! the candidates of a region, by the GB/T 4754 section letters they include. A firm's
//! candidates are the products of every prefix of its region code whose include list is empty or
//! names its section. The index only narrows: each candidate is still checked against the full
//! scope rule, so results equal those of a full scan. Fallback: a firm without an industry code
//! is looked up by region alone and the scope rule decides.

use std::collections::BTreeMap;

use super::product::Catalog;
use crate::record::Enterprise;

/// Product indices by region prefix, and each product's included sections.
#[derive(Debug, Clone, Default)]
pub struct CatalogIndex {
    /// Region prefix → products naming it; `""` holds nationwide products.
    by_region: BTreeMap<String, Vec<usize>>,
    /// Per product: section letters of its include list (empty: every industry).
    sections: Vec<Vec<char>>,
}

impl CatalogIndex {
    /// Builds the index of a catalog.
    pub fn new(catalog: &Catalog) -> CatalogIndex {
        let mut by_region: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut sections = Vec::with_capacity(catalog.products().len());
        for (i, p) in catalog.products().iter().enumerate() {
            if p.regions.is_empty() {
                by_region.entry(String::new()).or_default().push(i);
            }
            for region in &p.regions {
                by_region.entry(region.clone()).or_default().push(i);
            }
            let mut letters: Vec<char> = p.industries.include.iter().map(|c| c.section()).collect();
            letters.sort_unstable();
            letters.dedup();
            sections.push(letters);
        }
        CatalogIndex { by_region, sections }
    }

    /// Indices of the products that may be in scope for the firm, ascending, without repeats.
    pub fn candidates(&self, firm: &Enterprise) -> Vec<usize> {
        let region = firm.region_code();
        let section = firm.industry.as_ref().map(|i| i.section());
        let mut out: Vec<usize> = (0..=region.len().min(6))
            .filter_map(|n| region.get(..n))
            .filter_map(|prefix| self.by_region.get(prefix))
            .flatten()
            .copied()
            .filter(|&i| {
                let included = self.sections.get(i).map_or(&[][..], Vec::as_slice);
                included.is_empty() || section.is_none_or(|s| included.contains(&s))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_firm_gets_only_the_products_of_its_region_and_industry() {
        let model = crate::model::Model::default_model();
        let text = include_str!("../../../fixtures/finance/catalog.json");
        let catalog = Catalog::from_json(text, &model).unwrap();
        let index = CatalogIndex::new(&catalog);
        let firm = |region: &str, industry: Option<&str>| {
            let industry = industry.map_or(String::new(), |i| format!(r#", "industry": "{i}""#));
            Enterprise::from_json(&format!(
                r#"{{"uscc": "91350200155000013M", "name": "t", "established_on": "2015-03-10",
                    "region": "{region}"{industry}}}"#
            ))
            .unwrap()
        };
        let ids = |e: &Enterprise| -> Vec<&str> {
            index.candidates(e).iter().map(|&i| catalog.products()[i].id.as_str()).collect()
        };
        let xiamen = firm("350203", Some("C3911"));
        assert_eq!(
            ids(&xiamen),
            [
                "ccb-tax-cloud",
                "fj-xinyidai",
                "guarantee-line",
                "micro-first-loan",
                "mortgage-line",
                "specialised-sme",
                "tax-m-starter",
                "xm-tech-credit"
            ]
        );
        let shanghai_farm = ids(&firm("310115", Some("A0111")));
        assert!(
            shanghai_farm.contains(&"agri-credit") && shanghai_farm.contains(&"sh-tax-grade-line")
        );
        assert!(!shanghai_farm.contains(&"specialised-sme"));
        // The index never drops a product in scope, whatever the region and industry.
        for region in ["310115", "350203", "350902", "330100", "110000", "100000"] {
            for industry in [None, Some("A0111"), Some("C3911"), Some("I6510"), Some("K7010")] {
                let e = firm(region, industry);
                let found = index.candidates(&e);
                for (i, p) in catalog.products().iter().enumerate() {
                    if p.in_scope(e.region_code(), e.industry.as_ref()) {
                        assert!(found.contains(&i), "{} for {region} {industry:?}", p.id);
                    }
                }
            }
        }
        // Without an industry, the region decides and the scope rule does the rest.
        assert_eq!(ids(&firm("330100", None)).len(), 8);
    }
}
