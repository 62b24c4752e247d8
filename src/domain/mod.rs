//! The order and its parts: pure values, no I/O. Each type is valid once constructed.

mod address;
mod booking;
mod breaker;
mod business_id;
mod catalogue;
mod change_request;
mod customer_link;
mod delivery;
mod einvoice;
mod email_address;
mod field;
mod fingerprint;
mod invoice;
mod invoice_status;
mod invoicing;
mod language;
mod lifecycle;
mod link;
mod money;
mod operator_action;
mod order;
mod order_form;
mod order_values;
mod origin;
mod quota;
mod reference;
mod seal;
mod seller;
mod terms;
mod text;
mod trainer;
mod values;
mod workdays;

pub use address::BillingAddress;
pub use booking::{
    Booking, BookingChange, BookingForm, BookingProblem, BookingRequest, BookingState,
    DEFAULT_REMINDER_DAYS_BEFORE, DEFAULT_START, default_end, parse_date, plain_text,
};
pub use breaker::{BreakerLimits, BreakerState, MARK_SECONDS, MAX_STRIKES_KEPT, Strike, StrikeAt};
pub use business_id::{BusinessId, BusinessIdError};
pub use catalogue::Package;
pub use change_request::{ChangeProblem, ChangeRequest, MAX_REQUEST_MESSAGE_LENGTH};
pub use customer_link::{CUSTOMER_LINK_DAYS_AFTER_WORKSHOP, CUSTOMER_LINK_DAYS_UNBOOKED};
pub use delivery::{Delivery, DeliveryStatus};
pub use einvoice::{
    EINVOICE_OPERATORS, RoutingFlag, iban_is_valid, is_einvoice_address, is_operator_code,
    operator_name, ovt_business_id, routing_flags,
};
pub use email_address::EmailAddress;
pub use field::{Field, Length, MAX_EMAIL_LENGTH, MAX_PARTICIPANTS, MAX_PREFERRED_DATES};
pub use invoice::{
    InvoiceLine, PAYMENT_TERM_DAYS, Totals, VatCategory, VatRate, balanced, parse_euros,
    vat_breakdown,
};
pub use invoice_status::{
    CreditNote, CurrentInvoice, InvoiceChannel, InvoiceStatus, PAYMENT_REMINDER_DAYS,
    PaymentReminder, reference_number,
};
pub use invoicing::{CUSTOMER_INVOICING_FIELDS, INVOICING_FIELDS, checked_invoicing};
pub use language::Language;
pub use lifecycle::{EmailKind, Order, Outcome, Receipt, Reports, RetryQueue};
pub use link::{
    LINK_VALID_DAYS, LinkError, LinkGrant, LinkPurpose, LinkSigner, SIGN_IN_VALID_SECONDS,
    SignInGrant,
};
pub use money::{Price, VAT_RATE_PERCENT, format_amount, format_eur};
pub use operator_action::{FIX_EMAIL_ACTION, MAX_OPERATOR_NAME, OperatorAction};
pub use order::{NewOrder, Submission};
pub use order_form::{ErrorCode, FieldError, OrderForm, Slot};
pub use order_values::{FieldValue, ValueKind};
pub use origin::WebOrigin;
pub use quota::{
    BREAKER_KEY, Culprit, Limits, ORDER_ACTIONS_PER_DAY, PAGE_POSTS_PER_SOURCE_PER_HOUR,
    QuotaCounter, QuotaKind, Quotas, SourceAddress, mailbox, mark_key,
};
pub use reference::Reference;
pub use seal::{OrderSeal, SealCheck};
pub use seller::{Invoicing, Seller};
pub use terms::{
    CancellationTerms, DEFAULT_CANCELLATION_FEE_PERCENT, DEFAULT_CANCELLATION_FREE_DAYS, FeeVat,
    fee_cents,
};
pub use text::contains_control_characters;
pub use trainer::Trainer;
pub use values::{Channel, EInvoiceId, IdempotencyKey, Participants, ParticipantsError, Phone};
pub use workdays::{days_off, easter, is_working_day, working_days_after};

/// Finnish time, compiled into the binary (no dependency on the runtime's zoneinfo).
pub fn helsinki() -> jiff::tz::TimeZone {
    jiff::tz::get!("Europe/Helsinki")
}

/// `months` calendar months before `now` in Helsinki: where a retention time reaches back to.
pub fn months_before(now: jiff::Timestamp, months: u32) -> jiff::Timestamp {
    now.to_zoned_datetime(helsinki())
        .checked_sub(jiff::Span::new().months(i64::from(months)))
        .map_or(jiff::Timestamp::MIN, |before| before.timestamp())
}

/// Orders for the domain's tests.
#[cfg(test)]
pub(crate) mod test_orders {
    use super::{NewOrder, OrderForm};

    /// An order with every value but the invoicing address.
    pub fn full_order() -> NewOrder {
        let form = OrderForm {
            package: Some("some-haltuun".into()),
            organization: Some("Tuusulan kunta".into()),
            contact_name: Some("Anna Virtanen".into()),
            email: Some("anna.virtanen@tuusula.example".into()),
            privacy_consent: Some("true".into()),
            business_id: Some("0201256-6".into()),
            phone: Some("+358 40 123 4567".into()),
            participants: Some("12".into()),
            workshop_language: Some("fi".into()),
            channels: vec!["facebook".into(), "instagram".into()],
            preferred_dates: vec!["2026-03-02".into()],
            location: Some("Kunnantalo".into()),
            einvoice_address: Some("003702012566".into()),
            einvoice_operator: Some("E204503".into()),
            billing_reference: Some("Hanke 9".into()),
            message: Some("Tervetuloa".into()),
            language: Some("sv".into()),
            ..OrderForm::default()
        };
        NewOrder::parse(&form, jiff::civil::date(2026, 1, 1)).unwrap()
    }
}
