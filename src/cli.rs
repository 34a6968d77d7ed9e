//! The command line, as clap derive types. Nothing runs here.

use crate::diag::output::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Turn a folder of Markdown and YAML strategy files into a validated,
/// browsable static website.
#[derive(Debug, Parser)]
#[command(name = "playbook", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The playbook folder [default: the nearest folder upward holding playbook.yaml]
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The date to treat as today (YYYY-MM-DD) [default: SOURCE_DATE_EPOCH, else the current date in the playbook's time zone]
    #[arg(long, global = true, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Print only diagnostics
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is being done
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// colour when writing to a terminal and NO_COLOR is unset
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a working playbook (the sample) in DIR
    Init {
        /// Where to create the playbook [default: the current folder]
        dir: Option<PathBuf>,
    },
    /// Add an entity file from a stub
    New {
        /// The kind: page, persona, metric, goal, campaign, budget, role or calendar
        kind: String,
        /// The new entity's id (its file name)
        id: String,
    },
    /// Load and validate the playbook, reporting every problem
    Check(CheckArgs),
    /// Build the static site
    Build(BuildArgs),
    /// Build, serve and rebuild on change, with live reload
    Serve(ServeArgs),
    /// Write JSON Schemas of every file kind, for editors
    Schema {
        /// The folder to write to [default: schemas/ in the playbook, or the current folder outside one]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human, value_name = "FORMAT")]
    pub format: Format,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Check as for a public build: warn where public pages link to internal entities
    #[arg(long)]
    pub public: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The output folder [default: public/ in the playbook; a relative DIR is taken from the current folder]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Build only public entities
    #[arg(long)]
    pub public: bool,
    /// The absolute URL the site is published at (overrides base_url)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on
    #[arg(long, default_value_t = 4000)]
    pub port: u16,
    /// The address to bind (loopback unless told otherwise)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: String,
    /// Open the site in a browser
    #[arg(long)]
    pub open: bool,
    /// Serve only public entities
    #[arg(long)]
    pub public: bool,
}
