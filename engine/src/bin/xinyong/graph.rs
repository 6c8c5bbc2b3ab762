//! `xinyong graph`: analyses of a relationship graph (ownership, beneficial owners, control,
//! guarantee circles, contagion) read from JSON Lines or CSV, written as JSON Lines or a table.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;
use xinyong::date::Date;
use xinyong::graph::contagion::{ContagionConfig, debt_rank};
use xinyong::graph::features::{FeatureInput, firm_features};
use xinyong::graph::groups::{GroupConfig, groups as find_groups};
use xinyong::graph::guarantee::{GuaranteeConfig, analyse};
use xinyong::graph::model::Role;
use xinyong::graph::ownership::{Ownership, OwnershipConfig, OwnershipMethod};
use xinyong::graph::{BuildPolicy, BuildReport, GraphBuilder, RelationGraph};

use crate::io::{Output, engine_error, read_text};
use crate::table::cell;
use crate::{Outcome, date_arg, today};

#[derive(clap::Subcommand)]
pub enum Command {
    /// What the build changed or noticed (implied firms, treasury shares, merged duplicates).
    Report(Common),
    /// Integrated ownership of each firm: every holder's direct and ultimate share (every
    /// chain and walk around cycles; no threshold applies).
    Ownership(Common),
    /// Beneficial owners of each firm, with the chains that justify them.
    Owners(OwnersArgs),
    /// Ultimate controllers of each firm (majority control as a fixpoint, agreements).
    Control(Common),
    /// Guarantee circles in force on a date, with mutual pairs, cycles and chains.
    Circles(CirclesArgs),
    /// DebtRank distress spreading from seed firms over the active guarantees.
    Contagion(ContagionArgs),
    /// Group clients: firms tied by control, common control, key persons or mutual guarantees.
    Groups(GroupsArgs),
    /// Graph indicators of each firm: dishonest firms within two ties, guarantee circle and
    /// exposure, dishonest controllers, DebtRank distress.
    Features(FeaturesArgs),
}

/// How results are written.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// A readable table.
    Table,
}

#[derive(clap::Args)]
pub struct Common {
    /// Nodes and edges as JSON Lines, or edges as CSV when the name ends in `.csv`
    /// (format in docs/graph.md).
    #[arg(long)]
    edges: PathBuf,
    /// Node declarations as JSON Lines, read before the edges.
    #[arg(long)]
    nodes: Option<PathBuf>,
    /// Only this firm (a USCC); every enterprise when absent.
    #[arg(long)]
    firm: Option<String>,
    /// Output file, written atomically; stdout when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
}

#[derive(clap::Args)]
pub struct OwnersArgs {
    #[command(flatten)]
    common: Common,
    /// Share from which a natural person is a beneficial owner.
    #[arg(long, default_value = "0.25")]
    threshold: Decimal,
    /// A share equal to the threshold does not qualify ("more than" rather than "at least").
    #[arg(long)]
    exclusive: bool,
    /// How stakes are measured.
    #[arg(long, value_enum, default_value = "matrix")]
    method: Method,
}

/// The ownership algebra (docs/graph.md).
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Method {
    /// Absorbing-chain share (every chain and walk around cycles).
    Matrix,
    /// Sum over simple chains of the product of their shares.
    SimplePaths,
    /// Largest over simple chains of the smallest share on the chain.
    WeakestLink,
}

#[derive(clap::Args)]
pub struct CirclesArgs {
    #[command(flatten)]
    common: Common,
    /// Date the guarantees must be in force; today when absent.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<Date>,
    /// Net assets of firms, for the exposure ratio: a JSON object of USCC to amount (string).
    #[arg(long)]
    net_assets: Option<PathBuf>,
    /// Longest cycle listed inside a circle.
    #[arg(long)]
    max_cycle_length: Option<usize>,
}

