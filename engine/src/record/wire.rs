//! The JSON shape of enterprises and records, and its conversion to the validated types.
//!
//! Records are read as one flat struct (fast, and able to say exactly which field does not
//! belong to which kind) and then converted, rather than through serde's internally tagged enums,
//! which buffer every record and lose the error path.

use std::collections::BTreeMap;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
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
            ///
            /// One test and one constant bit per field: gathering the tests into an array first
            /// and folding it cost several times as much per record.
            fn present(&self) -> u32 {
                let mut set = 0;
                $(
                    if self.$field.is_some() {
                        set |= const { field_set(&[stringify!($field)]) };
                    }
                )+
                set
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

/// An enterprise's `records`, each converted as soon as it is read.
///
/// Holding the wide wire form of every record until the whole line was read cost a growing
/// vector of it and a second pass. Conversion errors still rank after every error of the JSON
/// itself and of the enterprise's own fields: the first one is kept, later records are only
/// read, and [`EnterpriseWire::into_enterprise`] reports it where the second pass did.
#[derive(Debug, Default)]
struct RecordsRead {
    records: Vec<Record>,
    /// The conversion error of the first record that failed, which ends the converting.
    first_error: Option<Error>,
}

impl<'de> Deserialize<'de> for RecordsRead {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Each;
        impl<'de> Visitor<'de> for Each {
            type Value = RecordsRead;

            // The words of serde's own `Vec`, which this replaces.
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a sequence")
            }

            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<RecordsRead, A::Error> {
                let mut read = RecordsRead::default();
                let mut index = 0;
                while let Some(wire) = seq.next_element_seed(RecordObject)? {
                    read.take(wire, index);
                    index += 1;
                }
                Ok(read)
            }
        }
        d.deserialize_seq(Each)
    }
}

impl RecordsRead {
    /// Converts record `index` unless an earlier one failed.
    fn take(&mut self, wire: RecordWire, index: usize) {
        if self.first_error.is_some() {
            return;
        }
        match wire.into_record(RecordPath::Listed(index)) {
            Ok(record) => self.records.push(record),
            Err(err) => self.first_error = Some(err),
        }
    }
}

/// Reads one record, which must be written as a JSON object.
struct RecordObject;

impl<'de> DeserializeSeed<'de> for RecordObject {
    type Value = RecordWire;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<RecordWire, D::Error> {
        RecordWire::deserialize(ObjectOnly(d))
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
    records: RecordsRead,
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
        if let Some(err) = self.records.first_error {
            return Err(err);
        }
        let records = self.records.records;
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
pub(crate) fn from_json_text<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An enterprise line around `rest`, which follows the mandatory fields.
    fn line(uscc: &str, rest: &str) -> String {
        format!(r#"{{"uscc": "{uscc}", "name": "t", "established_on": "2010-01-01"{rest}}}"#)
    }

    const GOOD: &str = "91350900587527783P";
    const PENALTY: &str = r#"{"kind": "penalty", "severity": "minor", "decided_on": "2020-01-01"}"#;
    const NO_DATE: &str = r#"{"kind": "penalty", "severity": "minor"}"#;

    fn error_of(text: &str) -> (&'static str, Option<String>) {
        let err = parse(text).unwrap_err();
        (err.kind(), err.path().map(str::to_owned))
    }

    #[test]
    fn records_convert_in_order() {
        let records = vec![PENALTY; 20].join(", ");
        let firm = parse(&line(GOOD, &format!(r#", "records": [{records}]"#))).unwrap();
        assert_eq!(firm.records.len(), 20);
        assert!(firm.records.iter().all(|r| r.kind() == "penalty"));
    }

    #[test]
    fn the_first_record_that_fails_to_convert_is_reported() {
        let text = line(GOOD, &format!(r#", "records": [{PENALTY}, {NO_DATE}, {NO_DATE}]"#));
        assert_eq!(error_of(&text), ("invalid_field", Some("records[1].decided_on".into())));
    }

    #[test]
    fn errors_of_the_json_come_before_those_of_records() {
        // A field no record has, in a record after one that does not convert.
        let text = line(GOOD, &format!(r#", "records": [{NO_DATE}, {{"kind": "x", "y": 1}}]"#));
        assert_eq!(error_of(&text), ("invalid_field", Some("records[1].y".into())));
        // A field no enterprise has, after the records.
        let text = line(GOOD, &format!(r#", "records": [{NO_DATE}], "extra": 1"#));
        assert_eq!(error_of(&text), ("invalid_field", Some("extra".into())));
    }

    #[test]
    fn errors_of_the_enterprise_come_before_those_of_records() {
        let text = line("91350900587527783Q", &format!(r#", "records": [{NO_DATE}]"#));
        assert_eq!(error_of(&text).0, "invalid_uscc");
        let text = line(GOOD, &format!(r#", "records": [{NO_DATE}], "region": "1""#));
        assert_eq!(error_of(&text), ("invalid_field", Some("region".into())));
        // Built-in features are checked after the records.
        let text =
            line(GOOD, &format!(r#", "records": [{NO_DATE}], "features": {{"age_years": 1}}"#));
        assert_eq!(error_of(&text), ("invalid_field", Some("records[0].decided_on".into())));
    }

    #[test]
    fn records_must_be_an_array_of_objects() {
        for (records, path) in [("{}", "records"), ("null", "records"), ("[[]]", "records[0]")] {
            let text = line(GOOD, &format!(r#", "records": {records}"#));
            assert_eq!(error_of(&text), ("invalid_field", Some(path.into())), "{records}");
        }
    }
}
