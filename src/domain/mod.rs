//! The order and its parts: pure values, no I/O. Each type is valid once constructed.

mod business_id;
mod catalogue;
mod email_address;
mod language;
mod money;
mod order;
mod reference;
mod text;

pub use business_id::BusinessId;
pub use catalogue::Package;
pub use email_address::EmailAddress;
pub use language::Language;
pub use money::{Price, VAT_RATE_PERCENT, format_eur};
pub use order::{
    Channel, EInvoiceId, ErrorCode, FieldError, IdempotencyKey, MAX_PREFERRED_DATES, NewOrder,
    OrderForm, Phone,
};
pub use reference::Reference;
pub use text::contains_control_characters;
