//! Charts as SVG, drawn on the server so they print and need no script. Text is left to the
//! browser's own CJK fonts (no font file to ship, no metrics to guess): labels sit in a fixed
//! column and long ones are shortened. Only presentation attributes are used, so the console's
//! Content-Security-Policy (no inline styles) holds.
use std::fmt::Write;

const FONT: &str = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif";
const BAR: &str = "#b71c1c";
const BAR_LOW: &str = "#e65100";
const GRID: &str = "#9e9e9e";
const INK: &str = "#1a1a1a";

/// One bar: its label, its value and whether it is flagged (drawn in the warning colour).
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub flagged: bool,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn shorten(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        label.to_owned()
    } else {
        let mut short: String = label.chars().take(max_chars - 1).collect();
        short.push('…');
        short
    }
}

/// A value as the chart writes it: a percentage or a plain number without noise.
fn figure(value: f64, percent: bool) -> String {
    if percent {
        format!("{:.0}%", value * 100.0)
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// Horizontal bars, one per row (organisations, rankings): labels on the left, the value at
/// the end of each bar, an optional dashed line at `mark` (e.g. 80 %). `percent` reads values
/// as fractions of 1.
pub fn bars(title: &str, rows: &[Bar], percent: bool, mark: Option<f64>) -> String {
    let row_height = 28.0;
    let label_width = 180.0;
    let plot_width = 420.0;
    let top = 36.0;
    let height = top + row_height * rows.len().max(1) as f64 + 24.0;
    let width = label_width + plot_width + 70.0;
    let max = rows
        .iter()
        .map(|r| r.value)
        .chain(mark)
        .fold(if percent { 1.0 } else { 0.0 }, f64::max)
        .max(1e-9);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{title}" font-family="{FONT}" font-size="15"><title>{title}</title><text x="0" y="20" font-size="17" font-weight="bold" fill="{INK}">{title}</text>"#,
        title = escape(title)
    );
    if rows.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="0" y="{}" fill="{INK}">暂无数据</text>"#,
            top + 18.0
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + row_height * i as f64;
        let length = (row.value.max(0.0) / max * plot_width).max(1.0);
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end" fill="{INK}">{label}</text><rect x="{label_width}" y="{ry}" width="{length:.1}" height="{bh}" fill="{fill}"/><text x="{vx:.1}" y="{ty}" fill="{INK}">{value}</text>"#,
            lx = label_width - 8.0,
            ty = y + 19.0,
            label = escape(&shorten(&row.label, 11)),
            ry = y + 5.0,
            bh = row_height - 8.0,
            fill = if row.flagged { BAR_LOW } else { BAR },
            vx = label_width + length + 6.0,
            value = figure(row.value, percent),
        );
    }
    if let Some(mark) = mark {
        let x = label_width + mark / max * plot_width;
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{bottom}" stroke="{GRID}" stroke-width="2" stroke-dasharray="6 4"/><text x="{x:.1}" y="{label_y}" text-anchor="middle" fill="{INK}" font-size="13">{text}</text>"#,
            top = top - 4.0,
            bottom = height - 20.0,
            label_y = height - 4.0,
            text = figure(mark, percent),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Vertical columns over a sequence (months of a year, categories), the value above each.
pub fn columns(title: &str, columns: &[Bar], percent: bool, mark: Option<f64>) -> String {
    let plot_height = 200.0;
    let top = 40.0;
    let left = 10.0;
    // At least 560 wide, so a chart of four columns is not blown up to twice its type size.
    let width = (left * 2.0 + 80.0 * columns.len().max(1) as f64).max(560.0);
    let slot = (width - left * 2.0) / columns.len().max(1) as f64;
    let column_width = (slot * 0.6).min(90.0);
    let gap = slot - column_width;
    let height = top + plot_height + 34.0;
    let max = columns
        .iter()
        .map(|c| c.value)
        .chain(mark)
        .fold(if percent { 1.0 } else { 0.0 }, f64::max)
        .max(1e-9);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" role="img" aria-label="{title}" font-family="{FONT}" font-size="14"><title>{title}</title><text x="0" y="20" font-size="17" font-weight="bold" fill="{INK}">{title}</text>"#,
        w = width,
        title = escape(title)
    );
    let base = top + plot_height;
    let _ = write!(
        svg,
        r#"<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{GRID}"/>"#,
        right = width - left
    );
    for (i, column) in columns.iter().enumerate() {
        let x = left + (column_width + gap) * i as f64 + gap / 2.0;
        let h = column.value.max(0.0) / max * plot_height;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{column_width}" height="{h:.1}" fill="{fill}"/><text x="{cx:.1}" y="{vy:.1}" text-anchor="middle" fill="{INK}">{value}</text><text x="{cx:.1}" y="{ly}" text-anchor="middle" fill="{INK}">{label}</text>"#,
            y = base - h,
            fill = if column.flagged { BAR_LOW } else { BAR },
            cx = x + column_width / 2.0,
            vy = base - h - 6.0,
            value = figure(column.value, percent),
            ly = base + 22.0,
            label = escape(&shorten(&column.label, 8)),
        );
    }
    if let Some(mark) = mark {
        let y = base - mark / max * plot_height;
        let _ = write!(
            svg,
            r#"<line x1="{left}" y1="{y:.1}" x2="{right}" y2="{y:.1}" stroke="{GRID}" stroke-width="2" stroke-dasharray="6 4"/>"#,
            right = width - left
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64, flagged: bool) -> Bar {
        Bar {
            label: label.into(),
            value,
            flagged,
        }
    }

    #[test]
    fn labels_are_escaped_and_flagged_bars_coloured() {
        let svg = bars(
            "参与率 <按支部>",
            &[bar("第一支部", 0.9, false), bar("<script>", 0.5, true)],
            true,
            Some(0.8),
        );
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("参与率 &lt;按支部&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("90%") && svg.contains("50%") && svg.contains("80%"));
        assert!(svg.contains(BAR_LOW));
        assert!(
            !svg.contains("style="),
            "no inline styles: the CSP forbids them"
        );
    }

    #[test]
    fn an_empty_chart_says_so_and_long_labels_are_shortened() {
        assert!(bars("空", &[], false, None).contains("暂无数据"));
        let svg = columns(
            "按月",
            &[bar("2026年11月份的活动", 3.0, false)],
            false,
            None,
        );
        assert!(
            svg.contains(">2026年11…<"),
            "eight characters at most: {svg}"
        );
        assert!(svg.contains(">3<"));
    }
}
