//! `orders invoice` and `orders credit`: an order's invoice (its package, or the cancellation
//! fee of the terms, and extra rows such as travel costs), a reprint marked as a copy, and the
//! credit note that cancels an invoice so the order can be invoiced again.

use std::io::Write;

use crate::store::{
    Credited, InvoiceDraft, InvoiceRecord, InvoiceTerms, Invoiced, IssuedInvoice, OrderRecord,
};
use jiff::Timestamp;
use order_intake::domain::{
    BookingState, Field, InvoiceChannel, InvoiceLine, Language, Package, Reference, VatRate,
    helsinki, parse_euros,
};

use crate::amount::euros;
use crate::cli::InvoiceArgs;
use crate::invoice::{self, InvoiceError, Printing};
use crate::period;
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
}

/// Days to pay when not given.
pub const DEFAULT_DUE_DAYS: u32 = order_intake::domain::PAYMENT_TERM_DAYS;

/// Finvoice's ArticleName: at most 100 characters.
const MAX_ROW_TEXT: usize = 100;

impl Operator {
    pub(crate) async fn invoice(
        &self,
        asked: InvoiceAsked,
        now: Timestamp,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let seller = self.seller()?;
        let reference = parse_reference(&asked.reference)?;
        let record = self.record(reference.as_str()).await?;
        if record.invoice.is_some() {
            return self.reprint(&record, &asked, out, notes).await;
        }
        let draft = self.draft(&record, &asked, now, notes)?;
        // Checked before a number is taken: an order that cannot be invoiced uses none.
        let unnumbered = IssuedInvoice::new(&reference, 0, &draft, now);
        invoice::document(&record, &unnumbered, seller, Printing::Original)?;
        let first = self.first_invoice_number;
        let issued = match self
            .stores
            .invoices
            .invoice(&reference, &draft, first, now)
            .await?
        {
            None => return Err(OpsError::NotFound(reference.to_string())),
            Some(Invoiced::New(issued)) => issued,
            // Invoiced meanwhile by someone else: that one is the order's invoice.
            Some(Invoiced::Existing(_)) => return self.reprint(&record, &asked, out, notes).await,
        };
        out.write_all(invoice::document(&record, &issued, seller, Printing::Original)?.as_bytes())?;
        let viite = invoice::reference_number(issued.record.number);
        writeln!(
            notes,
            "invoice {} for {reference} ({}): {} €, due {}; viitenumero {} (from abroad: {})",
            issued.record.number,
            how_sent(&record)?,
            euros(issued.totals().gross_cents),
            issued.record.due_date,
            invoice::grouped(&viite),
            invoice::grouped_rf(&invoice::rf_reference(&viite)),
        )?;
        Ok(())
    }

    /// The order's current invoice again, as a copy: only as it was issued.
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
            || asked.vat_rate.is_some();
        if different {
            return Err(OpsError::Usage(format!(
                "order {reference} was invoiced as {} on {} (delivered {}, {} days); to invoice it differently, credit that invoice first: orders credit {reference}",
                issued.record.number,
                issued.record.invoice_date,
                issued.record.delivery_date,
                issued.record.due_days
            )));
        }
        let copy = invoice::document(&record, &issued, self.seller()?, Printing::Copy)?;
        out.write_all(copy.as_bytes())?;
        writeln!(
            notes,
            "invoice {} for {reference} was already issued on {}: this is a copy (marked so); do not send it as a new invoice",
            issued.record.number, issued.record.invoice_date
        )?;
        Ok(())
    }

    /// The new invoice's terms, rows and buyer.
    fn draft(
        &self,
        record: &OrderRecord,
        asked: &InvoiceAsked,
        now: Timestamp,
        notes: &mut dyn Write,
    ) -> Result<InvoiceDraft, OpsError> {
        let reference = &record.reference;
        let missing = |what| InvoiceError::Incomplete(reference.clone(), what);
        if invoice::billing_address(record).is_none() {
            return Err(InvoiceError::NoBillingAddress(reference.clone()).into());
        }
        invoice::format_for(record)?;
        let delivered = delivery_date(record, asked.delivered.as_deref(), now)?;
        let rate = match &asked.vat_rate {
            Some(text) => VatRate::parse(text).ok_or_else(|| {
                OpsError::Usage(format!("--vat-rate {text:?} is not a rate like 25,5"))
            })?,
            None => (record.vat_rate_percent.as_deref())
                .and_then(VatRate::parse)
                .ok_or(missing("its VAT rate"))?,
        };
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
        let mut lines = vec![first_line(record, asked.fee_percent, rate)?];
        for row in &asked.travel {
            lines.push(travel_line(row, rate)?);
        }
        let channel = match invoice::format_for(record)? {
            invoice::InvoiceFormat::Finvoice => InvoiceChannel::EInvoice,
            invoice::InvoiceFormat::Printable => InvoiceChannel::Paper,
        };
        Ok(InvoiceDraft {
            channel,
            terms: InvoiceTerms {
                invoice_date: now.to_zoned_datetime(helsinki()).date(),
                delivery_date: delivered,
                due_days: asked.due_days.unwrap_or(DEFAULT_DUE_DAYS),
            },
            lines,
            buyer: (record.text(Field::Organization))
                .ok_or(missing("the organisation"))?
                .to_owned(),
            buyer_business_id: record.text(Field::BusinessId).map(str::to_owned),
        })
    }

    pub(crate) async fn credit(
        &self,
        reference: &str,
        now: Timestamp,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let seller = self.seller()?;
        let reference = parse_reference(reference)?;
        let record = self.record(reference.as_str()).await?;
        let today = now.to_zoned_datetime(helsinki()).date();
        let Some(current) = &record.invoice else {
            return Err(not_invoiced(&reference, &record));
        };
        let issued = self.as_issued(&record, current).await?;
        // Checked before a number is taken, as for an invoice.
        let unnumbered = issued.credit_note(0, today, now);
        invoice::document(&record, &unnumbered, seller, Printing::Original)?;
        let first = self.first_invoice_number;
        let (credit, original) = match self
            .stores
            .invoices
            .credit(&issued, today, first, now)
            .await?
        {
            None => return Err(OpsError::NotFound(reference.to_string())),
            Some(Credited::NotInvoiced) => return Err(not_invoiced(&reference, &record)),
            Some(Credited::New { credit, original }) => (credit, original),
        };
        out.write_all(invoice::document(&record, &credit, seller, Printing::Original)?.as_bytes())?;
        writeln!(
            notes,
            "credit note {} for invoice {} of {reference} ({}): {} €; the order can be invoiced again: orders invoice {reference} …",
            credit.record.number,
            original.record.number,
            how_sent(&record)?,
            euros(credit.totals().gross_cents),
        )?;
        Ok(())
    }

    /// The order's current invoice as issued: its own item, or, for an invoice made before
    /// invoices had items, the one line its order's amounts make.
    async fn as_issued(
        &self,
        record: &OrderRecord,
        current: &InvoiceRecord,
    ) -> Result<IssuedInvoice, OpsError> {
        if let Some(issued) = self.stores.invoices.issued_invoice(current.number).await? {
            return Ok(issued);
        }
        let incomplete = InvoiceError::Incomplete(
            record.reference.clone(),
            "the package, amounts or organisation of its invoice",
        );
        Ok(invoice::legacy_invoice(record, current).ok_or(incomplete)?)
    }

    fn seller(&self) -> Result<&order_intake::domain::Seller, OpsError> {
        self.seller.as_ref().map_err(|e| OpsError::Usage(e.clone()))
    }
}

