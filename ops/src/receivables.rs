//! Money in: the bank's reference payments matched to invoices (`orders payments import`),
//! what is still owed (`orders receivables`) and what is overdue (`orders overdue`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use jiff::Timestamp;
use jiff::civil::Date;
use order_intake::domain::{PAYMENT_REMINDER_DAYS, format_eur, helsinki};
use order_intake::intake::{OperatorAnswer, OperatorCommand};

use crate::OpsError;
use crate::assigning::{payment_head, read_bank_file};
use crate::camt::BankPayment;
use crate::operator::{Operator, refusal};
use crate::payment::{invoice_number_of, invoice_numbers_in};
use crate::store::{
    DocumentKind, InvoicePayment, InvoiceReminder, IssuedInvoice, PaymentRecorded, PaymentState,
};

/// What became of one payment in the file.
enum Matched {
    Invoice {
        number: u32,
        recorded: PaymentRecorded,
        state: PaymentState,
    },
    /// For a person: why it matched no invoice.
    Unmatched(String),
}

impl Operator {
    pub(crate) async fn import_payments(
        &self,
        file: &Path,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let payments = read_bank_file(file)?;
        let (mut text, mut new, mut before, mut unmatched, mut refunds) =
            (String::new(), 0, 0, 0, 0);
        // Where a person assigned a payment that names no invoice (read when one is met).
        let mut assigned: Option<HashMap<String, u32>> = None;
        for payment in &payments {
            let head = payment_head(payment);
            let mut matched = self.match_payment(payment).await?;
            if matches!(matched, Matched::Unmatched(_)) {
                if assigned.is_none() {
                    assigned = Some(self.payments_on_invoices().await?);
                }
                let on = assigned.as_ref().and_then(|a| a.get(&payment.archive_id));
                if let Some(invoice) = on {
                    matched = self.assigned_before(*invoice).await?.unwrap_or(matched);
                }
            }
            match matched {
                Matched::Invoice {
                    number,
                    recorded,
                    state,
                } => {
                    let note = match recorded {
                        PaymentRecorded::Now => {
                            new += 1;
                            ""
                        }
                        _ => {
                            before += 1;
                            " (imported before: nothing changed)"
                        }
                    };
                    if matches!(state, PaymentState::RefundOwed(_)) {
                        refunds += 1;
                    }
                    let _ = writeln!(text, "{head}  invoice {number}: {}{note}", state.words());
                }
                Matched::Unmatched(why) => {
                    unmatched += 1;
                    let _ = writeln!(text, "{head}  UNMATCHED: {why}");
                }
            }
        }
        let _ = writeln!(
            text,
            "{} payments: {new} recorded, {before} imported before, {unmatched} unmatched (for a person: RUNBOOK.md, \"Payments\"), {refunds} refunds owed",
            payments.len()
        );
        Ok(out.write_all(text.as_bytes())?)
    }

    /// A payment a person assigned to invoice `number` (`orders payments assign`), as an import
    /// that meets it again reports it.
    async fn assigned_before(&self, number: u32) -> Result<Option<Matched>, OpsError> {
        let invoice = self.stores.invoices.issued_invoice(number).await?;
        Ok(invoice.map(|invoice| Matched::Invoice {
            number,
            recorded: PaymentRecorded::Before,
            state: invoice.payment_state(),
        }))
    }

    /// The invoice a payment names by its reference, or by a reference in its message, and the
    /// payment recorded on it.
    async fn match_payment(&self, payment: &BankPayment) -> Result<Matched, OpsError> {
        if payment.currency != "EUR" {
            return Ok(Matched::Unmatched(format!(
                "in {}, not EUR",
                payment.currency
            )));
        }
        let mut candidates: Vec<u32> = (payment.reference.as_deref())
            .and_then(invoice_number_of)
            .into_iter()
            .collect();
        if candidates.is_empty() {
            candidates = (payment.message.as_deref())
                .map(invoice_numbers_in)
                .unwrap_or_default();
        }
        let invoices = &self.stores.invoices;
        for number in candidates {
            match invoices.issued_invoice(number).await? {
                Some(invoice) if invoice.kind == DocumentKind::Invoice => {}
                _ => continue,
            }
            let paid = InvoicePayment {
                archive_id: payment.archive_id.clone(),
                date: payment.booked,
                cents: payment.cents,
            };
            let recorded = invoices.record_payment(number, &paid).await?;
            if let Some(invoice) = invoices.issued_invoice(number).await? {
                let state = invoice.payment_state();
                return Ok(Matched::Invoice {
                    number,
                    recorded,
                    state,
                });
            }
        }
        let said = match (&payment.reference, &payment.message) {
            (Some(reference), _) => format!("reference {reference:?} names no invoice"),
            (None, Some(message)) => format!("no reference; message {message:?}"),
            (None, None) => "no reference, no message".to_owned(),
        };
        let payer = printable(payment.payer.as_deref().unwrap_or("payer not given"));
        Ok(Matched::Unmatched(format!("{said}; {payer}")))
    }

