//! Plain-text tables that line up with Chinese text (double-width characters).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` cut to at most `width` display columns (with `…` when cut) and padded to exactly
/// `width`.
pub fn cell(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let full = text.width() <= width;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if !full && used + w + 1 > width {
            out.push('…');
            used += 1;
            break;
        }
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// A right-aligned cell.
pub fn right(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}
