//! `orders to-invoice`: what is owed and not yet invoiced — workshops held and cancellations
//! charged a fee, with no current invoice (never invoiced, or credited and not invoiced again).

use std::fmt::Write as _;
use std::io::Write;

use jiff::{Timestamp, ToSpan};
use order_intake::domain::{BookingState, Field, helsinki};

use crate::store::OrderRecord;
use crate::{Operator, OpsError};

/// How far back orders are read: a workshop is booked within months of its order.
const LOOKBACK_DAYS: i64 = 550;

/// Why an order is owed: its held workshop, or its charged cancellation.
fn owed(record: &OrderRecord, now: Timestamp) -> Option<String> {
    if record.invoice.is_some() {
        return None;
    }
    let booking = record.booking.as_ref()?;
    let day = |at: Timestamp| at.to_zoned_datetime(helsinki()).date();
    let what = if booking.is_booked() && booking.end_utc() <= now {
        format!("held {}", booking.start.date())
    } else if booking.state == BookingState::Cancelled && booking.fee_percent.unwrap_or(0) > 0 {
        let percent = booking.fee_percent.unwrap_or(0);
        format!("cancelled {}, fee {percent} %", day(booking.changed_at))
    } else {
        return None;
    };
    Some(match record.invoice_numbers.last() {
        Some(credit) => format!("{what} (credited by {credit}: invoice it again)"),
        None => what,
    })
}

impl Operator {
    pub(crate) async fn to_invoice(
        &self,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        // A timestamp takes hours, not calendar days.
        let since = now.checked_sub((LOOKBACK_DAYS * 24).hours()).unwrap_or(now);
        let until = now.checked_add(1.second()).unwrap_or(now);
        let mut records = (self.stores.listings).orders_between(since, until).await?;
        records.reverse();
        let mut text = String::new();
        let mut count = 0;
        for record in &records {
            let Some(what) = owed(record, now) else {
                continue;
            };
            count += 1;
            let organisation = record.text(Field::Organization).unwrap_or("");
            let _ = writeln!(text, "{}  {organisation}  {what}", record.reference);
        }
        let _ = writeln!(
            text,
            "{count} to invoice: orders invoice REF for each (a cancellation bills the fee recorded on it)"
        );
        Ok(out.write_all(text.as_bytes())?)
    }
}
