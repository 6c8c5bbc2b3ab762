//! The JSON shape of enterprises and records, and its conversion to the validated types.
//!
//! Records are read as one flat struct (fast, and able to say exactly which field does not
//! belong to which kind) and then converted, rather than through serde's internally tagged enums,
//! which buffer every record and lose the error path.

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::kinds::*;
use super::{Enterprise, Finance, Industry, Ratings, Size, Status};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::num::Amount;
use crate::uscc::Uscc;

/// The `kind` of a record as read: known, or unknown with its text kept for the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum KindName {
    Known(&'static str),
    Unknown(String),
}

impl<'de> Deserialize<'de> for KindName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        crate::num::read_str(d, "a record kind", |text| {
            Ok(match RecordClass::KINDS.iter().find(|&&k| k == text) {
                Some(&k) => KindName::Known(k),
                None => KindName::Unknown(text.chars().take(64).collect()),
            })
        })
    }
}

impl Serialize for KindName {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            KindName::Known(k) => s.serialize_str(k),
            KindName::Unknown(k) => s.serialize_str(k),
        }
    }
}

macro_rules! record_wire {
    ($($(#[$m:meta])* $field:ident : $ty:ty,)+) => {
        /// A record as it appears in JSON: every field of every kind, all optional.
        #[derive(Debug, Default, Deserialize, Serialize)]
        #[serde(deny_unknown_fields, expecting = "a record object")]
        pub(crate) struct RecordWire {
            kind: Option<KindName>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            id: Option<String>,
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                $(#[$m])*
                $field: Option<$ty>,
            )+
        }

        /// The kind-specific fields, in declaration order: bit `i` of a field set is `FIELDS[i]`.
        const FIELDS: &[&str] = &[$(stringify!($field),)+];

        impl RecordWire {
            /// The set of kind-specific fields that are present.
            fn present(&self) -> u32 {
                [$(self.$field.is_some(),)+]
                    .iter()
                    .enumerate()
                    .fold(0, |set, (bit, &here)| set | (u32::from(here) << bit))
            }
        }
    };
}

record_wire! {
    severity: Severity,
    domain: Domain,
    measure: Measure,
    amount: Amount,
    authority: String,
    #[serde(with = "crate::date::opt_iso")]
    decided_on: Date,
    #[serde(with = "crate::date::opt_iso")]
    disclosure_end: Date,
    #[serde(with = "crate::date::opt_iso")]
    repaired_on: Date,
    list: ListKind,
    #[serde(with = "crate::date::opt_iso")]
    listed_on: Date,
    #[serde(with = "crate::date::opt_iso")]
    removed_on: Date,
    ground: String,
    arrears: ArrearsKind,
    #[serde(with = "crate::date::opt_iso")]
    since: Date,
    #[serde(with = "crate::date::opt_iso")]
    paid_on: Date,
    honour: HonourKind,
    #[serde(with = "crate::date::opt_iso")]
    awarded_on: Date,
    #[serde(with = "crate::date::opt_iso")]
    expires_on: Date,
    #[serde(with = "crate::date::opt_iso")]
    made_on: Date,
    status: CommitmentStatus,
    #[serde(with = "crate::date::opt_iso")]
    resolved_on: Date,
}

/// The set of `names` among [`FIELDS`] (computed at compile time).
const fn field_set(names: &[&str]) -> u32 {
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    let mut set = 0;
    let mut n = 0;
    while n < names.len() {
        let mut bit = 0;
        while bit < FIELDS.len() {
            if same(FIELDS[bit], names[n]) {
                set |= 1 << bit;
            }
            bit += 1;
        }
        n += 1;
    }
    set
}

const PENALTY: &[&str] = &[
    "severity",
    "domain",
    "measure",
    "amount",
    "authority",
    "decided_on",
    "disclosure_end",
    "repaired_on",
];
const LISTING: &[&str] = &["list", "listed_on", "removed_on", "ground", "amount"];
const ARREARS: &[&str] = &["arrears", "amount", "since", "paid_on"];
const HONOUR: &[&str] = &["honour", "awarded_on", "expires_on"];
const COMMITMENT: &[&str] = &["made_on", "status", "resolved_on"];
const PENALTY_SET: u32 = field_set(PENALTY);
const LISTING_SET: u32 = field_set(LISTING);
const ARREARS_SET: u32 = field_set(ARREARS);
const HONOUR_SET: u32 = field_set(HONOUR);
const COMMITMENT_SET: u32 = field_set(COMMITMENT);
// Every field fits one bit, and every name of a kind's list is a field.
const _: () = assert!(FIELDS.len() <= 32);
const _: () = assert!(PENALTY_SET.count_ones() as usize == PENALTY.len());
const _: () = assert!(LISTING_SET.count_ones() as usize == LISTING.len());
const _: () = assert!(ARREARS_SET.count_ones() as usize == ARREARS.len());
const _: () = assert!(HONOUR_SET.count_ones() as usize == HONOUR.len());
const _: () = assert!(COMMITMENT_SET.count_ones() as usize == COMMITMENT.len());

/// Where a record sits in the input, for error paths: `record` alone, or `records[i]` of an
/// enterprise. Written out only when an error needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RecordPath {
    /// A record read on its own.
    Alone,
    /// Record `i` of an enterprise's `records`.
    Listed(usize),
}

impl std::fmt::Display for RecordPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordPath::Alone => f.write_str("record"),
            RecordPath::Listed(i) => write!(f, "records[{i}]"),
        }
    }
}

