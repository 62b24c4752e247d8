//! The use case of a booking (`BookWorkshop`): a trainer books, changes or cancels the
//! workshop's date from the booking page (a signed link), or an operator with `orders book`.
//! The booking is written over the one the writer saw; its emails and reminders are states on
//! the order like every other email, sent here and retried by the scheduled run.

use std::sync::Arc;

use jiff::Timestamp;

use super::links::BookingSettings;
use super::release::{Released, release_waiting};
use super::sending::Sender;
use super::{CLAIM_SECONDS, Clock, Deadline, after};
use crate::domain::{
    Booking, BookingForm, BookingProblem, BookingRequest, BookingState, Delivery, EmailKind,
    FeeVat, LinkError, LinkGrant, Order, Reference, SealCheck, helsinki,
};
use crate::store::{Booked, Bookings, EmailQueue, Orders, StoreError};

/// Who changed a booking, as stored with it: an operator's command.
pub const BY_OPERATOR: &str = "orders";
/// Who changed a booking from the customer's own page.
pub const BY_CUSTOMER: &str = "customer";
/// A cancellation's reason at most.
pub const MAX_REASON_LENGTH: usize = 500;
/// Changes a booking link may make to one order. A link can leak (a trainer's reply quotes the
/// notification to the customer): each change emails the customer and the trainers, so what a
/// leaked link can send is bounded; an operator (`orders book`) is not counted against it.
pub const MAX_CHANGES_BY_LINK: u32 = 10;

/// What a trainer (or an operator) asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingAction {
    Book(BookingForm),
    Cancel { reason: String },
}

/// What asking did.
#[derive(Debug, Clone, PartialEq)]
pub enum BookingOutcome {
    /// Written and its emails sent (or left to the retry run): the order as it now stands.
    Done(Box<Order>),
    /// Someone changed it first: the booking as it now stands, nothing written.
    Conflict(Option<Booking>),
    /// The form has mistakes: nothing written.
    Invalid(Vec<BookingProblem>),
}

