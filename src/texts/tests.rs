//! The languages' tables against each other.
use super::*;
use std::collections::BTreeSet;

/// Texts that are rightly the same in Swedish or Finnish as in English: names, codes and
/// words the languages share. Anything else equal to its English text was left untranslated.
const SAME_AS_ENGLISH: [(&str, &str); 2] = [
    ("sv", "labels.organization"),
    ("sv", "customer.organization"),
];

fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

#[test]
fn every_language_has_the_same_keys_and_placeholders_and_no_empty_text() {
    let english = texts(Language::En).entries();
    for language in Language::ALL.into_iter().filter(|l| *l != Language::En) {
        let entries = texts(language).entries();
        let keys = |entries: &[(String, &str)]| -> Vec<String> {
            entries.iter().map(|(key, _)| key.clone()).collect()
        };
        assert_eq!(keys(&entries), keys(&english));
        for ((key, text), (_, en)) in entries.iter().zip(&english) {
            assert!(!text.trim().is_empty(), "{language:?} {key} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(en),
                "{language:?} {key} and its English text fill in different values"
            );
        }
    }
    for (key, text) in english {
        assert!(!text.trim().is_empty(), "en {key} is empty");
    }
}

#[test]
fn no_finnish_or_swedish_text_is_its_english_text() {
    let english = texts(Language::En).entries();
    for language in Language::ALL.into_iter().filter(|l| *l != Language::En) {
        for ((key, text), (_, en)) in texts(language).entries().iter().zip(&english) {
            let allowed = SAME_AS_ENGLISH.contains(&(language.code(), key.as_str()));
            if allowed {
                assert_eq!(
                    text, en,
                    "{key} is listed as the same but is not: unlist it"
                );
            } else {
                assert_ne!(text, en, "{} {key} is still in English", language.code());
            }
        }
    }
}

#[test]
fn the_trainers_texts_have_no_empty_entry() {
    for (key, text) in TRAINER.entries() {
        assert!(!text.trim().is_empty(), "{key} is empty");
    }
}

#[test]
fn placeholders_are_filled_by_name() {
    assert_eq!(
        fill("{min}–{max} merkkiä", &[("min", "2"), ("max", "9")]),
        "2–9 merkkiä"
    );
}

/// What stands as a sentence of its own (a page's line, a refusal, an email's paragraph, a
/// message that names its field) starts with a capital in every language.
#[test]
fn every_whole_sentence_starts_with_a_capital() {
    let whole = |key: &str| {
        key.starts_with("pages.")
            || key.starts_with("refusals.")
            || key.starts_with("problems.required")
            || key.starts_with("booking.intro_")
            || [
                "customer.intro",
                "customer.next_steps",
                "customer.message_forwarded",
                "customer.reply",
                "customer.call",
                "customer.ordered",
                "problems.consent_required",
                "problems.invalid_email",
                "problems.invalid_business_id",
                "problems.invalid_check_digit",
            ]
            .contains(&key)
    };
    for language in Language::ALL {
        let entries = texts(language).entries();
        assert!(entries.iter().filter(|(key, _)| whole(key)).count() > 30);
        for (key, text) in entries.iter().filter(|(key, _)| whole(key)) {
            assert!(
                text.starts_with(char::is_uppercase),
                "{} {key}: {text}",
                language.code()
            );
        }
    }
}

/// The words of a text, lower case, split on anything that is not a letter.
fn words(text: &str) -> Vec<String> {
    (text.split(|c: char| !c.is_alphabetic()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// What the customer reads: the form, its pages, the emails, their own page.
fn customer_texts(language: Language) -> Vec<(String, &'static str)> {
    let sections = [
        "labels.",
        "problems.",
        "refusals.",
        "pages.",
        "customer.",
        "booking.",
        "form.",
        "order_page.",
    ];
    (texts(language).entries().into_iter())
        .filter(|(key, _)| sections.iter().any(|s| key.starts_with(s)))
        .collect()
}

/// One register per language, as on the form: *sinä* in Finnish (no *te* forms: no "-tte"
/// verbs, no plural imperatives or possessives), *du* in Swedish (no *ni*, *er*).
#[test]
fn customer_texts_keep_one_register() {
    const FINNISH_TE: [&str; 14] = [
        "te",
        "teidän",
        "teille",
        "teitä",
        "vastatkaa",
        "pyytäkää",
        "ottakaa",
        "kertokaa",
        "koulutuksenne",
        "kalenteriinne",
        "kalenteristanne",
        "organisaationne",
        "tilauksenne",
        "tilaanne",
    ];
    for (key, text) in customer_texts(Language::Fi) {
        for word in words(text) {
            let plural_verb = word.len() > 4 && word.ends_with("tte");
            assert!(
                !(FINNISH_TE.contains(&word.as_str()) || plural_verb),
                "{key}: {word:?} is the te register: {text}"
            );
        }
    }
    for (key, text) in customer_texts(Language::Sv) {
        for word in words(text) {
            assert!(
                !["ni", "er", "ert", "era", "eder"].contains(&word.as_str()),
                "{key}: {word:?} is the ni register: {text}"
            );
        }
    }
}

/// The cancellation line: free until a day, then since that day; always free at 0 %.
#[test]
fn the_cancellation_line_follows_the_day() {
    use crate::domain::CancellationTerms;
    let start = jiff::civil::date(2027, 3, 30).at(9, 0, 0, 0);
    let terms = CancellationTerms::default();
    let line =
        |now: &str| cancellation_line(terms, start, 50_000, now.parse().unwrap(), Language::Fi);
    assert_eq!(
        line("2027-03-01T08:00:00Z"),
        "Peruutus on maksuton ti\u{a0}16.3.2027 asti. Sen jälkeen peruutuksesta laskutetaan 250,00\u{a0}€ (ei arvonlisäveroa)."
    );
    assert_eq!(
        line("2027-03-17T08:00:00Z"),
        "Maksuton peruutusaika päättyi ti\u{a0}16.3.2027: peruutuksesta laskutetaan 250,00\u{a0}€ (ei arvonlisäveroa)."
    );
    // A fee configured as taxable (CANCELLATION_FEE_VAT=taxable) says so in every language.
    let taxable = CancellationTerms {
        fee_vat: crate::domain::FeeVat::Taxable,
        ..terms
    };
    let now = "2027-03-17T08:00:00Z".parse().unwrap();
    for (language, words) in [
        (Language::Fi, "250,00\u{a0}€ + alv."),
        (Language::Sv, "250,00\u{a0}€ + moms."),
        (Language::En, "€250.00 + VAT."),
    ] {
        let line = cancellation_line(taxable, start, 50_000, now, language);
        assert!(line.ends_with(words), "{line}");
    }
    let free = CancellationTerms {
        fee_percent: 0,
        ..terms
    };
    let always = cancellation_line(
        free,
        start,
        50_000,
        "2027-03-29T08:00:00Z".parse().unwrap(),
        Language::En,
    );
    assert_eq!(always, "Cancelling is free of charge.");
}