    /// `orders remind NUMBER`: the function sends the customer a reminder of the overdue invoice
    /// with what is open now, and the invoice's history keeps it.
    pub(crate) async fn remind(
        &self,
        number: u32,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let invoices = &self.stores.invoices;
        let invoice = (invoices.issued_invoice(number).await?)
            .filter(|i| i.kind == DocumentKind::Invoice)
            .ok_or_else(|| OpsError::Usage(format!("there is no invoice {number}")))?;
        let open = invoice.balance_cents();
        if open <= 0 {
            return Err(OpsError::Usage(format!(
                "invoice {number} has nothing open ({}): no reminder",
                invoice.payment_state().words()
            )));
        }
        let command = OperatorCommand::Remind {
            reference: invoice.reference.clone(),
            invoice: number,
            open_cents: open,
        };
        let status = match self.desk("remind")?.run(command).await? {
            OperatorAnswer::Sent { status } => status,
            other => return Err(refusal(other)),
        };
        let reminder = InvoiceReminder {
            at: now,
            open_cents: open,
        };
        invoices.record_reminder(number, &reminder).await?;
        writeln!(
            out,
            "invoice {number} of {}: payment reminder of {} open ({status}); the next can go in {PAYMENT_REMINDER_DAYS} days",
            invoice.reference,
            format_eur(open)
        )?;
        if status != order_intake::domain::Delivery::SENT_STATUS {
            return Err(OpsError::Usage(format!(
                "the reminder was not sent now; the retry run tries again ({status})"
            )));
        }
        Ok(())
    }

    /// Every invoice still owed something (or owing a refund), oldest first.
    async fn open_invoices(&self) -> Result<Vec<IssuedInvoice>, OpsError> {
        let mut open = self.issued_documents().await?;
        open.retain(|i| i.kind == DocumentKind::Invoice && i.balance_cents() != 0);
        Ok(open)
    }

    /// `orders receivables`: what is owed, with days overdue; `overdue_days`: only invoices
    /// unpaid that many days after their due date (`orders overdue`).
    pub(crate) async fn receivables(
        &self,
        overdue_days: Option<u32>,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let today = now.to_zoned_datetime(helsinki()).date();
        let mut text = format!(
            "{:<7}  {:<9}  {:<10}  {:<10}  {:>8}  {:>12}  Buyer\n",
            "Invoice", "Order", "Invoiced", "Due", "Overdue", "Open"
        );
        let (mut count, mut total, mut late, mut late_total) = (0, 0, 0, 0);
        for invoice in self.open_invoices().await? {
            let days = days_after(invoice.record.due_date, today);
            let balance = invoice.balance_cents();
            if overdue_days.is_some_and(|after| balance <= 0 || days < i64::from(after)) {
                continue;
            }
            count += 1;
            total += balance;
            if days > 0 && balance > 0 {
                late += 1;
                late_total += balance;
            }
            let overdue = match days {
                d if d > 0 && balance > 0 => format!("{d} days"),
                _ => "-".to_owned(),
            };
            let _ = writeln!(
                text,
                "{:<7}  {:<9}  {:<10}  {:<10}  {overdue:>8}  {:>12}  {}{}",
                invoice.record.number,
                invoice.reference,
                invoice.record.invoice_date,
                invoice.record.due_date,
                format_eur(balance),
                invoice.buyer,
                match (
                    invoice.payment_state(),
                    invoice.after_issue.reminders.last()
                ) {
                    (PaymentState::Unpaid, None) => String::new(),
                    (PaymentState::Unpaid, Some(r)) => format!(" (reminded {})", local_day(r.at)),
                    (state, _) => format!(" ({})", state.words()),
                }
            );
        }
        let _ = writeln!(
            text,
            "open: {count} invoice(s), {}; overdue: {late}, {}",
            format_eur(total),
            format_eur(late_total)
        );
        Ok(out.write_all(text.as_bytes())?)
    }
}

/// Whoever pays writes the name (and the message): no control character of it reaches the
/// bookkeeper's terminal (a C1 CSI is legal XML; the message and reference are quoted with
/// escapes).
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

fn local_day(at: Timestamp) -> Date {
    at.to_zoned_datetime(helsinki()).date()
}

/// Whole days from `due` to `today` (negative before it is due).
fn days_after(due: Date, today: Date) -> i64 {
    (today - due).get_days().into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_payer_s_name_reaches_the_terminal_without_its_control_characters() {
        assert_eq!(
            super::printable("ESIMERKKI\u{9b}2J\u{1b} OY"),
            "ESIMERKKI2J OY"
        );
    }
}
