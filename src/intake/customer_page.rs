//! The customer's own page of their order (`CustomerPage`): opened by the signed link in every
//! customer email, it reads the order and shows where it stands (nothing a GET does changes or
//! sends anything); its one action, cancelling under the terms, goes after a check step
//! through the booking page's own use case, by `customer`.

use std::sync::Arc;

use jiff::Timestamp;

use super::compose::Composer;
use super::counters::Counters;
use super::links::BookingSettings;
use super::{BY_CUSTOMER, BookWorkshop, BookingAction, BookingError, BookingOutcome, Deadline};
use crate::domain::{
    CancellationTerms, Language, LinkError, Order, QuotaKind, Reference, Seller, SourceAddress,
};
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

/// The reason a cancellation gives when the customer wrote none, in a language.
pub type Unsaid = fn(Language) -> &'static str;

fn booking_error(error: BookingError) -> CustomerPageError {
    match error {
        BookingError::Link(error) => CustomerPageError::Link(error),
        BookingError::NotConfigured => CustomerPageError::NotConfigured,
        BookingError::NotFound(reference) | BookingError::NothingToCancel(reference) => {
            CustomerPageError::NotFound(reference)
        }
        BookingError::Store(error) => CustomerPageError::Store(error),
    }
}

/// The customer page's use case.
pub struct CustomerPage {
    pub(super) orders: Arc<dyn Orders>,
    /// The customer's cancellation is the booking page's, by `BY_CUSTOMER`.
    pub(super) book: BookWorkshop,
    pub(super) composer: Composer,
    pub(super) settings: BookingSettings,
    pub(super) counters: Counters,
    pub(super) clock: Clock,
}

impl CustomerPage {
    /// The order a customer link opens: signed for it, not expired (by the token's date and by
    /// the order's as it now stands), and not erased.
    pub async fn show(&self, token: &str) -> Result<Order, CustomerPageError> {
        let now = self.now();
        let links = (self.settings.links.as_ref()).ok_or(CustomerPageError::NotConfigured)?;
        let (grant, generation) = links.verify_customer(token, now)?;
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

    /// Counts a post to the page from `source`: `false` when it is over the hour's limit.
    pub async fn count_post(&self, source: &SourceAddress) -> Result<bool, CustomerPageError> {
        let counter =
            (self.counters.limits).counter(QuotaKind::PagePosts, source.as_str(), self.now());
        Ok(self.counters.quotas.take_quota(&counter).await?)
    }

    /// What cancelling would do, without doing it (the page's check step): the order as it
    /// would stand, its booking carrying the fee of the terms today; or why not.
    pub async fn check_cancel(
        &self,
        token: &str,
        expected: u32,
        reason: &str,
        unsaid: Unsaid,
    ) -> Result<Result<Order, BookingOutcome>, CustomerPageError> {
        let order = self.show(token).await?;
        let action = self.cancellation(&order, reason, unsaid);
        let checked = (self.book)
            .check(&order.reference, expected, action, BY_CUSTOMER)
            .await;
        Ok(checked.map_err(booking_error)?.map(|(order, _)| order))
    }

    /// Cancels the booking at `expected` as the customer, with the fee the terms give today
    /// (recorded on the booking), and sends the customer and the trainers the cancellation.
    pub async fn cancel(
        &self,
        token: &str,
        expected: u32,
        reason: &str,
        unsaid: Unsaid,
        deadline: Deadline,
    ) -> Result<BookingOutcome, CustomerPageError> {
        let order = self.show(token).await?;
        let action = self.cancellation(&order, reason, unsaid);
        let done = (self.book)
            .act(&order.reference, expected, action, BY_CUSTOMER, deadline)
            .await;
        if let Ok(BookingOutcome::Done(order)) = &done {
            let fee = order.booking.as_ref().and_then(|b| b.fee_percent);
            tracing::info!(order_id = %order.order_id, fee_percent = ?fee, "cancelled by the customer");
        }
        done.map_err(booking_error)
    }

    /// The customer's words to the trainers, or `unsaid` in the order's language ("at the
    /// customer's request": the page's words, which this layer does not hold).
    fn cancellation(&self, order: &Order, reason: &str, unsaid: Unsaid) -> BookingAction {
        let reason = match reason.trim() {
            "" => unsaid(order.details.language),
            reason => reason,
        };
        BookingAction::Cancel {
            reason: reason.to_owned(),
        }
    }

    /// The cancellation terms, for the page.
    pub fn terms(&self) -> CancellationTerms {
        self.settings.terms
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
