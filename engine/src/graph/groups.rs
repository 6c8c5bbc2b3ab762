//! Group clients (集团客户): firms a bank must lend to as one borrower.
//!
//! The CBRC guideline on group-client credit risk (2010) ties firms into a group by control, by
//! common control of a third party, by common control of key individuals, and by other
//! non-arm's-length relations. This module applies four switchable tests to the relationship
//! graph and joins the firms with a union-find, keeping for every join the relation that caused
//! it (the witness), so each group comes with the ties that justify it:
//!
//! - **control**: an enterprise that ultimately controls another (majority fixpoint or control
//!   agreement, [`Ownership::controllers`]) joins it;
//! - **common controller**: firms with the same ultimate controller, person or enterprise, join;
//! - **key person**: firms where the same person holds one of the configured key roles join,
//!   unless the person holds such roles in more than [`GroupConfig::max_person_firms`] firms (a
//!   nominee or an agent, not a controller: reported in [`Groups::hubs_skipped`] instead);
//! - **mutual guarantee**: two firms that guarantee each other's loans on the date join.
//!
//! The state is never a common controller: the guideline says sharing the state as owner does
//! not make two state firms related. A controller is the state when its key is listed in
//! [`GroupConfig::state_owners`] or, with [`GroupConfig::state_by_authority`], when it is an
//! enterprise registered by the 机构编制 authority (USCC position 1 = `1`: government bodies such
//! as the SASACs).

use serde::Serialize;

use super::RelationGraph;
use super::guarantee::is_active;
use super::model::{NodeKey, Role};
use super::ownership::{Ownership, OwnershipConfig};
use crate::date::Date;
use crate::error::Result;

/// Which tests tie firms into groups, and their limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupConfig {
    /// Date for the guarantee test: only guarantees in force on it count.
    #[serde(with = "crate::date::iso")]
    pub as_of: Date,
    /// An enterprise that ultimately controls another joins it.
    pub control: bool,
    /// Firms with the same ultimate controller join.
    pub common_controller: bool,
    /// Firms sharing a person in one of [`GroupConfig::key_roles`] join.
    pub key_persons: bool,
    /// The roles that count for the key-person test (default: legal representative).
    pub key_roles: Vec<Role>,
    /// Firms that guarantee each other's loans join.
    pub mutual_guarantees: bool,
    /// A person with key roles in more firms than this ties none of them (default 20).
    pub max_person_firms: usize,
    /// Keys of controllers that are the state and never tie the firms they control.
    pub state_owners: Vec<String>,
    /// Treat enterprises registered by the 机构编制 authority (USCC starting with `1`) as the
    /// state (default `true`).
    pub state_by_authority: bool,
}

impl GroupConfig {
    /// Every test on, legal representatives as key persons, hubs above 20 firms skipped.
    pub fn new(as_of: Date) -> GroupConfig {
        GroupConfig {
            as_of,
            control: true,
            common_controller: true,
            key_persons: true,
            key_roles: vec![Role::LegalRepresentative],
            mutual_guarantees: true,
            max_person_firms: 20,
            state_owners: Vec::new(),
            state_by_authority: true,
        }
    }
}

/// Why two firms were joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TieKind {
    /// `a` ultimately controls `b`.
    Control,
    /// `via` ultimately controls both.
    CommonController,
    /// Person `via` holds a key role in both.
    KeyPerson,
    /// `a` and `b` guarantee each other's loans.
    MutualGuarantee,
}

/// A relation that joined two firms: the witness of one merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tie {
    /// The test that found it.
    pub kind: TieKind,
    /// One firm.
    pub a: String,
    /// The other firm.
    pub b: String,
    /// The controller or person through whom, for common control and key persons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A group client: at least two firms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// 1-based, in the order of each group's first member key.
    pub id: u32,
    /// The member enterprises, in key order.
    pub members: Vec<String>,
    /// The ties that joined them: exactly `members.len() - 1`, a spanning tree of the group.
    pub ties: Vec<Tie>,
}

/// A person whose key roles were not used because they span too many firms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubSkipped {
    /// The person.
    pub person: String,
    /// In how many firms the person holds a counted key role.
    pub firms: usize,
}

/// The group clients of a graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Groups {
    /// The settings used.
    pub config: GroupConfig,
    /// The groups, by id.
    pub groups: Vec<Group>,
    /// Key persons left out by the hub cap, in key order.
    pub hubs_skipped: Vec<HubSkipped>,
}

impl Groups {
    /// The group id of each firm that is in a group, by firm key.
    pub fn group_of(&self, firm: &str) -> Option<u32> {
        self.groups.iter().find(|g| g.members.iter().any(|m| m == firm)).map(|g| g.id)
    }
}

/// Union-find over node indices, with path halving and union by size.
struct Forest {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Forest {
    fn new(n: usize) -> Forest {
        Forest { parent: (0..n as u32).collect(), size: vec![1; n] }
    }

