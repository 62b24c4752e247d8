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

/// Markup: `<` followed by what starts a tag, a closing tag, a comment or a processing
/// instruction (`<b`, `</`, `<!`, `<?`). An order has no use for it, and refusing it keeps
/// script out of every place an order's text is shown. `< 20 henkeä` is not markup.
pub fn contains_markup(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

/// A link, or what a mail client or chat app would turn into one: `://`, `www.`, `@`, or a
/// token that looks like a domain (letters, digits or hyphens, a dot, two or more letters, then
/// `/` or the end of the token). Abbreviations ("Dr. Liisa", "St. Michel", "2. krs") are not.
pub fn contains_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("://")
        || lower.contains("www.")
        || lower.contains('@')
        || lower
            .split_whitespace()
            .map(|token| token.trim_matches(|c: char| !c.is_alphanumeric() && c != '/'))
            .any(looks_like_domain)
}

fn looks_like_domain(token: &str) -> bool {
    let is_label = |c: char| c.is_alphanumeric() || c == '-';
    let chars: Vec<char> = token.chars().collect();
    (1..chars.len()).any(|dot| {
        if chars[dot] != '.' || !is_label(chars[dot - 1]) {
            return false;
        }
        let letters = chars[dot + 1..]
            .iter()
            .take_while(|c| c.is_alphabetic())
            .count();
        let after = chars.get(dot + 1 + letters);
        letters >= 2 && matches!(after, None | Some('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_recognised_and_comparisons_are_not() {
        for text in [
            "<script>alert(1)</script>",
            "<b>Tuusula",
            "a</b>",
            "<!-- x -->",
            "<?php",
            "<img src=x onerror=alert(1)>",
        ] {
            assert!(contains_markup(text), "{text}");
        }
        for text in ["alle < 20 henkeä", "1<2", "<", "Tuusula <3", "a > b"] {
            assert!(!contains_markup(text), "{text}");
        }
    }

    #[test]
    fn links_are_recognised_and_real_names_are_not() {
        for text in [
            "Oy Ab Kunta-Palvelut",
            "Dr. Liisa Virtanen",
            "St. Michel",
            "Pälkäneen kunta – Åbo/Turku yhteistyö",
            "KP 1234/2027",
            "Kunnantalo 2. krs",
            "Tuusulan kunta",
            "Viestintä / 2027",
            "Hyökkäläntie 18, 04300 Tuusula",
            "J.-P. Mäkelä",
        ] {
            assert!(!contains_link(text), "{text}");
        }
        for text in [
            "Lasku erääntynyt – maksa: https://evil.example/pay",
            "maksa evil.example/pay",
            "katso evil.example",
            "www.evil.fi",
            "WWW.EVIL.FI",
            "kirjoita anna@evil.example",
            "hxxp://evil",
            "evil.com/",
            "Tuusula (tuusula.fi)",
        ] {
            assert!(contains_link(text), "{text}");
        }
    }

    #[test]
    fn bidi_and_zero_width_characters_count_as_control_characters() {
        for text in [
            "a\u{202E}b",
            "a\u{2066}b",
            "a\u{200B}b",
            "a\u{FEFF}b",
            "a\u{0085}b",
            "a\0b",
        ] {
            assert!(contains_control_characters(text), "{text:?}");
        }
        assert!(!contains_control_characters(
            "Hyökkäläntie 18, 04300 Tuusula – kunnantalo"
        ));
        assert!(!contains_control_characters_except_line_breaks(
            "rivi\r\nrivi\ttab"
        ));
    }
}
