//! `playbook serve`: build, serve from memory, watch, rebuild, reload open
//! browsers; on an invalid edit keep serving the last good site with the
//! diagnostics shown over every page.

pub mod http;
pub mod session;
pub mod watch;

use crate::cli::{Global, ServeArgs};
use http::{App, Snapshot};
use session::{Outcome, Session};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;

/// How many ports after the requested one are tried when it is in use.
const PORT_TRIES: u16 = 20;

pub fn run(global: &Global, args: &ServeArgs, cwd: &Path) -> anyhow::Result<ExitCode> {
    let root = crate::project::find_root(global.root.as_deref(), cwd)?;
    let ip: IpAddr = args
        .bind
        .parse()
        .map_err(|_| anyhow::anyhow!("`{}` is not an IP address\n  help: use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)", args.bind))?;
    let options = session::Options {
        public: args.public,
        today: crate::Today::from_env(global.as_of.clone()),
        base_url: None,
    };
    // Watch before the first build, so that no edit is missed.
    let (tx, rx) = mpsc::channel::<Vec<std::path::PathBuf>>();
    let mut debouncer = watch::watch(&root, tx)?;
    let (mut session, first) = Session::start(&root, options)?;
    report(&first, true);
    let app = App::new(snapshot(&session));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(2)
        .build()?;
    let listener = runtime.block_on(bind(ip, args.port))?;
    let addr = listener.local_addr()?;
    let url = format!(
        "http://{}/",
        if ip.is_unspecified() {
            SocketAddr::new([127, 0, 0, 1].into(), addr.port())
        } else {
            addr
        }
    );
    if addr.port() != args.port {
        eprintln!("port {} is in use; serving on {} instead", args.port, addr.port());
    }
    println!("serving {} at {url} (Ctrl+C to stop)", root.display());
    if !ip.is_loopback() {
        eprintln!("warning: listening on {ip}: other machines on the network can read this site");
    }
    if args.open {
        open_browser(&url);
    }

    // The rebuild loop runs on its own thread and owns the session.
    let app_for_loop = app.clone();
    std::thread::spawn(move || {
        while let Ok(mut changed) = rx.recv() {
            // Coalesce batches that arrived while the last rebuild ran.
            while let Ok(more) = rx.try_recv() {
                changed.extend(more);
            }
            watch::watch_new_dirs(session.root().to_path_buf().as_path(), &mut debouncer, &changed);
            match session.rebuild(&changed) {
                Ok(outcome) => {
                    report(&outcome, false);
                    app_for_loop.publish(snapshot(&session));
                }
                Err(e) => eprintln!("error: {e:#}"),
            }
        }
    });

    runtime.block_on(async move {
        axum::serve(listener, http::router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })?;
    Ok(ExitCode::SUCCESS)
}

fn snapshot(session: &Session) -> Snapshot {
    Snapshot {
        site: session.site(),
        failure: session.failure(),
        generation: session.generation(),
    }
}

/// Binds `ip:port`, or the next free port when that one is taken.
pub async fn bind(ip: IpAddr, port: u16) -> anyhow::Result<tokio::net::TcpListener> {
    let mut last = None;
    for p in port..=port.saturating_add(PORT_TRIES) {
        match tokio::net::TcpListener::bind(SocketAddr::new(ip, p)).await {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => anyhow::bail!("cannot listen on {ip}:{p}: {e}"),
        }
        if port == 0 {
            break;
        }
    }
    anyhow::bail!(
        "ports {port} to {} on {ip} are all in use ({})\n  help: pass a free one with `--port`",
        port.saturating_add(PORT_TRIES),
        last.map_or_else(String::new, |e| e.to_string())
    )
}

/// One line per rebuild, with the diagnostics before it.
fn report(outcome: &Outcome, first: bool) {
    let mut err = std::io::stderr().lock();
    if !outcome.report.is_empty() {
        let _ = err.write_all(outcome.report.as_bytes());
    }
    let now = jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string();
    let what = if first { "built" } else { "rebuilt" };
    let _ = if outcome.ok {
        writeln!(
            err,
            "{now} {what} in {} ms ({} files changed)",
            outcome.millis,
            outcome.changed.len()
        )
    } else {
        let errors = outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .count();
        writeln!(
            err,
            "{now} build failed with {errors} error{} in {} ms; serving the last good site",
            if errors == 1 { "" } else { "s" },
            outcome.millis
        )
    };
    // With -v: how long each step took.
    let _ = err.write_all(crate::timings::take_report().as_bytes());
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; visit {url}");
    }
}