    fn find(&mut self, mut v: u32) -> u32 {
        while self.parent[v as usize] != v {
            let grand = self.parent[self.parent[v as usize] as usize];
            self.parent[v as usize] = grand;
            v = grand;
        }
        v
    }

    /// Joins the sets of `a` and `b`; false when they already were one.
    fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }
}

/// Finds the group clients of `graph` under `config`.
///
/// # Errors
/// `limit_exceeded` when a firm's control query visits more holders than the ownership limits
/// allow ([`OwnershipConfig::max_ancestors`]).
pub fn groups(graph: &RelationGraph, config: GroupConfig) -> Result<Groups> {
    let n = graph.node_count();
    let is_state = |v: u32| {
        let key = graph.key_str(v);
        config.state_owners.iter().any(|s| s == key)
            || (config.state_by_authority
                && matches!(graph.key(v), Some(NodeKey::Enterprise(code)) if code.authority() == '1'))
    };
    let joinable = |v: u32| !graph.is_person(v) && !is_state(v);
    let mut forest = Forest::new(n);
    let mut ties: Vec<(u32, Tie)> = Vec::new();
    let mut join = |forest: &mut Forest, a: u32, b: u32, kind: TieKind, via: Option<u32>| {
        if forest.union(a, b) {
            let tie = Tie {
                kind,
                a: graph.key_str(a).to_owned(),
                b: graph.key_str(b).to_owned(),
                via: via.map(|v| graph.key_str(v).to_owned()),
            };
            ties.push((a, tie));
        }
    };

    if config.control || config.common_controller {
        let ownership = Ownership::new(graph, OwnershipConfig::default());
        // Firms by ultimate controller, in node order.
        let mut controlled: Vec<Vec<u32>> = vec![Vec::new(); n];
        for v in (0..n as u32).filter(|&v| joinable(v)) {
            for c in ownership.controller_indices(v)? {
                if c != v && !is_state(c) {
                    controlled[c as usize].push(v);
                }
            }
        }
        for (c, firms) in controlled.iter().enumerate() {
            let c = c as u32;
            if config.control && joinable(c) {
                for &v in firms {
                    join(&mut forest, c, v, TieKind::Control, None);
                }
            }
            if config.common_controller
                && let Some((&first, rest)) = firms.split_first()
            {
                for &v in rest {
                    join(&mut forest, first, v, TieKind::CommonController, Some(c));
                }
            }
        }
    }

    let mut hubs_skipped = Vec::new();
    if config.key_persons {
        let roles = graph.key_roles();
        for p in (0..n as u32).filter(|&p| graph.is_person(p)) {
            let mut firms: Vec<u32> = roles
                .edges()
                .forward()
                .arcs(p)
                .filter(|&(_, e)| roles.role(e).is_some_and(|r| config.key_roles.contains(&r)))
                .map(|(firm, _)| firm)
                .filter(|&firm| joinable(firm))
                .collect();
            firms.sort_unstable();
            firms.dedup();
            if firms.len() > config.max_person_firms {
                let person = graph.key_str(p).to_owned();
                hubs_skipped.push(HubSkipped { person, firms: firms.len() });
                continue;
            }
            if let Some((&first, rest)) = firms.split_first() {
                for &v in rest {
                    join(&mut forest, first, v, TieKind::KeyPerson, Some(p));
                }
            }
        }
    }

    if config.mutual_guarantees {
        let table = graph.guarantees().edges();
        for a in (0..n as u32).filter(|&a| joinable(a)) {
            for (b, e) in table.forward().arcs(a) {
                if b <= a || !joinable(b) || !is_active(graph, e, config.as_of) {
                    continue;
                }
                let back = table
                    .forward()
                    .arcs(b)
                    .any(|(t, f)| t == a && is_active(graph, f, config.as_of));
                if back {
                    join(&mut forest, a, b, TieKind::MutualGuarantee, None);
                }
            }
        }
    }

    Ok(Groups { groups: collect(graph, &mut forest, ties), hubs_skipped, config })
}

/// The sets of two or more firms, numbered by their first member; each with its ties.
fn collect(graph: &RelationGraph, forest: &mut Forest, ties: Vec<(u32, Tie)>) -> Vec<Group> {
    let n = graph.node_count() as u32;
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); n as usize];
    for v in 0..n {
        members[forest.find(v) as usize].push(v);
    }
    let mut ties_of: Vec<Vec<Tie>> = vec![Vec::new(); n as usize];
    for (a, tie) in ties {
        ties_of[forest.find(a) as usize].push(tie);
    }
    // Nodes are numbered in key order, so a set's smallest index is its first key.
    let mut roots: Vec<u32> = (0..n).filter(|&r| members[r as usize].len() >= 2).collect();
    roots.sort_by_key(|&r| members[r as usize][0]);
    roots
        .into_iter()
        .zip(1..)
        .map(|(r, id)| Group {
            id,
            members: members[r as usize].iter().map(|&v| graph.key_str(v).to_owned()).collect(),
            ties: std::mem::take(&mut ties_of[r as usize]),
        })
        .collect()
}