fn not_invoiced(reference: &Reference, record: &OrderRecord) -> OpsError {
    let before = match record.invoice_numbers.as_slice() {
        [] => String::new(),
        numbers => format!(
            " (its invoices and credit notes so far: {})",
            numbers
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    OpsError::Usage(format!(
        "order {reference} has no current invoice to credit{before}"
    ))
}

/// Where the document goes, for the operator's note.
fn how_sent(record: &OrderRecord) -> Result<String, OpsError> {
    Ok(match invoice::format_for(record)? {
        invoice::InvoiceFormat::Finvoice => "Finvoice".to_owned(),
        invoice::InvoiceFormat::Printable => format!(
            "printable HTML: print or save as PDF and send it to {}",
            record
                .text(Field::InvoiceAddress)
                .map(str::to_owned)
                .or_else(|| invoice::billing_address(record)
                    .map(|a| format!("{}, {} {}", a.street, a.postcode, a.town)))
                .unwrap_or_default()
        ),
    })
}

/// The workshop at the order's price, or the cancellation fee of the terms after a late
/// cancellation.
fn first_line(
    record: &OrderRecord,
    fee_percent: Option<u32>,
    rate: VatRate,
) -> Result<InvoiceLine, OpsError> {
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
        (None, None) => return Ok(InvoiceLine::new(package.id(), name, net, rate)),
    };
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
    Ok(InvoiceLine::new("peruutusmaksu", text, fee, rate))
}

/// `Matkakulut Helsinki–Tuusula=120,00`: a travel row of its own.
fn travel_line(row: &str, rate: VatRate) -> Result<InvoiceLine, OpsError> {
    let wrong = || {
        OpsError::Usage(format!(
            "--travel {row:?}: give TEXT=AMOUNT, e.g. \"Matkakulut Helsinki–Tuusula=120,00\" (net euros, at most {MAX_ROW_TEXT} characters of text)"
        ))
    };
    let (text, amount) = row.rsplit_once('=').ok_or_else(wrong)?;
    let text = text.trim();
    let printable = !text.is_empty()
        && text.chars().count() <= MAX_ROW_TEXT
        && !order_intake::domain::contains_control_characters(text);
    let cents = parse_euros(amount)
        .filter(|_| printable)
        .ok_or_else(wrong)?;
    Ok(InvoiceLine::new("matkakulut", text, cents, rate))
}

/// The day the workshop was held: as given, or the booked date once the workshop is over (for
/// a cancelled booking, the day it was cancelled: its fee's tax point); never after today nor
/// before the order.
pub(crate) fn delivery_date(
    record: &OrderRecord,
    given: Option<&str>,
    now: Timestamp,
) -> Result<jiff::civil::Date, OpsError> {
    let day = match given {
        Some(text) => period::date(text, "--delivered")?,
        None => match &record.booking {
            Some(booking) if booking.is_booked() && booking.end_utc() <= now => {
                booking.start.date()
            }
            Some(booking) if booking.state == BookingState::Cancelled => {
                booking.changed_at.to_zoned_datetime(helsinki()).date()
            }
            Some(booking) if booking.is_booked() => {
                return Err(OpsError::Usage(format!(
                    "the workshop is booked for {}, not yet held; give --delivered to invoice it anyway",
                    booking.start.date()
                )));
            }
            _ => {
                return Err(OpsError::Usage(
                    "the order has no booking: give the day it was held with --delivered YYYY-MM-DD"
                        .to_owned(),
                ));
            }
        },
    };
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
        }
    }
}
