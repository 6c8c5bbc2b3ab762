//! The records an enterprise carries (DOMAIN section 3): penalties, list states, arrears, honours
//! and credit commitments, each with the dates that decide how long it counts.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::num::Amount;

/// Declares a closed vocabulary: a serde enum with snake_case names and a static name table.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The JSON name of this value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// Looks a value up by its JSON name.
            pub fn from_name(name: &str) -> Option<$name> {
                match name { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// Severity of an administrative penalty (轻微 / 一般 / 严重).
    Severity {
        /// Warning, criticism or a low fine.
        Minor = "minor",
        /// The ordinary case.
        Ordinary = "ordinary",
        /// Serious violations: heavy fines, licence revocation, closure.
        Serious = "serious",
    }
}

vocabulary! {
    /// The regulatory domain of a penalty; some domains make serious penalties unrepairable.
    Domain {
        /// Food safety.
        Food = "food",
        /// Drugs and medical devices.
        Drug = "drug",
        /// Work safety.
        Safety = "safety",
        /// Fire safety.
        Fire = "fire",
        /// Environmental protection.
        Environment = "environment",
        /// Special equipment (boilers, lifts, pressure vessels).
        SpecialEquipment = "special_equipment",
        /// Taxation.
        Tax = "tax",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// What the penalty imposed.
    Measure {
        /// 警告.
        Warning = "warning",
        /// 通报批评.
        Criticism = "criticism",
        /// 罚款.
        Fine = "fine",
        /// 没收违法所得、没收非法财物.
        Confiscation = "confiscation",
        /// 暂扣许可证件、降低资质等级.
        LicenceSuspension = "licence_suspension",
        /// 吊销许可证件.
        LicenceRevocation = "licence_revocation",
        /// 责令关闭、限制从业.
        Closure = "closure",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// The public lists an enterprise can be put on (list states, not one-off events).
    ListKind {
        /// 经营异常名录 (market regulator).
        AbnormalOperation = "abnormal_operation",
        /// 严重违法失信名单 (SAMR order 44).
        SeriousViolation = "serious_violation",
        /// 失信被执行人 (courts).
        DishonestDebtor = "dishonest_debtor",
        /// 被执行人 (courts).
        JudgmentDebtor = "judgment_debtor",
        /// 限制高消费 (courts).
        ConsumptionRestriction = "consumption_restriction",
        /// 重大税收违法失信主体 (tax).
        MajorTaxViolation = "major_tax_violation",
        /// 非正常户 (tax).
        TaxAbnormal = "tax_abnormal",
        /// 社会保险领域严重失信 (human resources).
        SocialInsuranceDishonest = "social_insurance_dishonest",
        /// 海关失信企业 (customs).
        CustomsDishonest = "customs_dishonest",
    }
}

vocabulary! {
    /// What is owed.
    ArrearsKind {
        /// 欠税.
        Tax = "tax",
        /// 社保欠费.
        SocialInsurance = "social_insurance",
        /// 公积金欠缴.
        HousingFund = "housing_fund",
        /// Water, electricity or gas.
        Utility = "utility",
    }
}

vocabulary! {
    /// Positive records: honours and certifications.
    HonourKind {
        /// 守合同重信用.
        ContractAbiding = "contract_abiding",
        /// 高新技术企业.
        HighTech = "high_tech",
        /// 专精特新.
        SpecialisedSme = "specialised_sme",
        /// Customs advanced certification (AEO).
        Aeo = "aeo",
        /// Any other government honour.
        Other = "other",
    }
}

vocabulary! {
    /// Where a credit commitment (信用承诺) stands.
    CommitmentStatus {
        /// Made, not yet due.
        Pending = "pending",
        /// Kept.
        Fulfilled = "fulfilled",
        /// Broken.
        Breached = "breached",
    }
}

/// An administrative penalty (行政处罚).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Penalty {
    /// Date of the penalty decision.
    pub decided_on: Date,
    /// Minor, ordinary or serious.
    pub severity: Severity,
    /// Regulatory domain.
    pub domain: Domain,
    /// What was imposed, when known.
    pub measure: Option<Measure>,
    /// Fine or confiscation amount in yuan, when known.
    pub amount: Option<Amount>,
    /// Deciding authority, free text.
    pub authority: Option<String>,
    /// Last day of publication as the platform feed gives it (`CF_GSJZQ`), when known.
    pub disclosure_end: Option<Date>,
    /// Date the credit repair took effect, if any.
    pub repaired_on: Option<Date>,
}

/// A period on a public list (a state with a start and an optional end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Which list.
    pub list: ListKind,
    /// Date the enterprise was put on the list.
    pub listed_on: Date,
    /// Date it was taken off; `None` while still listed.
    pub removed_on: Option<Date>,
    /// Legal ground, free text (e.g. `no_annual_report`).
    pub ground: Option<String>,
    /// Amount at stake (unperformed judgment, unpaid tax), when known.
    pub amount: Option<Amount>,
}

/// Money owed to the state or a utility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrears {
    /// What is owed.
    pub arrears: ArrearsKind,
    /// How much.
    pub amount: Amount,
    /// Since when.
    pub since: Date,
    /// When it was paid; `None` while outstanding.
    pub paid_on: Option<Date>,
}

