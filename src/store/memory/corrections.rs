//! The in-memory store's `Corrections`: the order's values replaced through the same field
//! rules as when it was read from an item, each change logged, refused once invoiced when asked.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::domain::{EmailKind, Field, OperatorAction, Order, Reference};
use crate::store::{Corrected, Corrections, InvoicingChange, Result};

impl MemoryStore {
    /// An operator's change to an order that is not erased, with its new seal over the one
    /// the writer read, and the action logged: as the DynamoDB store's `write_sealed`.
    fn write_sealed(
        &self,
        order: &Order,
        seen_seal: Option<&str>,
        action: &OperatorAction,
        change: impl FnOnce(&mut Order),
    ) -> Result<bool> {
        let mut state = self.available()?;
        let erased = state.erased.contains_key(order.reference.as_str());
        match state.orders.get_mut(order.reference.as_str()) {
            Some(stored) if !erased && stored.seal.as_deref() == seen_seal => {
                change(stored);
                stored.seal = order.seal.clone();
                stored.operator_actions.push(action.clone());
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[async_trait]
impl Corrections for MemoryStore {
    async fn fix_email(
        &self,
        order: &Order,
        seen_seal: Option<&str>,
        action: &OperatorAction,
    ) -> Result<bool> {
        self.write_sealed(order, seen_seal, action, |stored| {
            stored.details.email = order.details.email.clone();
        })
    }

    async fn remind(
        &self,
        order: &Order,
        seen_seal: Option<&str>,
        action: &OperatorAction,
    ) -> Result<bool> {
        self.write_sealed(order, seen_seal, action, |stored| {
            stored.payment_reminder = order.payment_reminder.clone();
            if let Some(delivery) = order.delivery(EmailKind::PaymentReminder) {
                stored.set_delivery(EmailKind::PaymentReminder, delivery.clone());
            }
        })
    }

    async fn log_operator_action(
        &self,
        reference: &Reference,
        action: &OperatorAction,
    ) -> Result<bool> {
        let mut state = self.available()?;
        match state.orders.get_mut(reference.as_str()) {
            Some(stored) => {
                stored.operator_actions.push(action.clone());
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn set_invoicing(
        &self,
        reference: &Reference,
        values: &[(Field, Option<String>)],
        by: &str,
        now: Timestamp,
        uninvoiced_only: bool,
    ) -> Result<Corrected> {
        let mut state = self.available()?;
        let Some(order) = state.orders.get_mut(reference.as_str()) else {
            return Ok(Corrected::NoOrder);
        };
        if uninvoiced_only && order.invoicing.current.is_some() {
            return Ok(Corrected::Invoiced);
        }
        let text = |field: Field| order.details.value(field)?.as_text().map(str::to_owned);
        let made: Vec<InvoicingChange> = (values.iter())
            .filter(|(field, new)| text(*field) != *new)
            .map(|(field, new)| InvoicingChange {
                at: now,
                by: by.to_owned(),
                field: field.name().to_owned(),
                old: text(*field),
                new: new.clone(),
            })
            .collect();
        if let Some(details) = order.details.with_texts(values) {
            order.details = details;
        }
        let log = state
            .invoicing_changes
            .entry(reference.to_string())
            .or_default();
        log.extend(made.iter().cloned());
        Ok(Corrected::Changed(made))
    }
}
