//! Payments a person records: one the bank's file matched to no invoice, on the invoice they
//! found for it (`orders payments assign`), taken from the same file by its archive id so the
//! amount and date are the bank's, never typed; and money paid back from an overpaid or
//! credited invoice (`orders payments refund`). Each once, as an import records a payment.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use order_intake::domain::{format_eur, parse_euros};

use crate::OpsError;
use crate::camt::{self, BankPayment};
use crate::cli::PaymentsAction;
use crate::operator::Operator;
use crate::store::{DocumentKind, InvoicePayment, PaymentRecorded, PaymentState};

/// The payments of a bank file (camt.054 or camt.053), or why the file is not one.
pub(crate) fn read_bank_file(file: &Path) -> Result<Vec<BankPayment>, OpsError> {
    let unreadable =
        |e: &dyn std::fmt::Display| OpsError::Usage(format!("{}: {e}", file.display()));
    let xml = std::fs::read_to_string(file).map_err(|e| unreadable(&e))?;
    camt::payments(&xml).map_err(|e| unreadable(&e))
}

/// The line a payment gets: its booking day, archive id and amount (the file's text made
/// printable: whoever wrote the file must not move the bookkeeper's terminal).
pub(crate) fn payment_head(payment: &BankPayment) -> String {
    let amount = format_eur(payment.cents);
    let archive_id = crate::format::printable(&payment.archive_id);
    format!("{}  {archive_id}  {amount}", payment.booked)
}

impl Operator {
    /// `orders payments import|assign|refund`.
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
            PaymentsAction::Refund {
                invoice,
                amount,
                date,
            } => self.refund_payment(invoice, &amount, date, out).await,
        }
    }

    /// `orders payments refund NUMBER --amount EUR --date DAY`: a negative payment on the
    /// invoice, at most what it owes back, keyed by its day and amount so that running the
    /// command again records nothing.
    async fn refund_payment(
        &self,
        number: u32,
        amount: &str,
        date: jiff::civil::Date,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let cents = parse_euros(amount).filter(|c| *c > 0).ok_or_else(|| {
            OpsError::Usage(format!(
                "--amount {amount:?} is not an amount of euros above 0"
            ))
        })?;
        let invoices = &self.stores.invoices;
        let invoice = (invoices.issued_invoice(number).await?)
            .filter(|i| i.kind == DocumentKind::Invoice)
            .ok_or_else(|| OpsError::Usage(format!("there is no invoice {number}")))?;
        let refund = InvoicePayment {
            archive_id: format!("refund {date} {cents}"),
            date,
            cents: -cents,
        };
        let before =
            (invoice.after_issue.payments.iter()).any(|p| p.archive_id == refund.archive_id);
        let owed = match invoice.payment_state() {
            PaymentState::Overpaid(owed) | PaymentState::RefundOwed(owed) => owed,
            _ if before => cents,
            state => {
                return Err(OpsError::Usage(format!(
                    "invoice {number} owes nothing back ({}): no refund recorded",
                    state.words()
                )));
            }
        };
        if cents > owed {
            return Err(OpsError::Usage(format!(
                "invoice {number} owes {} back, not {}: no refund recorded",
                format_eur(owed),
                format_eur(cents)
            )));
        }
        let note = match invoices.record_payment(number, &refund).await? {
            PaymentRecorded::Now => "recorded",
            _ => "recorded before: nothing changed",
        };
        let invoice = (invoices.issued_invoice(number).await?)
            .ok_or_else(|| OpsError::Usage(format!("there is no invoice {number}")))?;
        let state = invoice.payment_state().words();
        let paid_back = format_eur(cents);
        Ok(writeln!(
            out,
            "{date}  refund  {paid_back}  invoice {number}: {state} ({note})"
        )?)
    }

    /// Every payment on an invoice, by archive id: the invoice it is recorded on. Read once,
    /// only when a payment names no invoice.
    pub(crate) async fn payments_on_invoices(&self) -> Result<HashMap<String, u32>, OpsError> {
        let mut on = HashMap::new();
        for invoice in self.issued_documents().await? {
            for payment in invoice.after_issue.payments {
                on.insert(payment.archive_id, invoice.record.number);
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
