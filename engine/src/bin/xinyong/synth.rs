//! `xinyong synth`: a deterministic synthetic registry as JSON Lines, or a product catalog and
//! financing demands for its firms.

use std::io::{self, Write};
use std::path::PathBuf;

use xinyong::date::Date;
use xinyong::finance::Catalog;
use xinyong::synth::graph::{GraphSynthConfig, graph_lines};
use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands, registry};

use crate::io::{Output, engine_error};
use crate::{Outcome, date_arg};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// What to generate instead of the registry.
    #[command(subcommand)]
    what: Option<What>,
    #[command(flatten)]
    registry: RegistryArgs,
}

#[derive(clap::Subcommand)]
enum What {
    /// A product catalog (JSON, the format of `xinyong match --catalog`).
    Catalog(CatalogArgs),
    /// One financing demand per firm of the registry (JSON Lines, for `xinyong match`).
    Demands(RegistryArgs),
    /// A relationship graph: shareholdings, key roles and guarantees (JSON Lines, for
    /// `xinyong graph`).
    Graph(GraphArgs),
}

#[derive(clap::Args)]
struct GraphArgs {
    /// Number of enterprises.
    #[arg(long, default_value_t = 1000)]
    firms: usize,
    /// Seed; the same seed gives the same bytes on every platform.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Date the graph describes; every guarantee starts before it.
    #[arg(long, value_parser = date_arg, default_value = "2026-06-30")]
    as_of: Date,
    /// Output file, written atomically; stdout when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct RegistryArgs {
    /// Number of enterprises.
    #[arg(long, default_value_t = 100)]
    enterprises: usize,
    /// Seed; the same seed gives the same bytes on every platform.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Date the registry describes; every generated date is on or before it.
    #[arg(long, value_parser = date_arg, default_value = "2026-06-30")]
    as_of: Date,
    /// Target mean number of records per enterprise (0: realistic, about 2-3).
    #[arg(long, default_value_t = 0)]
    mean_records: u32,
    /// Output file, written atomically; stdout when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CatalogArgs {
    /// Number of products.
    #[arg(long, default_value_t = 2000)]
    products: usize,
    /// Seed; the same seed gives the same bytes on every platform.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file, written atomically; stdout when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

impl RegistryArgs {
    fn config(&self) -> SynthConfig {
        let mut config = SynthConfig::new(self.enterprises, self.seed, self.as_of);
        config.mean_records = self.mean_records;
        config
    }
}

pub fn run(args: Args) -> io::Result<Outcome> {
    match args.what {
        None => write_registry(&args.registry),
        Some(What::Demands(r)) => write_demands(&r),
        Some(What::Catalog(c)) => write_catalog(&c),
        Some(What::Graph(g)) => write_graph(&g),
    }
}

fn write_registry(args: &RegistryArgs) -> io::Result<Outcome> {
    let config = args.config();
    let mut out = Output::open(args.output.as_deref())?;
    for enterprise in registry(&config) {
        writeln!(out, "{}", enterprise.to_json())?;
    }
    out.finish()?;
    Ok(Outcome::Clean)
}

fn write_demands(args: &RegistryArgs) -> io::Result<Outcome> {
    let config = args.config();
    let mut out = Output::open(args.output.as_deref())?;
    for demand in demands(&config) {
        writeln!(out, "{}", demand.to_json())?;
    }
    out.finish()?;
    Ok(Outcome::Clean)
}

fn write_catalog(args: &CatalogArgs) -> io::Result<Outcome> {
    let products = catalog(&CatalogConfig::new(args.products, args.seed));
    // Validated like any catalog, so what is written always reads back.
    let model = xinyong::Model::default_model();
    let catalog = Catalog::new(products, &model).map_err(engine_error)?;
    let mut out = Output::open(args.output.as_deref())?;
    writeln!(out, "{}", catalog.to_json_pretty())?;
    out.finish()?;
    Ok(Outcome::Clean)
}

fn write_graph(args: &GraphArgs) -> io::Result<Outcome> {
    if args.firms > 100_000_000 {
        let message = "--firms: at most 100,000,000 firms (their codes must stay distinct)";
        return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
    }
    let config = GraphSynthConfig::new(args.firms, args.seed, args.as_of);
    let mut out = Output::open(args.output.as_deref())?;
    for line in graph_lines(&config) {
        writeln!(out, "{line}")?;
    }
    out.finish()?;
    Ok(Outcome::Clean)
}
