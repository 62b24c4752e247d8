//! Rules for the text people type: which characters may appear, and one normal form.

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{DefaultIgnorableCodePoint, GeneralCategory, GeneralCategoryGroup};
use icu_properties::{CodePointMapData, CodePointSetData};

/// NFC: the same text typed with a combining diaeresis or a precomposed "ä" is one text, for
/// lengths, the duplicate check and storage.
pub fn nfc(text: &str) -> String {
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(text)
        .into_owned()
}

/// Control characters, and what reorders, hides or has no meaning yet: the general categories
/// Cf (format: bidi controls, zero-width characters), Zl and Zp (line and paragraph separators),
/// Co (private use) and Cn (unassigned), and every default-ignorable code point (fillers,
/// variation selectors, tags). From Unicode's own tables (icu_properties). None of them belongs
/// in a single-line field.
pub fn contains_control_characters(text: &str) -> bool {
    text.chars().any(is_forbidden)
}

fn is_forbidden(c: char) -> bool {
    let hidden = GeneralCategoryGroup::Format
        .union(GeneralCategoryGroup::LineSeparator)
        .union(GeneralCategoryGroup::ParagraphSeparator)
        .union(GeneralCategoryGroup::PrivateUse)
        .union(GeneralCategoryGroup::Unassigned)
        .union(GeneralCategoryGroup::Control);
    hidden.contains(CodePointMapData::<GeneralCategory>::new().get(c))
        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';
/// A black flag: the base of an emoji tag sequence (the subdivision flags, e.g. Scotland's).
const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0020}'..='\u{E007E}')
}

/// For the message, which people write on phones: line breaks and tabs, and what emoji are
/// made of (ZWJ and ZWNJ joins, variation selectors, and tags inside an emoji tag sequence:
/// a black flag, tags, a cancel tag) are allowed; the rest as for a single line.
pub fn contains_control_characters_except_line_breaks(text: &str) -> bool {
    let mut in_tag_sequence = false;
    for c in text.chars() {
        let allowed = match c {
            '\r' | '\n' | '\t' | ZWJ | ZWNJ => true,
            c if is_variation_selector(c) => true,
            c if is_tag(c) => in_tag_sequence,
            CANCEL_TAG => std::mem::take(&mut in_tag_sequence),
            _ => false,
        };
        if !allowed && is_forbidden(c) {
            return true;
        }
        in_tag_sequence = match c {
            BLACK_FLAG => true,
            c if is_tag(c) => in_tag_sequence,
            _ => false,
        };
    }
    false
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
    fn invisible_and_direction_changing_characters_are_refused_in_a_single_line() {
        for c in [
            '\u{061C}',
            '\u{00AD}',
            '\u{180E}',
            '\u{034F}',
            '\u{115F}',
            '\u{1160}',
            '\u{3164}',
            '\u{FE00}',
            '\u{FE0F}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{2028}',
            '\u{2029}',
            '\u{E000}',
            '\u{0378}',
            '\u{200D}',
        ] {
            assert!(
                contains_control_characters(&format!("Anna{c}Virtanen")),
                "U+{:04X}",
                c as u32
            );
        }
        assert!(!contains_control_characters("Pälkäneen kunta – Åbo/Turku"));
    }

    #[test]
    fn a_message_may_hold_emoji_sequences_but_not_stray_tags() {
        let ok = [
            "Kiitos 👩\u{200D}💻!",
            "❤\u{FE0F}",
            "Skotlanti 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} ja Suomi",
            "rivi\r\nrivi\ttab",
        ];
        for text in ok {
            assert!(
                !contains_control_characters_except_line_breaks(text),
                "{text:?}"
            );
        }
        let refused = [
            "piilotettu\u{E0041}tagi",
            "a\u{202E}b",
            "a\u{2028}b",
            "🏴\u{E0067}x\u{E0062}\u{E007F}",
            "a\u{0000}b",
        ];
        for text in refused {
            assert!(
                contains_control_characters_except_line_breaks(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn nfd_and_nfc_spellings_normalise_alike() {
        assert_eq!(nfc("Jyva\u{0308}skyla\u{0308}"), "Jyväskylä");
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
