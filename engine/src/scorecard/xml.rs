//! Small helpers over the XML tree: element paths for errors, typed attributes, and PMML's
//! space-separated `<Array>` syntax.
//!
//! Elements are matched by local name only, so documents in any PMML 4.x namespace (or none)
//! read the same.

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::num::parse_decimal;

pub(super) type Node<'a, 'input> = roxmltree::Node<'a, 'input>;

/// Elements that routinely repeat, so their paths always carry an index even when alone.
const REPEATING: [&str; 7] =
    ["Characteristic", "Attribute", "DataField", "MiningField", "OutputField", "Interval", "Value"];

/// The local name of an element.
pub(super) fn name<'a>(node: Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}

/// The element children of a node, in document order.
pub(super) fn elements<'a, 'input>(
    node: Node<'a, 'input>,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(Node::is_element)
}

/// The element path of a node, e.g. `PMML/Scorecard/Characteristics/Characteristic[2]`, with
/// 1-based indexes among same-named siblings.
pub(super) fn path(node: Node) -> String {
    let mut parts: Vec<String> = node
        .ancestors()
        .filter(Node::is_element)
        .map(|n| {
            let local = name(n);
            let siblings: Vec<Node> = n
                .parent()
                .map(|p| elements(p).filter(|s| name(*s) == local).collect())
                .unwrap_or_default();
            if siblings.len() > 1 || REPEATING.contains(&local) {
                let index = siblings.iter().position(|s| *s == n).map_or(1, |i| i + 1);
                format!("{local}[{index}]")
            } else {
                local.to_string()
            }
        })
        .collect();
    parts.reverse();
    parts.join("/")
}

/// The error for an element this importer does not evaluate.
pub(super) fn unsupported(node: Node) -> Error {
    Error::field(path(node), format!("unsupported element `{}`", name(node)))
}

/// The error for an attribute value this importer does not evaluate.
pub(super) fn bad_value(node: Node, attribute: &str, value: &str) -> Error {
    let shown: String = value.chars().take(40).collect();
    Error::field(path(node), format!("unsupported value `{shown}` of attribute `{attribute}`"))
}

/// A required attribute.
pub(super) fn required<'a>(node: Node<'a, '_>, attribute: &str) -> Result<&'a str> {
    node.attribute(attribute)
        .ok_or_else(|| Error::field(path(node), format!("missing attribute `{attribute}`")))
}

/// An optional decimal attribute.
pub(super) fn decimal(node: Node, attribute: &str) -> Result<Option<Decimal>> {
    node.attribute(attribute)
        .map(|text| {
            parse_decimal(text).ok_or_else(|| {
                let shown: String = text.chars().take(40).collect();
                Error::field(
                    path(node),
                    format!("attribute `{attribute}` is not a number: `{shown}`"),
                )
            })
        })
        .transpose()
}

/// An optional `xs:boolean` attribute.
pub(super) fn boolean(node: Node, attribute: &str, default: bool) -> Result<bool> {
    match node.attribute(attribute) {
        None => Ok(default),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(other) => Err(bad_value(node, attribute, other)),
    }
}

/// An optional attribute naming one of `choices` (given with their PMML spellings).
pub(super) fn choice<T: Copy>(
    node: Node,
    attribute: &str,
    choices: &[(T, &str)],
) -> Result<Option<T>> {
    match node.attribute(attribute) {
        None => Ok(None),
        Some(text) => choices
            .iter()
            .find(|(_, spelling)| *spelling == text)
            .map(|(value, _)| Some(*value))
            .ok_or_else(|| bad_value(node, attribute, text)),
    }
}

/// Splits the text of a PMML `<Array>`: whitespace separates entries, double quotes group an
/// entry that contains spaces, and `\"` inside quotes is a literal quote.
pub(super) fn array_entries(text: &str) -> Vec<String> {
    let mut entries = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut entry = String::new();
        if c == '"' {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if chars.peek() == Some(&'"') => {
                        entry.push('"');
                        chars.next();
                    }
                    '"' => break,
                    c => entry.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                entry.push(c);
                chars.next();
            }
        }
        entries.push(entry);
    }
    entries
}
