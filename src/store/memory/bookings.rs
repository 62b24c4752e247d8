//! The in-memory store's `Bookings`: written only over the sequence the writer saw.

use async_trait::async_trait;

use super::MemoryStore;
use crate::domain::{EmailKind, Order};
use crate::store::{Booked, Bookings, Result};

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
}
