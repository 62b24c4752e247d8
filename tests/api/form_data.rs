//! `web/form-data.json` is the field list and catalogue as data, for the web form (which cannot
//! read Rust): `web/build.py` takes the pages' `required`, `minlength`, `maxlength`, the
//! participant range, the fields' labels, the package choices, the prices and the page's own
//! words from it. This test writes it from the code and fails when
//! the committed copy differs; `UPDATE_FORM_DATA=1 cargo test form_data` rewrites it.

use order_intake::domain::{
    Field, Language, MAX_PREFERRED_DATES, PAYMENT_TERM_DAYS, Package, Participants,
};
use order_intake::texts::{label, language_name, package_about, package_name, texts};
use serde_json::{Value, json};

/// A value per language: `{"fi": …, "sv": …, "en": …}`.
fn per_language(text: impl Fn(Language) -> Value) -> Value {
    let map: serde_json::Map<String, Value> = (Language::ALL.into_iter())
        .map(|language| (language.code().to_owned(), text(language)))
        .collect();
    Value::Object(map)
}

fn form_data() -> Value {
    let fields: Vec<Value> = Field::ALL
        .into_iter()
        .map(|field| {
            let labels: serde_json::Map<String, Value> = (Language::ALL.into_iter())
                .map(|language| (language.code().to_owned(), json!(label(field, language))))
                .collect();
            json!({
                "name": field.name(),
                "labels": labels,
                "required": field.required(),
                "list": field.is_list(),
                "length": field.length().map(|l| json!({"min": l.min, "max": l.max})),
            })
        })
        .collect();
    let packages: Vec<Value> = Package::ALL
        .into_iter()
        .map(|package| {
            let price = package.price();
            json!({
                "id": package.id(),
                "names": per_language(|language| json!(package_name(package, language))),
                "about": per_language(|language| json!(package_about(package, language))),
                "short_name": package.short_name(),
                "net_cents": price.net_cents,
                "vat_cents": price.vat_cents,
                "gross_cents": price.gross_cents,
            })
        })
        .collect();
    json!({
        "generated_by": "tests/api/form_data.rs from src/domain (do not edit by hand)",
        "fields": fields,
        "participants": {"min": Participants::MIN, "max": Participants::MAX},
        "max_preferred_dates": MAX_PREFERRED_DATES,
        "packages": packages,
        // The form's own words (src/texts/form.rs), checked with every other text.
        "page_texts": per_language(|language| {
            let entries: serde_json::Map<String, Value> = (texts(language).form.entries())
                .into_iter()
                .map(|(key, text)| (key.to_owned(), json!(text)))
                .collect();
            Value::Object(entries)
        }),
        // The trainers as the emails sign: the form introduces them in the same words.
        "trainers": per_language(|language| {
            let t = &texts(language).customer;
            json!([t.signature_pilvi, t.signature_jaana])
        }),
        "languages": per_language(|reader| {
            json!(Language::ALL.map(|language| json!({"code": language.code(), "name": language_name(language, reader)})))
        }),
        "payment_term_days": PAYMENT_TERM_DAYS,
        "error_summary": per_language(|language| {
            let t = &texts(language).pages;
            json!({"heading": t.summary_heading, "title_prefix": t.error_prefix})
        }),
    })
}

#[test]
fn the_committed_form_data_is_the_field_list_and_catalogue_of_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/web/form-data.json");
    let expected = format!("{}\n", serde_json::to_string_pretty(&form_data()).unwrap());
    if std::env::var_os("UPDATE_FORM_DATA").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == expected,
        "web/form-data.json differs from the code's field list: run \
         `UPDATE_FORM_DATA=1 cargo test form_data` and then `make web`"
    );
}
