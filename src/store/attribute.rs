//! The store's own attribute names: what the server decided about an order (its ids, amounts,
//! times, the retry queue, erasure) and each email's state and outcomes, beside the customer's
//! values, which are stored under their wire names (`Field::name`). Every item attribute this
//! code reads or writes is named here, once.

use crate::domain::EmailKind;

// The invoicing attributes of an order and of its documents (written by `orders`).
/// The order's log of corrections to its invoicing details.
pub const INVOICING_CHANGES_ATTRIBUTE: &str = "invoicing_changes";

/// The order's attributes of its invoice; the number first.
pub const INVOICE_ATTRIBUTES: [&str; 7] = [
    "invoice_number",
    "invoice_date",
    "invoice_delivery_date",
    "invoice_due_days",
    "invoice_due_date",
    "invoice_message_id",
    "invoice_made_at",
];

/// The current invoice's amount with VAT (cents) and channel (`InvoiceChannel`), beside
/// `INVOICE_ATTRIBUTES`: written with them, and removed with them by its credit note.
pub const INVOICE_SUMMARY_ATTRIBUTES: [&str; 2] = ["invoice_gross_cents", "invoice_channel"];
/// The order's latest credit note: its number, its date, the invoice it cancelled.
pub const CREDIT_ATTRIBUTES: [&str; 3] = ["credit_number", "credit_date", "credited_invoice"];

/// Every invoice and credit note number of an order, in order of issue.
pub const INVOICE_NUMBERS_ATTRIBUTE: &str = "invoice_numbers";
/// A document item's lines and totals (JSON).
pub const DOCUMENT_ATTRIBUTE: &str = "document";
/// On an invoice: the number of the credit note that cancelled it.
pub const CREDITED_BY_ATTRIBUTE: &str = "credited_by";

/// An attribute of an item of the order table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    /// The table's only key (a string): `order#…`, `dedupe#…`, `invoice#…`, counters.
    PartitionKey,
    /// Epoch seconds after which DynamoDB may delete the item (dedupe records, counters).
    ExpiresAt,
    /// What an item is: `order`, `dedupe`, `quota`, `retention`, `invoice`, `counter`.
    Kind,
    OrderId,
    Reference,
    CreatedAt,
    /// The order's month in Helsinki (`2026-11`): the by-month index's partition.
    OrderMonth,
    /// The order's creation in epoch milliseconds: the by-month index's sort key.
    CreatedMs,
    NetCents,
    VatRatePercent,
    VatCents,
    GrossCents,
    Currency,
    /// Only on orders with an email not yet final: the sparse retry index's partition (`due`).
    RetryQueue,
    /// When the retry run looks next (epoch seconds): the retry index's sort key.
    RetryAt,
    /// When the order's personal values were erased.
    ErasedAt,
    /// A dedupe record's content digest.
    Fingerprint,
    /// A quota counter's units taken.
    Count,
    /// The invoice counter's last number.
    Last,
    /// The booking (`domain::Booking`): `booked` or `cancelled`.
    BookingState,
    /// Grows with each change: the condition of the next one.
    BookingSequence,
    /// Helsinki local time (`2027-03-30T09:00:00`).
    BookingStart,
    BookingEnd,
    /// The same instants in UTC (`2027-03-30T06:00:00Z`).
    BookingStartUtc,
    BookingEndUtc,
    BookingPlace,
    BookingTrainers,
    BookingNote,
    BookingReason,
    BookingChangedAt,
    /// The signed link's id, or `orders`.
    BookingChangedBy,
    /// The reputation breaker's strikes (lists of `{at, network}` maps; an older strike is a
    /// bare epoch second), when it tripped, until when and when it was last reset (epoch
    /// seconds).
    Bounces,
    Complaints,
    TrippedAt,
    TrippedUntil,
    ResetAt,
    /// A strike's network (in the breaker's lists).
    Network,
    /// A mark's end (epoch seconds; the item's TTL may delete it up to two days later).
    MarkedUntil,
    /// A cancelled booking's fee, percent of the price (`Booking::fee_percent`).
    BookingFeePercent,
    /// A charged cancellation fee's VAT (`outside`, `taxable`: `FeeVat`).
    BookingFeeVat,
    /// The customer links' generation (absent: 0; `Orders::revoke_customer_links`).
    CustomerLinkGeneration,
    /// The order's `Culprit`: keyed hashes of its source, mailbox and network.
    SourceMark,
    MailboxMark,
    NetworkMark,
    /// A trainer's session (`session#<hash>`): whose, which device, when started and last used
    /// (epoch seconds; its end is the item's `expires_at`).
    SessionTrainer,
    SessionDevice,
    SessionStarted,
    SessionLastUsed,
    /// The customer's request for another date (`domain::ChangeRequest`): when, the wished
    /// dates (a list of `YYYY-MM-DD`), the message (personal: erasure removes it).
    ChangeRequestAt,
    ChangeRequestDates,
    ChangeRequestMessage,
    /// The function's seal over what it mails from (`domain::OrderSeal`).
    Seal,
    /// What operators did to the order through the function (a list of maps: when, who, what).
    OperatorActions,
    /// The latest payment reminder (a map: invoice, open_cents, due dates, at).
    PaymentReminder,
}