/// An honour or certification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Honour {
    /// Which honour.
    pub honour: HonourKind,
    /// Date awarded.
    pub awarded_on: Date,
    /// End of validity, when the certificate states one.
    pub expires_on: Option<Date>,
}

/// A credit commitment and its fulfilment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    /// Date made.
    pub made_on: Date,
    /// Pending, fulfilled or breached.
    pub status: CommitmentStatus,
    /// Date fulfilled or breached.
    pub resolved_on: Option<Date>,
}

/// What a record is, with the fields of its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordDetail {
    /// `"kind": "penalty"`.
    Penalty(Penalty),
    /// `"kind": "listing"`.
    Listing(Listing),
    /// `"kind": "arrears"`.
    Arrears(Arrears),
    /// `"kind": "honour"`.
    Honour(Honour),
    /// `"kind": "commitment"`.
    Commitment(Commitment),
}

/// One public credit record of an enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The source system's identifier, if it has one; echoed in explanations.
    pub id: Option<String>,
    /// The record itself.
    pub detail: RecordDetail,
}

impl Record {
    /// The record's kind as written in JSON.
    pub fn kind(&self) -> &'static str {
        match self.detail {
            RecordDetail::Penalty(_) => "penalty",
            RecordDetail::Listing(_) => "listing",
            RecordDetail::Arrears(_) => "arrears",
            RecordDetail::Honour(_) => "honour",
            RecordDetail::Commitment(_) => "commitment",
        }
    }

    /// The record's class: kind and subtype, the key a model's indicators select records by.
    pub fn class(&self) -> RecordClass {
        match &self.detail {
            RecordDetail::Penalty(p) => RecordClass::Penalty(p.severity),
            RecordDetail::Listing(l) => RecordClass::Listing(l.list),
            RecordDetail::Arrears(a) => RecordClass::Arrears(a.arrears),
            RecordDetail::Honour(h) => RecordClass::Honour(h.honour),
            RecordDetail::Commitment(c) => RecordClass::Commitment(c.status),
        }
    }

    /// The date the record starts (decision, listing, arrears, award, commitment).
    pub fn start(&self) -> Date {
        match &self.detail {
            RecordDetail::Penalty(p) => p.decided_on,
            RecordDetail::Listing(l) => l.listed_on,
            RecordDetail::Arrears(a) => a.since,
            RecordDetail::Honour(h) => h.awarded_on,
            RecordDetail::Commitment(c) => c.made_on,
        }
    }

    /// The latest of the dates [`Record::dates`] lists: a cheap test before looking for which.
    pub fn latest_date(&self) -> Date {
        let later = |a: Date, b: Option<Date>| b.map_or(a, |b| a.max(b));
        match &self.detail {
            RecordDetail::Penalty(p) => later(p.decided_on, p.repaired_on),
            RecordDetail::Listing(l) => later(l.listed_on, l.removed_on),
            RecordDetail::Arrears(a) => later(a.since, a.paid_on),
            RecordDetail::Honour(h) => h.awarded_on,
            RecordDetail::Commitment(c) => later(c.made_on, c.resolved_on),
        }
    }

    /// Every date the record carries, with its field name, for consistency and future checks.
    pub fn dates(&self) -> impl Iterator<Item = (&'static str, Date)> {
        let list: [(&'static str, Option<Date>); 3] = match &self.detail {
            RecordDetail::Penalty(p) => [
                ("decided_on", Some(p.decided_on)),
                ("disclosure_end", None),
                ("repaired_on", p.repaired_on),
            ],
            RecordDetail::Listing(l) => {
                [("listed_on", Some(l.listed_on)), ("removed_on", l.removed_on), ("", None)]
            }
            RecordDetail::Arrears(a) => {
                [("since", Some(a.since)), ("paid_on", a.paid_on), ("", None)]
            }
            RecordDetail::Honour(h) => [("awarded_on", Some(h.awarded_on)), ("", None), ("", None)],
            RecordDetail::Commitment(c) => {
                [("made_on", Some(c.made_on)), ("resolved_on", c.resolved_on), ("", None)]
            }
        };
        list.into_iter().filter_map(|(name, d)| d.map(|d| (name, d)))
    }
}

