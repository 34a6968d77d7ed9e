//! The three output formats of diagnostics: `human` (code frames drawn by
//! annotate-snippets), `json` (one object per line) and `github` (workflow
//! commands that annotate a pull request).

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style messages with a code frame, ending with a count
    Human,
    /// one JSON object per line
    Json,
    /// GitHub Actions workflow commands (`::error file=…`)
    Github,
}

/// A diagnostic with its position resolved to lines and columns: the
/// record of the `json` format, field for field.
#[derive(Debug, Serialize)]
pub struct Resolved<'a> {
    pub severity: Severity,
    pub code: &'static str,
    pub message: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<&'a str>,
}

pub fn resolve<'a>(d: &'a Diagnostic, sources: &'a SourceMap) -> Resolved<'a> {
    let file = sources.get(d.loc.file);
    let (line, column) = file.line_col(d.loc.start);
    let (end_line, end_column) = file.line_col(d.loc.end);
    Resolved {
        severity: d.severity(),
        code: d.code.name(),
        message: &d.message,
        file: &file.name,
        line,
        column,
        end_line,
        end_column,
        help: d.help.as_deref(),
    }
}

/// Renders all diagnostics in `format`. `color` only affects `human`.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format, color: bool) -> String {
    let mut out = String::new();
    match format {
        Format::Human => {
            let renderer = if color {
                Renderer::styled()
            } else {
                Renderer::plain()
            };
            for d in diags {
                out.push_str(&human(d, sources, &renderer));
                out.push_str("\n\n");
            }
            let summary = summary(diags);
            if !summary.is_empty() {
                out.push_str(&summary);
                out.push('\n');
            }
        }
        Format::Json => {
            for d in diags {
                let line =
                    serde_json::to_string(&resolve(d, sources)).expect("a diagnostic always serializes");
                out.push_str(&line);
                out.push('\n');
            }
        }
        Format::Github => {
            for d in diags {
                out.push_str(&github(d, sources));
                out.push('\n');
            }
        }
    }
    out
}

fn human(d: &Diagnostic, sources: &SourceMap, renderer: &Renderer) -> String {
    let r = resolve(d, sources);
    let file = sources.get(d.loc.file);
    let level = match d.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let line_range = file.line_range(r.line);
    let source = &file.text[line_range.clone()];
    // Spans may come from byte offsets inside a character: widen them to
    // whole characters, which is what the code frame can draw.
    let mut start = d.loc.start.clamp(line_range.start, line_range.end) - line_range.start;
    while start > 0 && !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = d.loc.end.clamp(line_range.start, line_range.end) - line_range.start;
    while end < source.len() && !source.is_char_boundary(end) {
        end += 1;
    }
    if end <= start {
        // Point at one character at least, so the caret is visible.
        end = source[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
    }
    let snippet = Snippet::source(source)
        .line_start(r.line)
        .path(&file.name)
        .annotation(AnnotationKind::Primary.span(start..end));
    let mut group = level.primary_title(&d.message).id(d.code.name()).element(snippet);
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help));
    }
    renderer.render(&[group])
}

/// `2 errors, 1 warning`; empty when there is nothing to count.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.severity() == Severity::Error).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => String::new(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

fn github(d: &Diagnostic, sources: &SourceMap) -> String {
    let r = resolve(d, sources);
    let kind = match d.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(r.file),
        r.line,
        r.column,
        r.end_line,
        r.end_column,
        r.code,
        escape_data(&message)
    )
}

/// Escaping of a workflow command's message, as the runner decodes it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_inside_a_character_still_draw() {
        let mut sources = SourceMap::default();
        let file = sources.add(crate::source::SourceFile::new(
            "a.yaml".into(),
            "a.yaml".into(),
            "鳠: x\n",
        ));
        let d = Diagnostic::new(
            crate::diag::Code::YamlSyntax,
            crate::source::Loc::new(file, 1..2),
            "bad",
        );
        let out = render(&[d], &sources, Format::Human, false);
        assert!(out.contains("bad"));
    }

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% off\nnow"), "50%25 off%0Anow");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
