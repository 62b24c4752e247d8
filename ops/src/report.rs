//! `orders report --month|--quarter|--year`: the period's orders, workshops, invoices and
//! credit notes, and the figures for the VAT return by month of supply (suoriteperuste, AVL
//! 137 §): an invoice counts in the period its workshop was held (a cancellation fee: when the
//! booking was cancelled, its delivery date), a credit note in the period it was given.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use order_intake::domain::{
    BookingState, Field, Package, Totals, VatCategory, helsinki, vat_breakdown,
};

use crate::amount::euros;
use crate::cli::ReportArgs;
use crate::period::{Calendar, Period};
use crate::store::{DocumentKind, IssuedInvoice, OrderRecord};
use crate::{Operator, OpsError};

/// How far back `report` looks for the orders of the period's workshops.
const BOOKING_LOOKBACK_DAYS: i64 = 550;
/// How far back it looks for invoices paid in the period.
const PAYMENT_LOOKBACK_MONTHS: i32 = 24;

impl Operator {
    pub(crate) async fn report(
        &self,
        asked: ReportArgs,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let (length, name, given) = match (&asked.month, &asked.quarter, &asked.year) {
            (Some(month), _, _) => (Calendar::Month, "Month", month),
            (_, Some(quarter), _) => (Calendar::Quarter, "Quarter", quarter),
            (_, _, Some(year)) => (Calendar::Year, "Year", year),
            _ => return Err(OpsError::Usage("give --month, --quarter or --year".into())),
        };
        let period = Period::calendar(length, given, now)?;
        let listings = &self.stores.listings;
        let orders = listings.orders_between(period.since, period.until).await?;
        // Workshops of the period were ordered in it or in the months before.
        // A timestamp takes hours, not calendar days (with days it would not move at all).
        let since = (period.since)
            .checked_sub((BOOKING_LOOKBACK_DAYS * 24).hours())
            .unwrap_or(period.since);
        let recent = listings.orders_between(since, period.until).await?;
        // Invoiced in the period, or later for a workshop held in it.
        let today = now.to_zoned_datetime(helsinki()).date();
        let mut documents = Vec::new();
        for month in months(period.first_day, period.last_day.max(today)) {
            documents.extend(self.stores.invoices.issued_in_month(&month).await?);
        }
        // Paid in the period: invoices of the months before it too.
        let paid_since = (period.first_day)
            .checked_sub(PAYMENT_LOOKBACK_MONTHS.months())
            .unwrap_or(period.first_day);
        let mut earlier = Vec::new();
        for month in months(
            paid_since,
            period.first_day.yesterday().unwrap_or(paid_since),
        ) {
            earlier.extend(self.stores.invoices.issued_in_month(&month).await?);
        }
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{name} {} – {} (Helsinki dates)",
            period.first_day, period.last_day
        );
        workshops(&mut text, &period, &orders, &recent, now);
        let issued: Vec<_> = (documents.iter())
            .filter(|d| within(&period, d.record.invoice_date))
            .cloned()
            .collect();
        summary(&mut text, &issued);
        vat_return(&mut text, &period, &documents);
        earlier.extend(documents.iter().cloned());
        cash_basis(&mut text, &period, &earlier);
        open_invoices(&mut text, &issued);
        Ok(out.write_all(text.as_bytes())?)
    }
}

fn within(period: &Period, day: Date) -> bool {
    (period.first_day..=period.last_day).contains(&day)
}

/// The by-month index's months from `first`'s to `last`'s (`2026-11`).
fn months(first: Date, last: Date) -> Vec<String> {
    let mut months = Vec::new();
    let mut month = first.first_of_month();
    while month <= last {
        months.push(month.strftime("%Y-%m").to_string());
        let Ok(next) = month.checked_add(1.month()) else {
            break;
        };
        month = next;
    }
    months
}

fn workshops(
    text: &mut String,
    period: &Period,
    orders: &[OrderRecord],
    recent: &[OrderRecord],
    now: Timestamp,
) {
    let _ = writeln!(text, "\nOrders placed: {}", orders.len());
    for (package, count) in count_by(orders.iter().filter_map(|o| o.text(Field::Package))) {
        let _ = writeln!(text, "  {package}: {count}");
    }
    let bookings: Vec<_> = (recent.iter())
        .filter_map(|o| o.booking.as_ref())
        .filter(|b| within(period, b.start.date()))
        .collect();
    let booked = bookings.iter().filter(|b| b.is_booked()).count();
    let held = (bookings.iter())
        .filter(|b| b.is_booked() && b.end_utc() <= now)
        .count();
    let cancelled = (bookings.iter())
        .filter(|b| b.state == BookingState::Cancelled)
        .count();
    let _ = writeln!(
        text,
        "\nWorkshops dated in the period: {booked} booked, of which {held} held; {cancelled} cancelled"
    );
}

fn count_by<'a>(items: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    counts
}

/// Net, VAT and gross per article and rate.
type Sums = BTreeMap<(String, String), (i64, i64, i64)>;

fn sums<'a>(documents: impl Iterator<Item = &'a IssuedInvoice>) -> Sums {
    let mut sums = Sums::new();
    for line in documents.flat_map(|d| &d.lines) {
        let name =
            Package::parse(&line.article_id).map_or(line.article_id.clone(), |p| p.id().to_owned());
        let rate = match line.vat_category {
            VatCategory::Standard => format!("{} %", line.vat_rate.percent()),
            VatCategory::OutsideScope => "no VAT".to_owned(),
        };
        let sum = sums.entry((name, rate)).or_default();
        *sum = (
            sum.0 + line.net_cents,
            sum.1 + line.vat_cents,
            sum.2 + line.gross_cents(),
        );
    }
    sums
}

