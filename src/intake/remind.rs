//! A reminder of an overdue invoice (`orders remind`): to the order's own address, in its
//! language, with the invoice's viitenumero, what is open, the due date and a new one; at most
//! one per invoice in `PAYMENT_REMINDER_DAYS`, recorded on the order with the email's claim in
//! one conditional write, so two reminders at once send one. `orders` passes what is open (the
//! function cannot read the payments); the invoice, its due date and the reference are the
//! order's own, which the operator cannot write.

use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::Date;

use super::resend::{NamedOrderError, sealed_order};
use super::sending::Sender;
use super::{CLAIM_SECONDS, Deadline, after};
use crate::domain::{
    Delivery, EmailKind, OperatorAction, PAYMENT_REMINDER_DAYS, PaymentReminder, Reference,
    format_eur, helsinki,
};
use crate::store::{Corrections, Orders, StoreError};

/// Why a reminder was not sent.
#[derive(Debug, thiserror::Error)]
pub enum RemindError {
    #[error(transparent)]
    Order(#[from] NamedOrderError),
    #[error("invoice {1} is not the current invoice of order {0} (credited, or not its own)")]
    NotCurrent(Reference, u32),
    #[error("{amount} cannot be open on invoice {1} of order {0}", amount = format_eur(*.2))]
    Amount(Reference, u32, i64),
    #[error("invoice {1} of order {0} is due on {2}: remind after that")]
    NotDue(Reference, u32, Date),
    #[error("invoice {1} of order {0} was reminded on {2}; the next reminder can go on {3}")]
    TooSoon(Reference, u32, Date, Date),
    #[error("order {0} changed meanwhile: nothing sent; try again")]
    Changed(Reference),
}

impl From<StoreError> for RemindError {
    fn from(error: StoreError) -> RemindError {
        RemindError::Order(NamedOrderError::Store(error))
    }
}

/// The use case of a payment reminder.
pub struct RemindPayment {
    pub(super) orders: Arc<dyn Orders>,
    pub(super) corrections: Arc<dyn Corrections>,
    pub(super) sender: Sender,
}

impl RemindPayment {
    /// Sends a reminder of `invoice` with `open_cents` open, and records it with `action`.
    pub async fn remind(
        &self,
        reference: &Reference,
        invoice: u32,
        open_cents: i64,
        action: &OperatorAction,
    ) -> Result<Delivery, RemindError> {
        let now = self.sender.now();
        let (orders, sender) = (&*self.orders, &self.sender);
        let mut order = sealed_order(orders, sender, reference, "payment_reminder").await?;
        let refused = |error: fn(Reference, u32) -> RemindError| error(reference.clone(), invoice);
        let Some(current) = (order.invoicing.current.clone()).filter(|c| c.number == invoice)
        else {
            return Err(refused(RemindError::NotCurrent));
        };
        if open_cents <= 0 || current.gross_cents.is_some_and(|gross| open_cents > gross) {
            return Err(RemindError::Amount(reference.clone(), invoice, open_cents));
        }
        let today = now.to_zoned_datetime(helsinki()).date();
        if today <= current.due_date {
            return Err(RemindError::NotDue(
                reference.clone(),
                invoice,
                current.due_date,
            ));
        }
        let days = PAYMENT_REMINDER_DAYS.days();
        if let Some(last) = (order.payment_reminder.as_ref()).filter(|r| r.invoice == invoice) {
            let sent = last.at.to_zoned_datetime(helsinki()).date();
            let next = sent.checked_add(days).unwrap_or(sent);
            if today < next {
                return Err(RemindError::TooSoon(reference.clone(), invoice, sent, next));
            }
        }
        let seen = order.seal.take();
        order.payment_reminder = Some(PaymentReminder {
            invoice,
            open_cents,
            due_date: current.due_date,
            new_due_date: today.checked_add(days).unwrap_or(today),
            at: now,
        });
        let until = after(now, CLAIM_SECONDS);
        let claimed = Delivery::Sending { attempts: 0, until };
        order.set_delivery(EmailKind::PaymentReminder, claimed);
        sender.seal(&mut order);
        if !(self.corrections)
            .remind(&order, seen.as_deref(), action)
            .await?
        {
            return Err(RemindError::Changed(reference.clone()));
        }
        tracing::info!(order_id = %order.order_id, reference = %reference, invoice, "payment reminder written");
        let kind = EmailKind::PaymentReminder;
        Ok(sender.send_one(&order, kind, Deadline::none()).await)
    }
}
