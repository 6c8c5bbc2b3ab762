//! Reading graph input: JSON Lines (nodes and edges) and simple CSV edge tables.
//!
//! Both formats feed a [`GraphBuilder`], so error paths count nodes and edges across every source
//! given to one builder: `edges[12].share` is the thirteenth edge added, whichever file it came
//! from. The formats are described in `docs/graph.md`.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::build::GraphBuilder;
use super::model::{Edge, EdgeKind, GuaranteeStatus, Node, NodeKey, PersonId, Relation, Role};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::num::Amount;
use crate::record::syntax_error;
use crate::uscc::Uscc;

/// A node line: exactly one of `enterprise` or `person`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeWire {
    #[serde(default)]
    enterprise: Option<String>,
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// An edge line or CSV row: one flat shape for every kind, checked per kind afterwards so that a
/// missing or misplaced attribute gets a precise message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeWire {
    kind: EdgeKind,
    from: String,
    to: String,
    #[serde(default, with = "crate::num::opt_decimal")]
    share: Option<rust_decimal::Decimal>,
    #[serde(default, with = "crate::num::opt_decimal")]
    vote_share: Option<rust_decimal::Decimal>,
    #[serde(default)]
    subscribed: Option<Amount>,
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    amount: Option<Amount>,
    #[serde(default, with = "crate::date::opt_iso")]
    start: Option<Date>,
    #[serde(default, with = "crate::date::opt_iso")]
    end: Option<Date>,
    #[serde(default)]
    status: Option<GuaranteeStatus>,
}

/// A well-formed line, read in one pass straight into the wire shapes. Any line it does not
/// take (a syntax error, an unknown key, both keys or neither, a bad attribute) is read again
/// through a `Value`, which names the failing line or field; so the fast path changes no
/// result and no error message.
/// (An externally tagged enum: an object with exactly one key, `node` or `edge`.)
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum LineWire {
    Node(NodeWire),
    Edge(EdgeWire),
}

/// The columns a CSV edge table may have; `kind`, `from` and `to` are required.
pub const CSV_COLUMNS: [&str; 11] = [
    "kind",
    "from",
    "to",
    "share",
    "vote_share",
    "subscribed",
    "role",
    "amount",
    "start",
    "end",
    "status",
];

impl GraphBuilder {
    /// Adds every `{"node": {...}}` and `{"edge": {...}}` line of a JSON Lines text. Blank lines
    /// are skipped. Stops at the first bad line.
    pub fn read_jsonl(&mut self, text: &str) -> Result<()> {
        // Spreadsheet and Windows exports often start with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<LineWire>(line) {
                Ok(LineWire::Node(node)) => {
                    let path = format!("nodes[{}]", self.node_inputs());
                    if let Ok(node) = node_from_wire(node, &path) {
                        self.add_node(node)?;
                        continue;
                    }
                }
                Ok(LineWire::Edge(edge)) => {
                    let path = format!("edges[{}]", self.edge_inputs());
                    if let Ok(edge) = edge_from_wire(edge, &path) {
                        self.add_edge(edge)?;
                        continue;
                    }
                }
                Err(_) => {}
            }
            let value: Value = serde_json::from_str(line).map_err(|e| syntax_error(&e, i + 1))?;
            let Value::Object(mut object) = value else {
                return Err(Error::field(format!("lines[{i}]"), "a line must be a JSON object"));
            };
            let (tag, inner) = match (object.len(), object.remove("node"), object.remove("edge")) {
                (1, Some(node), None) => ("node", node),
                (1, None, Some(edge)) => ("edge", edge),
                _ => {
                    let message = format!(
                        "line {} must be an object with exactly one key, `node` or `edge`",
                        i + 1
                    );
                    return Err(Error::field(format!("lines[{i}]"), message));
                }
            };
            if tag == "node" {
                let path = format!("nodes[{}]", self.node_inputs());
                let node = node_from_wire(decode::<NodeWire>(inner, &path)?, &path)?;
                self.add_node(node)?;
            } else {
                let path = format!("edges[{}]", self.edge_inputs());
                self.add_edge(edge_from_wire(decode::<EdgeWire>(inner, &path)?, &path)?)?;
            }
        }
        Ok(())
    }

    /// Adds the rows of a CSV edge table.
    ///
    /// Deliberately simple CSV: the first line is a header naming columns from [`CSV_COLUMNS`]
    /// in any order; fields are separated by commas and never quoted (a `"` is refused); an
    /// empty field means "absent". Enterprises named in it are created implicitly; persons must
    /// be declared first (for example in JSON Lines).
    pub fn read_csv_edges(&mut self, text: &str) -> Result<()> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else { return Ok(()) };
        let columns: Vec<&str> = header.split(',').map(str::trim).collect();
        for (c, name) in columns.iter().enumerate() {
            if !CSV_COLUMNS.contains(name) || columns[..c].contains(name) {
                let message = format!("unknown or repeated column `{name}`");
                return Err(Error::field(format!("header[{c}]"), message));
            }
        }
        for (i, line) in lines {
            let path = format!("edges[{}]", self.edge_inputs());
            if line.contains('"') {
                let message = format!("line {}: quoted CSV fields are not supported", i + 1);
                return Err(Error::field(path, message));
            }
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            if fields.len() != columns.len() {
                let message = format!(
                    "line {} has {} fields, the header has {}",
                    i + 1,
                    fields.len(),
                    columns.len()
                );
                return Err(Error::field(path, message));
            }
            let row: Map<String, Value> = columns
                .iter()
                .zip(&fields)
                .filter(|(_, f)| !f.is_empty())
                .map(|(c, f)| ((*c).to_owned(), Value::String((*f).to_owned())))
                .collect();
            self.add_edge(edge_from_wire(decode::<EdgeWire>(Value::Object(row), &path)?, &path)?)?;
        }
        Ok(())
    }
}

