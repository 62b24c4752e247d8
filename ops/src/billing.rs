//! `orders invoice`: an order's invoice (its package at its price or an agreed one, or the
//! cancellation fee of the terms; extra rows such as travel costs and a discount), and the same
//! invoice again when asked twice (`crediting` makes its credit notes).

use std::io::Write;

use crate::store::{
    InvoiceDraft, InvoiceTerms, Invoiced, IssuedInvoice, IssuingSeller, OrderRecord, Parties,
    Routing,
};
use jiff::Timestamp;
use order_intake::domain::{
    BookingState, FeeVat, Field, InvoiceChannel, InvoiceLine, Language, Package, VatRate, helsinki,
};

use crate::amount::euros;
use crate::cli::InvoiceArgs;
use crate::documents::{how_sent, printing_of};
use crate::invoice::{self, InvoiceError, Printing, cut};
use crate::period;
use crate::rows::{MAX_ROW_TEXT, discount_line, fee_vat, text_amount, travel_line};
use crate::{Operator, OpsError, parse_reference};

/// What `orders invoice` was asked for.
#[derive(Debug, Clone, Default)]
pub struct InvoiceAsked {
    pub reference: String,
    pub delivered: Option<String>,
    /// Days to pay; `DEFAULT_DUE_DAYS` when not given.
    pub due_days: Option<u32>,
    /// `TEXT=AMOUNT` (net euros): a row of its own each, at the invoice's VAT rate.
    pub travel: Vec<String>,
    /// The cancellation fee, as a percentage of the price, instead of the workshop.
    pub fee_percent: Option<u32>,
    pub vat_rate: Option<String>,
    /// `REASON=AMOUNT`: the workshop at an agreed net price, its reason printed on the row.
    pub price: Option<String>,
    /// `REASON=AMOUNT`: a discount row (net euros off), its reason printed.
    pub discount: Option<String>,
    /// `outside` or `taxable`: the cancellation fee's VAT, when not as recorded.
    pub fee_vat: Option<String>,
}

/// Days to pay when not given.
pub const DEFAULT_DUE_DAYS: u32 = order_intake::domain::PAYMENT_TERM_DAYS;

impl Operator {
    pub(crate) async fn invoice(
        &self,
        asked: InvoiceAsked,
        now: Timestamp,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let seller = invoice::issuing_seller(self.seller()?)?;
        let reference = parse_reference(&asked.reference)?;
        let record = self.record(reference.as_str()).await?;
        if record.invoice.is_some() {
            return self.reprint(&record, &asked, out, notes).await;
        }
        let draft = self.draft(&record, &asked, seller, now, notes)?;
        // Checked before a number is taken: an order that cannot be invoiced uses none.
        let unnumbered = IssuedInvoice::new(&reference, 0, &draft, now);
        invoice::document(&unnumbered, Printing::Original, None)?;
        let first = self.first_number().await?;
        let issued = match self
            .stores
            .invoices
            .invoice(&reference, &draft, first, now)
            .await?
        {
            None => return Err(OpsError::NotFound(reference.to_string())),
            Some(Invoiced::New(issued)) => *issued,
            // Invoiced meanwhile by someone else: that one is the order's invoice.
            Some(Invoiced::Existing(_)) => return self.reprint(&record, &asked, out, notes).await,
        };
        let viite = invoice::reference_number(issued.record.number);
        writeln!(
            notes,
            "invoice {} for {reference} ({}): {} €, due {}; viitenumero {} (from abroad: {})",
            issued.record.number,
            how_sent(&issued),
            euros(issued.totals().gross_cents),
            issued.record.due_date,
            invoice::grouped(&viite),
            invoice::grouped_rf(&invoice::rf_reference(&viite)),
        )?;
        self.emit(&issued, Printing::Original, None, out, notes)?;
        Ok(())
    }

    /// The order's current invoice again, only as it was issued: the original until it is
    /// recorded as sent (a retry after a lost answer), a copy after.
    async fn reprint(
        &self,
        record: &OrderRecord,
        asked: &InvoiceAsked,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let reference = parse_reference(&record.reference)?;
        let record = self.record(reference.as_str()).await?;
        let current = record.invoice.as_ref().ok_or_else(|| {
            OpsError::Usage(format!(
                "order {reference} changed meanwhile: run the command again"
            ))
        })?;
        let issued = self.as_issued(&record, current).await?;
        let different = asked.delivered.as_deref().is_some_and(|given| {
            period::date(given, "--delivered").ok() != Some(issued.record.delivery_date)
        }) || asked
            .due_days
            .is_some_and(|days| days != issued.record.due_days)
            || !asked.travel.is_empty()
            || asked.fee_percent.is_some()
            || asked.vat_rate.is_some()
            || asked.price.is_some()
            || asked.discount.is_some()
            || asked.fee_vat.is_some();
        if different {
            return Err(OpsError::Usage(format!(
                "order {reference} was invoiced as {} on {} (delivered {}, {} days); to invoice it differently, credit that invoice first: orders credit {reference}",
                issued.record.number,
                issued.record.invoice_date,
                issued.record.delivery_date,
                issued.record.due_days
            )));
        }
        let (printing, what) = printing_of(&issued);
        writeln!(
            notes,
            "invoice {} for {reference} was already issued on {}: {what}",
            issued.record.number, issued.record.invoice_date
        )?;
        self.emit(&issued, printing, None, out, notes)?;
        Ok(())
    }

