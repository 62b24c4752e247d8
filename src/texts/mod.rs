//! Every text a customer or a trainer reads from the function: one table per language
//! (`fi.rs`, `sv.rs`, `en.rs`), the same keys in each because each is one value of the same
//! struct. Errors, pages and emails take their words from here and nowhere else; the trainers'
//! own texts are Finnish only (`trainer::TRAINER`).
//!
//! A text may hold `{name}` placeholders, filled by [`fill`]; a test checks that each language
//! uses the same placeholders as the others.

mod en;
mod fi;
mod lookup;
mod sv;

pub use booking::{
    BookingPageTexts, cancellation_line, cancellation_terms, date_with_weekday, fee_vat_words,
    received_at, when,
};
pub use fi::BOOKING_PAGE;
pub use lookup::{label, package_about, package_duration, package_name};
pub use trainer::TRAINER;

use crate::domain::{Language, Package};

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

// After the macro, which they use.
mod booking;
mod form;
mod order_page;
mod trainer;

pub use form::FormPage;
pub use order_page::OrderPage;
pub use trainer::TrainerTexts;

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
        workshop_language,
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
        /// `required` and the `required_*` are whole messages (what to do), not after a label.
        required,
        required_package,
        required_organization,
        required_contact_name,
        required_email,
        required_billing_street,
        required_billing_postcode,
        required_billing_town,
        required_einvoice_address,
        required_einvoice_operator,
        too_short,
        too_long,
        control_characters,
        markup,
        link_not_allowed,
        link_named,
        invalid_type,
        repeated,
        consent_required,
        /// A choice among `{choices}` (the catalogue's packages, the languages).
        choose,
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
        invalid_einvoice_address,
        invalid_einvoice_operator,
        invalid_postcode,
        invalid_idempotency_key,
        invalid_next,
        invalid_other,
    }
}

/// A workshop as the customer reads it: its name, its length, and what it is (the order
/// form's description).
pub struct PackageTexts {
    pub name: &'static str,
    /// The calendar event's title: names the provider and fits 60 characters.
    pub calendar_title: &'static str,
    pub duration: &'static str,
    pub about: &'static str,
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
        /// Before the page's title when something needs fixing (GOV.UK: "Error: ").
        error_prefix,
        /// The error summary's heading, on the error page and the form.
        summary_heading,
        back_to_form,
        back_hint,
        try_again_minutes,
        try_again_a_minute,
        try_again_hours,
        order_by_email,
        thanks_title,
        thanks_received,
        /// The same for an order whose confirmation waits for a person.
        thanks_waiting,
        thanks_next,
        /// Under the thank-you page's answer: where a confirmation that does not show may be.
        thanks_spam,
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
        /// The link to the customer's own page of the order.
        page_link,
        /// `{due_days}`: the invoice's payment term.
        next_steps,
        message_forwarded,
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
    /// the reminder.
    pub struct BookingEmail {
        subject_booked,
        subject_changed,
        subject_cancelled,
        subject_reminder,
        /// The practical reminder the working day before the workshop.
        subject_practical,
        intro_booked,
        intro_changed,
        intro_cancelled,
        intro_reminder,
        intro_practical,
        when,
        /// Between the date and the times, its spaces included (`, ` in English).
        at_time,
        place,
        trainers,
        note,
        reason,
        prepare_heading,
        prepare,
        reach,
        calendar_hint,
        calendar_hint_cancelled,
        /// What to prepare when the customer chose no channel (its own sentence).
        prepare_no_channels,
        /// The booked workshop's emails: whom to call to change it, and until when cancelling
        /// is free (the order page's `cancel_terms` follows).
        changes_heading,
        changes,
        /// A cancellation's fee: its label (the amount and its VAT follow), none.
        fee,
        fee_none,
        /// The invitation's description: how to change or cancel, with the seller's phone.
        calendar_changes,
        /// The invitation's file name, and the cancellation's.
        invitation_file,
        cancellation_file,
    }
}

table! {
    /// Words that dates and lists are made of.
    pub struct Words {
        monday,
        tuesday,
        wednesday,
        thursday,
        friday,
        saturday,
        sunday,
        /// The last item of a list of all of them (`a, b ja c`).
        and,
        /// The last item of a list to choose from (`a, b tai c`).
        or,
    }
}

/// One language's texts.
pub struct Texts {
    pub labels: Labels,
    pub problems: Problems,
    /// Each workshop's texts: an exhaustive match in each language's file, so a new package is
    /// named in every one.
    pub package: fn(Package) -> PackageTexts,
    pub refusals: Refusals,
    pub pages: Pages,
    pub customer: CustomerEmail,
    pub booking: BookingEmail,
    pub words: Words,
    pub form: FormPage,
    pub order_page: OrderPage,
    /// The languages' names in this language: the form's choice of the workshop's language,
    /// the emails' rows (the trainers read `ruotsi`). An exhaustive match in each language's
    /// file, so a new language is named in every one.
    pub language_name: fn(Language) -> &'static str,
}

impl Texts {
    /// Every key, `section.key`, and its text.
    pub fn entries(&self) -> Vec<(String, &'static str)> {
        let sections = [
            ("labels", self.labels.entries()),
            ("problems", self.problems.entries()),
            ("refusals", self.refusals.entries()),
            ("pages", self.pages.entries()),
            ("customer", self.customer.entries()),
            ("booking", self.booking.entries()),
            ("words", self.words.entries()),
            ("form", self.form.entries()),
            ("order_page", self.order_page.entries()),
        ];
        let names = Language::ALL.map(|language| {
            let key = format!("languages.{}", language.code());
            (key, (self.language_name)(language))
        });
        let packages = Package::ALL.into_iter().flat_map(|package| {
            let texts = (self.package)(package);
            let key = |part: &str| format!("packages.{}.{part}", package.id());
            [
                (key("name"), texts.name),
                (key("calendar_title"), texts.calendar_title),
                (key("duration"), texts.duration),
                (key("about"), texts.about),
            ]
        });
        sections
            .into_iter()
            .flat_map(|(section, entries)| {
                entries
                    .into_iter()
                    .map(move |(key, text)| (format!("{section}.{key}"), text))
            })
            .chain(names)
            .chain(packages)
            .collect()
    }
}

pub fn texts(language: Language) -> &'static Texts {
    match language {
        Language::Fi => &fi::TEXTS,
        Language::Sv => &sv::TEXTS,
        Language::En => &en::TEXTS,
    }
}

/// A language's name as `reader` reads it (the trainers read Finnish: `ruotsi`).
pub fn language_name(language: Language, reader: Language) -> &'static str {
    (texts(reader).language_name)(language)
}

/// `a, b ja c`: a list of everything, as `language` writes it.
pub fn all_of(items: &[&str], language: Language) -> String {
    joined(items, texts(language).words.and)
}

/// `a, b tai c`: a list to choose from, as `language` writes it.
pub fn one_of(items: &[&str], language: Language) -> String {
    joined(items, texts(language).words.or)
}

fn joined(items: &[&str], last_with: &str) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {last_with} {last}", rest.join(", ")),
    }
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

#[cfg(test)]
mod tests;
