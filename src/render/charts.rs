//! SVG charts: hand-written, accessible and byte-deterministic.
//!
//! Each chart function returns an HTML fragment, `<figure class="chart chart-KIND">`, that holds:
//! - an `<svg role="img">` sized by its `viewBox` only, named by its `<title>` and described by its `<desc>`
//!   (their ids derive from an FNV-1a hash of the chart's inputs, so several charts can share a page);
//! - a visually hidden `<table>` with the data, for screen readers;
//! - a `<figcaption>` with the title.
//!
//! No colour is written inline: fills and strokes come from CSS classes (see [`STYLESHEET`] for a
//! default), so charts follow the site theme and dark mode. Non-finite values (NaN, ±∞) count as missing.

use std::fmt::Write as _;

/// One data series. `class` is a CSS class suffix chosen by the caller, e.g. "planned", "actual",
/// "target", "measured" (rendered as `class="series series-{class}"`), so the site CSS colours it.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub class: String,
    pub values: Vec<Option<f64>>,
}

impl Series {
    pub fn new(name: impl Into<String>, class: impl Into<String>, values: Vec<Option<f64>>) -> Self {
        Series {
            name: name.into(),
            class: class.into(),
            values,
        }
    }
}

/// A default stylesheet for the classes used by this module. Colours come from CSS variables with
/// fallbacks, so a theme can set `--chart-*` (and dark-mode overrides) without touching the markup.
pub const STYLESHEET: &str = r#".chart { margin: 1.5rem 0; }
.chart-svg { display: block; width: 100%; height: auto; font-size: 12px; }
.chart .grid line { stroke: var(--chart-grid, color-mix(in srgb, currentColor 15%, transparent)); stroke-width: 1; }
.chart .axis line { stroke: var(--chart-axis, currentColor); stroke-width: 1; }
.chart .axis text, .chart .legend text, .chart .value, .chart .no-data { fill: var(--chart-text, currentColor); }
.chart .series { --series-color: var(--chart-1, #4e79a7); }
.chart .series-planned, .chart .series-target { --series-color: var(--chart-planned, #8c9db5); }
.chart .series-actual, .chart .series-measured { --series-color: var(--chart-actual, #e07b39); }
.chart .bar, .chart .swatch, .chart .point { fill: var(--series-color); }
.chart .line { fill: none; stroke: var(--series-color); stroke-width: 2; }
.chart-hbar .bar { fill: var(--chart-1, #4e79a7); }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.progress { display: block; width: 100%; max-width: 20rem; }
.progress-svg { display: block; width: 100%; height: 0.6rem; }
.progress-track { fill: var(--chart-grid, color-mix(in srgb, currentColor 15%, transparent)); }
.progress-fill { fill: var(--chart-1, #4e79a7); }
.progress-behind .progress-fill { fill: var(--chart-behind, #e07b39); }
.progress-expected { fill: var(--chart-text, currentColor); }
"#;

const WIDTH: f64 = 640.0;
const PLOT_HEIGHT: f64 = 220.0;
const TOP: f64 = 16.0;
const RIGHT: f64 = 16.0;
/// Estimated average glyph advance at the 12px chart font size, for layout only.
const CHAR_W: f64 = 7.0;
const LABEL_MAX_CHARS: usize = 14;
const LEGEND_MAX_CHARS: usize = 24;
const LEGEND_ROW: f64 = 20.0;
const HBAR_ROW: f64 = 28.0;
const HBAR_BAR: f64 = 18.0;
const EMPTY_HEIGHT: f64 = 120.0;
const MISSING: &str = "—";
const NO_DATA: &str = "No data";

/// Grouped vertical bars: one group per category label, one bar per series (e.g. planned vs actual per quarter).
pub fn bar_chart(
    title: &str,
    description: &str,
    categories: &[String],
    series: &[Series],
    format: &dyn Fn(f64) -> String,
) -> String {
    let id = chart_id("bar", title, description, |h| {
        h.strings(categories);
        h.series(series);
    });
    let n = categories.len();
    let Some((min, max)) = extent(series.iter().flat_map(|s| (0..n).filter_map(|i| value(s, i)))) else {
        return empty_chart("bar", &id, title, description);
    };
    let frame = Frame::new(min, max, categories, true, series, format);
    let band = (frame.x1 - frame.x0) / n as f64;
    let group = band * 0.8;
    let bar_w = group / series.len() as f64;
    let gap = (bar_w * 0.1).min(2.0);
    let zero = frame.y.map(0.0);

    let mut out = String::new();
    frame.open(&mut out, "bar", &id, title, description);
    for (si, s) in series.iter().enumerate() {
        let _ = writeln!(out, r#"<g class="series series-{}">"#, class_token(&s.class, si));
        for (ci, category) in categories.iter().enumerate() {
            let Some(v) = value(s, ci) else { continue };
            let y = frame.y.map(v);
            let x = frame.x0 + band * ci as f64 + (band - group) / 2.0 + bar_w * si as f64 + gap / 2.0;
            let _ = writeln!(
                out,
                r#"<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}, {}: {}</title></rect>"#,
                num(x),
                num(y.min(zero)),
                num(bar_w - gap),
                num((y - zero).abs()),
                esc(&s.name),
                esc(category),
                esc(&format(v)),
            );
        }
        out.push_str("</g>\n");
    }
    frame.x_axis(&mut out, categories, |i| frame.x0 + band * (i as f64 + 0.5), zero);
    frame.legend(&mut out, series);
    out.push_str("</svg>\n");
    series_table(&mut out, title, "Category", categories, series, format);
    close_figure(&mut out, title);
    out
}

/// Lines over an ordered x axis (e.g. months): each series a polyline with point markers; missing values
/// leave gaps. Used for a metric's targets vs measurements.
pub fn line_chart(
    title: &str,
    description: &str,
    x_labels: &[String],
    series: &[Series],
    format: &dyn Fn(f64) -> String,
) -> String {
    let id = chart_id("line", title, description, |h| {
        h.strings(x_labels);
        h.series(series);
    });
    let n = x_labels.len();
    let Some((min, max)) = extent(series.iter().flat_map(|s| (0..n).filter_map(|i| value(s, i)))) else {
        return empty_chart("line", &id, title, description);
    };
    let frame = Frame::new(min, max, x_labels, false, series, format);
    let x_of = |i: usize| frame.point_x(i, n);
    let zero = frame.y.map(0.0);

    let mut out = String::new();
    frame.open(&mut out, "line", &id, title, description);
    for (si, s) in series.iter().enumerate() {
        let _ = writeln!(out, r#"<g class="series series-{}">"#, class_token(&s.class, si));
        // Polylines over runs of consecutive present values; a missing value breaks the line.
        let mut run: Vec<String> = Vec::new();
        for i in 0..=n {
            match (i < n).then(|| value(s, i)).flatten() {
                Some(v) => run.push(format!("{},{}", num(x_of(i)), num(frame.y.map(v)))),
                None => {
                    if run.len() > 1 {
                        let _ = writeln!(
                            out,
                            r#"<polyline class="line" fill="none" points="{}"/>"#,
                            run.join(" ")
                        );
                    }
                    run.clear();
                }
            }
        }
        for (i, label) in x_labels.iter().enumerate() {
            let Some(v) = value(s, i) else { continue };
            let _ = writeln!(
                out,
                r#"<circle class="point" cx="{}" cy="{}" r="3.5"><title>{}, {}: {}</title></circle>"#,
                num(x_of(i)),
                num(frame.y.map(v)),
                esc(&s.name),
                esc(label),
                esc(&format(v)),
            );
        }
        out.push_str("</g>\n");
    }
    frame.x_axis(&mut out, x_labels, x_of, zero);
    frame.legend(&mut out, series);
    out.push_str("</svg>\n");
    series_table(&mut out, title, "Period", x_labels, series, format);
    close_figure(&mut out, title);
    out
}

/// Horizontal bars, one per label, for shares (e.g. spend by category); shows value labels.
pub fn hbar_chart(
    title: &str,
    description: &str,
    items: &[(String, f64)],
    format: &dyn Fn(f64) -> String,
) -> String {
    let id = chart_id("hbar", title, description, |h| {
        for (label, v) in items {
            h.part(label);
            h.write(&v.to_bits().to_le_bytes());
        }
    });
    let Some((min, max)) = extent(items.iter().map(|(_, v)| *v).filter(|v| v.is_finite())) else {
        return empty_chart("hbar", &id, title, description);
    };
    let ticks = labelled_ticks(min, max, format);
    let value_labels: Vec<String> = items.iter().map(|(_, v)| fmt_value(Some(*v), format)).collect();
    let label_chars = items
        .iter()
        .map(|(l, _)| truncate(l, LABEL_MAX_CHARS).0.chars().count())
        .max();
    let left = (label_chars.unwrap_or(0) as f64 * CHAR_W + 16.0).clamp(48.0, 140.0);
    let value_chars = value_labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let tick_chars = ticks.last().map_or(0, |(_, l)| l.chars().count());
    let right = (value_chars as f64 * CHAR_W + 12.0)
        .max(tick_chars as f64 * CHAR_W / 2.0 + 4.0)
        .clamp(32.0, 200.0);
    let (x0, x1) = (left, WIDTH - right);
    let scale = Scale::new(&ticks, x0, x1);
    let y1 = TOP + HBAR_ROW * items.len() as f64;
    let height = y1 + 32.0;
    let zero = scale.map(0.0);

    let mut out = String::new();
    svg_open(&mut out, "hbar", &id, height, title, description, false);
    out.push_str("<g class=\"grid\">\n");
    for (t, _) in &ticks {
        let x = num(scale.map(*t));
        let _ = writeln!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
            num(TOP),
            num(y1)
        );
    }
    out.push_str("</g>\n<g class=\"series\">\n");
    for (i, (label, v)) in items.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let x = scale.map(*v);
        let _ = writeln!(
            out,
            r#"<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>"#,
            num(x.min(zero)),
            num(TOP + HBAR_ROW * i as f64 + (HBAR_ROW - HBAR_BAR) / 2.0),
            num((x - zero).abs()),
            num(HBAR_BAR),
            esc(label),
            esc(&value_labels[i]),
        );
    }
    out.push_str("</g>\n<g class=\"value-labels\">\n");
    for (i, (_, v)) in items.iter().enumerate() {
        let x = if v.is_finite() {
            scale.map(*v).max(zero)
        } else {
            zero
        };
        let _ = writeln!(
            out,
            r#"<text class="value" x="{}" y="{}" dy="0.35em">{}</text>"#,
            num(x + 6.0),
            num(TOP + HBAR_ROW * (i as f64 + 0.5)),
            esc(&value_labels[i]),
        );
    }
    out.push_str("</g>\n<g class=\"axis axis-y\" text-anchor=\"end\">\n");
    let _ = writeln!(
        out,
        r#"<line x1="{z}" y1="{}" x2="{z}" y2="{}"/>"#,
        num(TOP),
        num(y1),
        z = num(zero)
    );
    for (i, (label, _)) in items.iter().enumerate() {
        let y = TOP + HBAR_ROW * (i as f64 + 0.5);
        label_text(
            &mut out,
            &format!(r#"x="{}" y="{}" dy="0.35em""#, num(x0 - 8.0), num(y)),
            label,
        );
    }
    out.push_str("</g>\n<g class=\"axis axis-x\" text-anchor=\"middle\">\n");
    for (t, l) in &ticks {
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            num(scale.map(*t)),
            num(y1 + 18.0),
            esc(l)
        );
    }
    out.push_str("</g>\n</svg>\n");
    table_open(&mut out, title, &["Category", "Value"]);
    for (i, (label, _)) in items.iter().enumerate() {
        table_row(&mut out, label, std::slice::from_ref(&value_labels[i]));
    }
    table_close(&mut out);
    close_figure(&mut out, title);
    out
}

/// A progress bar (0..=1 clamped) with an optional marker for the expected share at "today".
///
/// Returns `<span class="progress" role="progressbar" …>` (phrasing content, so it fits in a table cell
/// or a paragraph) holding a decorative SVG. The state is in `aria-valuenow` and `aria-valuetext`, e.g.
/// "62%; 58% expected by today". The class `progress-behind` is added when progress is below expected.
/// A non-finite progress is "no data": no `aria-valuenow` and class `progress-none`.
pub fn progress_bar(label: &str, progress: f64, expected: Option<f64>) -> String {
    let label = if label.trim().is_empty() {
        "Progress"
    } else {
        label
    };
    let expected = expected.filter(|e| e.is_finite()).map(|e| e.clamp(0.0, 1.0));
    let mut class = String::from("progress");
    let mut aria = String::new();
    let mut fill = String::new();
    if progress.is_finite() {
        let p = progress.clamp(0.0, 1.0);
        let mut text = format!("{}%", percent(p));
        if let Some(e) = expected {
            let _ = write!(text, "; {}% expected by today", percent(e));
            class.push_str(if p < e {
                " progress-behind"
            } else {
                " progress-on-track"
            });
        }
        let _ = write!(
            aria,
            r#" aria-valuenow="{}" aria-valuetext="{}""#,
            percent(p),
            esc(&text)
        );
        fill = format!(
            r#"<rect class="progress-fill" width="{}" height="8"/>"#,
            num(p * 100.0)
        );
    } else {
        class.push_str(" progress-none");
        let _ = write!(aria, r#" aria-valuetext="{NO_DATA}""#);
    }
    let marker = expected.map_or(String::new(), |e| {
        format!(
            r#"<rect class="progress-expected" x="{}" width="1" height="8"/>"#,
            num((e * 100.0 - 0.5).clamp(0.0, 99.0))
        )
    });
    format!(
        concat!(
            r#"<span class="{}" role="progressbar" aria-label="{}" aria-valuemin="0" aria-valuemax="100"{}>"#,
            r#"<svg class="progress-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 8" "#,
            r#"preserveAspectRatio="none" aria-hidden="true">"#,
            r#"<rect class="progress-track" width="100" height="8"/>{}{}</svg></span>"#
        ),
        class,
        esc(label),
        aria,
        fill,
        marker,
    )
}

/// "Nice" axis ticks: evenly spaced multiples of a 1, 2 or 5 × 10ⁿ step, ascending, covering 0 and the
/// range `min..=max`, preferring 4–6 ticks. Non-finite bounds are treated as 0; a zero range gives `0..=1`.
/// Always returns at least two ticks.
pub fn nice_ticks(min: f64, max: f64) -> Vec<f64> {
    let lo = if min.is_finite() { min.min(0.0) } else { 0.0 };
    let hi = if max.is_finite() { max.max(0.0) } else { 0.0 };
    let (lo, hi) = if hi - lo > 0.0 { (lo, hi) } else { (0.0, 1.0) };
    let range = hi - lo;
    if !range.is_finite() {
        return vec![lo, hi];
    }
    let exp = ((range / 5.0).log10().floor()).clamp(-330.0, 330.0) as i32;
    let mut fallback = None;
    for e in exp - 1..=exp + 2 {
        for m in [1_i64, 2, 5] {
            let step = m as f64 * 10f64.powi(e);
            if !(step.is_finite() && step > 0.0) {
                continue;
            }
            let (k_lo, k_hi) = ((lo / step).floor(), (hi / step).ceil());
            let count = k_hi - k_lo + 1.0;
            if !(count.is_finite() && count <= 6.0) {
                continue;
            }
            let ticks: Vec<f64> = (k_lo as i64..=k_hi as i64)
                .map(|k| pow10_times(k * m, e))
                .collect();
            if count >= 4.0 {
                return ticks;
            }
            fallback.get_or_insert(ticks);
        }
    }
    fallback.unwrap_or_else(|| vec![lo, hi])
}

/// `k × 10^e`, computed so that e.g. 3 × 10⁻¹ is exactly the literal 0.3.
fn pow10_times(k: i64, e: i32) -> f64 {
    if e >= 0 {
        k as f64 * 10f64.powi(e)
    } else {
        k as f64 / 10f64.powi(-e)
    }
}

/// The layout shared by the bar and line charts: a y axis on the left, labels below, a legend last.
struct Frame {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    height: f64,
    y: Scale,
    ticks: Vec<(f64, String)>,
    rotate: bool,
    every: usize,
    legend_y: f64,
}

impl Frame {
    fn new(
        min: f64,
        max: f64,
        labels: &[String],
        band: bool,
        series: &[Series],
        format: &dyn Fn(f64) -> String,
    ) -> Self {
        let ticks = labelled_ticks(min, max, format);
        let tick_chars = ticks.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(0);
        let x0 = (tick_chars as f64 * CHAR_W + 16.0).clamp(32.0, 200.0);
        let x1 = WIDTH - RIGHT;
        let n = labels.len().max(1) as f64;
        let spacing = if band {
            (x1 - x0) / n
        } else if n > 1.0 {
            (x1 - x0 - 32.0) / (n - 1.0)
        } else {
            x1 - x0
        };
        let chars = labels
            .iter()
            .map(|l| truncate(l, LABEL_MAX_CHARS).0.chars().count())
            .max()
            .unwrap_or(0);
        let rotate = chars as f64 * CHAR_W + 8.0 > spacing;
        let (every, label_h) = if rotate {
            (
                (18.0 / spacing.max(1.0)).ceil().max(1.0) as usize,
                (chars as f64 * CHAR_W * 0.71 + 24.0).ceil(),
            )
        } else {
            (1, 28.0)
        };
        let (y0, y1) = (TOP, TOP + PLOT_HEIGHT);
        let legend_y = y1 + label_h;
        let legend_h = legend_layout(series, x0, x1 - x0, legend_y).1;
        Frame {
            x0,
            x1,
            y0,
            y1,
            height: legend_y + legend_h + 4.0,
            y: Scale::new(&ticks, y1, y0),
            ticks,
            rotate,
            every,
            legend_y,
        }
    }

    /// The x of point `i` of `n` on a point scale with 16 units of padding on each side.
    fn point_x(&self, i: usize, n: usize) -> f64 {
        if n < 2 {
            (self.x0 + self.x1) / 2.0
        } else {
            self.x0 + 16.0 + (self.x1 - self.x0 - 32.0) * i as f64 / (n - 1) as f64
        }
    }

    /// Opens the figure and SVG, then writes the gridlines and the y axis labels.
    fn open(&self, out: &mut String, kind: &str, id: &str, title: &str, description: &str) {
        svg_open(out, kind, id, self.height, title, description, false);
        out.push_str("<g class=\"grid\">\n");
        for (t, _) in &self.ticks {
            let y = num(self.y.map(*t));
            let _ = writeln!(
                out,
                r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
                num(self.x0),
                num(self.x1)
            );
        }
        out.push_str("</g>\n<g class=\"axis axis-y\" text-anchor=\"end\">\n");
        let _ = writeln!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
            num(self.y0),
            num(self.y1),
            x = num(self.x0)
        );
        for (t, l) in &self.ticks {
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" dy="0.35em">{}</text>"#,
                num(self.x0 - 8.0),
                num(self.y.map(*t)),
                esc(l)
            );
        }
        out.push_str("</g>\n");
    }

    /// The zero baseline and the category labels (thinned and rotated when crowded).
    fn x_axis(&self, out: &mut String, labels: &[String], x_of: impl Fn(usize) -> f64, zero: f64) {
        let anchor = if self.rotate { "end" } else { "middle" };
        let _ = writeln!(out, r#"<g class="axis axis-x" text-anchor="{anchor}">"#);
        let z = num(zero);
        let _ = writeln!(
            out,
            r#"<line x1="{}" y1="{z}" x2="{}" y2="{z}"/>"#,
            num(self.x0),
            num(self.x1)
        );
        for (i, label) in labels.iter().enumerate().step_by(self.every.max(1)) {
            let x = num(x_of(i));
            let attrs = if self.rotate {
                let y = num(self.y1 + 12.0);
                format!(r#"x="{x}" y="{y}" dy="0.35em" transform="rotate(-45 {x} {y})""#)
            } else {
                format!(r#"x="{x}" y="{}""#, num(self.y1 + 18.0))
            };
            label_text(out, &attrs, label);
        }
        out.push_str("</g>\n");
    }

    fn legend(&self, out: &mut String, series: &[Series]) {
        let (positions, _) = legend_layout(series, self.x0, self.x1 - self.x0, self.legend_y);
        if positions.is_empty() {
            return;
        }
        out.push_str("<g class=\"legend\">\n");
        for (si, (s, (x, y))) in series.iter().zip(positions).enumerate() {
            let (name, cut) = truncate(&s.name, LEGEND_MAX_CHARS);
            let _ = write!(
                out,
                r#"<g class="legend-item series series-{}">"#,
                class_token(&s.class, si)
            );
            if cut {
                let _ = write!(out, "<title>{}</title>", esc(&s.name));
            }
            let _ = writeln!(
                out,
                r#"<rect class="swatch" x="{}" y="{}" width="12" height="12"/><text x="{}" y="{}" dy="0.35em">{}</text></g>"#,
                num(x),
                num(y),
                num(x + 18.0),
                num(y + 6.0),
                esc(&name),
            );
        }
        out.push_str("</g>\n");
    }
}

/// Legend item positions, wrapping into rows, and the legend's height. No legend for fewer than two series.
fn legend_layout(series: &[Series], x0: f64, width: f64, y0: f64) -> (Vec<(f64, f64)>, f64) {
    if series.len() < 2 {
        return (Vec::new(), 0.0);
    }
    let (mut x, mut row) = (0.0, 0.0);
    let mut positions = Vec::with_capacity(series.len());
    for s in series {
        let w = 34.0 + truncate(&s.name, LEGEND_MAX_CHARS).0.chars().count() as f64 * CHAR_W;
        if x > 0.0 && x + w > width {
            row += 1.0;
            x = 0.0;
        }
        positions.push((x0 + x, y0 + row * LEGEND_ROW));
        x += w;
    }
    (positions, (row + 1.0) * LEGEND_ROW)
}

/// A linear map from the tick domain onto a pixel range.
#[derive(Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    fn new(ticks: &[(f64, String)], r0: f64, r1: f64) -> Self {
        let d0 = ticks.first().map_or(0.0, |t| t.0);
        let d1 = ticks.last().map_or(1.0, |t| t.0);
        Scale { d0, d1, r0, r1 }
    }

    fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if !(span.is_finite() && span.abs() > 0.0) {
            return self.r0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

fn labelled_ticks(min: f64, max: f64, format: &dyn Fn(f64) -> String) -> Vec<(f64, String)> {
    nice_ticks(min, max).into_iter().map(|t| (t, format(t))).collect()
}

/// The finite value of series `s` at index `i`, if any.
fn value(s: &Series, i: usize) -> Option<f64> {
    s.values.get(i).copied().flatten().filter(|v| v.is_finite())
}

fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
    })
}

fn fmt_value(v: Option<f64>, format: &dyn Fn(f64) -> String) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| MISSING.to_string(), format)
}

fn percent(share: f64) -> i64 {
    (share * 100.0).round() as i64
}

fn svg_open(
    out: &mut String,
    kind: &str,
    id: &str,
    height: f64,
    title: &str,
    description: &str,
    empty: bool,
) {
    let described = if empty {
        format!("{id}-d {id}-n")
    } else {
        format!("{id}-d")
    };
    let _ = write!(
        out,
        concat!(
            "<figure class=\"chart chart-{kind}{empty}\">\n",
            r#"<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" font-size="12" "#,
            "role=\"img\" aria-labelledby=\"{id}-t\" aria-describedby=\"{described}\">\n",
            "<title id=\"{id}-t\">{title}</title>\n<desc id=\"{id}-d\">{desc}</desc>\n"
        ),
        kind = kind,
        empty = if empty { " chart-empty" } else { "" },
        w = num(WIDTH),
        h = num(height),
        id = id,
        described = described,
        title = esc(title),
        desc = esc(description),
    );
}

fn empty_chart(kind: &str, id: &str, title: &str, description: &str) -> String {
    let mut out = String::new();
    svg_open(&mut out, kind, id, EMPTY_HEIGHT, title, description, true);
    let _ = writeln!(
        out,
        r#"<text class="no-data" id="{id}-n" x="{}" y="{}" dy="0.35em" text-anchor="middle">{NO_DATA}</text>"#,
        num(WIDTH / 2.0),
        num(EMPTY_HEIGHT / 2.0),
    );
    out.push_str("</svg>\n");
    close_figure(&mut out, title);
    out
}

fn close_figure(out: &mut String, title: &str) {
    let _ = writeln!(out, "<figcaption>{}</figcaption>\n</figure>", esc(title));
}

/// A `<text>` element with `attrs` and its label truncated with an ellipsis. A cut label is wrapped in a
/// `<g>` whose `<title>` holds the full text (a `<title>` inside `<text>` upsets some renderers).
fn label_text(out: &mut String, attrs: &str, label: &str) {
    let (shown, cut) = truncate(label, LABEL_MAX_CHARS);
    if cut {
        let _ = writeln!(
            out,
            "<g><title>{}</title><text {attrs}>{}</text></g>",
            esc(label),
            esc(&shown)
        );
    } else {
        let _ = writeln!(out, "<text {attrs}>{}</text>", esc(&shown));
    }
}

fn table_open(out: &mut String, title: &str, headers: &[&str]) {
    let _ = write!(
        out,
        "<div class=\"chart-data\"><table class=\"visually-hidden\"><caption>{}</caption>\n<thead><tr>",
        esc(title)
    );
    for h in headers {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

fn table_close(out: &mut String) {
    out.push_str("</tbody></table></div>\n");
}

fn table_row(out: &mut String, label: &str, cells: &[String]) {
    let _ = write!(out, r#"<tr><th scope="row">{}</th>"#, esc(label));
    for c in cells {
        let _ = write!(out, "<td>{}</td>", esc(c));
    }
    out.push_str("</tr>\n");
}

fn series_table(
    out: &mut String,
    title: &str,
    first: &str,
    labels: &[String],
    series: &[Series],
    format: &dyn Fn(f64) -> String,
) {
    let headers: Vec<&str> = std::iter::once(first)
        .chain(series.iter().map(|s| s.name.as_str()))
        .collect();
    table_open(out, title, &headers);
    for (i, label) in labels.iter().enumerate() {
        let cells: Vec<String> = series.iter().map(|s| fmt_value(value(s, i), format)).collect();
        table_row(out, label, &cells);
    }
    table_close(out);
}

/// Escapes text for HTML/XML (the one escaper of the site).
fn esc(s: &str) -> String {
    super::markdown::escape_attr(s)
}

/// A coordinate with at most one decimal and no "-0" or trailing ".0"; non-finite becomes "0".
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_string();
    }
    // A whole number prints as one (`-0` as `0`), without formatting a
    // fraction first.
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return (x as i64).to_string();
    }
    // Tenths from one multiplication, when it cannot round otherwise than
    // the exact value does: below 1e9 the product is off by less than
    // 1e-6, so tenths this far from a tie round the same way.
    let tenths = x * 10.0;
    if x.abs() < 1e9 && ((tenths - tenths.trunc()).abs() - 0.5).abs() > 1e-3 {
        let tenths = tenths.round() as i64;
        let (whole, tenth) = (tenths / 10, (tenths % 10).unsigned_abs());
        return match (tenth, tenths < 0) {
            (0, _) => whole.to_string(),
            (_, true) => format!("-{}.{tenth}", whole.unsigned_abs()),
            (_, false) => format!("{whole}.{tenth}"),
        };
    }
    rounded(x)
}

/// `x` as the format with one decimal prints it, without "-0" or a
/// trailing ".0": what [`num`] writes, the slow way.
fn rounded(x: f64) -> String {
    let s = format!("{x:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s);
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// A safe CSS class suffix: ASCII letters, digits, `-` and `_`; anything else becomes `-`.
/// An empty class falls back to the series' 1-based position.
fn class_token(class: &str, index: usize) -> String {
    let token: String = class
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if token.is_empty() {
        (index + 1).to_string()
    } else {
        token
    }
}

/// `label` cut to `max` characters (the last one an ellipsis) and whether it was cut.
fn truncate(label: &str, max: usize) -> (String, bool) {
    if label.chars().count() <= max {
        (label.to_string(), false)
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        (s, true)
    }
}

/// FNV-1a (64 bit), for deterministic element ids.
struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn part(&mut self, s: &str) {
        self.write(s.as_bytes());
        self.write(&[0xff]);
    }

    fn strings(&mut self, items: &[String]) {
        for s in items {
            self.part(s);
        }
    }

    fn series(&mut self, series: &[Series]) {
        for s in series {
            self.part(&s.name);
            self.part(&s.class);
            for v in &s.values {
                self.write(&v.map_or(u64::MAX, f64::to_bits).to_le_bytes());
            }
        }
    }
}

/// `chart-` and 16 hex digits hashed from the chart kind, title, description and data.
fn chart_id(kind: &str, title: &str, description: &str, data: impl FnOnce(&mut Fnv)) -> String {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    h.part(kind);
    h.part(title);
    h.part(description);
    data(&mut h);
    format!("chart-{:016x}", h.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(v: f64) -> String {
        format!("{v}")
    }

    fn labels(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn two_series() -> Vec<Series> {
        vec![
            Series::new("Planned", "planned", vec![Some(100.0), Some(120.0), Some(90.0)]),
            Series::new("Actual", "actual", vec![Some(80.0), None, Some(130.5)]),
        ]
    }

    /// Ids referenced by `aria-*` and defined by `id=` in a fragment.
    fn ids(html: &str) -> Vec<String> {
        html.split(" id=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn nice_ticks_cover_zero_and_max_with_round_steps() {
        assert_eq!(nice_ticks(0.0, 100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(3.0, 7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.0, 0.3), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(nice_ticks(0.0, 1234.0), vec![0.0, 500.0, 1000.0, 1500.0]);
        assert_eq!(nice_ticks(-1.0, 1.0), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(-30.0, -5.0), vec![-30.0, -20.0, -10.0, 0.0]);
        // Degenerate ranges.
        assert_eq!(nice_ticks(0.0, 0.0), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            nice_ticks(f64::NAN, f64::INFINITY),
            vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        );
        assert_eq!(nice_ticks(-f64::MAX, f64::MAX), vec![-f64::MAX, f64::MAX]);
        assert!(nice_ticks(0.0, 5e-324).len() >= 2);
    }

    #[test]
    fn nice_ticks_properties() {
        let mut v = 1e-6;
        while v < 1e12 {
            for (lo, hi) in [(0.0, v), (-v, v / 3.0), (-v, 0.0), (v / 2.0, v)] {
                let t = nice_ticks(lo, hi);
                assert!(
                    (4..=6).contains(&t.len()) || lo < 0.0 && hi > 0.0,
                    "{lo}..{hi}: {t:?}"
                );
                assert!(t.len() >= 3, "{lo}..{hi}: {t:?}");
                assert!(
                    t[0] <= lo.min(0.0) && *t.last().unwrap() >= hi.max(0.0),
                    "{lo}..{hi}: {t:?}"
                );
                assert!(t.contains(&0.0), "{lo}..{hi}: {t:?}");
                let step = t[1] - t[0];
                let mantissa = step / 10f64.powf(step.log10().floor());
                assert!(
                    [1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9),
                    "{lo}..{hi}: step {step}"
                );
            }
            v *= 1.37;
        }
    }

    /// The coordinate as the rounded format prints it.
    fn formatted(x: f64) -> String {
        if !x.is_finite() {
            return "0".into();
        }
        rounded(x)
    }

    proptest::proptest! {
        /// Tenths made by multiplying are those of the rounded format, near
        /// ties (`0.15`, `2.25`) and far from them, at every magnitude.
        #[test]
        fn num_is_the_rounded_format(whole in -100_000i64..100_000, hundredths in 0i64..100, noise in -2i64..=2, scale in 0u32..12) {
            let base = (whole as f64 + hundredths as f64 / 100.0) * 10f64.powi(scale as i32 - 6);
            let x = f64::from_bits((base.to_bits() as i64 + noise) as u64);
            proptest::prop_assert_eq!(num(x), formatted(x), "{:?}", x);
        }

        /// Values whose tenths are a tie but for the binary rounding.
        #[test]
        fn num_is_the_rounded_format_near_ties(tenths in -10_000_000i64..10_000_000, noise in -2i64..=2) {
            let base = (tenths as f64 + 0.5) / 10.0;
            let x = f64::from_bits((base.to_bits() as i64 + noise) as u64);
            proptest::prop_assert_eq!(num(x), formatted(x), "{:?}", x);
        }
    }

    #[test]
    fn num_rounds_without_noise() {
        for x in [
            0.05,
            0.15,
            0.25,
            0.35,
            -0.05,
            -0.15,
            -0.25,
            1.45,
            2.5,
            999_999_999.95,
            -0.04,
            -0.06,
            0.95,
            -0.95,
            1e-300,
        ] {
            assert_eq!(num(x), formatted(x), "{x}");
        }
        assert_eq!(num(10.0), "10");
        assert_eq!(num(10.04), "10");
        assert_eq!(num(10.05 + 1e-9), "10.1");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-3.5), "-3.5");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
        // Whole numbers print as the rounded format does.
        for x in [
            0.0,
            -0.0,
            7.0,
            -7.0,
            1234567.0,
            -99999999999999.0,
            999999999999999.0,
            4e15,
            -1e300,
        ] {
            assert_eq!(num(x), formatted(x), "{x}");
        }
    }

    #[test]
    fn tiny_bar_chart_snapshot() {
        let series = [Series::new("Spend", "actual", vec![Some(3.0)])];
        let html = bar_chart("Q spend", "Spend in Q1", &labels(&["Q1"]), &series, &plain);
        let expected = r#"<figure class="chart chart-bar">
<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 268" font-size="12" role="img" aria-labelledby="chart-227afb80dcc1133e-t" aria-describedby="chart-227afb80dcc1133e-d">
<title id="chart-227afb80dcc1133e-t">Q spend</title>
<desc id="chart-227afb80dcc1133e-d">Spend in Q1</desc>
<g class="grid">
<line x1="32" y1="236" x2="624" y2="236"/>
<line x1="32" y1="162.7" x2="624" y2="162.7"/>
<line x1="32" y1="89.3" x2="624" y2="89.3"/>
<line x1="32" y1="16" x2="624" y2="16"/>
</g>
<g class="axis axis-y" text-anchor="end">
<line x1="32" y1="16" x2="32" y2="236"/>
<text x="24" y="236" dy="0.35em">0</text>
<text x="24" y="162.7" dy="0.35em">1</text>
<text x="24" y="89.3" dy="0.35em">2</text>
<text x="24" y="16" dy="0.35em">3</text>
</g>
<g class="series series-actual">
<rect class="bar" x="92.2" y="16" width="471.6" height="220"><title>Spend, Q1: 3</title></rect>
</g>
<g class="axis axis-x" text-anchor="middle">
<line x1="32" y1="236" x2="624" y2="236"/>
<text x="328" y="254">Q1</text>
</g>
</svg>
<div class="chart-data"><table class="visually-hidden"><caption>Q spend</caption>
<thead><tr><th scope="col">Category</th><th scope="col">Spend</th></tr></thead>
<tbody>
<tr><th scope="row">Q1</th><td>3</td></tr>
</tbody></table></div>
<figcaption>Q spend</figcaption>
</figure>
"#;
        assert_eq!(html, expected);
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let evil = "<script>&\"'x";
        let series = vec![
            Series::new(evil, "a b\"<c>", vec![Some(1.0), Some(2.0)]),
            Series::new("ok", "ok", vec![Some(2.0), None]),
        ];
        let cats = labels(&[evil, "a very long category label <b>"]);
        let fmt = |v: f64| format!("<{v}>&");
        let outputs = [
            bar_chart(evil, evil, &cats, &series, &fmt),
            line_chart(evil, evil, &cats, &series, &fmt),
            hbar_chart(
                evil,
                evil,
                &[(evil.to_string(), 1.0), (cats[1].clone(), 2.0)],
                &fmt,
            ),
            progress_bar(evil, 0.5, Some(0.6)),
            bar_chart(evil, evil, &[], &[], &fmt),
        ];
        for html in &outputs {
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("<b>"), "{html}");
            assert!(!html.contains("<1>") && !html.contains("&\""), "{html}");
            assert!(!html.contains("a b"), "class must be one token: {html}");
            // Every `&` starts an entity.
            for (i, _) in html.match_indices('&') {
                let rest = &html[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                        .iter()
                        .any(|e| rest.starts_with(e)),
                    "raw & in {html}"
                );
            }
        }
        assert!(outputs[0].contains("&lt;script&gt;&amp;&quot;&#39;x"));
    }

    #[test]
    fn output_is_deterministic() {
        let cats = labels(&["Q1", "Q2", "Q3"]);
        let a = bar_chart("Budget", "Planned vs actual", &cats, &two_series(), &plain);
        let b = bar_chart("Budget", "Planned vs actual", &cats, &two_series(), &plain);
        assert_eq!(a, b);
        let a = line_chart("Metric", "Targets", &cats, &two_series(), &plain);
        assert_eq!(a, line_chart("Metric", "Targets", &cats, &two_series(), &plain));
        let items = [("Ads".to_string(), 3.0), ("Events".to_string(), 1.5)];
        assert_eq!(
            hbar_chart("Spend", "", &items, &plain),
            hbar_chart("Spend", "", &items, &plain)
        );
        assert_eq!(
            progress_bar("KR", 0.62, Some(0.58)),
            progress_bar("KR", 0.62, Some(0.58))
        );
    }

    #[test]
    fn empty_inputs_give_a_no_data_figure() {
        let cats = labels(&["Q1"]);
        let none = [Series::new("A", "a", vec![None, Some(f64::NAN)])];
        let outputs = [
            bar_chart("T", "D", &[], &two_series(), &plain),
            bar_chart("T", "D", &cats, &[], &plain),
            bar_chart("T", "D", &cats, &none, &plain),
            line_chart("T", "D", &[], &[], &plain),
            line_chart("T", "D", &cats, &none, &plain),
            hbar_chart("T", "D", &[], &plain),
            hbar_chart("T", "D", &[("A".to_string(), f64::NAN)], &plain),
        ];
        for html in &outputs {
            assert!(html.starts_with("<figure class=\"chart chart-"), "{html}");
            assert!(html.contains("chart-empty"), "{html}");
            assert!(html.contains(">No data</text>"), "{html}");
            assert!(html.contains("role=\"img\"") && html.contains("<figcaption>T</figcaption>"));
            assert!(html.ends_with("</figure>\n"));
            // The described-by ids all exist.
            let id = ids(html)[0].trim_end_matches("-t").to_string();
            assert!(html.contains(&format!("aria-describedby=\"{id}-d {id}-n\"")));
            assert!(html.contains(&format!("id=\"{id}-n\"")));
        }
    }

    #[test]
    fn negative_nan_and_infinite_values() {
        let cats = labels(&["Jan", "Feb", "Mar", "Apr"]);
        let series = [
            Series::new(
                "Delta",
                "actual",
                vec![Some(-50.0), Some(f64::NAN), Some(25.0), Some(f64::INFINITY)],
            ),
            Series::new(
                "Target",
                "target",
                vec![Some(-10.0), Some(-20.0), None, Some(0.0)],
            ),
        ];
        for html in [
            bar_chart("Delta", "", &cats, &series, &plain),
            line_chart("Delta", "", &cats, &series, &plain),
            hbar_chart(
                "Delta",
                "",
                &[("A".into(), -50.0), ("B".into(), f64::NAN), ("C".into(), 25.0)],
                &plain,
            ),
        ] {
            assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
            assert!(
                !html.contains("=\"-") || html.contains("rotate(-45"),
                "no negative sizes: {html}"
            );
            assert!(html.contains(">-50<"), "{html}");
            assert!(html.contains("<td>—</td>"), "missing shown as a dash: {html}");
        }
        // Bars below zero start at the baseline and grow down.
        let html = bar_chart(
            "Neg",
            "",
            &labels(&["A"]),
            &[Series::new("S", "s", vec![Some(-4.0)])],
            &plain,
        );
        assert!(html.contains(r#"y="16" width"#), "{html}");
        // The line breaks at the NaN gap: Delta has no polyline of 2+ points except none; Target has one.
        let html = line_chart("Delta", "", &cats, &series, &plain);
        assert_eq!(html.matches("<polyline").count(), 1, "{html}");
        assert_eq!(html.matches("<circle").count(), 5, "{html}");
    }

    #[test]
    fn ids_are_unique_per_chart_and_consistent() {
        let cats = labels(&["Q1", "Q2"]);
        let a = bar_chart("Budget A", "D", &cats, &two_series(), &plain);
        let b = bar_chart("Budget B", "D", &cats, &two_series(), &plain);
        let c = line_chart("Budget A", "D", &cats, &two_series(), &plain);
        let (ia, ib, ic) = (ids(&a), ids(&b), ids(&c));
        assert_eq!(ia.len(), 2);
        assert!(ia.iter().all(|i| !ib.contains(i) && !ic.contains(i)));
        assert!(ia[0].starts_with("chart-") && ia[0].ends_with("-t") && ia[1].ends_with("-d"));
        assert!(a.contains(&format!("aria-labelledby=\"{}\"", ia[0])));
        assert!(a.contains(&format!("aria-describedby=\"{}\"", ia[1])));
    }

    #[test]
    fn long_labels_are_truncated_with_full_title_and_table_text() {
        let long = "Brand awareness campaign";
        let html = bar_chart("T", "", &labels(&[long, "Q2"]), &two_series(), &plain);
        assert!(
            html.contains("<g><title>Brand awareness campaign</title><text x=")
                && html.contains(">Brand awarene…</text></g>"),
            "{html}"
        );
        assert!(html.contains("<th scope=\"row\">Brand awareness campaign</th>"));
        assert!(!html.contains("awareness campaign</text>"));
    }

    #[test]
    fn legend_only_for_several_series() {
        let cats = labels(&["Q1", "Q2", "Q3"]);
        let two = bar_chart("T", "", &cats, &two_series(), &plain);
        assert!(two.contains("<g class=\"legend\">"));
        assert!(two.contains("legend-item series series-planned") && two.contains("series series-actual"));
        let mut long = two_series();
        long[1].name = "Actual spend booked in the ledger".to_string();
        let html = bar_chart("T", "", &cats, &long, &plain);
        assert!(
            html.contains("<title>Actual spend booked in the ledger</title><rect class=\"swatch\""),
            "{html}"
        );
        assert!(html.contains(">Actual spend booked in …</text></g>"), "{html}");
        let one = line_chart("T", "", &cats, &two_series()[..1], &plain);
        assert!(!one.contains("legend"));
        assert!(one.contains("<polyline class=\"line\""));
        // The table lists every value, with missing ones as a dash.
        assert!(
            two.contains("<tr><th scope=\"row\">Q2</th><td>120</td><td>—</td></tr>"),
            "{two}"
        );
    }

    #[test]
    fn no_inline_colours_or_fixed_size() {
        let cats = labels(&["Q1", "Q2", "Q3"]);
        for html in [
            bar_chart("T", "", &cats, &two_series(), &plain),
            line_chart("T", "", &cats, &two_series(), &plain),
            hbar_chart("T", "", &[("A".into(), 1.0)], &plain),
            progress_bar("KR", 0.4, Some(0.5)),
        ] {
            assert!(!html.contains("style="), "{html}");
            assert!(!html.contains(" stroke=") && !html.contains('#'), "{html}");
            assert!(!html.contains("fill=\"") || !html.replace("fill=\"none\"", "").contains("fill=\""));
            assert!(!html.contains("<svg width") && !html.contains(" height=\"auto"));
        }
    }

    #[test]
    fn crowded_labels_rotate_and_thin() {
        let months: Vec<String> = (1..=36).map(|m| format!("2025-{m:02} month")).collect();
        let series = [Series::new(
            "M",
            "measured",
            (0..36).map(|i| Some(f64::from(i))).collect(),
        )];
        let html = line_chart("T", "", &months, &series, &plain);
        assert!(html.contains("rotate(-45 "));
        let shown = html.matches("rotate(-45 ").count();
        assert!((12..36).contains(&shown), "{shown}");
        assert_eq!(html.matches("<tr><th scope=\"row\">").count(), 36);
    }

    #[test]
    fn odd_inputs_never_panic_or_leak_non_finite_coordinates() {
        let specials = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            5e-324,
            1e-9,
            f64::MAX,
            -f64::MAX,
            1e308,
            -3.25,
            42.0,
        ];
        let cats = labels(&["a", "", "Ω long label with unicode ✓✓✓", "d"]);
        for (i, a) in specials.iter().enumerate() {
            for b in &specials[i..] {
                let series = [
                    Series::new("A", "", vec![Some(*a), None, Some(*b)]),
                    Series::new("", "x y", vec![Some(*b); 9]),
                ];
                let items = [("p".to_string(), *a), ("q".to_string(), *b)];
                for html in [
                    bar_chart("t", "d", &cats, &series, &plain),
                    line_chart("t", "d", &cats, &series, &plain),
                    hbar_chart("t", "d", &items, &plain),
                    progress_bar("p", *a, Some(*b)),
                ] {
                    for attr in html.split("=\"").skip(1) {
                        let value = attr.split('"').next().unwrap_or_default();
                        assert!(
                            !value.contains("NaN") && !value.contains("inf"),
                            "{a} {b}: {html}"
                        );
                    }
                    assert!(html.ends_with("</figure>\n") || html.ends_with("</span>"));
                }
            }
        }
    }

    #[test]
    fn progress_bar_states() {
        let html = progress_bar("Revenue KR", 0.62, Some(0.58));
        assert_eq!(
            html,
            concat!(
                r#"<span class="progress progress-on-track" role="progressbar" aria-label="Revenue KR" "#,
                r#"aria-valuemin="0" aria-valuemax="100" aria-valuenow="62" "#,
                r#"aria-valuetext="62%; 58% expected by today">"#,
                r#"<svg class="progress-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 8" "#,
                r#"preserveAspectRatio="none" aria-hidden="true"><rect class="progress-track" width="100" height="8"/>"#,
                r#"<rect class="progress-fill" width="62" height="8"/>"#,
                r#"<rect class="progress-expected" x="57.5" width="1" height="8"/></svg></span>"#
            )
        );
        let behind = progress_bar("KR", 0.2, Some(0.5));
        assert!(behind.contains("progress-behind") && behind.contains("aria-valuenow=\"20\""));
        let over = progress_bar("KR", 1.7, Some(f64::NAN));
        assert!(
            over.contains("aria-valuenow=\"100\"") && over.contains("width=\"100\" height=\"8\"/></svg>")
        );
        assert!(!over.contains("expected"));
        let neg = progress_bar("", -0.3, Some(2.0));
        assert!(neg.contains("aria-label=\"Progress\"") && neg.contains("aria-valuenow=\"0\""));
        assert!(neg.contains("x=\"99\""));
        let none = progress_bar("KR", f64::NAN, None);
        assert!(
            none.contains("progress-none")
                && !none.contains("aria-valuenow")
                && !none.contains("progress-fill")
        );
        assert!(none.contains("aria-valuetext=\"No data\""));
    }
}
