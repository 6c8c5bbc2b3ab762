//! Group clients on `fixtures/graph/groups.jsonl` (hand-worked in `fixtures/graph/README.md`):
//! control, common control, key persons with a hub cap, mutual guarantees, and two state firms
//! that must not merge.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use xinyong::date::parse_date;
use xinyong::graph::groups::{GroupConfig, Groups, TieKind, groups};
use xinyong::graph::model::Role;
use xinyong::graph::{BuildPolicy, GraphBuilder, RelationGraph};

const S: &str = "11330100000000019E";
const T1: &str = "91330100MA00000740";
const T2: &str = "91330100MA0000146Q";
const E: &str = "91330100MA0000218H";
const D: &str = "91330100MA0000285F";
const P1C: &str = "91330100MA00003578";
const P2C: &str = "91330100MA00004291";
const H1: &str = "91330100MA0000496Y";
const H2: &str = "91330100MA0000568P";
const H3: &str = "91330100MA000063XB";
const X1: &str = "91330100MA00007017";
const M1: &str = "91330100MA0000912N";
const M2: &str = "91330100MA000098XH";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/graph")
}

fn graph() -> RelationGraph {
    let text = std::fs::read_to_string(fixtures().join("groups.jsonl")).unwrap();
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&text).unwrap();
    builder.freeze().unwrap().0
}

/// The golden configuration: every test on, key persons capped at two firms.
fn config() -> GroupConfig {
    GroupConfig { max_person_firms: 2, ..GroupConfig::new(parse_date("2026-06-30").unwrap()) }
}

fn members(found: &Groups) -> Vec<Vec<&str>> {
    found.groups.iter().map(|g| g.members.iter().map(String::as_str).collect()).collect()
}

#[test]
fn golden_groups_match_and_hold_their_hand_worked_values() {
    let found = groups(&graph(), config()).unwrap();
    let path = fixtures().join("groups.expected.json");
    let pretty = serde_json::to_string_pretty(&found).unwrap() + "\n";
    if std::env::var_os("XINYONG_BLESS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(serde_json::to_value(&found).unwrap(), expected, "differs from {}", path.display());

    assert_eq!(members(&found), vec![vec![E, D], vec![P1C, P2C], vec![H1, H2], vec![M1, M2]]);
    let kinds: Vec<(TieKind, Option<&str>)> =
        found.groups.iter().map(|g| (g.ties[0].kind, g.ties[0].via.as_deref())).collect();
    assert_eq!(
        kinds,
        vec![
            (TieKind::Control, None),
            (TieKind::CommonController, Some("pc")),
            (TieKind::KeyPerson, Some("h")),
            (TieKind::MutualGuarantee, None),
        ]
    );
    for group in &found.groups {
        assert_eq!(group.ties.len(), group.members.len() - 1, "a spanning tree of ties");
    }
    // Sharing the state as owner does not tie T1 and T2; the state body joins no group; a
    // guarantee one way (T1 → E) is no tie.
    for firm in [S, T1, T2, H3, X1] {
        assert_eq!(found.group_of(firm), None, "{firm}");
    }
    assert_eq!(found.hubs_skipped.len(), 1);
    assert_eq!((found.hubs_skipped[0].person.as_str(), found.hubs_skipped[0].firms), ("x", 3));
}

#[test]
fn each_test_can_be_switched_off() {
    let graph = graph();
    let off = |f: fn(&mut GroupConfig)| {
        let mut config = config();
        f(&mut config);
        members(&groups(&graph, config).unwrap())
            .into_iter()
            .map(|m| m[0].to_owned())
            .collect::<Vec<String>>()
    };
    let firsts = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(off(|c| c.control = false), firsts(&[P1C, H1, M1]));
    assert_eq!(off(|c| c.common_controller = false), firsts(&[E, H1, M1]));
    assert_eq!(off(|c| c.key_persons = false), firsts(&[E, P1C, M1]));
    assert_eq!(off(|c| c.mutual_guarantees = false), firsts(&[E, P1C, H1]));
}

#[test]
fn the_state_can_be_named_or_trusted_and_the_hub_cap_and_roles_are_settings() {
    let graph = graph();
    // Without the authority rule, the state body controls T1 and T2 like any firm.
    let trusting = GroupConfig { state_by_authority: false, ..config() };
    let found = groups(&graph, trusting).unwrap();
    assert_eq!(members(&found)[0], vec![S, T1, T2]);
    // Naming it as the state restores the separation.
    let named =
        GroupConfig { state_by_authority: false, state_owners: vec![S.to_owned()], ..config() };
    assert_eq!(groups(&graph, named).unwrap().group_of(T1), None);
    // With a larger cap, x ties X1..X3; counting directors adds H3 to h's group.
    let wide = GroupConfig {
        max_person_firms: 20,
        key_roles: vec![Role::LegalRepresentative, Role::Director],
        ..config()
    };
    let found = groups(&graph, wide).unwrap();
    assert!(found.hubs_skipped.is_empty());
    assert_eq!(found.group_of(H3), found.group_of(H1));
    assert!(found.group_of(X1).is_some());
}

#[test]
fn the_mutual_guarantee_lapses_with_its_contract() {
    // M2 → M1 ends on 2027-02-28: from the next day the pair is no longer tied.
    let later = GroupConfig { as_of: parse_date("2027-03-01").unwrap(), ..config() };
    assert_eq!(groups(&graph(), later).unwrap().group_of(M1), None);
}
