//! The customer's own page of their order (`CustomerPage`): opened by the signed link in every
//! customer email, it reads the order and shows where it stands. Reading only: nothing a GET
//! does changes or sends anything.

use std::sync::Arc;

use jiff::Timestamp;

use super::compose::Composer;
use super::links::BookingSettings;
use crate::domain::{LinkError, Order, Reference, Seller};
use crate::email::Invitation;
use crate::intake::Clock;
use crate::store::{Orders, StoreError};

/// Why the page shows nothing of an order. The page says the same to all but a store failure.
#[derive(Debug, thiserror::Error)]
pub enum CustomerPageError {
    #[error("customer link refused: {0}")]
    Link(#[from] LinkError),
    #[error("links are not configured (BOOKING_LINK_SECRET)")]
    NotConfigured,
    #[error("no order {0}")]
    NotFound(Reference),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The customer page's use case.
pub struct CustomerPage {
    pub(super) orders: Arc<dyn Orders>,
    pub(super) composer: Composer,
    pub(super) settings: BookingSettings,
    pub(super) clock: Clock,
}

impl CustomerPage {
    /// The order a customer link opens: signed for it, not expired (by the token's date and by
    /// the order's as it now stands), and not erased.
    pub async fn show(&self, token: &str) -> Result<Order, CustomerPageError> {
        let links = self.settings.links.as_ref();
        let now = self.now();
        let grant = links.ok_or(CustomerPageError::NotConfigured)?;
        let (grant, generation) = grant.verify_customer(token, now)?;
        let order = match self.orders.load(&grant.reference).await {
            Ok(Some(order)) => order,
            Ok(None) | Err(StoreError::Unreadable { .. }) => {
                return Err(CustomerPageError::NotFound(grant.reference));
            }
            Err(error) => return Err(error.into()),
        };
        if now >= order.customer_link_expiry() {
            return Err(LinkError::Expired.into());
        }
        if generation != order.customer_link_generation {
            return Err(LinkError::Revoked.into());
        }
        Ok(order)
    }

    /// The booking's invitation as it now stands, for the customer's calendar.
    pub fn calendar(&self, order: &Order) -> Option<Invitation> {
        self.composer.calendar(order, self.now())
    }

    /// What the customer gave beyond the package, as their confirmation lists it.
    pub fn details(&self, order: &Order) -> Vec<(&'static str, String)> {
        crate::email::customer_details(&order.details)
    }

    /// The seller's phone and terms, for the page.
    pub fn seller(&self) -> Option<&Seller> {
        self.composer.seller.as_ref()
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }
}