#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("booking link refused: {0}")]
    Link(#[from] LinkError),
    #[error("bookings are not configured (BOOKING_LINK_SECRET)")]
    NotConfigured,
    #[error("no order {0}")]
    NotFound(Reference),
    #[error("order {0} has no booking to cancel")]
    NothingToCancel(Reference),
    /// Its seal does not verify: not sealed yet (the first scheduled run after the upgrade
    /// seals it), or written by someone but the function (alarmed).
    #[error("{refusal} ({0})", refusal = super::resend::SEAL_REFUSAL)]
    Sealed(Reference),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The booking use case.
pub struct BookWorkshop {
    pub(super) orders: Arc<dyn Orders>,
    pub(super) bookings: Arc<dyn Bookings>,
    pub(super) queue: Arc<dyn EmailQueue>,
    pub(super) sender: Sender,
    pub(super) settings: BookingSettings,
    pub(super) clock: Clock,
}

impl BookWorkshop {
    pub fn roster(&self) -> &[String] {
        &self.settings.roster
    }

    /// The booking page's origin: where its form posts come from.
    pub fn page_origin(&self) -> Option<crate::domain::WebOrigin> {
        self.settings.links.as_ref()?.page_origin()
    }

    /// A fresh link to the order's booking page (after a sign-in).
    pub fn fresh_link(&self, reference: &Reference) -> Option<String> {
        self.settings
            .links
            .as_ref()?
            .link(reference, (self.clock)())
    }

    /// Which order a link opens, if it opens one now.
    pub fn open(&self, token: &str) -> Result<LinkGrant, BookingError> {
        let links = (self.settings.links.as_ref()).ok_or(BookingError::NotConfigured)?;
        Ok(links.verify(token, (self.clock)())?)
    }

    /// The order a link opens, for its page. Reads only.
    pub async fn show(&self, token: &str) -> Result<(LinkGrant, Order), BookingError> {
        let grant = self.open(token)?;
        let order = self.load(&grant.reference).await?;
        Ok((grant, order))
    }

    async fn load(&self, reference: &Reference) -> Result<Order, BookingError> {
        match self.orders.load(reference).await {
            Ok(Some(order)) => Ok(order),
            // An erased order cannot be read whole: there is nobody to invite.
            Ok(None) | Err(StoreError::Unreadable { .. }) => {
                Err(BookingError::NotFound(reference.clone()))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Books, changes or cancels, over the booking at `expected` (its sequence; 0: none), and
    /// sends the customer's booking email and the trainers' note. `by`: the link's id, or
    /// `BY_OPERATOR`.
    pub async fn act(
        &self,
        reference: &Reference,
        expected: u32,
        action: BookingAction,
        by: &str,
        deadline: Deadline,
    ) -> Result<BookingOutcome, BookingError> {
        let now = (self.clock)();
        let mut order = self.load(reference).await?;
        let booking = match self.checked(&order, expected, action, by, now)? {
            Ok(booking) => booking,
            Err(outcome) => return Ok(outcome),
        };
        if self.sender.check_seal(&order, "booking") != SealCheck::Intact {
            return Err(BookingError::Sealed(reference.clone()));
        }
        let seen = order.seal.take();
        let change = booking.change();
        self.schedule_emails(&mut order, &booking, now);
        order.booking = Some(booking);
        self.sender.seal(&mut order);
        match self
            .bookings
            .book(&order, expected, seen.as_deref())
            .await?
        {
            Booked::Stored => {}
            Booked::Conflict(current) => return Ok(BookingOutcome::Conflict(current)),
            Booked::NoOrder => return Err(BookingError::NotFound(reference.clone())),
        }
        // The customer's request for another date, if any, is answered by this change.
        order.change_request = None;
        crate::measure::booking(change);
        tracing::info!(order_id = %order.order_id, reference = %reference, booking = change.as_str(), by, "booking written");
        self.sender
            .send_pair(
                &mut order,
                [EmailKind::Booking, EmailKind::BookingNote],
                deadline,
            )
            .await;
        if order.booking.as_ref().is_some_and(Booking::is_booked) {
            // Booking the order is a person's word for it: a waiting confirmation goes too.
            self.release_confirmation(&mut order, by, deadline).await?;
        }
        Ok(BookingOutcome::Done(Box::new(order)))
    }

    /// What booking would do, without doing it (the page's check step): the order as it
    /// would stand and the customer's email as it would go, in their language; or, as `act`
    /// would answer, a conflict or the form's mistakes. Nothing is written or sent.
    pub async fn check(
        &self,
        reference: &Reference,
        expected: u32,
        action: BookingAction,
        by: &str,
    ) -> Result<Result<(Order, crate::email::Email), BookingOutcome>, BookingError> {
        let now = (self.clock)();
        let mut order = self.load(reference).await?;
        let booking = match self.checked(&order, expected, action, by, now)? {
            Ok(booking) => booking,
            Err(outcome) => return Ok(Err(outcome)),
        };
        self.schedule_emails(&mut order, &booking, now);
        order.booking = Some(booking);
        let email = (self.sender.preview(&order, EmailKind::Booking))
            .ok_or_else(|| BookingError::NotFound(reference.clone()))?;
        Ok(Ok((order, email)))
    }

    /// The booking an action makes over the one at `expected`, or why not: someone changed it
    /// first, the workshop has started (an operator still may), too many changes by the page,
    /// or the form's mistakes.
    fn checked(
        &self,
        order: &Order,
        expected: u32,
        action: BookingAction,
        by: &str,
        now: Timestamp,
    ) -> Result<Result<Booking, BookingOutcome>, BookingError> {
        if order.booking.as_ref().map_or(0, |b| b.sequence) != expected {
            return Ok(Err(BookingOutcome::Conflict(order.booking.clone())));
        }
        let started =
            (order.booking.as_ref()).is_some_and(|b| b.is_booked() && b.start_utc() <= now);
        if by != BY_OPERATOR && started {
            tracing::warn!(order_id = %order.order_id, "booking change refused: the workshop has started");
            return Ok(Err(BookingOutcome::Invalid(vec![
                BookingProblem::AlreadyStarted,
            ])));
        }
        if by != BY_OPERATOR && expected >= MAX_CHANGES_BY_LINK {
            tracing::warn!(order_id = %order.order_id, by, "booking change refused: too many by link");
            return Ok(Err(BookingOutcome::Invalid(vec![
                BookingProblem::TooManyChanges,
            ])));
        }
        Ok(self
            .next_booking(order, expected, action, by, now)?
            .map_err(BookingOutcome::Invalid))
    }

    /// Sends the order's confirmation, if it waits for a person (held or unverified).
    pub async fn release(
        &self,
        reference: &Reference,
        by: &str,
        deadline: Deadline,
    ) -> Result<Released, BookingError> {
        let mut order = self.load(reference).await?;
        self.release_confirmation(&mut order, by, deadline).await
    }

    async fn release_confirmation(
        &self,
        order: &mut Order,
        by: &str,
        deadline: Deadline,
    ) -> Result<Released, BookingError> {
        let released = release_waiting(&*self.queue, &self.sender, order, by, deadline).await?;
        if let Released::Sent(delivery) = &released {
            order.set_delivery(EmailKind::Customer, delivery.clone());
        }
        Ok(released)
    }

    /// The booking as it will stand, or what is wrong with the form.
    fn next_booking(
        &self,
        order: &Order,
        expected: u32,
        action: BookingAction,
        by: &str,
        now: Timestamp,
    ) -> Result<Result<Booking, Vec<BookingProblem>>, BookingError> {
        let today = now.to_zoned_datetime(helsinki()).date();
        let (request, state, reason) = match action {
            BookingAction::Book(form) => {
                let form = form.with_end_for(order.details.package);
                match BookingRequest::parse(&form, &self.settings.roster, today) {
                    Ok(request) => (request, BookingState::Booked, None),
                    Err(problems) => return Ok(Err(problems)),
                }
            }
            BookingAction::Cancel { reason } => {
                let Some(current) = order.booking.as_ref().filter(|b| b.is_booked()) else {
                    return Err(BookingError::NothingToCancel(order.reference.clone()));
                };
                // Plain text the customer gets: the order form's rules, links too.
                let Ok(Some(reason)) = crate::domain::plain_text(&reason, MAX_REASON_LENGTH, false)
                else {
                    return Ok(Err(vec![BookingProblem::ReasonInvalid]));
                };
                let request = BookingRequest {
                    start: current.start,
                    end: current.end,
                    place: current.place.clone(),
                    trainers: current.trainers.clone(),
                    note: current.note.clone(),
                };
                (request, BookingState::Cancelled, Some(reason))
            }
        };
        let (fee_percent, fee_vat) = self.fee(state, by, request.start, now);
        Ok(Ok(Booking {
            state,
            start: request.start,
            end: request.end,
            place: request.place,
            trainers: request.trainers,
            note: request.note,
            reason,
            sequence: expected + 1,
            changed_at: now,
            changed_by: by.to_owned(),
            fee_percent,
            fee_vat,
        }))
    }

    /// A cancellation's fee and its VAT as the terms say: ours to cancel is free; the
    /// customer's costs what the terms say on the day.
    fn fee(
        &self,
        state: BookingState,
        by: &str,
        start: jiff::civil::DateTime,
        now: Timestamp,
    ) -> (Option<u32>, Option<FeeVat>) {
        let terms = self.settings.terms;
        let percent = match (state, by) {
            (BookingState::Booked, _) => None,
            (BookingState::Cancelled, BY_CUSTOMER) => Some(terms.fee_percent_at(start, now)),
            (BookingState::Cancelled, _) => Some(0),
        };
        (percent, percent.filter(|p| *p > 0).map(|_| terms.fee_vat))
    }

    /// The emails the booking sets going: its own two, claimed by this request, and the
    /// reminders, due when they are (a cancelled booking's unsent reminders are dropped).
    fn schedule_emails(&self, order: &mut Order, booking: &Booking, now: Timestamp) {
        let until = after(now, CLAIM_SECONDS);
        for kind in [EmailKind::Booking, EmailKind::BookingNote] {
            order.set_delivery(kind, Delivery::Sending { attempts: 0, until });
        }
        let same_day =
            (order.booking.as_ref()).is_some_and(|b| b.is_booked() && b.start == booking.start);
        let practical = booking.practical_reminder_at(now);
        let reminder = match self.settings.reminder_days_before {
            Some(days) => booking.customer_reminder_at(days, now),
            None => booking.customer_reminder_before(self.settings.terms, now),
        };
        // Not on the practical reminder's heels: one email then says it all.
        let reminder = reminder.filter(|at| practical.is_some_and(|p| *at < p));
        for (kind, at) in [
            (EmailKind::Reminder, reminder),
            (EmailKind::ReminderNote, booking.trainer_reminder_at(now)),
            (EmailKind::Practical, practical),
        ] {
            let current = order.delivery(kind).cloned();
            let next = match (booking.is_booked(), at, &current) {
                // Sent for this same day already: once is enough.
                (true, _, Some(Delivery::Sent { .. })) if same_day => continue,
                (true, Some(at), _) => Delivery::Pending {
                    attempts: 0,
                    next_attempt_at: at,
                },
                (_, _, Some(delivery)) if delivery.is_final() => continue,
                (_, _, None) => continue,
                (_, _, Some(_)) => Delivery::Dropped,
            };
            order.set_delivery(kind, next);
        }
    }
}