/// Deserialises an object, naming the failing field below `path`.
fn decode<T: for<'de> Deserialize<'de>>(value: Value, path: &str) -> Result<T> {
    if !value.is_object() {
        return Err(Error::field(path, "must be a JSON object"));
    }
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let inner = e.path().to_string();
        let message = e.into_inner().to_string();
        Error::field(
            if inner == "." { path.to_owned() } else { format!("{path}.{inner}") },
            message,
        )
    })
}

fn node_from_wire(w: NodeWire, path: &str) -> Result<Node> {
    match (w.enterprise, w.person) {
        (Some(code), None) => {
            Ok(Node { key: NodeKey::Enterprise(Uscc::parse(&code)?), name: w.name })
        }
        (None, Some(id)) if w.name.is_none() => Ok(Node {
            key: NodeKey::Person(PersonId::parse(&id, &format!("{path}.person"))?),
            name: None,
        }),
        (None, Some(_)) => Err(Error::field(
            format!("{path}.name"),
            "persons are pseudonymous: give no name, only the opaque key",
        )),
        _ => Err(Error::field(path, "a node needs exactly one of `enterprise` or `person`")),
    }
}

/// Refuses attributes that belong to another kind, so a typo never silently drops data.
fn forbid(present: &[(&str, bool)], kind: EdgeKind, path: &str) -> Result<()> {
    match present.iter().find(|(_, p)| *p) {
        Some((name, _)) => Err(Error::field(
            format!("{path}.{name}"),
            format!("`{name}` does not apply to a {} edge", kind_name(kind)),
        )),
        None => Ok(()),
    }
}

fn kind_name(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Shareholding => "shareholding",
        EdgeKind::ControlAgreement => "control_agreement",
        EdgeKind::KeyRole => "key_role",
        EdgeKind::Guarantee => "guarantee",
        EdgeKind::SupplyChain => "supply_chain",
    }
}

fn required<T>(value: Option<T>, name: &str, kind: EdgeKind, path: &str) -> Result<T> {
    value.ok_or_else(|| {
        Error::field(format!("{path}.{name}"), format!("a {} edge needs `{name}`", kind_name(kind)))
    })
}

fn edge_from_wire(w: EdgeWire, path: &str) -> Result<Edge> {
    let kind = w.kind;
    let share_fields = [
        ("share", w.share.is_some()),
        ("vote_share", w.vote_share.is_some()),
        ("subscribed", w.subscribed.is_some()),
    ];
    let guarantee_fields = [
        ("amount", w.amount.is_some()),
        ("start", w.start.is_some()),
        ("end", w.end.is_some()),
        ("status", w.status.is_some()),
    ];
    let role_field = [("role", w.role.is_some())];
    let relation = match kind {
        EdgeKind::Shareholding => {
            forbid(&guarantee_fields, kind, path)?;
            forbid(&role_field, kind, path)?;
            let share = required(w.share, "share", kind, path)?;
            Relation::Shareholding { share, vote_share: w.vote_share, subscribed: w.subscribed }
        }
        EdgeKind::Guarantee => {
            forbid(&share_fields, kind, path)?;
            forbid(&role_field, kind, path)?;
            Relation::Guarantee {
                amount: required(w.amount, "amount", kind, path)?,
                start: required(w.start, "start", kind, path)?,
                end: w.end,
                status: w.status.unwrap_or(GuaranteeStatus::Active),
            }
        }
        EdgeKind::KeyRole => {
            forbid(&share_fields, kind, path)?;
            forbid(&guarantee_fields, kind, path)?;
            Relation::KeyRole { role: required(w.role, "role", kind, path)? }
        }
        EdgeKind::ControlAgreement | EdgeKind::SupplyChain => {
            forbid(&share_fields, kind, path)?;
            forbid(&guarantee_fields, kind, path)?;
            forbid(&role_field, kind, path)?;
            if kind == EdgeKind::SupplyChain {
                Relation::SupplyChain
            } else {
                Relation::ControlAgreement
            }
        }
    };
    Ok(Edge { from: w.from, to: w.to, relation })
}