    /// The new invoice's terms, rows and buyer.
    fn draft(
        &self,
        record: &OrderRecord,
        asked: &InvoiceAsked,
        seller: IssuingSeller,
        now: Timestamp,
        notes: &mut dyn Write,
    ) -> Result<InvoiceDraft, OpsError> {
        let reference = &record.reference;
        let missing = |what| InvoiceError::Incomplete(reference.clone(), what);
        invoice::routable(record)?;
        let parties = Parties::of(record, seller, false)
            .ok_or_else(|| InvoiceError::NoInvoiceAddress(reference.clone()))?;
        let delivered = delivery_date(record, asked.delivered.as_deref(), now, notes)?;
        let rate = match &asked.vat_rate {
            Some(text) => VatRate::parse(text).ok_or_else(|| {
                OpsError::Usage(format!("--vat-rate {text:?} is not a rate like 25,5"))
            })?,
            None => (record.vat_rate_percent.as_deref())
                .and_then(VatRate::parse)
                .ok_or(missing("its VAT rate"))?,
        };
        let first = first_line(record, asked, rate, notes)?;
        if first.vat_category.is_standard() {
            rate_warning(rate, delivered, notes)?;
        }
        if !first.vat_category.is_standard() && !asked.travel.is_empty() {
            return Err(OpsError::Usage(
                "a fee outside VAT is invoiced on its own (EN 16931 puts no taxable row beside it): leave out --travel, or give --fee-vat taxable"
                    .to_owned(),
            ));
        }
        let mut lines = vec![first];
        for row in &asked.travel {
            lines.push(travel_line(row, rate)?);
        }
        if let Some(row) = &asked.discount {
            lines.push(discount_line(row, &lines)?);
        }
        let channel = match parties.routing {
            Routing::Einvoice { .. } => InvoiceChannel::EInvoice,
            Routing::Paper { .. } => InvoiceChannel::Paper,
        };
        Ok(InvoiceDraft {
            channel,
            parties,
            terms: InvoiceTerms {
                invoice_date: now.to_zoned_datetime(helsinki()).date(),
                delivery_date: delivered,
                due_days: asked.due_days.unwrap_or(DEFAULT_DUE_DAYS),
            },
            lines: order_intake::domain::balanced(lines),
            buyer: (record.text(Field::Organization))
                .ok_or(missing("the organisation"))?
                .to_owned(),
            buyer_business_id: record.text(Field::BusinessId).map(str::to_owned),
        })
    }
}

/// The workshop at the order's price (or the agreed one, with its reason), or the
/// cancellation fee of the terms after a late cancellation.
fn first_line(
    record: &OrderRecord,
    asked: &InvoiceAsked,
    rate: VatRate,
    notes: &mut dyn Write,
) -> Result<InvoiceLine, OpsError> {
    let fee_percent = asked.fee_percent;
    let missing = |what| InvoiceError::Incomplete(record.reference.clone(), what);
    let package =
        (record.text(Field::Package).and_then(Package::parse)).ok_or(missing("a package"))?;
    let net = record.net_cents.ok_or(missing("its amounts"))?;
    let name = order_intake::texts::package_name(package, Language::Fi);
    let cancelled = (record.booking.as_ref()).is_some_and(|b| b.state == BookingState::Cancelled);
    // A cancellation records its fee (the customer's page, by the terms; ours: none).
    let recorded = (record.booking.as_ref()).and_then(|b| b.fee_percent.filter(|_| cancelled));
    let percent = match (fee_percent, recorded) {
        (Some(percent), _) => percent,
        (None, Some(0)) => {
            return Err(OpsError::Usage(format!(
                "order {} was cancelled free of charge: nothing to invoice (--fee-percent bills a fee anyway)",
                record.reference
            )));
        }
        (None, Some(percent)) => percent,
        (None, None) => return workshop_line(package, net, rate, asked),
    };
    if asked.price.is_some() {
        return Err(OpsError::Usage(
            "--price sets a workshop's price; a cancellation bills the terms' fee (--discount takes some off it)"
                .to_owned(),
        ));
    }
    if !cancelled {
        return Err(OpsError::Usage(format!(
            "--fee-percent bills a cancellation, and order {} has no cancelled booking (orders cancel {} --reason …)",
            record.reference, record.reference
        )));
    }
    if !(1..=100).contains(&percent) {
        return Err(OpsError::Usage("--fee-percent takes 1 to 100".to_owned()));
    }
    // Rounded half up to the cent, as the customer's page showed it.
    let fee = order_intake::domain::fee_cents(net, percent);
    let text = format!("Peruutusmaksu {percent} % – {name}");
    Ok(match fee_vat(record, asked.fee_vat.as_deref(), notes)? {
        FeeVat::Outside => InvoiceLine::outside_vat("peruutusmaksu", text, fee),
        FeeVat::Taxable => InvoiceLine::new("peruutusmaksu", text, fee, rate),
    })
}

