//! Every text a customer or a trainer reads from the function: one table per language
//! (`fi.rs`, `sv.rs`, `en.rs`), the same keys in each because each is one value of the same
//! struct. Errors, pages and emails take their words from here and nowhere else; the trainers'
//! own texts are Finnish only (`fi::TRAINER`).
//!
//! A text may hold `{name}` placeholders, filled by [`fill`]; a test checks that each language
//! uses the same placeholders as the others.

mod en;
mod fi;
mod sv;

pub use booking::{BookingPageTexts, when};
pub use fi::{BOOKING_PAGE, TRAINER};

use crate::domain::{Field, Language, Package};

/// The label people read for a field, in error messages and the emails.
pub fn label(field: Field, language: Language) -> &'static str {
    let labels = &texts(language).labels;
    match field {
        Field::Package => labels.package,
        Field::Organization => labels.organization,
        Field::ContactName => labels.contact_name,
        Field::Email => labels.email,
        Field::PrivacyConsent => labels.privacy_consent,
        Field::BusinessId => labels.business_id,
        Field::Phone => labels.phone,
        Field::Participants => labels.participants,
        Field::Channels => labels.channels,
        Field::PreferredDates => labels.preferred_dates,
        Field::Location => labels.location,
        Field::EInvoiceAddress => labels.einvoice_address,
        Field::EInvoiceOperator => labels.einvoice_operator,
        Field::BillingReference => labels.billing_reference,
        Field::PurchaseOrder => labels.purchase_order,
        Field::BillingStreet => labels.billing_street,
        Field::BillingPostcode => labels.billing_postcode,
        Field::BillingTown => labels.billing_town,
        Field::InvoiceAddress => labels.invoice_address,
        Field::Message => labels.message,
        Field::Language => labels.language,
        Field::IdempotencyKey => labels.idempotency_key,
        Field::Next => labels.next,
        Field::Gotcha => labels.gotcha,
        Field::HumanToken => labels.human_token,
    }
}

/// The workshop's name as the customer reads it.
pub fn package_name(package: Package, language: Language) -> &'static str {
    let packages = &texts(language).packages;
    match package {
        Package::Somestartti => packages.somestartti_name,
        Package::SomeHaltuun => packages.some_haltuun_name,
    }
}

/// How long the workshop is, as the customer reads it.
pub fn package_duration(package: Package, language: Language) -> &'static str {
    let packages = &texts(language).packages;
    match package {
        Package::Somestartti => packages.somestartti_duration,
        Package::SomeHaltuun => packages.some_haltuun_duration,
    }
}

/// A struct of texts and the list of its keys and values, for the tests that compare languages.
macro_rules! table {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* $field:ident,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: &'static str,)*
        }

        impl $name {
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($field), self.$field),)*]
            }
        }
    };
}

// After the macro, which it uses.
mod booking;

table! {
    /// The fields' labels, as the form shows them.
    pub struct Labels {
        package,
        organization,
        contact_name,
        email,
        privacy_consent,
        business_id,
        phone,
        participants,
        channels,
        preferred_dates,
        location,
        einvoice_address,
        einvoice_operator,
        billing_reference,
        purchase_order,
        billing_street,
        billing_postcode,
        billing_town,
        invoice_address,
        message,
        language,
        idempotency_key,
        next,
        gotcha,
        human_token,
    }
}

table! {
    /// What is wrong with a field's value: `{min}`, `{max}` are the rule's bounds.
    pub struct Problems {
        required,
        too_short,
        too_long,
        control_characters,
        markup,
        link_not_allowed,
        link_named,
        invalid_type,
        repeated,
        consent_required,
        unknown_package,
        invalid_check_digit,
        out_of_range,
        too_many,
        date_not_in_future,
        date_too_far,
        conflict,
        invoice_address_link,
        /// The rest are hints for `invalid`, one per field with its own rule.
        invalid_email,
        invalid_business_id,
        invalid_phone,
        invalid_participants,
        invalid_channels,
        invalid_dates,
        invalid_einvoice_id,
        invalid_postcode,
        invalid_language,
        invalid_idempotency_key,
        invalid_next,
        invalid_other,
    }
}

table! {
    /// The workshops as the customer reads them.
    pub struct Packages {
        somestartti_name,
        somestartti_duration,
        some_haltuun_name,
        some_haltuun_duration,
    }
}

