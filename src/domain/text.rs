//! Rules for the text people type: which characters may appear, and one normal form.

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{
    DefaultIgnorableCodePoint, Emoji, GeneralCategory, GeneralCategoryGroup, Ideographic,
};
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

/// The tags a subdivision flag is spelled with: digits and lower-case letters.
fn is_flag_tag(c: char) -> bool {
    matches!(c, '\u{E0030}'..='\u{E0039}' | '\u{E0061}'..='\u{E007A}')
}

/// The most tags one subdivision flag has: a region and a subdivision code (`gbsct`).
const MAX_FLAG_TAGS: usize = 7;

/// The most subdivision flags a message may hold: each is up to eight invisible characters,
/// so a message of nothing but flags would carry some 1,500 hidden ones.
pub const MAX_TAG_FLAGS: usize = 3;

/// Whether a variation selector may follow `base`: an emoji's text or emoji presentation
/// (U+FE0E, U+FE0F), or an ideograph's variant (the rest); never after another selector.
fn takes_variation_selector(base: Option<char>, selector: char) -> bool {
    let Some(base) = base.filter(|b| !is_variation_selector(*b)) else {
        return false;
    };
    let emoji = CodePointSetData::new::<Emoji>().contains(base);
    let ideograph = CodePointSetData::new::<Ideographic>().contains(base);
    match selector {
        '\u{FE0E}' | '\u{FE0F}' => emoji || ideograph,
        _ => ideograph,
    }
}

/// The length of a valid emoji tag sequence's tags and cancel tag starting at `rest` (after a
/// black flag): 1 to `MAX_FLAG_TAGS` flag tags, then the cancel tag. `None`: not one.
fn flag_tags(rest: &[char]) -> Option<usize> {
    let tags = rest.iter().take_while(|c| is_flag_tag(**c)).count();
    let ends = rest.get(tags) == Some(&CANCEL_TAG);
    ((1..=MAX_FLAG_TAGS).contains(&tags) && ends).then_some(tags + 1)
}

