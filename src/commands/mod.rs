//! One file per subcommand. `run` dispatches and maps results to exit
//! codes: 0 clean (or warnings only), 1 errors, 2 bad usage or I/O.

mod build;
mod check;
mod init;
mod new;
mod schema;

use crate::cli::{Cli, Color, Command};
use std::io::IsTerminal;
use std::process::ExitCode;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    if cli.global.verbose
        && matches!(
            cli.command,
            Command::Check(_) | Command::Build(_) | Command::Serve(_)
        )
    {
        crate::timings::enable();
    }
    match &cli.command {
        Command::Check(args) => check::run(&cli.global, args, &cwd),
        Command::Schema { out } => schema::run(&cli.global, out.as_deref(), &cwd),
        Command::Build(args) => build::run(&cli.global, args, &cwd),
        Command::Serve(args) => crate::serve::run(&cli.global, args, &cwd),
        Command::Init { dir } => init::run(&cli.global, dir.as_deref(), &cwd),
        Command::New { kind, id } => new::run(&cli.global, kind, id, &cwd),
    }
}

/// Whether to colour output written to standard output.
pub fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}