#[derive(clap::Args)]
pub struct ContagionArgs {
    #[command(flatten)]
    common: Common,
    /// Date the guarantees must be in force; today when absent.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<Date>,
    /// A firm in default at the start (repeat for several).
    #[arg(long = "seed", required = true)]
    seeds: Vec<String>,
    /// Equity of firms: a JSON object of USCC to amount (string). Sets impacts and weights.
    #[arg(long)]
    equity: Option<PathBuf>,
    /// Loss given default, in [0, 1].
    #[arg(long)]
    lgd: Option<Decimal>,
}

#[derive(clap::Args)]
pub struct GroupsArgs {
    #[command(flatten)]
    common: Common,
    /// Date the guarantees must be in force; today when absent.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<Date>,
    /// A person with key roles in more firms than this ties none of them.
    #[arg(long, default_value_t = 20)]
    max_person_firms: usize,
    /// A key role that ties firms (repeat; default: legal representative).
    #[arg(long = "key-role", value_enum)]
    key_roles: Vec<KeyRole>,
    /// A controller that is the state and ties nothing (repeat).
    #[arg(long = "state")]
    state: Vec<String>,
    /// Do not join an enterprise with the firms it controls.
    #[arg(long)]
    no_control: bool,
    /// Do not join firms with a common ultimate controller.
    #[arg(long)]
    no_common_controller: bool,
    /// Do not join firms sharing a key person.
    #[arg(long)]
    no_key_persons: bool,
    /// Do not join firms that guarantee each other.
    #[arg(long)]
    no_mutual_guarantees: bool,
}

#[derive(clap::Args)]
pub struct FeaturesArgs {
    #[command(flatten)]
    common: Common,
    /// Date the guarantees must be in force; today when absent.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<Date>,
    /// Keys on a dishonest list (USCCs or person keys): a JSON array of strings.
    #[arg(long)]
    dishonest: Option<PathBuf>,
    /// Net assets of firms, for the exposure ratio and as DebtRank equity: a JSON object of
    /// USCC to amount (string).
    #[arg(long)]
    net_assets: Option<PathBuf>,
}

/// Key roles, as on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum KeyRole {
    /// 法定代表人.
    LegalRepresentative,
    /// A member of the board.
    Director,
    /// A member of the supervisory board.
    Supervisor,
    /// A senior manager.
    Manager,
}

pub fn run(command: Command) -> io::Result<Outcome> {
    match command {
        Command::Report(args) => {
            let (_, report) = load(&args)?;
            let mut out = Output::open(args.output.as_deref())?;
            match args.format {
                Format::Jsonl => line(&mut out, &report)?,
                Format::Table => report_table(&mut out, &report)?,
            }
            out.finish()?;
        }
        Command::Ownership(common) => {
            // Integrated shares are the absorbing-chain measure whatever the options of
            // beneficial ownership, which this command therefore does not take.
            let threshold = OwnershipConfig::default().threshold;
            let args = OwnersArgs { common, threshold, exclusive: false, method: Method::Matrix };
            owners(args, false)?
        }
        Command::Owners(args) => owners(args, true)?,
        Command::Control(args) => control(&args)?,
        Command::Circles(args) => circles(args)?,
        Command::Contagion(args) => contagion(args)?,
        Command::Groups(args) => groups(args)?,
        Command::Features(args) => features(args)?,
    }
    Ok(Outcome::Clean)
}

/// Reads the graph: the node file first, then the edges (JSON Lines, or CSV by extension).
fn load(args: &Common) -> io::Result<(RelationGraph, BuildReport)> {
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    if let Some(nodes) = &args.nodes {
        builder.read_jsonl(&read_text(nodes)?).map_err(|e| located(nodes, e))?;
    }
    let text = read_text(&args.edges)?;
    let csv = args.edges.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let read = if csv { builder.read_csv_edges(&text) } else { builder.read_jsonl(&text) };
    read.map_err(|e| located(&args.edges, e))?;
    builder.freeze().map_err(engine_error)
}