/// For the message, which people write on phones: line breaks and tabs, and what emoji are
/// made of are allowed: ZWJ and ZWNJ joins, a variation selector after a character that takes
/// one, and tags only inside a valid emoji tag sequence (a black flag, a subdivision's tags, a
/// cancel tag). The rest as for a single line: tag characters elsewhere (an invisible copy of
/// ASCII) and stray selectors are refused.
pub fn contains_control_characters_except_line_breaks(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let (mut at, mut flags) = (0, 0);
    while at < chars.len() {
        let c = chars[at];
        if c == BLACK_FLAG
            && let Some(length) = flag_tags(&chars[at + 1..])
        {
            flags += 1;
            if flags > MAX_TAG_FLAGS {
                return true;
            }
            at += 1 + length;
            continue;
        }
        let allowed = match c {
            '\r' | '\n' | '\t' | ZWJ | ZWNJ => true,
            c if is_variation_selector(c) => {
                takes_variation_selector(at.checked_sub(1).map(|i| chars[i]), c)
            }
            _ => false,
        };
        if !allowed && is_forbidden(c) {
            return true;
        }
        at += 1;
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

/// A link, or what would work as one once pasted: a scheme (`://`), `www.`, an `@`, or a word
/// whose host part ends in a real public suffix (the public suffix list, compiled in by `psl`),
/// whatever follows it (`/`, `?`, `#`, `:port`). Full stops written as `。`, `．`, `｡`, `[.]`
/// or `(.)` count as dots. Abbreviations (`2.krs`, `A.Virtanen`, `Ymp.ltk`) are not links: their
/// last part is no suffix.
pub fn contains_link(text: &str) -> bool {
    link_in(text).is_some()
}

/// The first word of `text` that is a link by `contains_link`'s rules, as read (lower case,
/// the odd dots made full stops), at most 60 characters: what a refusal names. A domain joined
/// to a word by punctuation is one too (`Maksa:evil.com/pay`, `lasku,evil.com`,
/// `Tuusula/evil.com`, `http:evil.com`): the link named is the part from the domain on.
pub fn link_in(text: &str) -> Option<String> {
    let lower = text
        .to_lowercase()
        .replace(['\u{3002}', '\u{FF0E}', '\u{FF61}'], ".")
        .replace("[.]", ".")
        .replace("(.)", ".");
    lower.split_whitespace().find_map(|word| {
        let token = word.trim_matches(|c: char| !c.is_alphanumeric());
        if word.contains("://") || word.contains("www.") || word.contains('@') || is_domain(token) {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/');
            return Some(word.chars().take(60).collect());
        }
        joined_domain(word)
    })
}

/// Punctuation that may join a domain to the word before it.
const JOINERS: [char; 12] = [',', ';', ':', '/', '\\', '(', ')', '"', '\'', '|', '!', '='];

/// A domain inside a word after punctuation, with what follows it: `evil.com/pay` in
/// `maksa:evil.com/pay`.
fn joined_domain(word: &str) -> Option<String> {
    let mut from = 0;
    for piece in word.split(JOINERS) {
        let start = from;
        from += piece.len() + 1;
        let token = piece.trim_matches(|c: char| !c.is_alphanumeric());
        if start > 0 && is_domain(token) {
            let rest = word[start..].trim_matches(|c: char| !c.is_alphanumeric() && c != '/');
            return Some(rest.chars().take(60).collect());
        }
    }
    None
}

/// Whether a word is a domain name, maybe with a path, query, fragment or port after it.
fn is_domain(word: &str) -> bool {
    let host = word.split(['/', '?', '#', ':']).next().unwrap_or_default();
    let labels_ok = host
        .split('.')
        .all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-'));
    let known = psl::suffix(host.as_bytes())
        .is_some_and(|suffix| suffix.is_known() && suffix.as_bytes().len() < host.len());
    host.contains('.') && labels_ok && known
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
    fn a_refusal_names_the_word_that_looks_like_a_link() {
        for (text, word) in [
            ("Maksa evil.com?lasku=1 heti", "evil.com?lasku=1"),
            ("Kunta (evil。com/pay)", "evil.com/pay"),
            ("Tuusula, evil[.]com", "evil.com"),
            ("Katso https://x.fi", "https://x.fi"),
            ("anna@x.fi", "anna@x.fi"),
        ] {
            assert_eq!(link_in(text).as_deref(), Some(word), "{text}");
        }
        assert_eq!(link_in("Kunnantalo, 2.krs"), None);
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
            "Kunnantalo, 2.krs",
            "A.Virtanen",
            "Ymp.ltk",
            "Tekn.ltk",
            "klo 9.00–11.00",
        ] {
            assert!(!contains_link(text), "{text}");
        }
        for text in [
            "Lasku erääntynyt – maksa: https://evil.example/pay",
            "maksa evil.com/pay",
            "katso evil.fi",
            "Maksa evil.com?lasku=1",
            "evil.com:8443",
            "evil.com#x",
            "evil\u{3002}com",
            "evil\u{FF0E}com/pay",
            "evil[.]com",
            "osoite kunta.co.uk",
            "www.evil.fi",
            "WWW.EVIL.FI",
            "kirjoita anna@evil.example",
            "hxxp://evil",
            "evil.com/",
            "Tuusula (tuusula.fi)",
            // Joined to a word by punctuation (issue 37's hostile forms).
            "Maksa:evil.com/pay",
            "lasku,evil.com",
            "Tuusula/evil.com",
            "http:evil.com",
            "paikka;evil.fi",
            "Kunnantalo(evil.fi)",
            "x=evil.com",
        ] {
            assert!(contains_link(text), "{text}");
        }
        assert_eq!(
            link_in("Maksa:evil.com/pay").as_deref(),
            Some("evil.com/pay")
        );
        assert_eq!(link_in("lasku,evil.com").as_deref(), Some("evil.com"));
        for text in [
            "Åbo/Turku",
            "KP 1234/2027",
            "klo 9:00/10.30",
            "Sali 2,3.krs",
            "A/B-talo",
        ] {
            assert!(!contains_link(text), "{text}");
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
            "☎\u{FE0E} soita",
            "葛\u{E0100}",
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
            // After a flag, tags spelling hidden ASCII, or no cancel tag.
            "🏴\u{E0049}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}\u{E007F}",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074} jatkuu",
            "🏴\u{E0069}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}\u{E0061}\u{E006C}\u{E006C}\u{E007F}",
            // Variation selectors after a letter, at the start, or two in a row.
            "Kiitos\u{FE0F}",
            "\u{FE0F}alku",
            "❤\u{FE0F}\u{FE0F}",
            "a\u{E0100}",
        ];
        for text in refused {
            assert!(
                contains_control_characters_except_line_breaks(text),
                "{text:?}"
            );
        }
        // A few flags are words; hundreds are a hidden payload (issue 37).
        let scotland = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        let few = scotland.repeat(MAX_TAG_FLAGS);
        assert!(!contains_control_characters_except_line_breaks(&few));
        let many = scotland.repeat(MAX_TAG_FLAGS + 1);
        assert!(contains_control_characters_except_line_breaks(&many));
        assert!(contains_control_characters_except_line_breaks(
            &scotland.repeat(190)
        ));
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
