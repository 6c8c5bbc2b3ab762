//! A candidate index over the catalog, so that a batch does not test every demand against
//! every product.
//!
//! Products are bucketed by region prefix (nationwide products in their own bucket) and, inside
//! the candidates of a region, by the GB/T 4754 section letters they include. A firm's
//! candidates are the products of every prefix of its region code whose include list is empty or
//! names its section. The index only narrows: each candidate is still checked against the full
//! scope rule, so results equal those of a full scan. Fallback: a firm without an industry code
//! is looked up by region alone and the scope rule decides.
//!
//! The candidates of a firm depend only on the longest region prefix of the catalog that its
//! region code starts with: every shorter catalog prefix of the code is a prefix of that one.
//! So the index also keeps, per catalog prefix, the products of the whole chain of prefixes
//! merged once (ascending, without repeats, each with its sections as a bit mask), and a demand
//! reads its candidates from one list instead of merging, sorting and filtering several.

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
    /// Region prefix, packed by [`prefix_key`], → its chain: the products of it and of every
    /// shorter prefix, merged. Sorted by key: a demand finds its chain by a few integer
    /// comparisons instead of string comparisons in a map.
    chain_of: Vec<(u64, usize)>,
    /// The chains, by the numbers `chain_of` gives them.
    chains: Vec<Vec<Candidate>>,
}

/// A product in a chain of region prefixes, with the sections it includes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub index: u32,
    /// Bit per section letter of its include list (see [`section_bit`]); 0: every industry.
    pub sections: u32,
}

/// Region prefixes longer than this never match: a firm's prefixes are at most this long.
const LONGEST_PREFIX: usize = 6;

/// A section letter's bit; anything but `A` to `Z` shares the last bit, which only widens the
/// candidates (the scope rule is checked on each).
fn section_bit(section: char) -> u32 {
    match section {
        'A'..='Z' => 1 << (u32::from(section) - u32::from('A')),
        _ => 1 << 26,
    }
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
        let (chain_of, chains) = chains(&by_region, &sections);
        CatalogIndex { by_region, sections, chain_of, chains }
    }

    /// Every chain, by number: what the compiled catalog lays out in columns.
    pub(super) fn chains(&self) -> &[Vec<Candidate>] {
        &self.chains
    }

    /// The number of the chain of the firm's longest catalog prefix, if any prefix of its
    /// region code is in the catalog.
    pub(super) fn chain(&self, firm: &Enterprise) -> Option<usize> {
        let region = firm.region_code();
        (0..=region.len().min(LONGEST_PREFIX)).rev().filter_map(|n| region.get(..n)).find_map(
            |prefix| {
                let key = prefix_key(prefix)?;
                let at = self.chain_of.binary_search_by_key(&key, |&(k, _)| k).ok()?;
                self.chain_of.get(at).map(|&(_, chain)| chain)
            },
        )
    }

    /// The bit a firm's candidates must share with a product's include sections (every bit
    /// for a firm without an industry: the scope rule then decides).
    pub(super) fn wanted_sections(firm: &Enterprise) -> u32 {
        firm.industry.as_ref().map_or(u32::MAX, |i| section_bit(i.section()))
    }

    /// As [`CatalogIndex::candidates`], read from the merged chain of the firm's longest
    /// catalog prefix, without allocating: ascending, without repeats.
    pub(super) fn candidates_iter<'i>(
        &'i self,
        firm: &Enterprise,
    ) -> impl Iterator<Item = usize> + use<'i> {
        let wanted = Self::wanted_sections(firm);
        let chain = self.chain(firm).and_then(|c| self.chains.get(c));
        chain
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(move |c| c.sections == 0 || c.sections & wanted != 0)
            .filter_map(|c| usize::try_from(c.index).ok())
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

/// Per region prefix of the catalog, the products of its chain of prefixes, merged: the
/// prefixes with the numbers of their chains, and the chains.
fn chains(
    by_region: &BTreeMap<String, Vec<usize>>,
    sections: &[Vec<char>],
) -> (Vec<(u64, usize)>, Vec<Vec<Candidate>>) {
    let (mut chain_of, mut chains) = (Vec::new(), Vec::new());
    for prefix in by_region.keys().filter(|p| p.len() <= LONGEST_PREFIX) {
        let mut merged: Vec<usize> = (0..=prefix.len())
            .filter_map(|n| prefix.get(..n))
            .filter_map(|p| by_region.get(p))
            .flatten()
            .copied()
            .collect();
        merged.sort_unstable();
        merged.dedup();
        let chain = merged
            .into_iter()
            .filter_map(|i| {
                let letters = sections.get(i).map_or(&[][..], Vec::as_slice);
                let bits = letters.iter().fold(0, |m, &c| m | section_bit(c));
                Some(Candidate { index: u32::try_from(i).ok()?, sections: bits })
            })
            .collect();
        if let Some(key) = prefix_key(prefix) {
            chain_of.push((key, chains.len()));
        }
        chains.push(chain);
    }
    chain_of.sort_unstable();
    (chain_of, chains)
}

/// A region prefix of at most [`LONGEST_PREFIX`] bytes as one integer: its bytes from the top
/// down, its length in the lowest byte, so that two prefixes have the same key only when they
/// are the same. `None` for a longer prefix, which never matches.
fn prefix_key(prefix: &str) -> Option<u64> {
    let bytes = prefix.as_bytes();
    if bytes.len() > LONGEST_PREFIX {
        return None;
    }
    let packed =
        (bytes.iter().enumerate()).fold(0, |key, (i, &b)| key | u64::from(b) << (56 - 8 * i));
    Some(packed | bytes.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_keys_tell_prefixes_apart() {
        let prefixes = ["", "3", "33", "330", "3301", "33010", "330106", "0", "00", "\u{0}"];
        let keys: Vec<u64> = prefixes.iter().map(|p| prefix_key(p).unwrap()).collect();
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(prefix_key("3301067"), None);
    }

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
                assert_eq!(index.candidates_iter(&e).collect::<Vec<_>>(), found);
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
