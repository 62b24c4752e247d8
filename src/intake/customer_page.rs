//! The customer's own page of their order (`CustomerPage`): opened by the signed link in every
//! customer email, it reads the order and shows where it stands (nothing a GET does changes or
//! sends anything). Its actions go after a check step: cancelling under the terms, through the
//! booking page's own use case, by `customer`; asking for another date, which leaves the
//! booking as it is and tells the customer and the trainers; and correcting the invoicing
//! details until an invoice is issued (`customer_invoicing.rs`).

use std::sync::Arc;

use jiff::Timestamp;

use super::compose::Composer;
use super::counters::{Counters, EVERYONE};
use super::links::BookingSettings;
use super::{
    BY_CUSTOMER, BookWorkshop, BookingAction, BookingError, BookingOutcome, CLAIM_SECONDS,
    Deadline, after,
};
use crate::domain::{
    CancellationTerms, ChangeProblem, ChangeRequest, Delivery, EmailKind, Language, LinkError,
    Order, QuotaKind, Reference, Seller, SourceAddress, helsinki,
};
use crate::email::Invitation;
use crate::intake::Clock;
use crate::store::{Booked, Corrections, Orders, StoreError};

/// Why the page shows nothing of an order. The page says the same to all but a store failure.
#[derive(Debug, thiserror::Error)]
pub enum CustomerPageError {
    #[error("customer link refused: {0}")]
    Link(#[from] LinkError),
    #[error("links are not configured (BOOKING_LINK_SECRET)")]
    NotConfigured,
    #[error("no order {0}")]
    NotFound(Reference),
    /// The order's emailing actions for the day are used up (`QuotaKind::OrderActions`).
    #[error("order {0}: too many actions on its page today")]
    TooMany(Reference),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What asking for another date did (or would do, at the check step).
#[derive(Debug, Clone, PartialEq)]
pub enum RequestOutcome {
    /// Written and its emails sent (or left to the retry run): the order as it now stands.
    Done(Box<Order>),
    /// The booking changed since the page was read: nothing written.
    Conflict,
    /// The workshop has started: nothing written.
    Started,
    Invalid(Vec<ChangeProblem>),
}

/// The reason a cancellation gives when the customer wrote none, in a language.
pub type Unsaid = fn(Language) -> &'static str;

fn booking_error(error: BookingError) -> CustomerPageError {
    match error {
        BookingError::Link(error) => CustomerPageError::Link(error),
        BookingError::NotConfigured => CustomerPageError::NotConfigured,
        BookingError::NotFound(reference)
        | BookingError::NothingToCancel(reference)
        | BookingError::Sealed(reference) => CustomerPageError::NotFound(reference),
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
    /// The invoicing details' corrections (`orders set-invoicing`'s, by `customer`).
    pub(super) corrections: Arc<dyn Corrections>,
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

    /// What asking for another date over the booking at `expected` would ask (the page's check
    /// step), or why not. Nothing is written or sent.
    pub async fn check_request(
        &self,
        token: &str,
        expected: u32,
        dates: &[String],
        message: &str,
    ) -> Result<Result<(Order, ChangeRequest), RequestOutcome>, CustomerPageError> {
        let order = self.show(token).await?;
        Ok((self.asked(&order, expected, dates, message)).map(|request| (order, request)))
    }

    /// Asks the trainers for another date: the request is written on the order (the booking
    /// stays as it is) and the customer gets a receipt, the trainers a note with their link;
    /// over the hour's limit of trainer notifications the note waits for the next hour.
    pub async fn request_change(
        &self,
        token: &str,
        expected: u32,
        dates: &[String],
        message: &str,
        deadline: Deadline,
    ) -> Result<RequestOutcome, CustomerPageError> {
        let mut order = self.show(token).await?;
        let request = match self.asked(&order, expected, dates, message) {
            Ok(request) => request,
            Err(outcome) => return Ok(outcome),
        };
        self.take_action(&order).await?;
        let now = self.now();
        order.change_request = Some(request);
        self.claim_pair(&mut order, EmailKind::REQUEST, now).await?;
        match self.book.bookings.request_change(&order, expected).await? {
            Booked::Stored => {}
            Booked::Conflict(_) => return Ok(RequestOutcome::Conflict),
            Booked::NoOrder => return Err(CustomerPageError::NotFound(order.reference)),
        }
        tracing::info!(order_id = %order.order_id, "another date asked by the customer");
        self.send_claimed(&mut order, EmailKind::REQUEST, deadline)
            .await;
        Ok(RequestOutcome::Done(Box::new(order)))
    }

    /// Takes one of the order's emailing actions for the day: `TooMany` when none is left.
    pub(super) async fn take_action(&self, order: &Order) -> Result<(), CustomerPageError> {
        let reference = order.reference.as_str();
        let now = self.now();
        let counter = (self.counters.limits).counter(QuotaKind::OrderActions, reference, now);
        match self.counters.quotas.take_quota(&counter).await? {
            true => Ok(()),
            false => {
                tracing::warn!(order_id = %order.order_id, "customer page action refused: the order's actions for the day are used up");
                Err(CustomerPageError::TooMany(order.reference.clone()))
            }
        }
    }

    /// Claims a pair of emails (the customer's, the trainers') for sending now; the trainers'
    /// takes a unit of their hourly notifications, and over it waits for the next hour.
    pub(super) async fn claim_pair(
        &self,
        order: &mut Order,
        [customer, trainers]: [EmailKind; 2],
        now: Timestamp,
    ) -> Result<(), CustomerPageError> {
        let sending = Delivery::Sending {
            attempts: 0,
            until: after(now, CLAIM_SECONDS),
        };
        let counter =
            (self.counters.limits).counter(QuotaKind::TrainerNotifications, EVERYONE, now);
        let note = match self.counters.quotas.take_quota(&counter).await? {
            true => sending.clone(),
            false => Delivery::Pending {
                attempts: 0,
                next_attempt_at: counter.window_end,
            },
        };
        order.set_delivery(customer, sending);
        order.set_delivery(trainers, note);
        Ok(())
    }

    /// Sends a claimed pair (`claim_pair`): both, or the customer's alone while the trainers'
    /// waits for the next hour.
    pub(super) async fn send_claimed(
        &self,
        order: &mut Order,
        [customer, trainers]: [EmailKind; 2],
        deadline: Deadline,
    ) {
        if let Some(Delivery::Pending { .. }) = order.delivery(trainers) {
            tracing::warn!(order_id = %order.order_id, email = trainers.as_str(), "trainers' note waits: over the hour's trainer notifications");
            let sent = (self.book.sender).send_one(order, customer, deadline).await;
            order.set_delivery(customer, sent);
        } else {
            (self.book.sender)
                .send_pair(order, [customer, trainers], deadline)
                .await
        }
    }

    /// The request the page's fields make over the booking at `expected`, or why not.
    fn asked(
        &self,
        order: &Order,
        expected: u32,
        dates: &[String],
        message: &str,
    ) -> Result<ChangeRequest, RequestOutcome> {
        let now = self.now();
        let booking = order.booking.as_ref();
        if booking.map_or(0, |b| b.sequence) != expected {
            return Err(RequestOutcome::Conflict);
        }
        if booking.is_some_and(|b| b.is_booked() && b.start_utc() <= now) {
            return Err(RequestOutcome::Started);
        }
        let today = helsinki().to_datetime(now).date();
        ChangeRequest::parse(dates, message, today, now).map_err(RequestOutcome::Invalid)
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
