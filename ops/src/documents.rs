//! `orders document NUMBER`: any invoice or credit note by its number, exactly as issued — the
//! original until it is recorded as sent (`--record sent`), a copy after — and the reading of
//! documents that `invoice` and `credit` share: as stored, with a document stored before
//! documents kept their parties frozen once from its order (`Parties::backfilled`).

use std::io::Write;

use jiff::Timestamp;
use order_intake::domain::{Field, InvoiceLine, Language, Package, VatRate};

use crate::cli::{DocumentArgs, DocumentFormat, RecordState};
use crate::invoice::{self, InvoiceError, InvoiceFormat, Printing};
use crate::store::{
    AfterIssue, DocumentKind, InvoiceRecord, IssuedInvoice, OrderRecord, Parties, RecordedSent,
    Routing,
};
use crate::store::{SendState, SendStep};
use crate::{Operator, OpsError, parse_reference};

/// How a document recorded as sent by a person is marked.
const BY_HAND: &str = "by hand";

impl Operator {
    /// Every issued invoice and credit note, by number: one read each (a few hundred a year).
    pub(crate) async fn issued_documents(&self) -> Result<Vec<IssuedInvoice>, OpsError> {
        let invoices = &self.stores.invoices;
        let Some(last) = invoices.last_number().await? else {
            return Ok(Vec::new());
        };
        let first = (self.first_invoice_number).unwrap_or(crate::store::FIRST_INVOICE_NUMBER);
        let mut issued = Vec::new();
        for number in first.min(last)..=last {
            issued.extend(invoices.issued_invoice(number).await?);
        }
        Ok(issued)
    }

    pub(crate) async fn document(
        &self,
        asked: DocumentArgs,
        now: Timestamp,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let number = asked.number;
        let Some(issued) = self.stores.invoices.issued_invoice(number).await? else {
            return Err(OpsError::NotFound(format!(
                "document {number} (an invoice made before documents were stored prints with: orders invoice REF)"
            )));
        };
        let reference = parse_reference(&issued.reference)?;
        let issued = match issued.parties {
            Some(_) => issued,
            None => {
                let record = self.record(reference.as_str()).await?;
                self.frozen(issued, &record).await?
            }
        };
        let name = match issued.kind {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Credit => "credit note",
        };
        if let Some(state) = asked.record {
            let said = self.record_state(name, &issued, state, now).await?;
            writeln!(out, "{said}")?;
            return Ok(());
        }
        let format = asked.format.map(|format| match format {
            DocumentFormat::Finvoice => InvoiceFormat::Finvoice,
            DocumentFormat::Html => InvoiceFormat::Printable,
        });
        let (printing, what) = printing_of(&issued);
        let backfilled = (issued.parties.as_ref()).is_some_and(|p| p.backfilled);
        writeln!(
            notes,
            "{name} {number} of {reference}, issued {} ({}){}: {what}",
            issued.record.invoice_date,
            how_sent(&issued),
            if backfilled {
                "; its details were kept from its order after it was issued"
            } else {
                ""
            }
        )?;
        self.emit(&issued, printing, format, out, notes)?;
        Ok(())
    }

    /// `--record sent|failed`: by hand, or what the operator's portal showed after a send whose
    /// outcome was unknown.
    async fn record_state(
        &self,
        name: &str,
        issued: &IssuedInvoice,
        state: RecordState,
        now: Timestamp,
    ) -> Result<String, OpsError> {
        match (
            state,
            issued.after_issue.send_history.last().map(|s| s.state),
        ) {
            (state, Some(SendState::Sending | SendState::Unknown)) => {
                self.record_checked(name, issued, state, now).await
            }
            (RecordState::Sent, _) => self.record_sent(name, issued, now).await,
            (RecordState::Failed, _) => Err(OpsError::Usage(format!(
                "{name} {} has no send to record as failed (only one whose outcome is unknown)",
                issued.record.number
            ))),
        }
    }

    /// What a person saw in the operator's portal after a send whose outcome was unknown.
    async fn record_checked(
        &self,
        name: &str,
        issued: &IssuedInvoice,
        state: RecordState,
        now: Timestamp,
    ) -> Result<String, OpsError> {
        let number = issued.record.number;
        let state = match state {
            RecordState::Sent => SendState::Sent,
            RecordState::Failed => SendState::Failed,
        };
        let step = SendStep {
            at: now,
            state,
            note: "recorded by hand after checking the operator's portal".into(),
        };
        if !self.stores.invoices.record_send_step(number, &step).await? {
            return Err(OpsError::Usage(format!(
                "{name} {number} changed meanwhile: look again"
            )));
        }
        Ok(match state {
            SendState::Sent => format!(
                "{name} {number} recorded as sent through the operator; from now on it prints as a copy"
            ),
            _ => {
                format!("{name} {number} recorded as not sent; orders send {number} sends it again")
            }
        })
    }

    /// Records the document as sent by a person: what to tell them.
    async fn record_sent(
        &self,
        name: &str,
        issued: &IssuedInvoice,
        now: Timestamp,
    ) -> Result<String, OpsError> {
        let (number, reference) = (issued.record.number, &issued.reference);
        let recorded = (self.stores.invoices)
            .record_sent(number, BY_HAND, now)
            .await?;
        Ok(match recorded {
            RecordedSent::Now => format!(
                "{name} {number} of {reference} recorded as sent {BY_HAND}; from now on it prints as a copy"
            ),
            RecordedSent::Before(sent) => format!(
                "{name} {number} of {reference} was recorded as sent ({}) on {} already: nothing changed",
                sent.how,
                sent.at
                    .to_zoned_datetime(order_intake::domain::helsinki())
                    .date()
            ),
            RecordedSent::NoDocument => return Err(OpsError::NotFound(number.to_string())),
        })
    }

