//! The relationship graph: enterprises and persons joined by shareholdings, control agreements,
//! key roles, guarantees and supply relations.
//!
//! Input ([`model`], JSON Lines and CSV via [`GraphBuilder`]) is validated and frozen into a
//! [`RelationGraph`] with CSR adjacency per edge kind; [`scc`] finds strongly connected components
//! without recursion, and [`ownership`] computes integrated ownership, beneficial owners and
//! control; [`pagerank`] and [`kcore`] rank and peel any frozen adjacency. The format, the policies and the algebra are described in `docs/graph.md`.
//!
//! ```
//! use xinyong::graph::ownership::{OwnerBasis, Ownership, OwnershipConfig};
//! use xinyong::graph::{BuildPolicy, GraphBuilder};
//!
//! // The worked example: A is held 60% by p1 and 20% by B; B is held 30% by A and 70% by p2.
//! let (a, b) = ("91210100MA1ENJ9KXL", "91210100MA1G966FX9");
//! let mut builder = GraphBuilder::new(BuildPolicy::default());
//! builder.read_jsonl(&format!(
//!     r#"{{"node": {{"person": "p1"}}}}
//! {{"node": {{"person": "p2"}}}}
//! {{"edge": {{"kind": "shareholding", "from": "p1", "to": "{a}", "share": "0.6"}}}}
//! {{"edge": {{"kind": "shareholding", "from": "{b}", "to": "{a}", "share": "0.2"}}}}
//! {{"edge": {{"kind": "shareholding", "from": "{a}", "to": "{b}", "share": "0.3"}}}}
//! {{"edge": {{"kind": "shareholding", "from": "p2", "to": "{b}", "share": "0.7"}}}}"#
//! ))?;
//! let (graph, report) = builder.freeze()?;
//! assert_eq!(report.implied_enterprises.len(), 2);
//! let analysis = Ownership::new(&graph, OwnershipConfig::default());
//! let owners = analysis.beneficial_owners(a)?;
//! assert_eq!(owners.basis, OwnerBasis::Ownership);
//! assert_eq!(owners.owners[0].person, "p1");
//! assert_eq!(owners.owners[0].share.to_string(), "0.638298"); // 0.6 / (1 − 0.2 · 0.3)
//! # Ok::<(), xinyong::Error>(())
//! ```

pub mod build;
pub mod close_links;
mod column;
pub mod contagion;
pub mod csr;
pub mod features;
pub mod groups;
pub mod guarantee;
mod input;
pub mod kcore;
mod linalg;
pub mod model;
pub mod ownership;
pub mod pagerank;
pub mod relation;
pub mod scc;
mod shares;

pub use build::{
    BuildPolicy, BuildReport, DuplicatePolicy, GraphBuilder, GraphLimits, OversubscribedPolicy,
};
pub use input::CSV_COLUMNS;
pub use model::{
    Edge, EdgeKind, GuaranteeStatus, Node, NodeKey, NodeKind, PersonId, Relation, Role,
};
pub use relation::RelationGraph;

#[cfg(test)]
mod tests;
