//! Majority control as a set fixpoint.
//!
//! `X` controls `Y` when `X`, together with the firms `X` already controls, holds more than half
//! of the votes of `Y` (the vote share where given, else the capital share), or when `X` or a
//! firm it controls has a control agreement over `Y`. Each member of the controlled set adds its
//! own stake once, when it joins, so no stake is ever counted twice. Stakes are summed exactly in
//! decimals: whether 50% + 0.01% is a majority must not depend on rounding.

use rust_decimal::Decimal;

use super::Ownership;
use crate::error::Result;

impl Ownership<'_> {
    /// The ultimate controllers of a firm: nodes that control it and are themselves controlled
    /// by no one, in node order. Empty when no chain of majorities reaches the firm.
    pub fn controllers(&self, firm: &str) -> Result<Vec<String>> {
        let t = self.firm_index(firm)?;
        Ok(self.controller_indices(t)?.iter().map(|&v| self.graph.key_str(v).to_owned()).collect())
    }

    pub(crate) fn controller_indices(&self, t: u32) -> Result<Vec<u32>> {
        let holdings = self.graph.shareholdings();
        let agreements = self.graph.control_agreements();
        let ancestors = self.ancestors(t, &[holdings.edges().reverse(), agreements.reverse()])?;
        let local = super::Local(&ancestors);
        let n = ancestors.len();
        let half = Decimal::new(5, 1);
        let mut votes = vec![Decimal::ZERO; n];
        let mut run_of = vec![usize::MAX; n];
        let mut controlled_by_other = vec![false; n];
        let mut controls_target = Vec::new();
        let mut touched = Vec::new();
        for (run, &x) in ancestors.iter().enumerate() {
            let mut work = vec![x];
            while let Some(z) = work.pop() {
                // Only stakes among the firm's holders matter, read from the smaller side.
                let stakes = holdings
                    .edges()
                    .arcs_among(z, &ancestors)
                    .into_iter()
                    .map(|(y, e)| (y, holdings.votes(e)));
                let deals = agreements
                    .arcs_among(z, &ancestors)
                    .into_iter()
                    .map(|(y, _)| (y, Decimal::ONE));
                for (y, stake) in stakes.chain(deals) {
                    let Some(ly) = local.get(y) else { continue };
                    if y == x || run_of[ly] == run {
                        continue;
                    }
                    if votes[ly].is_zero() {
                        touched.push(ly);
                    }
                    votes[ly] += stake;
                    if votes[ly] > half {
                        run_of[ly] = run;
                        controlled_by_other[ly] = true;
                        work.push(y);
                        if y == t {
                            controls_target.push(x);
                        }
                    }
                }
            }
            for ly in touched.drain(..) {
                votes[ly] = Decimal::ZERO;
            }
        }
        Ok(controls_target
            .into_iter()
            .filter(|&v| local.get(v).is_some_and(|lv| !controlled_by_other[lv]))
            .collect())
    }
}
