//! `playbook build`: check, then render into the output folder.

use crate::cli::{BuildArgs, Global};
use crate::diag::output::{self, Format};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(global: &Global, args: &BuildArgs, cwd: &Path) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let root = crate::project::find_root(global.root.as_deref(), cwd)?;
    if let Some(url) = &args.base_url
        && !crate::validate::settings::is_web_url(url)
    {
        anyhow::bail!(
            "--base-url: `{url}` is not an absolute http(s) URL\n  help: e.g. `--base-url https://acme.example/playbook/`"
        );
    }
    let today = crate::Today::from_env(global.as_of.clone());
    let compiled = crate::compile(&root, &today, args.public)?;
    let color = global.color == crate::cli::Color::Always
        || (global.color == crate::cli::Color::Auto
            && std::env::var_os("NO_COLOR").is_none()
            && std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if !compiled.diagnostics.is_empty() {
        let text = output::render(&compiled.diagnostics, &compiled.raw.sources, Format::Human, color);
        std::io::stderr().lock().write_all(text.as_bytes())?;
    }
    if compiled.has_errors() {
        eprintln!("error: the site was not built; the previous output is untouched");
        return Ok(ExitCode::from(1));
    }
    let out = match &args.out {
        Some(dir) => cwd.join(dir),
        None => root.join("public"),
    };
    crate::site::refuse_links_inside(&root, &out)?;
    // Template errors and write errors alike name what failed.
    let (stats, rest) = crate::write_site(&compiled, args.public, args.base_url.clone(), &out)?;
    if !global.quiet {
        eprintln!(
            "built {} files into {} in {} ms ({} written, {} unchanged, {} removed)",
            stats.written + stats.unchanged,
            out.display(),
            started.elapsed().as_millis(),
            stats.written,
            stats.unchanged,
            stats.removed
        );
        if global.verbose {
            eprint!("{}", crate::timings::take_report());
        }
    }
    // The process ends next: the operating system takes the memory back
    // at once, faster than freeing every string of a large playbook.
    std::mem::forget(rest);
    std::mem::forget(compiled);
    Ok(ExitCode::SUCCESS)
}
