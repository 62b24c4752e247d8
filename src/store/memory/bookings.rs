//! The in-memory store's `Bookings`: written only over the sequence the writer saw.

use async_trait::async_trait;

use super::MemoryStore;
use crate::domain::{EmailKind, Order};
use crate::store::{Booked, Bookings, Result};

#[async_trait]
impl Bookings for MemoryStore {
    async fn book(&self, order: &Order, expected: u32, seen_seal: Option<&str>) -> Result<Booked> {
        let mut state = self.available()?;
        if state.erased.contains_key(order.reference.as_str()) {
            return Ok(Booked::NoOrder);
        }
        let Some(stored) = state.orders.get_mut(order.reference.as_str()) else {
            return Ok(Booked::NoOrder);
        };
        let sequence = stored.booking.as_ref().map_or(0, |b| b.sequence);
        let request_seen = |r: &Option<crate::domain::ChangeRequest>| r.as_ref().map(|r| r.at);
        if sequence != expected
            || request_seen(&stored.change_request) != request_seen(&order.change_request)
            || stored.seal.as_deref() != seen_seal
        {
            return Ok(Booked::Conflict(stored.booking.clone()));
        }
        stored.booking = order.booking.clone();
        if order.seal.is_some() {
            stored.seal = order.seal.clone();
        }
        // The change request the writer saw is answered.
        stored.change_request = None;
        // A new booking email: what SES said of the last one, and who was told, are gone.
        stored.reports.booking_outcome = None;

        for kind in EmailKind::AFTER_BOOKING {
            if let Some(delivery) = order.delivery(kind) {
                stored.set_delivery(kind, delivery.clone());
            }
        }
        let reference = order.reference.as_str().to_owned();
        state.told.remove(&(reference, EmailKind::Booking.as_str()));
        Ok(Booked::Stored)
    }

    async fn request_change(&self, order: &Order, expected: u32) -> Result<Booked> {
        let mut state = self.available()?;
        if state.erased.contains_key(order.reference.as_str()) {
            return Ok(Booked::NoOrder);
        }
        let Some(stored) = state.orders.get_mut(order.reference.as_str()) else {
            return Ok(Booked::NoOrder);
        };
        if stored.booking.as_ref().map_or(0, |b| b.sequence) != expected {
            return Ok(Booked::Conflict(stored.booking.clone()));
        }
        stored.change_request = order.change_request.clone();
        for kind in EmailKind::REQUEST {
            if let Some(delivery) = order.delivery(kind) {
                stored.set_delivery(kind, delivery.clone());
            }
        }
        Ok(Booked::Stored)
    }
}
