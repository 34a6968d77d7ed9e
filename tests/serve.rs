//! `playbook serve` for real: the binary on a free loopback port, files
//! edited underneath it (an atomic rename, an invalid edit, a fix, a new
//! and a deleted file), and what it serves after each.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    root: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn start(name: &str) -> Server {
    start_with(name, |_| {})
}

fn start_with(name: &str, setup: impl Fn(&Path)) -> Server {
    let root = std::env::temp_dir().join(format!("playbook-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    common::copy_sample(&root);
    setup(&root);
    let mut child = common::playbook_command()
        .args(["serve", "--port", "0", "--as-of", "2026-11-28", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    Server { child, port, root }
}

/// A minimal HTTP/1.1 GET: status, headers (lowercase names), body.
fn get(port: u16, path: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Waits until `path` satisfies `ok`, for up to 15 s.
fn wait_for(port: u16, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (status, _, body) = get(port, path, &[]);
        if ok(status, &body) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Writes like an editor that saves atomically: a temporary file, then a rename.
fn atomic_write(path: &Path, text: &str) {
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn serves_the_site_with_types_etags_and_a_404() {
    let s = start("basics");
    let (status, headers, body) = get(s.port, "/", &[]);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("text/html; charset=utf-8"));
    assert!(
        body.contains("<script src=\"/__playbook/live.js\"></script>"),
        "live reload is injected"
    );
    assert!(!body.contains("playbook-overlay"));
    let (status, headers, _) = get(s.port, "/style.css", &[]);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("text/css; charset=utf-8"));
    let etag = header(&headers, "etag").expect("an ETag").to_owned();
    let (status, _, _) = get(s.port, "/style.css", &[("If-None-Match", &etag)]);
    assert_eq!(status, 304);
    let (status, headers, _) = get(s.port, "/calendars/editorial.ics", &[]);
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        Some("text/calendar; charset=utf-8")
    );
    // Made from every page when first asked for.
    let (status, headers, body) = get(s.port, "/playbook.json", &[]);
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(body.starts_with("{\n  \"budgets\": {") && body.contains("\"social-media-manager\""));
    let (status, _, body) = get(s.port, "/search/index.js", &[]);
    assert_eq!(status, 200);
    assert!(body.starts_with("window.PLAYBOOK_SEARCH = [{\"id\":0,"));
    let (status, _, body) = get(s.port, "/no/such/page/", &[]);
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "the site's 404 page");
    let (status, headers, _) = get(s.port, "/roles", &[]);
    assert_eq!(status, 301);
    assert_eq!(header(&headers, "location"), Some("/roles/"));
}

#[test]
fn no_request_escapes_the_site() {
    let s = start_with("traversal", |root| {
        // Symbolic links in `static/` pointing out of the playbook are not served.
        let outside = root.with_extension("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("passwords.txt"), "top secret").unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::os::unix::fs::symlink(outside.join("passwords.txt"), root.join("static/leak.txt")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("static/leakdir")).unwrap();
    });
    std::fs::write(s.root.join("secret.txt"), "top secret").unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/content/../secret.txt",
        "/..%2fsecret.txt",
        "/%2E%2E%5Csecret.txt",
        "/playbook.yaml",
        "/content/roles/social-media-manager.md",
    ] {
        let (status, _, body) = get(s.port, path, &[]);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            !body.contains("top secret") && !body.contains("department:"),
            "{path} leaked a file"
        );
    }
}

#[test]
fn edits_rebuild_and_invalid_edits_show_an_overlay() {
    let s = start("edits");
    let page = "/pages/mission/";
    let file = s.root.join("content/pages/mission.md");
    let original = std::fs::read_to_string(&file).unwrap();

    // An atomic save of a valid edit.
    atomic_write(
        &file,
        &original.replacen("\n---\n", "\n---\nFreshly edited paragraph.\n\n", 1),
    );
    wait_for(s.port, page, "the edit", |st, b| {
        st == 200 && b.contains("Freshly edited paragraph.")
    });

    // An invalid edit: the last good page stays, with the diagnostics over it.
    let broken = original.replacen("title:", "titel:", 1);
    atomic_write(&file, &broken);
    let body = wait_for(s.port, page, "the overlay", |_, b| b.contains("playbook-overlay"));
    assert!(
        body.contains("Freshly edited paragraph."),
        "the last good page is served"
    );
    assert!(
        body.contains("content/pages/mission.md:"),
        "the overlay names the file"
    );
    assert!(body.contains("unknown-key"));
    // Every page carries it.
    let (_, _, other) = get(s.port, "/roles/", &[]);
    assert!(other.contains("playbook-overlay"));

    // The fix removes it.
    atomic_write(&file, &original);
    let body = wait_for(s.port, page, "the fix", |_, b| !b.contains("playbook-overlay"));
    assert!(!body.contains("Freshly edited paragraph."));

    // New and deleted files.
    let new_page = s.root.join("content/pages/new-page.md");
    std::fs::write(&new_page, "---\ntitle: A new page\n---\nHello.\n").unwrap();
    wait_for(s.port, "/pages/new-page/", "the new page", |st, b| {
        st == 200 && b.contains("A new page")
    });
    std::fs::remove_file(&new_page).unwrap();
    wait_for(s.port, "/pages/new-page/", "the deletion", |st, _| st == 404);
}

#[test]
fn a_burst_of_changes_is_one_rebuild() {
    let s = start("burst");
    // Many files written at once, like a checkout.
    for i in 0..200 {
        std::fs::write(
            s.root.join(format!("content/pages/burst-{i:03}.md")),
            format!("---\ntitle: Burst {i}\n---\nPage {i}.\n"),
        )
        .unwrap();
    }
    wait_for(s.port, "/pages/burst-199/", "the last page", |st, _| st == 200);
    let (status, _, _) = get(s.port, "/pages/burst-000/", &[]);
    assert_eq!(status, 200, "all pages of the burst are there");
}
