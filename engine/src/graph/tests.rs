//! Input validation and build policies: each bad input is pinned by its error kind and path.

use rust_decimal::Decimal;

use super::ownership::{OwnerBasis, Ownership, OwnershipConfig};
use super::*;
use crate::error::Error;

const A: &str = "91210100MA1ENJ9KXL";
const B: &str = "91210100MA1G966FX9";

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn jsonl(text: &str, policy: BuildPolicy) -> Result<(RelationGraph, BuildReport), Error> {
    let mut builder = GraphBuilder::new(policy);
    builder.read_jsonl(text)?;
    builder.freeze()
}

fn build(text: &str) -> Result<(RelationGraph, BuildReport), Error> {
    jsonl(text, BuildPolicy::default())
}

fn holding(from: &str, to: &str, share: &str) -> String {
    format!(
        r#"{{"edge": {{"kind": "shareholding", "from": "{from}", "to": "{to}", "share": "{share}"}}}}"#
    )
}

fn person(id: &str) -> String {
    format!(r#"{{"node": {{"person": "{id}"}}}}"#)
}

fn kind_and_path(e: &Error) -> (&'static str, Option<&str>) {
    (e.kind(), e.path())
}

#[test]
fn bad_inputs_give_kind_and_path() {
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        (
            format!("{}\n{}", holding(B, A, "0.5"), holding(B, A, "1.5")),
            "invalid_field",
            Some("edges[1].share"),
        ),
        (person("11010519491231002X"), "invalid_field", Some("nodes[0].person")),
        (person(A), "invalid_field", Some("nodes[0].person")),
        (holding("ghost", A, "0.5"), "invalid_field", Some("edges[0].from")),
        (r#"{"node": {"enterprise": "91210100MA1ENJ9KX0"}}"#.to_owned(), "invalid_uscc", None),
        (
            format!("{}\n{}", person("p"), holding(A, "p", "0.5")),
            "invalid_field",
            Some("edges[0].to"),
        ),
        (
            r#"{"edge": {"kind": "shareholding", "from": "x", "to": "y"}}"#.to_owned(),
            "invalid_field",
            Some("edges[0].share"),
        ),
        (
            format!(
                r#"{{"edge": {{"kind": "guarantee", "from": "{A}", "to": "{B}", "amount": "1", "start": "2024-01-01", "share": "0.1"}}}}"#
            ),
            "invalid_field",
            Some("edges[0].share"),
        ),
        (
            format!(
                r#"{{"edge": {{"kind": "guarantee", "from": "{A}", "to": "{B}", "amount": "1", "start": "2024-05-01", "end": "2024-01-01"}}}}"#
            ),
            "inconsistent_dates",
            Some("edges[0]"),
        ),
        (
            format!(
                r#"{{"edge": {{"kind": "key_role", "from": "{A}", "to": "{B}", "role": "director"}}}}"#
            ),
            "invalid_field",
            Some("edges[0].from"),
        ),
        (
            format!(
                r#"{{"edge": {{"kind": "shareholding", "from": "{A}", "to": "{B}", "share": "0.5", "colour": 1}}}}"#
            ),
            "invalid_field",
            Some("edges[0].colour"),
        ),
        (r#"{"node": {}, "edge": {}}"#.to_owned(), "invalid_field", Some("lines[0]")),
        (format!("{}\n\n{{\"edge\": ", person("p")), "malformed_json", None),
    ];
    for (input, kind, path) in cases {
        let err = build(&input).map(|_| ()).unwrap_err();
        assert_eq!(kind_and_path(&err), (kind, path), "{input}: {err}");
    }
    let err = build(&format!("{}\n\n{{\"edge\": ", person("p"))).map(|_| ()).unwrap_err();
    assert!(matches!(err, Error::MalformedJson { line: 3, .. }), "{err}");
    assert!(Node::person("11010519491231002x").is_err());
    let named = Node { key: Node::person("p").unwrap().key, name: Some("Zhang San".to_owned()) };
    let err = GraphBuilder::new(BuildPolicy::default()).add_node(named).unwrap_err();
    assert_eq!(err.path(), Some("nodes[0].name"));
    assert!(Node::person("a1b2c3").is_ok());
}

#[test]
fn implied_enterprises_are_created_and_reported_unless_refused() {
    let (graph, report) = build(&holding(&A.to_lowercase(), B, "0.5")).unwrap();
    assert_eq!(graph.node_count(), 2);
    assert_eq!(report.implied_enterprises, vec![A.to_owned(), B.to_owned()]);
    assert!(graph.index_of(&A.to_lowercase()).is_some());
    let strict = BuildPolicy { implicit_enterprises: false, ..BuildPolicy::default() };
    let err = jsonl(&holding(A, B, "0.5"), strict).map(|_| ()).unwrap_err();
    assert_eq!(err.path(), Some("edges[0].from"));
}

#[test]
fn treasury_shares_are_removed_and_the_rest_rescaled() {
    let input = [
        person("p"),
        person("q"),
        holding(A, A, "0.2"),
        holding("p", A, "0.4"),
        holding("q", A, "0.4"),
    ];
    let (graph, report) = build(&input.join("\n")).unwrap();
    let h = graph.shareholdings();
    assert_eq!(h.edges().len(), 2);
    assert!((0..2).all(|e| h.share(e) == d("0.5")));
    assert_eq!(report.treasury_removed.len(), 1);
    assert_eq!(report.treasury_removed[0].share, d("0.2"));
}

#[test]
fn duplicates_merge_or_are_refused() {
    let input = [person("p"), holding("p", A, "0.2"), holding("p", A, "0.25")].join("\n");
    let (graph, report) = build(&input).unwrap();
    assert_eq!(graph.shareholdings().share(0), d("0.45"));
    assert_eq!(report.duplicates_merged[0].count, 2);
    let reject = BuildPolicy { duplicates: DuplicatePolicy::Reject, ..BuildPolicy::default() };
    let err = jsonl(&input, reject).map(|_| ()).unwrap_err();
    assert_eq!(err.path(), Some("edges[1]"));
}

#[test]
fn oversubscribed_firms_are_refused_renormalised_or_kept() {
    let input =
        [person("p"), person("q"), holding("p", A, "0.75"), holding("q", A, "0.5")].join("\n");
    assert_eq!(build(&input).map(|_| ()).unwrap_err().kind(), "invalid_field");
    let policy = |oversubscribed| BuildPolicy { oversubscribed, ..BuildPolicy::default() };
    let (graph, report) = jsonl(&input, policy(OversubscribedPolicy::Renormalise)).unwrap();
    assert_eq!(graph.shareholdings().share(0), d("0.6"));
    assert_eq!(report.oversubscribed[0].total, d("1.25"));
    let (graph, report) = jsonl(&input, policy(OversubscribedPolicy::Keep)).unwrap();
    assert_eq!(graph.shareholdings().share(0), d("0.75"));
    assert_eq!(report.oversubscribed[0].action, OversubscribedPolicy::Keep);
    let flagged = Ownership::new(&graph, OwnershipConfig::default()).oversubscribed();
    assert_eq!((flagged[0].firm.as_str(), flagged[0].total), (A, d("1.25")));
}

#[test]
fn csv_edge_tables_are_read_with_their_header() {
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    let csv = format!(
        "\u{feff}kind,from,to,amount,start,end,status\nguarantee,{A},{B},1000000,2024-01-01,,active\n\
         guarantee,{B},{A},500000,2024-02-01,2025-02-01,released\n"
    );
    builder.read_csv_edges(&csv).unwrap();
    let (graph, _) = builder.freeze().unwrap();
    let g = graph.guarantees();
    let (a, b) = (graph.index_of(A).unwrap(), graph.index_of(B).unwrap());
    assert_eq!(g.edges().forward().neighbours(a), &[b]);
    assert_eq!(g.edges().reverse().neighbours(a), &[b]);
    let (amount, _, end, status) =
        g.terms(g.edges().forward().edge_ids(b).next().unwrap()).unwrap();
    assert_eq!(
        (amount.to_string(), end.is_some(), status),
        ("500000".to_owned(), true, GuaranteeStatus::Released)
    );
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    let err = builder
        .read_csv_edges(&format!("kind,from,to,share\nshareholding,\"{A}\",{B},0.1"))
        .unwrap_err();
    assert_eq!(err.path(), Some("edges[0]"));
    let err = builder.read_csv_edges("kind,from,to,colour\n").unwrap_err();
    assert_eq!(err.path(), Some("header[3]"));
    let err =
        builder.read_csv_edges(&format!("kind,from,to,share\nshareholding,{A},{B},2")).unwrap_err();
    assert_eq!(err.path(), Some("edges[0].share"));
}

#[test]
fn control_agreements_and_the_legal_representative_fallback() {
    let vie = [
        person("founder"),
        format!(r#"{{"edge": {{"kind": "control_agreement", "from": "founder", "to": "{A}"}}}}"#),
    ];
    let (graph, _) = build(&vie.join("\n")).unwrap();
    let owners = Ownership::new(&graph, OwnershipConfig::default()).beneficial_owners(A).unwrap();
    assert_eq!(owners.basis, OwnerBasis::Control);
    assert_eq!(owners.owners[0].person, "founder");
    assert_eq!(owners.owners[0].share, Decimal::ZERO);
    let mut spread: Vec<String> = (0..5).map(|i| person(&format!("h{i}"))).collect();
    spread.extend((0..5).map(|i| holding(&format!("h{i}"), A, "0.2")));
    spread.push(person("rep"));
    spread.push(format!(r#"{{"edge": {{"kind": "key_role", "from": "rep", "to": "{A}", "role": "legal_representative"}}}}"#));
    let (graph, _) = build(&spread.join("\n")).unwrap();
    let owners = Ownership::new(&graph, OwnershipConfig::default()).beneficial_owners(A).unwrap();
    assert_eq!(owners.basis, OwnerBasis::LegalRepresentative);
    assert_eq!(owners.owners[0].person, "rep");
}

#[test]
fn majority_control_never_counts_a_stake_twice() {
    // p holds 60% of X; X and p each hold 30% of Y: p with X owns 60% of Y, p controls Y.
    // q holds 40% of X and 25% of Y: q controls nothing.
    let x = A;
    let y = B;
    let input = [
        person("p"),
        person("q"),
        holding("p", x, "0.6"),
        holding("q", x, "0.4"),
        holding(x, y, "0.3"),
        holding("p", y, "0.3"),
        holding("q", y, "0.25"),
    ];
    let (graph, _) = build(&input.join("\n")).unwrap();
    let analysis = Ownership::new(&graph, OwnershipConfig::default());
    assert_eq!(analysis.controllers(y).unwrap(), vec!["p".to_owned()]);
    assert_eq!(analysis.controllers(x).unwrap(), vec!["p".to_owned()]);
    assert_eq!(analysis.of("p").unwrap_err().path(), Some("firm"));
}

#[test]
fn lines_the_direct_reading_refuses_are_read_as_before() {
    // Each of these is refused by the one-pass reading of a line and so read again through a
    // JSON value: the outcome must be the one that path has always given.
    let node = r#""node": {"enterprise": "91210100MA1ENJ9KXL"}"#;
    for (text, path) in [
        (format!("{{{node}, \"edge\": null}}"), "lines[0]"),
        ("{}".to_owned(), "lines[0]"),
        (r#"{"node": null}"#.to_owned(), "nodes[0]"),
        (r#"{"node": {"person": "p", "age": 3}}"#.to_owned(), "nodes[0].age"),
        (
            r#"{"edge": {"kind": "shareholding", "from": "x", "to": "y", "share": "2"}}"#
                .to_owned(),
            "edges[0].share",
        ),
    ] {
        let e = build(&text).unwrap_err();
        assert_eq!(e.path(), Some(path), "{text}: {e}");
    }
    let e = build(&format!("{{{node}, \"edge\": null}}")).unwrap_err();
    assert!(e.to_string().contains("exactly one key"), "{e}");
    // A key repeated inside a node is an error for the direct reading; the value reading keeps
    // the last one, as it always did.
    let (graph, _) = build(r#"{"node": {"person": "q", "person": "p"}}"#).unwrap();
    assert_eq!(graph.index_of("p"), Some(0));
    assert_eq!(graph.index_of("q"), None);
    // Numbers where decimals are expected read the same either way.
    let text = format!(
        "{}\n{}\n{}",
        person("p"),
        holding("p", A, "0.5").replace("\"0.5\"", "0.5"),
        r#"{"node": {"enterprise": "91210100MA1ENJ9KXL"}}"#
    );
    let (graph, _) = build(&text).unwrap();
    assert_eq!(graph.shareholdings().share(0), d("0.5"));
}