fn need<T>(value: Option<T>, path: RecordPath, kind: &str, field: &str) -> Result<T> {
    value.ok_or_else(|| {
        Error::field(format!("{path}.{field}"), format!("{} needs `{field}`", a_record(kind)))
    })
}

/// "a penalty record", "an arrears record".
fn a_record(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u', 'h']) { "an" } else { "a" };
    format!("{article} {kind} record")
}

fn not_before(path: RecordPath, later: (&str, Option<Date>), earlier: (&str, Date)) -> Result<()> {
    match later.1 {
        Some(d) if d < earlier.1 => Err(Error::dates(
            format!("{path}.{}", later.0),
            format!("{} {d} is before {} {}", later.0, earlier.0, earlier.1),
        )),
        _ => Ok(()),
    }
}

impl RecordWire {
    /// Validates and converts; `path` names the record in errors (e.g. `records[3]`).
    pub(crate) fn into_record(self, path: RecordPath) -> Result<Record> {
        let kind = match self.kind {
            Some(KindName::Known(k)) => k,
            Some(KindName::Unknown(kind)) => {
                let kind = crate::error::redacted(kind);
                return Err(Error::UnknownRecordKind { path: path.to_string(), kind });
            }
            None => return Err(Error::field(format!("{path}.kind"), "a record needs `kind`")),
        };
        let allowed = match kind {
            "penalty" => PENALTY_SET,
            "listing" => LISTING_SET,
            "arrears" => ARREARS_SET,
            "honour" => HONOUR_SET,
            _ => COMMITMENT_SET,
        };
        // The first field, in declaration order, that does not belong to this kind.
        let foreign = self.present() & !allowed;
        if let Some(&field) =
            (foreign != 0).then(|| FIELDS.get(foreign.trailing_zeros() as usize)).flatten()
        {
            return Err(Error::field(
                format!("{path}.{field}"),
                format!("`{field}` does not apply to {}", a_record(kind)),
            ));
        }
        let detail = match kind {
            "penalty" => {
                let decided_on = need(self.decided_on, path, kind, "decided_on")?;
                not_before(
                    path,
                    ("disclosure_end", self.disclosure_end),
                    ("decided_on", decided_on),
                )?;
                not_before(path, ("repaired_on", self.repaired_on), ("decided_on", decided_on))?;
                RecordDetail::Penalty(Penalty {
                    decided_on,
                    severity: need(self.severity, path, kind, "severity")?,
                    domain: self.domain.unwrap_or(Domain::Other),
                    measure: self.measure,
                    amount: self.amount,
                    authority: self.authority,
                    disclosure_end: self.disclosure_end,
                    repaired_on: self.repaired_on,
                })
            }
            "listing" => {
                let listed_on = need(self.listed_on, path, kind, "listed_on")?;
                not_before(path, ("removed_on", self.removed_on), ("listed_on", listed_on))?;
                RecordDetail::Listing(Listing {
                    list: need(self.list, path, kind, "list")?,
                    listed_on,
                    removed_on: self.removed_on,
                    ground: self.ground,
                    amount: self.amount,
                })
            }
            "arrears" => {
                let since = need(self.since, path, kind, "since")?;
                not_before(path, ("paid_on", self.paid_on), ("since", since))?;
                RecordDetail::Arrears(Arrears {
                    arrears: need(self.arrears, path, kind, "arrears")?,
                    amount: need(self.amount, path, kind, "amount")?,
                    since,
                    paid_on: self.paid_on,
                })
            }
            "honour" => {
                let awarded_on = need(self.awarded_on, path, kind, "awarded_on")?;
                not_before(path, ("expires_on", self.expires_on), ("awarded_on", awarded_on))?;
                RecordDetail::Honour(Honour {
                    honour: need(self.honour, path, kind, "honour")?,
                    awarded_on,
                    expires_on: self.expires_on,
                })
            }
            _ => {
                let made_on = need(self.made_on, path, kind, "made_on")?;
                let status = need(self.status, path, kind, "status")?;
                not_before(path, ("resolved_on", self.resolved_on), ("made_on", made_on))?;
                match (status, self.resolved_on) {
                    (CommitmentStatus::Pending, Some(_)) => {
                        return Err(Error::dates(
                            format!("{path}.resolved_on"),
                            "a pending commitment has no resolved_on",
                        ));
                    }
                    (CommitmentStatus::Fulfilled | CommitmentStatus::Breached, None) => {
                        return Err(Error::field(
                            format!("{path}.resolved_on"),
                            format!("a {status} commitment needs `resolved_on`"),
                        ));
                    }
                    _ => {}
                }
                RecordDetail::Commitment(Commitment {
                    made_on,
                    status,
                    resolved_on: self.resolved_on,
                })
            }
        };
        Ok(Record { id: self.id, detail })
    }
}