impl Attribute {
    pub const fn name(self) -> &'static str {
        match self {
            Attribute::PartitionKey => "pk",
            Attribute::ExpiresAt => "expires_at",
            Attribute::Kind => "kind",
            Attribute::Bounces => "bounces",
            Attribute::Complaints => "complaints",
            Attribute::TrippedAt => "tripped_at",
            Attribute::ResetAt => "reset_at",
            Attribute::TrippedUntil => "tripped_until",
            Attribute::Network => "network",
            Attribute::MarkedUntil => "marked_until",
            Attribute::CustomerLinkGeneration => "customer_link_generation",
            Attribute::BookingFeePercent => "booking_fee_percent",
            Attribute::BookingFeeVat => "booking_fee_vat",
            Attribute::SourceMark => "source_mark",
            Attribute::MailboxMark => "mailbox_mark",
            Attribute::NetworkMark => "network_mark",
            Attribute::SessionTrainer => "trainer",
            Attribute::SessionDevice => "device",
            Attribute::SessionStarted => "started_at",
            Attribute::SessionLastUsed => "last_used",
            Attribute::OrderId => "order_id",
            Attribute::Reference => "reference",
            Attribute::CreatedAt => "created_at",
            Attribute::OrderMonth => "order_month",
            Attribute::CreatedMs => "created_ms",
            Attribute::NetCents => "net_cents",
            Attribute::VatRatePercent => "vat_rate_percent",
            Attribute::VatCents => "vat_cents",
            Attribute::GrossCents => "gross_cents",
            Attribute::Currency => "currency",
            Attribute::RetryQueue => "retry_queue",
            Attribute::RetryAt => "retry_at",
            Attribute::ErasedAt => "erased_at",
            Attribute::Fingerprint => "fingerprint",
            Attribute::Count => "count",
            Attribute::Last => "last",
            Attribute::BookingState => "booking_state",
            Attribute::BookingSequence => "booking_sequence",
            Attribute::BookingStart => "booking_start",
            Attribute::BookingEnd => "booking_end",
            Attribute::BookingStartUtc => "booking_start_utc",
            Attribute::BookingEndUtc => "booking_end_utc",
            Attribute::BookingPlace => "booking_place",
            Attribute::BookingTrainers => "booking_trainers",
            Attribute::BookingNote => "booking_note",
            Attribute::BookingReason => "booking_reason",
            Attribute::BookingChangedAt => "booking_changed_at",
            Attribute::BookingChangedBy => "booking_changed_by",
            Attribute::ChangeRequestAt => "change_request_at",
            Attribute::ChangeRequestDates => "change_request_dates",
            Attribute::ChangeRequestMessage => "change_request_message",
            Attribute::Seal => "seal",
            Attribute::OperatorActions => "operator_actions",
            Attribute::PaymentReminder => "payment_reminder",
        }
    }
}

/// An attribute of one of an order's emails, stored as `<kind>_email_<name>`
/// (`customer_email_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailAttribute {
    /// `sending`, `pending`, `held`, `sent`, `failed` or `dropped`.
    Status,
    Attempts,
    /// When a pending or held email is next tried, or a sender's claim runs out (epoch seconds).
    DueAt,
    /// When a held confirmation is dropped unsent.
    DropAt,
    SentAt,
    MessageId,
    /// Every message id it was sent as (a resend adds one).
    MessageIds,
    /// To whom its last message went (lower case, in the order sent): a report's recipient
    /// is found here by its place. Erasure removes the customer's.
    Recipients,
    /// When a person was told that it did not arrive.
    ToldAt,
    /// After a transient bounce: when the retry run looks again at the confirmation.
    CheckAt,
    /// What SES reported for the recipient at this place in the message's recipients.
    Outcome(usize),
    /// The outcome's rank: only a higher one replaces it.
    OutcomeRank(usize),
    OutcomeAt(usize),
}

/// The start of every per-recipient attribute of an email: `<kind>_email_to`.
const RECIPIENT: &str = "to";

impl EmailAttribute {
    /// The attribute's name on the order item for this email.
    pub fn of(self, kind: EmailKind) -> String {
        let name = match self {
            EmailAttribute::Status => "status",
            EmailAttribute::Attempts => "attempts",
            EmailAttribute::DueAt => "due_at",
            EmailAttribute::DropAt => "drop_at",
            EmailAttribute::SentAt => "sent_at",
            EmailAttribute::MessageId => "message_id",
            EmailAttribute::MessageIds => "message_ids",
            EmailAttribute::Recipients => "recipients",
            EmailAttribute::ToldAt => "told_at",
            EmailAttribute::CheckAt => "check_at",
            EmailAttribute::Outcome(place) => return recipient(kind, place, "outcome"),
            EmailAttribute::OutcomeRank(place) => return recipient(kind, place, "outcome_rank"),
            EmailAttribute::OutcomeAt(place) => return recipient(kind, place, "outcome_at"),
        };
        format!("{}_email_{name}", kind.as_str())
    }

    /// Whether `name` is one of this email's per-recipient attributes (what SES reported):
    /// `<kind>_email_to<place>_…`, not `…_told_at`.
    pub fn is_recipients(name: &str, kind: EmailKind) -> bool {
        let prefix = format!("{}_email_{RECIPIENT}", kind.as_str());
        name.strip_prefix(&prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    }
}

fn recipient(kind: EmailKind, place: usize, what: &str) -> String {
    format!("{}_email_{RECIPIENT}{place}_{what}", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_s_attributes_keep_their_stored_names() {
        let customer = EmailKind::Customer;
        assert_eq!(EmailAttribute::Status.of(customer), "customer_email_status");
        assert_eq!(
            EmailAttribute::OutcomeRank(1).of(EmailKind::Trainer),
            "trainer_email_to1_outcome_rank"
        );
        assert!(EmailAttribute::is_recipients(
            &EmailAttribute::OutcomeAt(0).of(customer),
            customer
        ));
        assert!(!EmailAttribute::is_recipients(
            &EmailAttribute::ToldAt.of(customer),
            customer
        ));
    }
}