/// A record's kind and subtype (`penalty.serious`, `listing.dishonest_debtor`, ...): the unit a
/// model assigns points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordClass {
    /// A penalty of this severity.
    Penalty(Severity),
    /// A period on this list.
    Listing(ListKind),
    /// Arrears of this kind.
    Arrears(ArrearsKind),
    /// An honour of this kind.
    Honour(HonourKind),
    /// A commitment in this status.
    Commitment(CommitmentStatus),
}

impl RecordClass {
    /// The record kinds, as written in JSON.
    pub const KINDS: [&'static str; 5] = ["penalty", "listing", "arrears", "honour", "commitment"];

    /// Number of distinct classes; [`RecordClass::index`] is below it.
    pub const COUNT: usize = 3 + 9 + 4 + 5 + 3;

    /// A dense index in `0..COUNT`, for lookup tables.
    pub fn index(self) -> usize {
        match self {
            RecordClass::Penalty(s) => s as usize,
            RecordClass::Listing(l) => 3 + l as usize,
            RecordClass::Arrears(a) => 12 + a as usize,
            RecordClass::Honour(h) => 16 + h as usize,
            RecordClass::Commitment(c) => 21 + c as usize,
        }
    }

    /// The kind part (`penalty`, `listing`, ...).
    pub fn kind(self) -> &'static str {
        match self {
            RecordClass::Penalty(_) => "penalty",
            RecordClass::Listing(_) => "listing",
            RecordClass::Arrears(_) => "arrears",
            RecordClass::Honour(_) => "honour",
            RecordClass::Commitment(_) => "commitment",
        }
    }

    /// The subtype part (`serious`, `dishonest_debtor`, ...).
    pub fn subtype(self) -> &'static str {
        match self {
            RecordClass::Penalty(s) => s.as_str(),
            RecordClass::Listing(l) => l.as_str(),
            RecordClass::Arrears(a) => a.as_str(),
            RecordClass::Honour(h) => h.as_str(),
            RecordClass::Commitment(c) => c.as_str(),
        }
    }

    /// Looks a class up by kind and subtype names; `None` if either is unknown.
    pub fn from_names(kind: &str, subtype: &str) -> Option<RecordClass> {
        Some(match kind {
            "penalty" => RecordClass::Penalty(Severity::from_name(subtype)?),
            "listing" => RecordClass::Listing(ListKind::from_name(subtype)?),
            "arrears" => RecordClass::Arrears(ArrearsKind::from_name(subtype)?),
            "honour" => RecordClass::Honour(HonourKind::from_name(subtype)?),
            "commitment" => RecordClass::Commitment(CommitmentStatus::from_name(subtype)?),
            _ => return None,
        })
    }

    /// The subtype names valid for a kind, for error messages.
    pub fn subtypes_of(kind: &str) -> Vec<&'static str> {
        fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|&v| f(v)).collect()
        }
        match kind {
            "penalty" => names(Severity::ALL, Severity::as_str),
            "listing" => names(ListKind::ALL, ListKind::as_str),
            "arrears" => names(ArrearsKind::ALL, ArrearsKind::as_str),
            "honour" => names(HonourKind::ALL, HonourKind::as_str),
            "commitment" => names(CommitmentStatus::ALL, CommitmentStatus::as_str),
            _ => Vec::new(),
        }
    }
}

impl Serialize for RecordClass {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RecordClass {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        text.split_once('.')
            .and_then(|(kind, sub)| RecordClass::from_names(kind, sub))
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a record class")))
    }
}

impl std::fmt::Display for RecordClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.kind(), self.subtype())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_indices_are_dense_and_distinct() {
        let mut all = Vec::new();
        for kind in RecordClass::KINDS {
            for sub in RecordClass::subtypes_of(kind) {
                let class = RecordClass::from_names(kind, sub).unwrap();
                assert_eq!(class.to_string(), format!("{kind}.{sub}"));
                all.push(class.index());
            }
        }
        all.sort_unstable();
        assert_eq!(all, (0..RecordClass::COUNT).collect::<Vec<_>>());
    }
}