    /// The order's current invoice as issued: its own item, or, for an invoice made before
    /// invoices had items, the one line its order's amounts make; its parties frozen.
    pub(crate) async fn as_issued(
        &self,
        record: &OrderRecord,
        current: &InvoiceRecord,
    ) -> Result<IssuedInvoice, OpsError> {
        let issued = match self.stores.invoices.issued_invoice(current.number).await? {
            Some(issued) => issued,
            None => legacy_invoice(record, current).ok_or(InvoiceError::Incomplete(
                record.reference.clone(),
                "the package, amounts or organisation of its invoice",
            ))?,
        };
        self.frozen(issued, record).await
    }

    /// The document with its parties: as stored, or, for one stored before documents kept
    /// them, frozen once now from its order and the seller's configuration.
    pub(crate) async fn frozen(
        &self,
        issued: IssuedInvoice,
        record: &OrderRecord,
    ) -> Result<IssuedInvoice, OpsError> {
        if issued.parties.is_some() {
            return Ok(issued);
        }
        let seller = invoice::issuing_seller(self.seller()?)?;
        let parties = Parties::of(record, seller, true)
            .ok_or_else(|| InvoiceError::NoInvoiceAddress(record.reference.clone()))?;
        let frozen = IssuedInvoice {
            parties: Some(parties),
            ..issued
        };
        if self.stores.invoices.backfill(&frozen).await? {
            return Ok(frozen);
        }
        // Another run froze it first: that one stands.
        let number = frozen.record.number;
        let stored = self.stores.invoices.issued_invoice(number).await?;
        Ok(stored.filter(|s| s.parties.is_some()).unwrap_or(frozen))
    }

    /// The number a new series starts from: `INVOICE_NUMBER_START` (refused once the series
    /// exists: it would change nothing), else 1000.
    pub(crate) async fn first_number(&self) -> Result<u32, OpsError> {
        let Some(start) = self.first_invoice_number else {
            return Ok(crate::store::FIRST_INVOICE_NUMBER);
        };
        match self.stores.invoices.last_number().await? {
            None => Ok(start),
            Some(last) => Err(OpsError::Usage(format!(
                "INVOICE_NUMBER_START is read only before the first invoice, and the series is at {last}: remove INVOICE_NUMBER_START from the configuration"
            ))),
        }
    }

    pub(crate) fn seller(&self) -> Result<&order_intake::domain::Seller, OpsError> {
        self.seller.as_ref().map_err(|e| OpsError::Usage(e.clone()))
    }
}

/// How a document prints now, and what the person is told of it.
pub(crate) fn printing_of(issued: &IssuedInvoice) -> (Printing, String) {
    let number = issued.record.number;
    match &issued.after_issue.sent {
        None => (
            Printing::Original,
            format!(
                "this is its original, not recorded as sent; once it is sent: orders document {number} --record sent"
            ),
        ),
        Some(sent) => (
            Printing::Copy,
            format!(
                "it was sent ({}) on {}, so this is a copy (marked so); do not send it as a new document",
                sent.how,
                sent.at
                    .to_zoned_datetime(order_intake::domain::helsinki())
                    .date()
            ),
        ),
    }
}

/// Where the document went, for the operator's note.
pub(crate) fn how_sent(issued: &IssuedInvoice) -> String {
    match issued.parties.as_ref().map(|p| &p.routing) {
        Some(Routing::Einvoice { .. }) => "Finvoice".to_owned(),
        Some(Routing::Paper { send_to }) => {
            let address = (issued.parties.as_ref()).and_then(|p| p.buyer_address.as_ref());
            let to = send_to
                .clone()
                .or_else(|| address.map(|a| format!("{}, {} {}", a.street, a.postcode, a.town)));
            format!(
                "printable HTML: print or save as PDF and send it to {}",
                to.unwrap_or_default()
            )
        }
        None => "its details as issued are not stored".to_owned(),
    }
}

/// An invoice made before invoices had items of their own: its one line from the order's
/// stored amounts, as it was printed (its parties still to be frozen).
pub fn legacy_invoice(order: &OrderRecord, record: &InvoiceRecord) -> Option<IssuedInvoice> {
    let package = order.text(Field::Package).and_then(Package::parse)?;
    let rate = VatRate::parse(order.vat_rate_percent.as_deref()?)?;
    let name = order_intake::texts::package_name(package, Language::Fi);
    // Its VAT as stored, not computed again.
    let line = InvoiceLine {
        vat_cents: order.vat_cents?,
        ..InvoiceLine::new(package.id(), name, order.net_cents?, rate)
    };
    Some(IssuedInvoice {
        record: record.clone(),
        kind: DocumentKind::Invoice,
        reference: order.reference.clone(),
        buyer: order.text(Field::Organization)?.to_owned(),
        buyer_business_id: order.text(Field::BusinessId).map(str::to_owned),
        lines: vec![line],
        original: None,
        parties: None,
        after_issue: AfterIssue::default(),
    })
}