/// The workshop at the order's price, or at the agreed one with its reason on the row.
fn workshop_line(
    package: Package,
    net: i64,
    rate: VatRate,
    asked: &InvoiceAsked,
) -> Result<InvoiceLine, OpsError> {
    if asked.fee_vat.is_some() {
        return Err(OpsError::Usage(
            "--fee-vat is for a cancellation fee, and this invoice bills the workshop".into(),
        ));
    }
    let name = order_intake::texts::package_name(package, Language::Fi);
    let Some(agreed) = &asked.price else {
        return Ok(InvoiceLine::new(package.id(), name, net, rate));
    };
    let (reason, price) = text_amount("--price", agreed, "Puitesopimus 2027=450,00")?;
    let text = cut(&format!("{name}, sovittu hinta: {reason}"), MAX_ROW_TEXT);
    Ok(InvoiceLine::new(package.id(), text, price, rate))
}

/// A rate other than the general rate in force on the delivery day (the tax point) is named.
fn rate_warning(
    rate: VatRate,
    delivered: jiff::civil::Date,
    notes: &mut dyn Write,
) -> Result<(), OpsError> {
    let in_force = VatRate::general_on(delivered);
    if rate != in_force {
        writeln!(
            notes,
            "warning: the general VAT rate on {delivered} (the delivery, the tax point) is {} %, this invoice uses {} %; give --vat-rate {} unless the order's rate is right",
            in_force.percent(),
            rate.percent(),
            in_force.percent()
        )?;
    }
    Ok(())
}

/// The day the workshop was held: the booked date once the workshop is over (for a cancelled
/// booking, the day it was cancelled: its fee's tax point), or as given (stderr warns when it
/// differs from the booked day); never after today nor before the order. A booked workshop not
/// yet held is not invoiced: the delivery day is the invoice's tax point (AVL 209 e §).
pub(crate) fn delivery_date(
    record: &OrderRecord,
    given: Option<&str>,
    now: Timestamp,
    notes: &mut dyn Write,
) -> Result<jiff::civil::Date, OpsError> {
    let booked = record.booking.as_ref().filter(|b| b.is_booked());
    if let Some(booking) = booked.filter(|b| b.end_utc() > now) {
        let day = booking.start.date();
        return Err(OpsError::Usage(format!(
            "the workshop is booked for {day}, not yet held: invoice it on or after {day}, once it is over"
        )));
    }
    let day = match (given, &record.booking) {
        (Some(text), _) => period::date(text, "--delivered")?,
        (None, Some(booking)) if booking.is_booked() => booking.start.date(),
        (None, Some(booking)) if booking.state == BookingState::Cancelled => {
            booking.changed_at.to_zoned_datetime(helsinki()).date()
        }
        (None, _) => {
            return Err(OpsError::Usage(
                "the order has no booking: give the day it was held with --delivered YYYY-MM-DD"
                    .to_owned(),
            ));
        }
    };
    if let Some(booked) = booked.map(|b| b.start.date()).filter(|b| *b != day) {
        writeln!(
            notes,
            "warning: the workshop was booked for {booked}, and --delivered says {day}: the invoice says {day}; if the booking is what happened, invoice it without --delivered (credit this one first)"
        )?;
    }
    let today = now.to_zoned_datetime(helsinki()).date();
    let ordered = record.created_at.to_zoned_datetime(helsinki()).date();
    if day > today {
        return Err(OpsError::Usage(format!(
            "--delivered {day} is in the future: invoice a workshop once it is held"
        )));
    }
    if day < ordered {
        return Err(OpsError::Usage(format!(
            "--delivered {day} is before the order ({ordered})"
        )));
    }
    Ok(day)
}

impl From<InvoiceArgs> for InvoiceAsked {
    fn from(args: InvoiceArgs) -> Self {
        InvoiceAsked {
            reference: args.reference,
            delivered: args.delivered,
            due_days: args.due_days,
            travel: args.travel,
            fee_percent: args.fee_percent,
            vat_rate: args.vat_rate,
            price: args.price,
            discount: args.discount,
            fee_vat: args.fee_vat,
        }
    }
}