/// An engine error naming the file it came from.
fn located(path: &Path, e: xinyong::Error) -> io::Error {
    let error = engine_error(e);
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// The firms to report: the one asked for, or every enterprise in node order.
fn firms(graph: &RelationGraph, only: Option<&str>) -> io::Result<Vec<String>> {
    match only {
        Some(firm) => match graph.index_of(firm) {
            Some(v) if !graph.is_person(v) => Ok(vec![graph.key_str(v).to_owned()]),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("no enterprise `{firm}` in the graph"),
            )),
        },
        None => Ok((0..graph.node_count() as u32)
            .filter(|&v| !graph.is_person(v))
            .map(|v| graph.key_str(v).to_owned())
            .collect()),
    }
}

fn line(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let text = serde_json::to_string(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

fn report_table(out: &mut impl Write, report: &BuildReport) -> io::Result<()> {
    writeln!(out, "implied enterprises: {}", report.implied_enterprises.len())?;
    for firm in &report.implied_enterprises {
        writeln!(out, "  {firm}")?;
    }
    writeln!(out, "treasury shares removed: {}", report.treasury_removed.len())?;
    writeln!(out, "duplicates merged: {}", report.duplicates_merged.len())?;
    writeln!(out, "oversubscribed firms: {}", report.oversubscribed.len())?;
    Ok(())
}

fn owners(args: OwnersArgs, beneficial: bool) -> io::Result<()> {
    let (graph, _) = load(&args.common)?;
    let method = match args.method {
        Method::Matrix => OwnershipMethod::Matrix,
        Method::SimplePaths => OwnershipMethod::SimplePaths,
        Method::WeakestLink => OwnershipMethod::WeakestLink,
    };
    let config = OwnershipConfig {
        method,
        threshold: args.threshold,
        threshold_inclusive: !args.exclusive,
        ..OwnershipConfig::default()
    };
    let ownership = Ownership::new(&graph, config);
    let mut out = Output::open(args.common.output.as_deref())?;
    if matches!(args.common.format, Format::Table) {
        writeln!(out, "{} {} {:>10}", cell("firm", 20), cell("owner", 36), "share")?;
    }
    let only = args.common.firm.as_deref();
    // Every firm at once: the whole-registry pass answers each firm as the per-firm query
    // would, chains found per firm as printed.
    let registry = match (beneficial, only) {
        (true, None) => Some(ownership.registry_owners().map_err(engine_error)?),
        _ => None,
    };
    for (position, firm) in firms(&graph, only)?.into_iter().enumerate() {
        if beneficial {
            let found = match &registry {
                Some(registry) => registry.report(position, true),
                None => ownership.beneficial_owners(&firm),
            }
            .map_err(engine_error)?;
            match args.common.format {
                Format::Jsonl => line(&mut out, &found)?,
                Format::Table if found.owners.is_empty() => {
                    let basis = serde_json::to_string(&found.basis).map_err(io::Error::other)?;
                    writeln!(
                        out,
                        "{} {} {:>10}",
                        cell(&firm, 20),
                        cell(basis.trim_matches('"'), 36),
                        "-"
                    )?;
                }
                Format::Table => {
                    for owner in &found.owners {
                        let share = owner.share.to_string();
                        writeln!(
                            out,
                            "{} {} {share:>10}",
                            cell(&firm, 20),
                            cell(&owner.person, 36)
                        )?;
                    }
                }
            }
        } else {
            let found = ownership.of(&firm).map_err(engine_error)?;
            match args.common.format {
                Format::Jsonl => line(&mut out, &found)?,
                Format::Table => {
                    for owner in &found.owners {
                        let share = owner.integrated.to_string();
                        writeln!(
                            out,
                            "{} {} {share:>10}",
                            cell(&firm, 20),
                            cell(&owner.owner, 36)
                        )?;
                    }
                }
            }
        }
    }
    out.finish()
}

/// One firm's ultimate controllers.
#[derive(Serialize)]
struct Controllers {
    firm: String,
    controllers: Vec<String>,
}

fn control(args: &Common) -> io::Result<()> {
    let (graph, _) = load(args)?;
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    let mut out = Output::open(args.output.as_deref())?;
    for firm in firms(&graph, args.firm.as_deref())? {
        let controllers = ownership.controllers(&firm).map_err(engine_error)?;
        match args.format {
            Format::Jsonl => line(&mut out, &Controllers { firm, controllers })?,
            Format::Table => {
                let names =
                    if controllers.is_empty() { "-".to_owned() } else { controllers.join(", ") };
                writeln!(out, "{} {names}", cell(&firm, 20))?;
            }
        }
    }
    out.finish()
}

/// A JSON object of USCC to amount (as a string, or a number read through its decimal text).
fn amounts(path: &Path) -> io::Result<BTreeMap<String, Decimal>> {
    let text = read_text(path)?;
    let invalid = |message: String| {
        io::Error::new(io::ErrorKind::InvalidData, format!("{}: {message}", path.display()))
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    let object = value.as_object().ok_or_else(|| invalid("expected a JSON object".to_owned()))?;
    object
        .iter()
        .map(|(key, amount)| {
            let text = match amount {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return Err(invalid(format!("`{key}`: the amount must be a string"))),
            };
            let amount = Decimal::from_str(&text)
                .map_err(|_| invalid(format!("`{key}`: `{text}` is not an amount")))?;
            Ok((key.clone(), amount))
        })
        .collect()
}

fn circles(args: CirclesArgs) -> io::Result<()> {
    let (graph, _) = load(&args.common)?;
    let mut config = GuaranteeConfig::new(args.as_of.unwrap_or_else(today));
    if let Some(length) = args.max_cycle_length {
        config.max_cycle_length = length;
    }
    let net_assets = args.net_assets.as_deref().map(amounts).transpose()?.unwrap_or_default();
    let analysis = analyse(&graph, &net_assets, config).map_err(engine_error)?;
    let mut out = Output::open(args.common.output.as_deref())?;
    match args.common.format {
        Format::Jsonl => {
            for circle in &analysis.circles {
                line(&mut out, &circle)?;
            }
        }
        Format::Table => {
            writeln!(
                out,
                "{} active guarantees, {} circles",
                analysis.active_guarantees,
                analysis.circles.len()
            )?;
            for circle in &analysis.circles {
                writeln!(
                    out,
                    "circle {} ({} firms, {} mutual pairs): {}",
                    circle.id,
                    circle.size,
                    circle.mutual_pairs.len(),
                    circle.members.join(", ")
                )?;
            }
        }
    }
    out.finish()
}

fn contagion(args: ContagionArgs) -> io::Result<()> {
    let (graph, _) = load(&args.common)?;
    let mut config = ContagionConfig::new(args.as_of.unwrap_or_else(today));
    if let Some(lgd) = args.lgd {
        config.lgd = lgd;
    }
    let equity = args.equity.as_deref().map(amounts).transpose()?.unwrap_or_default();
    let seeds: Vec<&str> = args.seeds.iter().map(String::as_str).collect();
    let result = debt_rank(&graph, &equity, &seeds, config).map_err(engine_error)?;
    let mut out = Output::open(args.common.output.as_deref())?;
    match args.common.format {
        Format::Jsonl => line(&mut out, &result)?,
        Format::Table => {
            writeln!(out, "total impact beyond the shock: {}", result.total_impact)?;
            for firm in &result.firms {
                let seed = if firm.seed { " (seed)" } else { "" };
                writeln!(
                    out,
                    "{} {:>10} round {}{seed}",
                    cell(&firm.firm, 20),
                    firm.distress,
                    firm.round
                )?;
            }
        }
    }
    out.finish()
}

fn groups(args: GroupsArgs) -> io::Result<()> {
    let (graph, _) = load(&args.common)?;
    let mut config = GroupConfig::new(args.as_of.unwrap_or_else(today));
    config.max_person_firms = args.max_person_firms;
    config.state_owners = args.state;
    config.control = !args.no_control;
    config.common_controller = !args.no_common_controller;
    config.key_persons = !args.no_key_persons;
    config.mutual_guarantees = !args.no_mutual_guarantees;
    if !args.key_roles.is_empty() {
        config.key_roles = args
            .key_roles
            .iter()
            .map(|r| match r {
                KeyRole::LegalRepresentative => Role::LegalRepresentative,
                KeyRole::Director => Role::Director,
                KeyRole::Supervisor => Role::Supervisor,
                KeyRole::Manager => Role::Manager,
            })
            .collect();
    }
    let found = find_groups(&graph, config).map_err(engine_error)?;
    for hub in &found.hubs_skipped {
        eprintln!(
            "xinyong: key person `{}` holds roles in {} firms (more than {}): not used to group them",
            hub.person, hub.firms, args.max_person_firms
        );
    }
    let mut out = Output::open(args.common.output.as_deref())?;
    for group in &found.groups {
        match args.common.format {
            Format::Jsonl => line(&mut out, group)?,
            Format::Table => {
                writeln!(
                    out,
                    "group {} ({} firms): {}",
                    group.id,
                    group.members.len(),
                    group.members.join(", ")
                )?;
                for tie in &group.ties {
                    let kind = serde_json::to_string(&tie.kind).map_err(io::Error::other)?;
                    let via = tie.via.as_deref().map(|v| format!(" via {v}")).unwrap_or_default();
                    writeln!(out, "  {} {} - {}{via}", kind.trim_matches('"'), tie.a, tie.b)?;
                }
            }
        }
    }
    out.finish()
}

/// A JSON array of keys.
fn keys(path: &Path) -> io::Result<std::collections::BTreeSet<String>> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| {
        let message = format!("{}: expected a JSON array of keys ({e})", path.display());
        io::Error::new(io::ErrorKind::InvalidData, message)
    })
}

fn features(args: FeaturesArgs) -> io::Result<()> {
    let (graph, _) = load(&args.common)?;
    let input = FeatureInput {
        dishonest: args.dishonest.as_deref().map(keys).transpose()?.unwrap_or_default(),
        net_assets: args.net_assets.as_deref().map(amounts).transpose()?.unwrap_or_default(),
        as_of: args.as_of.unwrap_or_else(today),
    };
    let wanted = firms(&graph, args.common.firm.as_deref())?;
    let found = firm_features(&graph, &input).map_err(engine_error)?;
    let mut out = Output::open(args.common.output.as_deref())?;
    if matches!(args.common.format, Format::Table) {
        writeln!(
            out,
            "{} {:>4} {:>4} {:>6} {:>10} {:>10} controllers",
            cell("firm (* listed)", 19),
            "hop1",
            "hop2",
            "circle",
            "exposure",
            "distress"
        )?;
    }
    for firm in found.iter().filter(|f| wanted.contains(&f.firm)) {
        match args.common.format {
            Format::Jsonl => line(&mut out, firm)?,
            Format::Table => {
                let exposure =
                    firm.guarantee_exposure_ratio.map_or_else(|| "-".to_owned(), |r| r.to_string());
                let flagged = if firm.dishonest_controllers.is_empty() {
                    "-".to_owned()
                } else {
                    firm.dishonest_controllers.join(", ")
                };
                let mark = if firm.dishonest { '*' } else { ' ' };
                writeln!(
                    out,
                    "{}{mark} {:>4} {:>4} {:>6} {exposure:>10} {:>10} {flagged}",
                    cell(&firm.firm, 18),
                    firm.dishonest_within_1,
                    firm.dishonest_within_2,
                    firm.guarantee_circle_size,
                    firm.debt_rank_distress.to_string(),
                )?;
            }
        }
    }
    out.finish()
}
