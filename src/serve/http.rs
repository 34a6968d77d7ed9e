//! Serving the in-memory site over HTTP: MIME types, ETags, the 404 page,
//! and, in HTML responses only, the live-reload script and the error
//! overlay, injected at response time (nothing of them is in `build`).

use super::session::{OverlayItem, ServedSite};
use crate::diag::Severity;
use crate::render::markdown::escape_attr;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// What the server shows right now.
#[derive(Clone, Default)]
pub struct Snapshot {
    pub site: Arc<ServedSite>,
    pub failure: Option<Arc<Vec<OverlayItem>>>,
    pub generation: u64,
}

/// Shared between the server and the rebuild loop.
pub struct App {
    pub snapshot: RwLock<Snapshot>,
    pub reload: broadcast::Sender<()>,
}

impl App {
    pub fn new(snapshot: Snapshot) -> Arc<App> {
        let (reload, _) = broadcast::channel(16);
        Arc::new(App {
            snapshot: RwLock::new(snapshot),
            reload,
        })
    }

    /// Publishes a new state and tells open pages to reload.
    pub fn publish(&self, snapshot: Snapshot) {
        if let Ok(mut s) = self.snapshot.write() {
            *s = snapshot;
        }
        let _ = self.reload.send(());
    }

    fn current(&self) -> Snapshot {
        self.snapshot.read().map(|s| s.clone()).unwrap_or_default()
    }
}

pub const EVENTS_PATH: &str = "/__playbook/events";
pub const SCRIPT_PATH: &str = "/__playbook/live.js";
/// The overlay's looks: a stylesheet of its own, as the theme's
/// Content-Security-Policy allows no inline styles.
pub const STYLE_PATH: &str = "/__playbook/overlay.css";
const OVERLAY_CSS: &str = "#playbook-overlay{position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;background:#2b1111;color:#ffe9e7;border:2px solid #ff6b5e;border-radius:10px;padding:1rem 1.25rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 8px 30px rgb(0 0 0/40%)}\n#playbook-overlay strong{font-size:16px}\n#playbook-overlay ul{margin:.5rem 0;padding-left:1.25rem}\n";

const LIVE_JS: &str = "(function () {\n  var source = new EventSource(\"/__playbook/events\");\n  source.addEventListener(\"reload\", function () { window.location.reload(); });\n})();\n";

pub fn router(app: Arc<App>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(app)
}

/// The site path a request names, or `None` when it would leave the site:
/// `..` or `.` segments (also percent-encoded), backslashes, NUL bytes.
pub fn site_path(uri_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(uri_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return None,
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if path.is_empty() || decoded.ends_with('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let uri_path = req.uri().path().to_owned();
    if uri_path == EVENTS_PATH {
        return events(&app).into_response();
    }
    if uri_path == SCRIPT_PATH {
        return (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            LIVE_JS,
        )
            .into_response();
    }
    if uri_path == STYLE_PATH {
        return ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], OVERLAY_CSS).into_response();
    }
    let snapshot = app.current();
    let Some(path) = site_path(&uri_path) else {
        return not_found(&snapshot, StatusCode::BAD_REQUEST);
    };
    match snapshot.site.get(&path) {
        Some(file) => file_response(&snapshot, &path, file, req.headers()),
        None => {
            // `roles/x` → `roles/x/` when that is a page.
            if !path.ends_with(".html") && snapshot.site.contains_key(&format!("{path}/index.html")) {
                let location = format!("{}/", uri_path.trim_end_matches('/'));
                return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
            }
            not_found(&snapshot, StatusCode::NOT_FOUND)
        }
    }
}

fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == "javascript" || mime.subtype() == "json" => format!("{mime}; charset=utf-8"),
        _ => mime.to_string(),
    }
}

