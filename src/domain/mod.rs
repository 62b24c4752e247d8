//! The order and its parts: pure values, no I/O. Each type is valid once constructed.

mod business_id;
mod catalogue;
mod email_address;
mod field;
mod language;
mod lifecycle;
mod money;
mod order;
mod order_form;
mod order_values;
mod origin;
mod quota;
mod reference;
mod text;
mod values;

pub use business_id::{BusinessId, BusinessIdError};
pub use catalogue::Package;
pub use email_address::EmailAddress;
pub use field::{Field, Length, MAX_EMAIL_LENGTH, MAX_PARTICIPANTS, MAX_PREFERRED_DATES};
pub use language::Language;
pub use lifecycle::{Delivery, EmailKind, Order, Outcome, Receipt, Reports};
pub use money::{Price, VAT_RATE_PERCENT, format_amount, format_eur};
pub use order::{NewOrder, Submission};
pub use order_form::{ErrorCode, FieldError, OrderForm, Slot};
pub use order_values::{FieldValue, ValueKind};
pub use origin::WebOrigin;
pub use quota::{Limits, QuotaCounter, QuotaKind, Quotas, SourceAddress, mailbox};
pub use reference::Reference;
pub use text::contains_control_characters;
pub use values::{Channel, EInvoiceId, IdempotencyKey, Participants, ParticipantsError, Phone};

/// Finnish time, compiled into the binary (no dependency on the runtime's zoneinfo).
pub fn helsinki() -> jiff::tz::TimeZone {
    jiff::tz::get!("Europe/Helsinki")
}