impl From<&Record> for RecordWire {
    fn from(record: &Record) -> Self {
        let mut w = RecordWire {
            kind: Some(KindName::Known(record.kind())),
            id: record.id.clone(),
            ..RecordWire::default()
        };
        match &record.detail {
            RecordDetail::Penalty(p) => {
                w.decided_on = Some(p.decided_on);
                w.severity = Some(p.severity);
                w.domain = Some(p.domain);
                w.measure = p.measure;
                w.amount = p.amount;
                w.authority.clone_from(&p.authority);
                w.disclosure_end = p.disclosure_end;
                w.repaired_on = p.repaired_on;
            }
            RecordDetail::Listing(l) => {
                w.list = Some(l.list);
                w.listed_on = Some(l.listed_on);
                w.removed_on = l.removed_on;
                w.ground.clone_from(&l.ground);
                w.amount = l.amount;
            }
            RecordDetail::Arrears(a) => {
                w.arrears = Some(a.arrears);
                w.amount = Some(a.amount);
                w.since = Some(a.since);
                w.paid_on = a.paid_on;
            }
            RecordDetail::Honour(h) => {
                w.honour = Some(h.honour);
                w.awarded_on = Some(h.awarded_on);
                w.expires_on = h.expires_on;
            }
            RecordDetail::Commitment(c) => {
                w.made_on = Some(c.made_on);
                w.status = Some(c.status);
                w.resolved_on = c.resolved_on;
            }
        }
        w
    }
}

