//! A field's label and a workshop's texts, in a language.

use super::texts;
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
        Field::WorkshopLanguage => labels.workshop_language,
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
    (texts(language).package)(package).name
}

/// How long the workshop is, as the customer reads it.
pub fn package_duration(package: Package, language: Language) -> &'static str {
    (texts(language).package)(package).duration
}

/// What the workshop is, as the order form tells the customer.
pub fn package_about(package: Package, language: Language) -> &'static str {
    (texts(language).package)(package).about
}
