//! A field error as the customer reads it, in their language, from the texts in `texts/`
//! (whole-request errors are `http::RequestError`'s).

use crate::domain::{ErrorCode, Field, FieldError, Language, Package};
use crate::texts::{Problems, fill, language_name, one_of, texts};

/// What is wrong with a field when the rule is specific to it.
fn invalid_hint(field: Field, t: &Problems) -> &'static str {
    match field {
        Field::Email => t.invalid_email,
        Field::BusinessId => t.invalid_business_id,
        Field::Phone => t.invalid_phone,
        Field::Participants => t.invalid_participants,
        Field::Channels => t.invalid_channels,
        Field::PreferredDates => t.invalid_dates,
        Field::EInvoiceAddress => t.invalid_einvoice_address,
        Field::EInvoiceOperator => t.invalid_einvoice_operator,
        Field::BillingPostcode => t.invalid_postcode,
        Field::IdempotencyKey => t.invalid_idempotency_key,
        Field::Next => t.invalid_next,
        _ => t.invalid_other,
    }
}

/// What to do about a missing value: a whole message, in the imperative.
fn missing(field: Field, t: &Problems) -> &'static str {
    match field {
        Field::Package => t.required_package,
        Field::Organization => t.required_organization,
        Field::ContactName => t.required_contact_name,
        Field::Email => t.required_email,
        Field::BillingStreet => t.required_billing_street,
        Field::BillingPostcode => t.required_billing_postcode,
        Field::BillingTown => t.required_billing_town,
        Field::EInvoiceAddress => t.required_einvoice_address,
        Field::EInvoiceOperator => t.required_einvoice_operator,
        Field::PrivacyConsent => t.consent_required,
        _ => t.required,
    }
}

fn problem(error: &FieldError, language: Language) -> String {
    let t = &texts(language).problems;
    let choose = |choices: &[&str]| fill(t.choose, &[("choices", &one_of(choices, language))]);
    let text = match error.code {
        ErrorCode::UnknownPackage => return choose(&Package::ALL.map(Package::short_name)),
        // The page's language is a code; the workshop's is chosen by its name.
        ErrorCode::Invalid if error.field == Field::Language => {
            return one_of(&Language::ALL.map(Language::code), language);
        }
        ErrorCode::Invalid if error.field == Field::WorkshopLanguage => {
            return choose(&Language::ALL.map(|l| language_name(l, language)));
        }
        ErrorCode::Required | ErrorCode::ConsentRequired => missing(error.field, t),
        ErrorCode::TooShort { min } => return fill(t.too_short, &[("min", &min.to_string())]),
        ErrorCode::TooLong { max } => return fill(t.too_long, &[("max", &max.to_string())]),
        ErrorCode::ControlCharacters => t.control_characters,
        ErrorCode::Markup => t.markup,
        // The invoicing address may be an email address; only web addresses are refused there.
        ErrorCode::LinkNotAllowed if error.field == Field::InvoiceAddress => t.invoice_address_link,
        ErrorCode::LinkNotAllowed => match &error.fragment {
            Some(link) => return fill(t.link_named, &[("link", link)]),
            None => t.link_not_allowed,
        },
        ErrorCode::Invalid => invalid_hint(error.field, t),
        ErrorCode::InvalidType => t.invalid_type,
        ErrorCode::Repeated => t.repeated,
        ErrorCode::InvalidCheckDigit => t.invalid_check_digit,
        ErrorCode::OutOfRange { min, max } => {
            return fill(
                t.out_of_range,
                &[("min", &min.to_string()), ("max", &max.to_string())],
            );
        }
        ErrorCode::TooMany { max } => return fill(t.too_many, &[("max", &max.to_string())]),
        ErrorCode::DateNotInFuture => t.date_not_in_future,
        ErrorCode::DateTooFar => t.date_too_far,
        ErrorCode::Conflict => t.conflict,
    };
    text.to_owned()
}

/// Whether the message names the field itself (and is a whole sentence): what to do about a
/// missing value, and the e-mail address's, the business id's, the phone's, the postcode's and
/// the e-invoice routing's own rules.
fn names_its_field(error: &FieldError) -> bool {
    match error.code {
        ErrorCode::Required | ErrorCode::ConsentRequired | ErrorCode::InvalidCheckDigit => true,
        ErrorCode::Invalid => matches!(
            error.field,
            Field::Email
                | Field::BusinessId
                | Field::Phone
                | Field::BillingPostcode
                | Field::EInvoiceAddress
                | Field::EInvoiceOperator
        ),
        _ => false,
    }
}

/// The message for a field, as the form shows it next to the field and in its error summary: one
/// that names its field says what to do ("Kirjoita organisaation nimi"); any other follows the
/// field's label, which names the field in the summary ("Postinumero: viisi numeroa, …").
pub fn field_message(error: &FieldError, language: Language) -> String {
    if names_its_field(error) {
        return problem(error, language);
    }
    format!(
        "{}: {}",
        crate::texts::label(error.field, language),
        problem(error, language)
    )
}