/// Reads a struct only from a JSON object. serde's derived structs also accept a positional
/// array (`["9135...", "name", ...]`), which would silently bind values by position: a surprise
/// no caller wants from a credit record.
pub(crate) struct ObjectOnly<D>(pub D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> std::result::Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> std::result::Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// A USCC as read: parsed on the spot without copying the text, its error kept for a typed
/// [`Error::InvalidUscc`] rather than a serde message.
#[derive(Debug)]
struct UsccText(std::result::Result<Uscc, crate::uscc::UsccError>);

impl<'de> Deserialize<'de> for UsccText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        crate::num::read_str(d, "a Unified Social Credit Code", |text| {
            Ok(UsccText(Uscc::parse(text)))
        })
    }
}

/// `deserialize_with` for nested structs that must be JSON objects.
fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<T, D::Error> {
    T::deserialize(ObjectOnly(d))
}

/// A record that must be written as a JSON object.
#[derive(Debug)]
pub(super) struct RecordObject(RecordWire);

impl<'de> Deserialize<'de> for RecordObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        RecordWire::deserialize(ObjectOnly(d)).map(RecordObject)
    }
}

/// An enterprise as it appears in JSON.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an enterprise object")]
pub(super) struct EnterpriseWire {
    uscc: UsccText,
    name: String,
    #[serde(with = "crate::date::iso")]
    established_on: Date,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    registered_capital: Option<Amount>,
    #[serde(default)]
    industry: Option<Industry>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    size: Option<Size>,
    #[serde(default, deserialize_with = "object")]
    ratings: Ratings,
    #[serde(default, deserialize_with = "object")]
    finance: Finance,
    #[serde(default)]
    records: Vec<RecordObject>,
    #[serde(default)]
    features: BTreeMap<String, FeatureText>,
}

/// One extra feature as read: a string as written, a number by the shortest text that reads
/// back as it, a boolean as `true`/`false`, `null` as absent.
#[derive(Debug)]
struct FeatureText(Option<String>);

impl<'de> Deserialize<'de> for FeatureText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = FeatureText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, a string, a boolean or null")
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> std::result::Result<FeatureText, E> {
                Ok(FeatureText(Some(v.to_owned())))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<FeatureText, E> {
                Ok(FeatureText(Some(v.to_string())))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<FeatureText, E> {
                Ok(FeatureText(Some(v.to_string())))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<FeatureText, E> {
                Ok(FeatureText(Some(v.to_string())))
            }
            fn visit_bool<E: serde::de::Error>(
                self,
                v: bool,
            ) -> std::result::Result<FeatureText, E> {
                Ok(FeatureText(Some(v.to_string())))
            }
            fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<FeatureText, E> {
                Ok(FeatureText(None))
            }
        }
        d.deserialize_any(Text)
    }
}

impl EnterpriseWire {
    pub(super) fn into_enterprise(self) -> Result<Enterprise> {
        let uscc = self.uscc.0?;
        if self.name.trim().is_empty() {
            return Err(Error::field("name", "the name must not be empty"));
        }
        if let Some(region) = &self.region
            && (region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Error::field("region", "a region is a six-digit GB/T 2260 code"));
        }
        if self.finance.social_insurance_months_paid_12m.is_some_and(|m| m > 12) {
            return Err(Error::field(
                "finance.social_insurance_months_paid_12m",
                "at most 12 months of the last 12 can be paid",
            ));
        }
        let records = self
            .records
            .into_iter()
            .enumerate()
            .map(|(i, r)| r.0.into_record(RecordPath::Listed(i)))
            .collect::<Result<Vec<_>>>()?;
        let mut features = BTreeMap::new();
        for (name, FeatureText(value)) in self.features {
            if crate::model::features::is_builtin(&name) {
                return Err(Error::field(
                    format!("features.{name}"),
                    "a built-in feature is computed from the record and cannot be given",
                ));
            }
            if let Some(value) = value {
                features.insert(name, value);
            }
        }
        Ok(Enterprise {
            uscc,
            name: self.name,
            established_on: self.established_on,
            status: self.status,
            registered_capital: self.registered_capital,
            industry: self.industry,
            region: self.region,
            size: self.size,
            ratings: self.ratings,
            finance: self.finance,
            records,
            features,
        })
    }
}

