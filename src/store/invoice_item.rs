//! The order item's record of its invoices (written by `orders`) ⇄ `InvoiceStatus`.

use super::attribute::{CREDIT_ATTRIBUTES, INVOICE_ATTRIBUTES, INVOICE_SUMMARY_ATTRIBUTES};
use super::codec::{Item, number, text};
use crate::domain::{CreditNote, CurrentInvoice, InvoiceChannel, InvoiceStatus};

/// What the order item says of its invoices (an invoice it cannot read counts as none).
pub fn invoice_status_from_item(item: &Item) -> InvoiceStatus {
    let day = |name: &str| text(item, name)?.parse().ok();
    let count = |name: &str| u32::try_from(number(item, name)?).ok();
    let [number_at, date, _, _, due, _, _] = INVOICE_ATTRIBUTES;
    let [gross, channel] = INVOICE_SUMMARY_ATTRIBUTES;
    let current = (|| {
        Some(CurrentInvoice {
            number: count(number_at)?,
            date: day(date)?,
            due_date: day(due)?,
            gross_cents: number(item, gross),
            channel: text(item, channel).and_then(InvoiceChannel::parse),
        })
    })();
    let [credit, credit_date, original] = CREDIT_ATTRIBUTES;
    let credited = (|| {
        Some(CreditNote {
            number: count(credit)?,
            date: day(credit_date)?,
            original: count(original)?,
        })
    })();
    InvoiceStatus { current, credited }
}
