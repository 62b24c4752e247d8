//! A field error as the customer reads it, in their language, from the texts in `texts/`
//! (whole-request errors are `http::RequestError`'s).

use crate::domain::{ErrorCode, Field, FieldError, Language};
use crate::texts::{Problems, fill, texts};

/// What is wrong with a field when the rule is specific to it.
fn invalid_hint(field: Field, t: &Problems) -> &'static str {
    match field {
        Field::Email => t.invalid_email,
        Field::BusinessId => t.invalid_business_id,
        Field::Phone => t.invalid_phone,
        Field::Participants => t.invalid_participants,
        Field::Channels => t.invalid_channels,
        Field::PreferredDates => t.invalid_dates,
        Field::EInvoiceAddress | Field::EInvoiceOperator => t.invalid_einvoice_id,
        Field::BillingPostcode => t.invalid_postcode,
        Field::Language => t.invalid_language,
        Field::IdempotencyKey => t.invalid_idempotency_key,
        Field::Next => t.invalid_next,
        _ => t.invalid_other,
    }
}

fn problem(error: &FieldError, language: Language) -> String {
    let t = &texts(language).problems;
    let text = match error.code {
        ErrorCode::Required => t.required,
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
        ErrorCode::ConsentRequired => t.consent_required,
        ErrorCode::UnknownPackage => t.unknown_package,
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

pub fn field_message(error: &FieldError, language: Language) -> String {
    format!(
        "{}: {}",
        crate::texts::label(error.field, language),
        problem(error, language)
    )
}
