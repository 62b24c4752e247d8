//! What an order's email says, decided when it is sent from the order as it then stands
//! (`Composer`): the customer's and the trainers' emails, the booking's, the reminders, and the
//! trainers' digest and alerts.

use jiff::Timestamp;

use super::links::BookingLinks;
use crate::domain::{
    CancellationTerms, EmailAddress, EmailKind, Order, Outcome, Reference, Seller, Trainer,
};
use crate::email::{
    Audience, BookingEmails, Email, Invitation, booking_email, booking_note, breaker_alert,
    customer_email, invitation, invoicing_note, invoicing_receipt, payment_reminder,
    practical_email, reminder_email, reminder_note, request_note, request_receipt, trainer_digest,
    trainer_email, undelivered_alert,
};

/// The organizer's name where no seller is configured (tests).
const SELLER_NAME: &str = "Some-työpajat";

/// Composes an order's emails.
#[derive(Clone)]
pub(super) struct Composer {
    pub(super) trainers: Vec<EmailAddress>,
    /// The seller's details and terms for the customer's emails.
    pub(super) seller: Option<Seller>,
    /// The booking page's links, in the trainers' emails.
    pub(super) links: Option<BookingLinks>,
    /// `ORGANIZER_EMAIL`: the invitation's `ORGANIZER`.
    pub(super) organizer: String,
    /// `TRAINERS`: the invitation's attendees who lead the workshop.
    pub(super) roster: Vec<Trainer>,
    /// The cancellation terms, whose sentence leads the confirmation's terms.
    pub(super) terms: CancellationTerms,
}

impl Composer {
    /// A fresh link to the order's booking page, when bookings are configured.
    fn link(&self, reference: &Reference, now: Timestamp) -> Option<String> {
        self.links.as_ref()?.link(reference, now)
    }

    /// The email of `kind` as the order now stands; `None` when there is nothing to say.
    pub(super) fn compose(&self, order: &Order, kind: EmailKind, now: Timestamp) -> Option<Email> {
        let link = self.link(&order.reference, now);
        let context = self.booking_context(order, now);
        let booking = order.booking.as_ref();
        let booked = booking.filter(|b| b.is_booked());
        Some(match kind {
            EmailKind::Customer => customer_email(
                order,
                &self.trainers,
                self.seller.as_ref(),
                context.customer_link.as_deref(),
                self.terms,
            ),
            EmailKind::Trainer => trainer_email(order, &self.trainers, link.as_deref()),
            EmailKind::Booking => booking_email(order, booking?, &context),
            EmailKind::BookingNote => booking_note(order, booking?, &context, link.as_deref()),
            EmailKind::Reminder => reminder_email(order, booked?, &context),
            EmailKind::ReminderNote => reminder_note(order, booked?, &context, link.as_deref()),
            EmailKind::Practical => practical_email(order, booked?, &context),
            EmailKind::Request => request_receipt(
                order,
                order.change_request.as_ref()?,
                &self.trainers,
                context.customer_link.clone(),
            ),
            EmailKind::RequestNote => request_note(
                order,
                order.change_request.as_ref()?,
                &self.trainers,
                link.as_deref(),
            ),
            EmailKind::Invoicing => {
                invoicing_receipt(order, &self.trainers, context.customer_link.clone())
            }
            EmailKind::InvoicingNote => invoicing_note(order, &self.trainers, link.as_deref()),
            EmailKind::PaymentReminder => {
                let invoice_questions = self.seller.as_ref().and_then(|s| s.email.as_ref());
                payment_reminder(
                    order,
                    &self.trainers,
                    invoice_questions,
                    context.customer_link.clone(),
                )?
            }
        })
    }

    /// What the booking emails need beside the order, and the customer's link to its page.
    fn booking_context(&self, order: &Order, now: Timestamp) -> BookingEmails<'_> {
        BookingEmails {
            trainers: &self.trainers,
            organizer: &self.organizer,
            organizer_name: (self.seller.as_ref()).map_or(SELLER_NAME, |s| s.name.as_str()),
            roster: &self.roster,
            phone: self.seller.as_ref().map(|s| s.phone.as_str()),
            customer_link: self.links.as_ref().and_then(|l| l.customer_link(order)),
            terms: self.terms,
            now,
        }
    }

    /// The customer's invitation to the order's booking as it now stands (the customer page's
    /// calendar download).
    pub(super) fn calendar(&self, order: &Order, now: Timestamp) -> Option<Invitation> {
        let booking = order.booking.as_ref()?;
        let context = self.booking_context(order, now);
        Some(invitation(order, booking, &context, Audience::Customer))
    }

    /// The trainers' digest of the orders whose notifications were held over the hour's limit.
    pub(super) fn digest(&self, orders: &[Order], now: Timestamp) -> Email {
        let entries: Vec<(&Order, Option<String>)> = (orders.iter())
            .map(|order| (order, self.link(&order.reference, now)))
            .collect();
        trainer_digest(&self.trainers, &entries)
    }

    /// The trainers' alert that the customer's confirmation did not arrive.
    pub(super) fn undelivered(
        &self,
        order: &Order,
        kind: EmailKind,
        address: &str,
        outcome: Outcome,
        now: Timestamp,
    ) -> Email {
        let link = self.link(&order.reference, now);
        undelivered_alert(
            order,
            kind,
            address,
            outcome,
            &self.trainers,
            link.as_deref(),
        )
    }

    /// The trainers' alert that the reputation breaker tripped.
    pub(super) fn breaker_tripped(&self, bounces: u32, complaints: u32, quiet_hours: u32) -> Email {
        breaker_alert(&self.trainers, bounces, complaints, quiet_hours)
    }
}
