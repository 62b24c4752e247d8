//! The in-memory store's `Retention`: erasure, as the DynamoDB store erases.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::domain::{Delivery, EmailKind, Order, Reference};
use crate::store::attribute::Attribute;
use crate::store::{Erasure, Result, Retention};

#[async_trait]
impl Retention for MemoryStore {
    async fn due_for_erasure(&self, cutoff: Timestamp, limit: usize) -> Result<Vec<Reference>> {
        let state = self.available()?;
        let mut due: Vec<&Order> = state
            .orders
            .values()
            .filter(|o| o.created_at <= cutoff && !state.erased.contains_key(o.reference.as_str()))
            .collect();
        due.sort_by_key(|o| o.created_at);
        Ok(due
            .into_iter()
            .take(limit)
            .map(|o| o.reference.clone())
            .collect())
    }

    async fn erase(&self, reference: &Reference, now: Timestamp) -> Result<Option<Erasure>> {
        let mut state = self.available()?;
        let key = reference.as_str().to_owned();
        let Some(order) = state.orders.get_mut(&key) else {
            return Ok(None);
        };
        let mut dropped = Vec::new();
        for kind in EmailKind::ALL {
            let Some(delivery) = order.delivery_mut(kind) else {
                continue;
            };
            if !delivery.is_final() {
                *delivery = Delivery::Dropped;
                dropped.push(kind.as_str());
            }
        }
        order.reports.check_at = None;
        // This store makes no invoices: invoicing texts go with the personal data.
        let invoicing = [
            crate::domain::Field::InvoiceAddress,
            crate::domain::Field::BillingReference,
        ];
        let mut personal: Vec<&'static str> = (crate::domain::Field::PERSONAL.into_iter())
            .chain(invoicing)
            .filter(|field| order.details.value(*field).is_some())
            .map(|field| field.name())
            .collect();
        personal.extend(take_written_texts(order));
        let already_erased = state.erased.contains_key(&key);
        let removed = match already_erased {
            true => Vec::new(),
            false => personal,
        };
        let mut messages_scrubbed = 0;
        for (of, kind, recipients) in state.messages.values_mut() {
            if of == reference && kind.to_customer() && !recipients.is_empty() {
                recipients.clear();
                messages_scrubbed += 1;
            }
        }
        state.erased.entry(key).or_insert(now);
        Ok(Some(Erasure {
            reference: reference.clone(),
            removed,
            dropped,
            messages_scrubbed,
            already_erased,
        }))
    }

    async fn all_sealed(&self) -> Result<bool> {
        Ok(self.available()?.all_sealed.is_some())
    }

    async fn mark_all_sealed(&self, at: Timestamp) -> Result<()> {
        self.available()?.all_sealed.get_or_insert(at);
        Ok(())
    }

    async fn unsealed(&self, month: &str) -> Result<Vec<Reference>> {
        let state = self.available()?;
        Ok((state.orders.values())
            .filter(|o| o.seal.is_none() && !state.erased.contains_key(o.reference.as_str()))
            .filter(|o| crate::store::item::order_month(o.created_at) == month)
            .map(|o| o.reference.clone())
            .collect())
    }

    async fn seal_unsealed(&self, order: &Order) -> Result<bool> {
        let mut state = self.available()?;
        let erased = state.erased.contains_key(order.reference.as_str());
        match state.orders.get_mut(order.reference.as_str()) {
            Some(stored) if stored.seal.is_none() && !erased => {
                stored.seal = order.seal.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// What people wrote to each other in the booking and a change request, taken off the order:
/// the attributes the DynamoDB store would remove.
fn take_written_texts(order: &mut crate::domain::Order) -> Vec<&'static str> {
    let mut removed = Vec::new();
    if let Some(booking) = &mut order.booking {
        for (text, attribute) in [
            (&mut booking.note, Attribute::BookingNote),
            (&mut booking.reason, Attribute::BookingReason),
        ] {
            if text.take().is_some() {
                removed.push(attribute.name());
            }
        }
    }
    if let Some(request) = order.change_request.take() {
        removed.extend(
            [Attribute::ChangeRequestAt, Attribute::ChangeRequestDates].map(Attribute::name),
        );
        if request.message.is_some() {
            removed.push(Attribute::ChangeRequestMessage.name());
        }
    }
    removed
}