fn file_response(
    snapshot: &Snapshot,
    path: &str,
    file: &super::session::Served,
    headers: &HeaderMap,
) -> Response {
    let html = path.ends_with(".html");
    // HTML carries the overlay, which changes with every build.
    let etag = if html {
        format!("{}-{}\"", file.etag.trim_end_matches('"'), snapshot.generation)
    } else {
        file.etag.clone()
    };
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let body = if html {
        Body::from(inject(
            &file.bytes(),
            snapshot.failure.as_deref().map(Vec::as_slice),
        ))
    } else {
        // Shared with the site, not copied (`playbook.json` can be tens of megabytes).
        Body::from(axum::body::Bytes::from_owner(ArcBytes(file.bytes())))
    };
    let mut response = Response::new(body);
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type(path))
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A served file's bytes as a response body owns them.
struct ArcBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn not_found(snapshot: &Snapshot, status: StatusCode) -> Response {
    let body = match snapshot.site.get("404.html") {
        Some(page) => inject(&page.bytes(), snapshot.failure.as_deref().map(Vec::as_slice)),
        None => inject(
            b"<!DOCTYPE html><title>Not found</title><body><h1>Not found</h1></body>",
            snapshot.failure.as_deref().map(Vec::as_slice),
        ),
    };
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Adds the live-reload script, and the overlay when the last build failed,
/// before the closing `</body>`.
pub fn inject(html: &[u8], failure: Option<&[OverlayItem]>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(items) = failure {
        extra.push_str(&overlay(items));
    }
    extra.push_str(&format!("<script src=\"{SCRIPT_PATH}\"></script>\n"));
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + extra.len());
    out.push_str(&text[..at]);
    out.push_str(&extra);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// The error overlay: every diagnostic of the failed build, over the page.
pub fn overlay(items: &[OverlayItem]) -> String {
    let errors = items.iter().filter(|i| i.severity == Severity::Error).count();
    let mut html = format!(
        "<link rel=\"stylesheet\" href=\"{STYLE_PATH}\"><div id=\"playbook-overlay\" role=\"alert\">"
    );
    html.push_str(&format!(
        "<strong>playbook: the last edit has {errors} error{} — serving the last good site</strong><ul>",
        if errors == 1 { "" } else { "s" }
    ));
    for i in items {
        let sev = match i.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        html.push_str(&format!(
            "<li><span>{}:{}:{}</span> <b>{sev}[{}]</b> {}",
            escape_attr(&i.file),
            i.line,
            i.column,
            escape_attr(i.code),
            escape_attr(&i.message)
        ));
        if let Some(help) = &i.help {
            html.push_str(&format!("<br><i>help: {}</i>", escape_attr(help)));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul>Fix the files and this page reloads by itself.</div>\n");
    html
}

fn events(app: &Arc<App>) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>> + use<>> {
    let rx = app.reload.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(()) => return Some((Ok(Event::default().event("reload").data("reload")), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/roles/smm/").as_deref(), Some("roles/smm/index.html"));
        assert_eq!(site_path("/style.css").as_deref(), Some("style.css"));
        assert_eq!(
            site_path("/roles//smm/index.html").as_deref(),
            Some("roles/smm/index.html")
        );
        assert_eq!(site_path("/caf%C3%A9.html").as_deref(), Some("café.html"));
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fetc",
            "/a/%2e/b",
            "/a\\b",
            "/a%5c..%5cb",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn injection_goes_before_the_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", None)).unwrap();
        assert!(
            out.ends_with("<script src=\"/__playbook/live.js\"></script>\n</body></html>"),
            "{out}"
        );
        let item = OverlayItem {
            severity: Severity::Error,
            code: "unknown-key",
            file: "content/roles/a.md".into(),
            line: 3,
            column: 1,
            message: "unknown key `<b>`".into(),
            help: Some("did you mean `title`?".into()),
        };
        let out = String::from_utf8(inject(b"<body></body>", Some(&[item]))).unwrap();
        assert!(out.contains("playbook-overlay") && out.contains("content/roles/a.md:3:1"));
        assert!(out.contains("unknown key `&lt;b&gt;`"), "escaped");
    }

    #[test]
    fn mime_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("calendars/a.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("logo.svg"), "image/svg+xml");
        assert!(content_type("search/index.js").contains("javascript"));
    }
}
