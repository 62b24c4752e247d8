//! `OrderForm` is an order as sent, before validation, and `FieldError` what can be wrong with
//! one of its fields.

use super::Field;

/// The fields of an order as sent, before validation. Text is untrimmed; absent is `None`.
/// Field names are the same in JSON and form bodies (`Field::name`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderForm {
    pub package: Option<String>,
    pub organization: Option<String>,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub privacy_consent: Option<String>,
    pub business_id: Option<String>,
    pub phone: Option<String>,
    pub participants: Option<String>,
    pub workshop_language: Option<String>,
    pub channels: Vec<String>,
    pub preferred_dates: Vec<String>,
    pub location: Option<String>,
    pub einvoice_address: Option<String>,
    pub einvoice_operator: Option<String>,
    pub billing_reference: Option<String>,
    pub purchase_order: Option<String>,
    pub billing_street: Option<String>,
    pub billing_postcode: Option<String>,
    pub billing_town: Option<String>,
    pub invoice_address: Option<String>,
    pub message: Option<String>,
    pub language: Option<String>,
    pub idempotency_key: Option<String>,
    /// `_next`: where a plain HTML form wants to land after success (checked by the HTTP layer).
    pub next: Option<String>,
    /// `_gotcha`: the honeypot. People leave it empty; bots fill it in.
    pub gotcha: Option<String>,
    /// `cf-turnstile-response`: the human check's token, if the widget gave one.
    pub human_token: Option<String>,
    /// Fields whose value had the wrong shape (an object where text belongs, a repeated field).
    pub shape_errors: Vec<FieldError>,
}

/// Where a parsed body puts a field's value.
pub enum Slot<'a> {
    Text(&'a mut Option<String>),
    List(&'a mut Vec<String>),
}

impl OrderForm {
    pub fn slot(&mut self, field: Field) -> Slot<'_> {
        match field {
            Field::Package => Slot::Text(&mut self.package),
            Field::Organization => Slot::Text(&mut self.organization),
            Field::ContactName => Slot::Text(&mut self.contact_name),
            Field::Email => Slot::Text(&mut self.email),
            Field::PrivacyConsent => Slot::Text(&mut self.privacy_consent),
            Field::BusinessId => Slot::Text(&mut self.business_id),
            Field::Phone => Slot::Text(&mut self.phone),
            Field::Participants => Slot::Text(&mut self.participants),
            Field::WorkshopLanguage => Slot::Text(&mut self.workshop_language),
            Field::Channels => Slot::List(&mut self.channels),
            Field::PreferredDates => Slot::List(&mut self.preferred_dates),
            Field::Location => Slot::Text(&mut self.location),
            Field::EInvoiceAddress => Slot::Text(&mut self.einvoice_address),
            Field::EInvoiceOperator => Slot::Text(&mut self.einvoice_operator),
            Field::BillingReference => Slot::Text(&mut self.billing_reference),
            Field::PurchaseOrder => Slot::Text(&mut self.purchase_order),
            Field::BillingStreet => Slot::Text(&mut self.billing_street),
            Field::BillingPostcode => Slot::Text(&mut self.billing_postcode),
            Field::BillingTown => Slot::Text(&mut self.billing_town),
            Field::InvoiceAddress => Slot::Text(&mut self.invoice_address),
            Field::Message => Slot::Text(&mut self.message),
            Field::Language => Slot::Text(&mut self.language),
            Field::IdempotencyKey => Slot::Text(&mut self.idempotency_key),
            Field::Next => Slot::Text(&mut self.next),
            Field::Gotcha => Slot::Text(&mut self.gotcha),
            Field::HumanToken => Slot::Text(&mut self.human_token),
        }
    }

    /// Records that a field was sent in a shape no value of it can have.
    pub fn shape_error(&mut self, field: Field, code: ErrorCode) {
        self.shape_errors.push(FieldError::new(field, code));
    }
}

/// Why a field was rejected. The code is stable (clients may switch on it); the message is
/// rendered in the request's language by `crate::i18n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub code: ErrorCode,
    /// The part of the value the error is about, when naming it helps (the word that looks
    /// like a link).
    pub fragment: Option<String>,
}

impl FieldError {
    pub fn new(field: Field, code: ErrorCode) -> FieldError {
        FieldError {
            field,
            code,
            fragment: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Required,
    TooShort { min: usize },
    TooLong { max: usize },
    ControlCharacters,
    Markup,
    LinkNotAllowed,
    Invalid,
    InvalidType,
    Repeated,
    ConsentRequired,
    UnknownPackage,
    InvalidCheckDigit,
    OutOfRange { min: u32, max: u32 },
    TooMany { max: usize },
    DateNotInFuture,
    DateTooFar,
    Conflict,
}

impl ErrorCode {
    /// One of each kind (limits are examples): for documentation that lists the codes.
    pub const EVERY_KIND: [ErrorCode; 17] = [
        ErrorCode::Required,
        ErrorCode::TooShort { min: 2 },
        ErrorCode::TooLong { max: 200 },
        ErrorCode::ControlCharacters,
        ErrorCode::Markup,
        ErrorCode::LinkNotAllowed,
        ErrorCode::Invalid,
        ErrorCode::InvalidType,
        ErrorCode::Repeated,
        ErrorCode::ConsentRequired,
        ErrorCode::UnknownPackage,
        ErrorCode::InvalidCheckDigit,
        ErrorCode::OutOfRange { min: 1, max: 200 },
        ErrorCode::TooMany { max: 3 },
        ErrorCode::DateNotInFuture,
        ErrorCode::DateTooFar,
        ErrorCode::Conflict,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooShort { .. } => "too_short",
            ErrorCode::TooLong { .. } => "too_long",
            ErrorCode::ControlCharacters => "control_characters",
            ErrorCode::Markup => "markup",
            ErrorCode::LinkNotAllowed => "link_not_allowed",
            ErrorCode::Invalid => "invalid",
            ErrorCode::InvalidType => "invalid_type",
            ErrorCode::Repeated => "repeated",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::UnknownPackage => "unknown_package",
            ErrorCode::InvalidCheckDigit => "invalid_check_digit",
            ErrorCode::OutOfRange { .. } => "out_of_range",
            ErrorCode::TooMany { .. } => "too_many",
            ErrorCode::DateNotInFuture => "date_not_in_future",
            ErrorCode::DateTooFar => "date_too_far",
            ErrorCode::Conflict => "conflict",
        }
    }
}
