/// Control characters (C0, DEL, C1) and the Unicode format characters that reorder or hide text
/// (bidi overrides and isolates, zero-width characters, BOM). None of them belongs in an order.
pub fn contains_control_characters(text: &str) -> bool {
    text.chars().any(is_forbidden)
}

fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// For the message field: line breaks and tabs are allowed, the rest as above.
pub fn contains_control_characters_except_line_breaks(text: &str) -> bool {
    text.chars()
        .any(|c| !matches!(c, '\r' | '\n' | '\t') && is_forbidden(c))
}
