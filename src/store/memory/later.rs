//! The in-memory store's retention (erasure) and bookings, with the DynamoDB store's rules.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::domain::{BreakerState, MAX_STRIKES_KEPT, Strike};
use crate::domain::{Delivery, EmailKind, Order, Reference};
use crate::store::{Booked, Bookings, Erasure, Reputation, Result, Retention};

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
        if let Some(booking) = &mut order.booking {
            for (text, attribute) in [
                (&mut booking.note, crate::store::Attribute::BookingNote),
                (&mut booking.reason, crate::store::Attribute::BookingReason),
            ] {
                if text.take().is_some() {
                    personal.push(attribute.name());
                }
            }
        }
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
}

#[async_trait]
impl Bookings for MemoryStore {
    async fn book(&self, order: &Order, expected: u32) -> Result<Booked> {
        let mut state = self.available()?;
        if state.erased.contains_key(order.reference.as_str()) {
            return Ok(Booked::NoOrder);
        }
        let Some(stored) = state.orders.get_mut(order.reference.as_str()) else {
            return Ok(Booked::NoOrder);
        };
        let sequence = stored.booking.as_ref().map_or(0, |b| b.sequence);
        if sequence != expected {
            return Ok(Booked::Conflict(stored.booking.clone()));
        }
        stored.booking = order.booking.clone();
        for kind in EmailKind::AFTER_BOOKING {
            if let Some(delivery) = order.delivery(kind) {
                stored.set_delivery(kind, delivery.clone());
            }
        }
        Ok(Booked::Stored)
    }
}

#[async_trait]
impl Reputation for MemoryStore {
    async fn strike(&self, strike: Strike, at: Timestamp) -> Result<BreakerState> {
        let mut state = self.available()?;
        let list = match strike {
            Strike::Bounce => &mut state.breaker.bounces,
            Strike::Complaint => &mut state.breaker.complaints,
        };
        list.push(at);
        // As the DynamoDB store: over the bound, the newest half is kept.
        if list.len() > MAX_STRIKES_KEPT {
            list.drain(..list.len() - MAX_STRIKES_KEPT / 2);
        }
        Ok(state.breaker.clone())
    }

    async fn trip(&self, at: Timestamp) -> Result<bool> {
        let mut state = self.available()?;
        let first = !state.breaker.is_tripped();
        if first {
            state.breaker.tripped_at = Some(at);
        }
        Ok(first)
    }

    async fn breaker(&self) -> Result<BreakerState> {
        Ok(self.available()?.breaker.clone())
    }

    async fn reset_breaker(&self, at: Timestamp) -> Result<()> {
        let mut state = self.available()?;
        state.breaker.tripped_at = None;
        state.breaker.reset_at = Some(at);
        Ok(())
    }
}
