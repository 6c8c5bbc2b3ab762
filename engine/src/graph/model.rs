//! The input data model of the relationship graph: nodes (enterprises and persons) and typed edges.
//!
//! Values here are what a caller hands the engine; [`GraphBuilder`](super::GraphBuilder) resolves
//! their keys to indices and validates the shares, so an [`Edge`] on its own may still be wrong.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{Error, Result};
use crate::num::Amount;
use crate::uscc::Uscc;

/// Longest person key accepted, in bytes: keys are hashes or registry ids, never free text.
pub const MAX_PERSON_KEY_BYTES: usize = 128;

/// An opaque, caller-chosen identifier of a natural person.
///
/// Person keys are pseudonyms: the engine refuses anything shaped like a resident identity
/// number, because a graph file is shared far more widely than the registry it came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PersonId(String);

impl PersonId {
    /// Validates a person key; `path` names the field in errors.
    pub fn parse(text: &str, path: &str) -> Result<PersonId> {
        person_key_problem(text).map_or_else(
            || Ok(PersonId(text.to_owned())),
            |message| Err(Error::field(path, message)),
        )
    }

    /// The key as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why `text` cannot be a person key, if it cannot.
fn person_key_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("a person key must not be empty".to_owned());
    }
    if text.len() > MAX_PERSON_KEY_BYTES {
        return Some(format!("a person key must be at most {MAX_PERSON_KEY_BYTES} bytes"));
    }
    if looks_like_resident_id(text) {
        return Some(
            "this looks like a resident identity number; pass its pseudonym from \
             xinyong::privacy::person_key (a keyed hash) as the person key instead"
                .to_owned(),
        );
    }
    if Uscc::parse(text).is_ok() {
        return Some("a valid USCC names an enterprise and cannot be a person key".to_owned());
    }
    None
}

/// 17 digits followed by a digit or `X`: the shape of a GB 11643 resident identity number.
fn looks_like_resident_id(text: &str) -> bool {
    let b = text.trim().as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
}

/// The key of a node: an enterprise's USCC or a person's opaque id. Both live in one namespace
/// (a person key may not be a valid USCC), so an edge names its ends with plain strings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKey {
    /// An enterprise, by its normalised USCC.
    Enterprise(Uscc),
    /// A natural person, by an opaque id.
    Person(PersonId),
}

impl NodeKey {
    /// The key as text: the normalised USCC or the person id.
    pub fn as_str(&self) -> &str {
        match self {
            NodeKey::Enterprise(code) => code.as_str(),
            NodeKey::Person(id) => id.as_str(),
        }
    }

    /// What the key names.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeKey::Enterprise(_) => NodeKind::Enterprise,
            NodeKey::Person(_) => NodeKind::Person,
        }
    }
}

/// Whether a node is an enterprise or a natural person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A legal entity with a USCC.
    Enterprise,
    /// A natural person.
    Person,
}

/// A declared node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Its key.
    pub key: NodeKey,
    /// An optional display name (enterprises only; persons stay pseudonymous).
    pub name: Option<String>,
}

impl Node {
    /// An enterprise node; the code is validated (and normalised) here.
    pub fn enterprise(uscc: &str, name: Option<String>) -> Result<Node> {
        Ok(Node { key: NodeKey::Enterprise(Uscc::parse(uscc)?), name })
    }

    /// A person node; refuses keys shaped like a resident identity number.
    pub fn person(id: &str) -> Result<Node> {
        Ok(Node { key: NodeKey::Person(PersonId::parse(id, "person")?), name: None })
    }
}

/// A key role a person holds in an enterprise. A legal representative is not an owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 法定代表人.
    LegalRepresentative,
    /// A member of the board.
    Director,
    /// A member of the supervisory board.
    Supervisor,
    /// A senior manager.
    Manager,
}

/// Whether a guarantee is still in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeStatus {
    /// In force.
    Active,
    /// Released or expired.
    Released,
}

/// The kind of an edge, as written in the `kind` field of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Holder → firm.
    Shareholding,
    /// Controller → firm (a VIE-style agreement that confers control without equity).
    ControlAgreement,
    /// Person → firm.
    KeyRole,
    /// Guarantor → borrower.
    Guarantee,
    /// Supplier → customer.
    SupplyChain,
}

/// What an edge says, with the attributes of its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    /// `from` holds part of the capital of `to`.
    Shareholding {
        /// Fraction of the registered capital, in [0, 1].
        share: Decimal,
        /// Fraction of the votes where it differs from the capital share, in [0, 1].
        vote_share: Option<Decimal>,
        /// Subscribed capital in yuan, if known.
        subscribed: Option<Amount>,
    },
    /// `from` controls `to` by agreement.
    ControlAgreement,
    /// The person `from` holds `role` in `to`.
    KeyRole {
        /// The role.
        role: Role,
    },
    /// `from` guarantees a loan of `to`.
    Guarantee {
        /// Guaranteed amount in yuan.
        amount: Amount,
        /// First day of the guarantee.
        start: Date,
        /// Last day, if fixed.
        end: Option<Date>,
        /// In force or released.
        status: GuaranteeStatus,
    },
    /// `from` supplies `to`.
    SupplyChain,
}

impl Relation {
    /// The kind of this relation.
    pub fn kind(&self) -> EdgeKind {
        match self {
            Relation::Shareholding { .. } => EdgeKind::Shareholding,
            Relation::ControlAgreement => EdgeKind::ControlAgreement,
            Relation::KeyRole { .. } => EdgeKind::KeyRole,
            Relation::Guarantee { .. } => EdgeKind::Guarantee,
            Relation::SupplyChain => EdgeKind::SupplyChain,
        }
    }
}

/// A directed edge between two node keys (a USCC in any accepted spelling, or a person key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The holder, controller, role holder, guarantor or supplier.
    pub from: String,
    /// The firm held, controlled or served, or the borrower or customer.
    pub to: String,
    /// What the edge says.
    pub relation: Relation,
}

impl Edge {
    /// A shareholding edge with only a capital share.
    pub fn shareholding(from: &str, to: &str, share: Decimal) -> Edge {
        let relation = Relation::Shareholding { share, vote_share: None, subscribed: None };
        Edge { from: from.to_owned(), to: to.to_owned(), relation }
    }
}