/// What was invoiced and credited in the period, by invoice date.
fn summary(text: &mut String, documents: &[IssuedInvoice]) {
    let of = |kind| documents.iter().filter(move |d| d.kind == kind);
    for (title, kind) in [
        ("Invoiced", DocumentKind::Invoice),
        ("Credited", DocumentKind::Credit),
    ] {
        let _ = writeln!(
            text,
            "\n{title} ({} documents, by invoice date): net, VAT, gross per article and VAT rate",
            of(kind).count()
        );
        for ((article, rate), (net, vat, gross)) in sums(of(kind)) {
            let _ = writeln!(
                text,
                "  {article:<15} {rate:>8}  {:>10}  {:>10}  {:>10}",
                euros(net),
                euros(vat),
                euros(gross)
            );
        }
    }
}

/// The period's sales for the VAT return, by month of supply, and the documents whose
/// supply and invoice fall in different periods.
fn vat_return(text: &mut String, period: &Period, documents: &[IssuedInvoice]) {
    let supplied = |d: &&IssuedInvoice| match d.kind {
        DocumentKind::Invoice => within(period, d.record.delivery_date),
        DocumentKind::Credit => within(period, d.record.invoice_date),
    };
    let counted: Vec<_> = documents.iter().filter(supplied).collect();
    let _ = writeln!(
        text,
        "\nFor the VAT return, by month of supply (suoriteperuste): an invoice in the period its workshop was held or its booking cancelled, a credit note in the period it was given. This tool's sales only: the return also takes the company's other sales and the VAT on its purchases."
    );
    let (lines, outside): (Vec<_>, Vec<_>) =
        (counted.iter().flat_map(|d| d.lines.clone())).partition(|l| l.vat_category.is_standard());
    for (rate, sum) in vat_breakdown(&lines) {
        let _ = writeln!(
            text,
            "  {} %: taxable sales {} €, VAT {} €",
            rate.percent(),
            euros(sum.net_cents),
            euros(sum.vat_cents)
        );
    }
    if !outside.is_empty() {
        let _ = writeln!(
            text,
            "  outside VAT (cancellation fees as compensation; not in the return): {} €",
            euros(Totals::of(&outside).net_cents)
        );
    }
    let crossing = |d: &&IssuedInvoice| {
        d.kind == DocumentKind::Invoice
            && within(period, d.record.delivery_date) != within(period, d.record.invoice_date)
    };
    for d in documents.iter().filter(crossing) {
        let (counted_here, other) = match within(period, d.record.delivery_date) {
            true => ("counted here", "invoiced after the period"),
            false => ("not counted here", "supplied before the period"),
        };
        let _ = writeln!(
            text,
            "  {} {}: delivered {}, invoiced {}: {other}, {counted_here}",
            d.record.number, d.reference, d.record.delivery_date, d.record.invoice_date
        );
    }
}

/// The payments received in the period (by the bank's booking date), for a cash-basis VAT
/// return (maksuperuste, AVL 137 § 2 mom.): each payment's VAT in the proportion of its
/// invoice's VAT at each rate to what the invoice bills; what was paid over the bill is no sale.
fn cash_basis(text: &mut String, period: &Period, documents: &[IssuedInvoice]) {
    let (mut count, mut received, mut over) = (0, 0, 0);
    let mut vat: BTreeMap<String, i64> = BTreeMap::new();
    for doc in documents.iter().filter(|d| d.kind == DocumentKind::Invoice) {
        let billed = doc.open_cents().max(0);
        let standard: Vec<_> = (doc.lines.iter())
            .filter(|l| l.vat_category.is_standard())
            .cloned()
            .collect();
        let gross = Totals::of(&doc.lines).gross_cents;
        let (mut paid_before, mut sale) = (0, 0);
        for payment in &doc.after_issue.payments {
            let excess =
                (paid_before + payment.cents - billed).max(0) - (paid_before - billed).max(0);
            paid_before += payment.cents;
            if within(period, payment.date) {
                (count, received, over) = (count + 1, received + payment.cents, over + excess);
                sale += payment.cents - excess;
            }
        }
        // Once per invoice and rate, rounded half up: a bill paid in parts in one period
        // comes to its own VAT to the cent.
        for (rate, sum) in vat_breakdown(&standard) {
            if gross > 0 && sale > 0 {
                let share = (2 * sale * sum.vat_cents + gross) / (2 * gross);
                *vat.entry(rate.percent()).or_default() += share;
            }
        }
    }
    let _ = writeln!(
        text,
        "\nReceived in the period by payment date (maksuperuste, for a cash-basis VAT return; payments imported with orders payments import): {count}, {} €",
        euros(received)
    );
    for (rate, cents) in &vat {
        let _ = writeln!(
            text,
            "  {rate} %: VAT in what was received {} €",
            euros(*cents)
        );
    }
    if over > 0 {
        let _ = writeln!(
            text,
            "  paid over what was billed (owed back or set off; no sale): {} €",
            euros(over)
        );
    }
}

fn open_invoices(text: &mut String, documents: &[IssuedInvoice]) {
    let open: Vec<_> = (documents.iter())
        .filter(|d| d.balance_cents() > 0)
        .collect();
    let gross: i64 = open.iter().map(|d| d.balance_cents()).sum();
    let _ = writeln!(
        text,
        "\nUnpaid invoices of the period (less their credit notes and the payments imported; all of them: orders receivables): {}, {} €",
        open.len(),
        euros(gross)
    );
    for doc in open {
        let _ = writeln!(
            text,
            "  {} {} due {} {} €",
            doc.record.number,
            doc.reference,
            doc.record.due_date,
            euros(doc.balance_cents())
        );
    }
}
