//! `playbook check`: load, validate, print every diagnostic.

use crate::cli::{CheckArgs, Global};
use crate::diag::output::{self, Format};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(global: &Global, args: &CheckArgs, cwd: &Path) -> anyhow::Result<ExitCode> {
    let root = crate::project::find_root(global.root.as_deref(), cwd)?;
    let today = crate::Today::from_env(global.as_of.clone());
    let started = std::time::Instant::now();
    let compiled = crate::compile(&root, &today, args.public)?;
    if global.verbose {
        eprintln!(
            "checked {} entities in {} files at {} (today is {}) in {} ms",
            compiled.raw.entity_count(),
            compiled.raw.sources.files().count(),
            root.display(),
            compiled.today,
            started.elapsed().as_millis()
        );
        eprint!("{}", crate::timings::take_report());
    }
    let diags = &compiled.diagnostics;
    let color = super::use_color(global.color);
    let mut out = std::io::stdout().lock();
    out.write_all(output::render(diags, &compiled.raw.sources, args.format, color).as_bytes())?;
    let errors = compiled.has_errors();
    let warnings = !diags.is_empty() && !errors;
    if diags.is_empty() && args.format == Format::Human && !global.quiet {
        let files = compiled.raw.sources.files().count();
        writeln!(
            out,
            "no problems found in {} entities ({files} files)",
            compiled.raw.entity_count()
        )?;
    }
    let code = if errors || (warnings && args.deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends next: the operating system takes the memory back
    // at once, faster than freeing every string of a large playbook.
    std::mem::forget(compiled);
    Ok(code)
}