table! {
    /// Whole-request refusals (`RequestError::message`).
    pub struct Refusals {
        validation,
        invalid_json,
        not_an_object,
        duplicate_field,
        invalid_utf8,
        invalid_multipart,
        file_not_accepted,
        invalid_base64,
        empty,
        unsupported_media_type,
        payload_too_large,
        method_not_allowed,
        not_found,
        origin_not_allowed,
        idempotency_key_reused,
        rate_limited,
        service_unavailable,
    }
}

table! {
    /// The function's own HTML pages: the error page and the thank-you page of a plain form.
    pub struct Pages {
        error_title,
        back_to_form,
        back_hint,
        try_again_minutes,
        try_again_a_minute,
        try_again_hours,
        order_by_email,
        thanks_title,
        thanks_received,
        thanks_next,
        thanks_reference,
        back_to_site,
    }
}

table! {
    /// The customer's confirmation email. `{seller}`, `{business_id}` and `{phone}` come from
    /// the configuration.
    pub struct CustomerEmail {
        subject,
        greeting,
        intro,
        reference,
        package,
        duration,
        net,
        vat,
        gross,
        organization,
        dates,
        dates_open,
        ordered,
        next_heading,
        next_steps,
        reply,
        call,
        terms_heading,
        closing,
        signature_pilvi,
        signature_jaana,
        seller_line,
    }
}

table! {
    /// The customer's emails after a booking: the booking itself (new, changed, cancelled) and
    /// the reminder. `weekdays` are Monday to Sunday, space-separated.
    pub struct BookingEmail {
        subject_booked,
        subject_changed,
        subject_cancelled,
        subject_reminder,
        intro_booked,
        intro_changed,
        intro_cancelled,
        intro_reminder,
        when,
        at_time,
        place,
        trainers,
        note,
        reason,
        prepare_heading,
        prepare,
        reach,
        calendar_hint,
        weekdays,
    }
}

/// One language's texts.
pub struct Texts {
    pub labels: Labels,
    pub problems: Problems,
    pub packages: Packages,
    pub refusals: Refusals,
    pub pages: Pages,
    pub customer: CustomerEmail,
    pub booking: BookingEmail,
    /// This language's name in Finnish, as the trainers read it (`ruotsi`).
    pub name_in_finnish: &'static str,
}

impl Texts {
    /// Every key, `section.key`, and its text.
    pub fn entries(&self) -> Vec<(String, &'static str)> {
        let sections = [
            ("labels", self.labels.entries()),
            ("problems", self.problems.entries()),
            ("packages", self.packages.entries()),
            ("refusals", self.refusals.entries()),
            ("pages", self.pages.entries()),
            ("customer", self.customer.entries()),
            ("booking", self.booking.entries()),
            ("language", vec![("name_in_finnish", self.name_in_finnish)]),
        ];
        sections
            .into_iter()
            .flat_map(|(section, entries)| {
                entries
                    .into_iter()
                    .map(move |(key, text)| (format!("{section}.{key}"), text))
            })
            .collect()
    }
}

table! {
    /// What the trainers read: their notification and alerts, in Finnish.
    pub struct TrainerTexts {
        new_order,
        reference,
        price_net,
        price_vat,
        price_gross,
        confirmation,
        confirmation_held,
        confirmation_unverified,
        breaker_heading,
        digest_heading,
        digest_intro,
        breaker_counts,
        breaker_what,
        breaker_todo_heading,
        breaker_todo,
        received,
        order_id,
        message,
        reply_hint,
        undelivered_heading,
        undelivered_address,
        undelivered_what,
        undelivered_bounced,
        undelivered_rejected,
        undelivered_complained,
        undelivered_other,
        undelivered_call,
        undelivered_advice,
        book_button,
        book_hint,
        change_button,
        booking_booked,
        booking_changed,
        booking_cancelled,
        reminder_heading,
        when,
        place,
        trainers,
        note,
        reason,
        calendar_hint,
        call_by,
        language,
    }
}

pub fn texts(language: Language) -> &'static Texts {
    match language {
        Language::Fi => &fi::TEXTS,
        Language::Sv => &sv::TEXTS,
        Language::En => &en::TEXTS,
    }
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

#[cfg(test)]
mod tests {
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
}