/// An enterprise as it is written: the documented field order, absent options omitted.
#[derive(Serialize)]
pub(super) struct EnterpriseOut<'a> {
    uscc: &'a Uscc,
    name: &'a str,
    #[serde(with = "crate::date::iso")]
    established_on: Date,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    registered_capital: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    industry: Option<&'a Industry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<Size>,
    #[serde(skip_serializing_if = "is_default")]
    ratings: &'a Ratings,
    #[serde(skip_serializing_if = "is_default")]
    finance: &'a Finance,
    records: &'a [Record],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    features: &'a BTreeMap<String, String>,
}

fn is_default<T: Default + PartialEq>(value: &&T) -> bool {
    **value == T::default()
}

impl<'a> From<&'a Enterprise> for EnterpriseOut<'a> {
    fn from(e: &'a Enterprise) -> Self {
        EnterpriseOut {
            uscc: &e.uscc,
            name: &e.name,
            established_on: e.established_on,
            status: e.status,
            registered_capital: e.registered_capital,
            industry: e.industry.as_ref(),
            region: e.region.as_deref(),
            size: e.size,
            ratings: &e.ratings,
            finance: &e.finance,
            records: &e.records,
            features: &e.features,
        }
    }
}

/// Parses an enterprise, mapping serde's errors to typed ones.
pub(crate) fn parse(text: &str) -> Result<Enterprise> {
    from_json_text::<EnterpriseWire>(text)?.into_enterprise()
}

/// The deepest nesting of arrays and objects any JSON input may have: serde_json's fixed
/// recursion limit, which keeps every parser's stack bounded (no input of ours needs more than
/// five levels).
pub const MAX_JSON_DEPTH: usize = 128;

/// Reads `T` from JSON text; on failure, classifies the error and finds its JSON path.
///
/// The fast path carries no path tracking; only a failing input is read a second time, with
/// `serde_path_to_error`, to name the field.
pub(crate) fn from_json_text<T: DeserializeOwned>(text: &str) -> Result<T> {
    use serde_json::error::Category;
    let mut de = serde_json::Deserializer::from_str(text);
    let err = match T::deserialize(ObjectOnly(&mut de)).and_then(|value| de.end().map(|()| value)) {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    if is_too_deep(&err) {
        return Err(too_deep());
    }
    // The parser's own categories mislabel some data errors (a non-numeric map key reads as a
    // syntax error): text that is well-formed JSON always gets a field error with its path.
    let well_formed = matches!(err.classify(), Category::Data)
        || serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
    Err(if well_formed {
        let mut de = serde_json::Deserializer::from_str(text);
        let path = match serde_path_to_error::deserialize::<_, T>(ObjectOnly(&mut de)) {
            Err(e) => e.path().to_string().chars().take(200).collect(),
            Ok(_) => ".".to_owned(),
        };
        Error::field(path, bare_message(&err))
    } else {
        syntax_error(&err, err.line())
    })
}

/// The error of JSON text that does not parse, `line` being its 1-based line in the caller's
/// input: `limit_exceeded` when it nests too deep, else `malformed_json`.
pub(crate) fn syntax_error(err: &serde_json::Error, line: usize) -> Error {
    if is_too_deep(err) {
        return too_deep();
    }
    Error::MalformedJson { line, column: err.column(), message: bare_message(err) }
}

fn is_too_deep(err: &serde_json::Error) -> bool {
    err.to_string().starts_with("recursion limit exceeded")
}

fn too_deep() -> Error {
    Error::LimitExceeded {
        what: "JSON nesting depth".to_owned(),
        limit: MAX_JSON_DEPTH,
        found: MAX_JSON_DEPTH + 1,
    }
}

/// serde_json appends " at line L column C"; the position is reported in fields instead. The
/// message is clipped: it may quote the input, which can be huge.
fn bare_message(err: &serde_json::Error) -> String {
    const LIMIT: usize = 200;
    let text = crate::error::redacted(err.to_string());
    let text = text.rfind(" at line ").map_or(text.as_str(), |cut| &text[..cut]);
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
