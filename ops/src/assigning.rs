//! A payment the bank's file matched to no invoice, recorded by a person on the invoice they
//! found for it (`orders payments assign`): taken from the same file by its archive id, so the
//! amount and date are the bank's, never typed; once, as an import records it.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use order_intake::domain::format_eur;

use crate::OpsError;
use crate::camt::{self, BankPayment};
use crate::cli::PaymentsAction;
use crate::operator::Operator;
use crate::store::{DocumentKind, FIRST_INVOICE_NUMBER, InvoicePayment, PaymentRecorded};

/// The payments of a bank file (camt.054 or camt.053), or why the file is not one.
pub(crate) fn read_bank_file(file: &Path) -> Result<Vec<BankPayment>, OpsError> {
    let unreadable =
        |e: &dyn std::fmt::Display| OpsError::Usage(format!("{}: {e}", file.display()));
    let xml = std::fs::read_to_string(file).map_err(|e| unreadable(&e))?;
    camt::payments(&xml).map_err(|e| unreadable(&e))
}

/// The line a payment gets: its booking day, archive id and amount.
pub(crate) fn payment_head(payment: &BankPayment) -> String {
    let amount = format_eur(payment.cents);
    format!("{}  {}  {amount}", payment.booked, payment.archive_id)
}

impl Operator {
    /// `orders payments import|assign`.
    pub(crate) async fn payments(
        &self,
        action: PaymentsAction,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        match action {
            PaymentsAction::Import { file } => self.import_payments(&file, out).await,
            PaymentsAction::Assign {
                file,
                archive_id,
                invoice,
            } => (self.assign_payment(&file, &archive_id, invoice, out)).await,
        }
    }

    /// Every payment on an invoice, by archive id: the invoice it is recorded on. Read once,
    /// only when a payment names no invoice (a few hundred documents a year, one read each).
    pub(crate) async fn payments_on_invoices(&self) -> Result<HashMap<String, u32>, OpsError> {
        let invoices = &self.stores.invoices;
        let Some(last) = invoices.last_number().await? else {
            return Ok(HashMap::new());
        };
        let first = self.first_invoice_number.unwrap_or(FIRST_INVOICE_NUMBER);
        let mut on = HashMap::new();
        for number in first.min(last)..=last {
            if let Some(invoice) = invoices.issued_invoice(number).await? {
                for payment in invoice.after_issue.payments {
                    on.insert(payment.archive_id, number);
                }
            }
        }
        Ok(on)
    }

    /// `orders payments assign FILE ARCHIVE_ID NUMBER`.
    pub(crate) async fn assign_payment(
        &self,
        file: &Path,
        archive_id: &str,
        number: u32,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let payments = read_bank_file(file)?;
        let payment = (payments.iter().find(|p| p.archive_id == archive_id)).ok_or_else(|| {
            OpsError::Usage(format!("{} has no payment {archive_id:?}", file.display()))
        })?;
        if payment.currency != "EUR" {
            return Err(OpsError::Usage(format!(
                "payment {archive_id} is in {}, not EUR: not recorded",
                payment.currency
            )));
        }
        let invoices = &self.stores.invoices;
        (invoices.issued_invoice(number).await?)
            .filter(|i| i.kind == DocumentKind::Invoice)
            .ok_or_else(|| OpsError::Usage(format!("there is no invoice {number}")))?;
        if let Some(other) =
            (self.payments_on_invoices().await?.get(archive_id)).filter(|on| **on != number)
        {
            return Err(OpsError::Usage(format!(
                "payment {archive_id} is recorded on invoice {other} already: not recorded again"
            )));
        }
        let paid = InvoicePayment {
            archive_id: payment.archive_id.clone(),
            date: payment.booked,
            cents: payment.cents,
        };
        let note = match invoices.record_payment(number, &paid).await? {
            PaymentRecorded::Now => "assigned by hand",
            PaymentRecorded::Before => "assigned before: nothing changed",
            PaymentRecorded::NoInvoice => {
                return Err(OpsError::Usage(format!("there is no invoice {number}")));
            }
        };
        let invoice = (invoices.issued_invoice(number).await?)
            .ok_or_else(|| OpsError::Usage(format!("there is no invoice {number}")))?;
        let state = invoice.payment_state().words();
        let head = payment_head(payment);
        Ok(writeln!(out, "{head}  invoice {number}: {state} ({note})")?)
    }
}
