//! The order form's fields: the one list of their wire names and length limits (their labels,
//! per language, are `texts::label`). The body
//! parser, the validator, the error texts, the trainer email, the OpenAPI agreement test and the
//! web form (through `web/form-data.json`, written from this list) all read it.

pub use super::email_address::MAX_EMAIL_LENGTH;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Package,
    Organization,
    ContactName,
    Email,
    PrivacyConsent,
    BusinessId,
    Phone,
    Participants,
    /// The language the workshop is held in (the customer's own language is `Language`).
    WorkshopLanguage,
    Channels,
    PreferredDates,
    Location,
    EInvoiceAddress,
    EInvoiceOperator,
    BillingReference,
    /// The buyer's purchase order number (Finvoice's OrderIdentifier), which municipal
    /// purchase-to-pay systems match invoices on.
    PurchaseOrder,
    /// The buyer's postal address, which a full invoice must carry: street (or PL box),
    /// postcode and town, in Finland.
    BillingStreet,
    BillingPostcode,
    BillingTown,
    /// Where to send the invoice of an organisation without e-invoicing: an email address
    /// (or, in orders taken before the billing address fields, a postal address).
    InvoiceAddress,
    Message,
    Language,
    IdempotencyKey,
    /// `_next`: where a plain HTML form wants to land after success.
    Next,
    /// `_gotcha`: the honeypot. People leave it empty; bots fill it in.
    Gotcha,
    /// `cf-turnstile-response`: the Turnstile widget's token, the form's proof that a person
    /// sent it. A missing or bad one never refuses an order (its confirmation waits instead).
    HumanToken,
}

/// How long a text field's trimmed value may be, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    pub min: usize,
    pub max: usize,
}

const fn length(min: usize, max: usize) -> Option<Length> {
    Some(Length { min, max })
}

/// The most participants one workshop takes.
pub const MAX_PARTICIPANTS: u32 = 200;
pub const MAX_PREFERRED_DATES: usize = 3;

impl Field {
    /// Every field an order body may carry; other names are ignored. (Errors come in the page's
    /// order, consent last: `Submission::parse` checks in that order.)
    pub const ALL: [Field; 26] = [
        Field::Package,
        Field::Organization,
        Field::ContactName,
        Field::Email,
        Field::PrivacyConsent,
        Field::BusinessId,
        Field::Phone,
        Field::Participants,
        Field::WorkshopLanguage,
        Field::Channels,
        Field::PreferredDates,
        Field::Location,
        Field::EInvoiceAddress,
        Field::EInvoiceOperator,
        Field::BillingReference,
        Field::PurchaseOrder,
        Field::BillingStreet,
        Field::BillingPostcode,
        Field::BillingTown,
        Field::InvoiceAddress,
        Field::Message,
        Field::Language,
        Field::IdempotencyKey,
        Field::Next,
        Field::Gotcha,
        Field::HumanToken,
    ];

    /// The fields that say who a person is or what they wrote: what erasure (on request, or
    /// after the retention time) removes. The rest is what bookkeeping keeps.
    pub const PERSONAL: [Field; 5] = [
        Field::ContactName,
        Field::Email,
        Field::Phone,
        Field::Location,
        Field::Message,
    ];

    /// The name in JSON and form bodies.
    pub const fn name(self) -> &'static str {
        match self {
            Field::Package => "package",
            Field::Organization => "organization",
            Field::ContactName => "contact_name",
            Field::Email => "email",
            Field::PrivacyConsent => "privacy_consent",
            Field::BusinessId => "business_id",
            Field::Phone => "phone",
            Field::Participants => "participants",
            Field::WorkshopLanguage => "workshop_language",
            Field::Channels => "channels",
            Field::PreferredDates => "preferred_dates",
            Field::Location => "location",
            Field::EInvoiceAddress => "einvoice_address",
            Field::EInvoiceOperator => "einvoice_operator",
            Field::BillingReference => "billing_reference",
            Field::PurchaseOrder => "purchase_order",
            Field::BillingStreet => "billing_street",
            Field::BillingPostcode => "billing_postcode",
            Field::BillingTown => "billing_town",
            Field::InvoiceAddress => "invoice_address",
            Field::Message => "message",
            Field::Language => "language",
            Field::IdempotencyKey => "idempotency_key",
            Field::Next => "_next",
            Field::Gotcha => "_gotcha",
            Field::HumanToken => "cf-turnstile-response",
        }
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }

    /// Whether an order needs it (consent is required too, as a yes).
    pub fn required(self) -> bool {
        matches!(
            self,
            Field::Package
                | Field::Organization
                | Field::ContactName
                | Field::Email
                | Field::PrivacyConsent
        )
    }

    /// Free text of one line that is quoted in an email, where a link would be a lever for
    /// phishing in the company's name: links are refused.
    pub fn refuses_links(self) -> bool {
        matches!(
            self,
            Field::Organization
                | Field::ContactName
                | Field::Location
                | Field::BillingReference
                | Field::PurchaseOrder
                | Field::BillingStreet
                | Field::BillingTown
        )
    }

    /// Whether it carries a list (a JSON array, or a repeated form field).
    pub fn is_list(self) -> bool {
        matches!(self, Field::Channels | Field::PreferredDates)
    }

    /// The length rule of a free-text or typed-text field; `None` for choices and lists.
    pub fn length(self) -> Option<Length> {
        match self {
            Field::Organization => length(2, 200),
            Field::ContactName => length(2, 100),
            Field::Email => length(1, MAX_EMAIL_LENGTH),
            Field::BusinessId => length(1, 9),
            Field::Phone => length(1, 30),
            Field::Participants => length(1, 20),
            Field::Location => length(1, 200),
            Field::EInvoiceAddress | Field::EInvoiceOperator => length(1, 35),
            // Finvoice carries the buyer's reference in at most 70 characters.
            Field::BillingReference | Field::PurchaseOrder => length(1, 70),
            // Finvoice's BuyerStreetName and BuyerTownName: 2 to 35 characters.
            Field::BillingStreet | Field::BillingTown => length(2, 35),
            Field::BillingPostcode => length(1, 5),
            Field::InvoiceAddress => length(5, 200),
            Field::Message => length(1, 2000),
            Field::IdempotencyKey => length(8, 128),
            Field::Package
            | Field::PrivacyConsent
            | Field::WorkshopLanguage
            | Field::Channels
            | Field::PreferredDates
            | Field::Language
            | Field::Next
            | Field::Gotcha
            | Field::HumanToken => None,
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_parses_from_its_own_name_and_no_other() {
        for field in Field::ALL {
            assert_eq!(Field::parse(field.name()), Some(field));
        }
        assert_eq!(Field::parse("Email"), None);
        assert_eq!(Field::parse("next"), None);
    }

    #[test]
    fn length_rules_are_sane() {
        for field in Field::ALL {
            if let Some(Length { min, max }) = field.length() {
                assert!(1 <= min && min <= max, "{field}");
            }
        }
    }
}
