//! A payment as an invoice's item keeps it (`payments`, with the archive ids in
//! `payment_ids`): see `payments.rs` for how one is recorded.

use jiff::civil::Date;
use serde::Serialize;

use order_intake::store::codec::{Item, map_list, number, text};

pub(super) const PAYMENTS_ATTRIBUTE: &str = "payments";
pub(super) const PAYMENT_IDS_ATTRIBUTE: &str = "payment_ids";
pub(super) const REMINDERS_ATTRIBUTE: &str = "reminders";

/// A payment reminder sent of an invoice (`orders remind`), as its history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceReminder {
    pub at: jiff::Timestamp,
    pub open_cents: i64,
}

/// The reminders on an invoice's item, oldest first.
pub(super) fn reminders_from_item(item: &Item) -> Vec<InvoiceReminder> {
    map_list(item, REMINDERS_ATTRIBUTE, |entry| {
        Some(InvoiceReminder {
            at: text(entry, "at")?.parse().ok()?,
            open_cents: number(entry, "open_cents")?,
        })
    })
}

/// One payment of an invoice, as the bank booked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoicePayment {
    /// The bank's archive id (arkistointitunnus).
    pub archive_id: String,
    pub date: Date,
    pub cents: i64,
}

/// The payments on an invoice's item, oldest first; an entry this code cannot read is left
/// out.
pub(super) fn payments_from_item(item: &Item) -> Vec<InvoicePayment> {
    map_list(item, PAYMENTS_ATTRIBUTE, |entry| {
        Some(InvoicePayment {
            archive_id: text(entry, "archive_id")?.to_owned(),
            date: text(entry, "date")?.parse().ok()?,
            cents: number(entry, "cents")?,
        })
    })
}
