//! An order's life after it is placed: what is stored, what the client is told, and where each
//! of its emails stands.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::{
    Booking, ChangeRequest, Culprit, Delivery, InvoiceStatus, NewOrder, Package, Price, Reference,
};

/// An order as stored: the validated fields plus what the server decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub order_id: String,
    pub reference: Reference,
    pub created_at: Timestamp,
    pub price: Price,
    pub details: NewOrder,
    /// Every email of the order by kind, each with its state: the confirmation and the
    /// trainers' notification from the start (`Order::placed`), the booking's emails and
    /// reminders (`EmailKind::AFTER_BOOKING`) from when each is first due.
    pub emails: BTreeMap<EmailKind, Delivery>,
    /// What SES has reported about the customer's confirmation.
    pub reports: Reports,
    /// The workshop's date, once a trainer booked it.
    pub booking: Option<Booking>,
    /// Who placed it, as keyed hashes (none on orders stored before they were kept).
    pub culprit: Option<Culprit>,
    /// The customer links' generation: a link names the one it was signed in, and
    /// `orders customer-link revoke` moves it on, so every link sent before opens nothing.
    pub customer_link_generation: u32,
    /// The customer's request for another date, until the trainers act on the booking.
    pub change_request: Option<ChangeRequest>,
    /// Its invoices, as `orders` records them on the order.
    pub invoicing: InvoiceStatus,
    /// The function's seal over what it mails from, as stored (`OrderSeal`; `None` on an
    /// order stored before seals, until the migration seals it).
    pub seal: Option<String>,
    /// What operators did to it through the function, oldest first.
    pub operator_actions: Vec<super::OperatorAction>,
    /// The latest payment reminder (`orders remind`).
    pub payment_reminder: Option<super::PaymentReminder>,
}

/// What an order without one of its first emails (never stored so) reads as.
static NO_EMAIL: Delivery = Delivery::Dropped;

/// SES's reports about an order's confirmation, as far as the retry run needs them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reports {
    /// The confirmation's outcome for the customer, once SES reported one.
    pub customer_outcome: Option<Outcome>,
    /// After a transient bounce: when to look whether a delivery came after all, and tell the
    /// trainers if not.
    pub check_at: Option<Timestamp>,
    /// The latest booking email's outcome for the customer (the booking page shows a failure).
    pub booking_outcome: Option<Outcome>,
}

impl Order {
    /// A new order, placed `now` under a fresh id and reference, its confirmation and the
    /// trainers' notification both in the state `first` (the placing request's claim).
    pub fn placed(details: NewOrder, now: Timestamp, first: Delivery) -> Order {
        Order {
            order_id: uuid::Uuid::now_v7().to_string(),
            reference: Reference::random(),
            created_at: now,
            price: details.package.price(),
            details,
            emails: BTreeMap::from([
                (EmailKind::Customer, first.clone()),
                (EmailKind::Trainer, first),
            ]),
            reports: Reports::default(),
            booking: None,
            culprit: None,
            customer_link_generation: 0,
            change_request: None,
            invoicing: InvoiceStatus::default(),
            seal: None,
            operator_actions: Vec::new(),
            payment_reminder: None,
        }
    }

    /// Whether an operator set the customer's address (`orders fix-email`).
    pub fn address_fixed(&self) -> bool {
        (self.operator_actions.iter()).any(|action| action.what == super::FIX_EMAIL_ACTION)
    }

    /// One email's state; `None` for a booking email the order does not (yet) have.
    pub fn delivery(&self, kind: EmailKind) -> Option<&Delivery> {
        self.emails.get(&kind)
    }

    pub fn delivery_mut(&mut self, kind: EmailKind) -> Option<&mut Delivery> {
        self.emails.get_mut(&kind)
    }

    /// Sets one email's state (adding a booking email the order did not have).
    pub fn set_delivery(&mut self, kind: EmailKind, delivery: Delivery) {
        self.emails.insert(kind, delivery);
    }

    /// The customer's confirmation.
    pub fn customer_email(&self) -> &Delivery {
        self.delivery(EmailKind::Customer).unwrap_or(&NO_EMAIL)
    }

    /// The trainers' notification.
    pub fn trainer_email(&self) -> &Delivery {
        self.delivery(EmailKind::Trainer).unwrap_or(&NO_EMAIL)
    }

    /// Where the order waits in the retry queue and from when, if it waits at all. Held emails
    /// wait in places of their own, so that junk never delays an email SES failed, a reminder
    /// or a confirmation check (`RetryQueue::Due`): a held trainers' notification in the
    /// digest's, read only by the digest (`Digest`, at its time); then a confirmation held over
    /// a ceiling or by the breaker (`Held`).
    pub fn queue_place(&self) -> Option<(RetryQueue, Timestamp)> {
        let at = self.retry_at()?;
        // Emails with a time to look again (one waiting for a person has none).
        let mut waiting = self.deliveries().filter(|(_, d)| d.due_at().is_some());
        let only_held = self.reports.check_at.is_none()
            && waiting.all(|(kind, d)| {
                matches!(kind, EmailKind::Customer | EmailKind::Trainer)
                    && matches!(d, Delivery::Held { .. })
            });
        if !only_held {
            return Some((RetryQueue::Due, at));
        }
        match self.trainer_email() {
            held @ Delivery::Held { .. } => Some((RetryQueue::Digest, held.due_at().unwrap_or(at))),
            _ => Some((RetryQueue::Held, at)),
        }
    }

    /// Whether an email still has something to say at `now`: a reminder only of a booking
    /// that stands and has not started (a reminder after the start is no reminder), a booking
    /// email only with a booking.
    pub fn still_wants(&self, kind: EmailKind, now: Timestamp) -> bool {
        match kind {
            EmailKind::Customer
            | EmailKind::Trainer
            | EmailKind::Invoicing
            | EmailKind::InvoicingNote => true,
            EmailKind::Booking | EmailKind::BookingNote => self.booking.is_some(),
            EmailKind::Reminder | EmailKind::ReminderNote | EmailKind::Practical => {
                (self.booking.as_ref())
                    .is_some_and(|booking| booking.is_booked() && booking.start_utc() > now)
            }
            // Moot once the trainers acted on the booking.
            EmailKind::Request | EmailKind::RequestNote => self.change_request.is_some(),
            // Moot once its invoice is credited.
            EmailKind::PaymentReminder => (self.payment_reminder.as_ref()).is_some_and(|r| {
                (self.invoicing.current.as_ref()).is_some_and(|c| c.number == r.invoice)
            }),
        }
    }

    /// Every email the order has, with its state.
    pub fn deliveries(&self) -> impl Iterator<Item = (EmailKind, &Delivery)> {
        self.emails.iter().map(|(kind, delivery)| (*kind, delivery))
    }

    /// When the retry sweeper should next look at this order; `None` once every email is final.
    pub fn retry_at(&self) -> Option<Timestamp> {
        (self.deliveries().map(|(_, delivery)| delivery.due_at()))
            .chain([self.reports.check_at])
            .flatten()
            .min()
    }

    pub fn receipt(&self) -> Receipt {
        Receipt {
            order_id: self.order_id.clone(),
            reference: self.reference.clone(),
            package: self.details.package,
            price: self.price,
            emails_sent: self.customer_email().is_sent() && self.trainer_email().is_sent(),
            confirmation_waits: matches!(
                self.customer_email(),
                Delivery::Held { .. } | Delivery::Unverified
            ),
        }
    }
}

/// The places of the retry queue, looked at in this order by the scheduled run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RetryQueue {
    /// Emails to send or retry, reminders, confirmation checks: first in every run.
    Due,
    /// Orders waiting only on the trainers' notification held for the hour's digest (and
    /// perhaps a held confirmation): read only by the digest.
    Digest,
    /// Orders waiting only on a confirmation held over a ceiling or by the breaker.
    Held,
}

impl RetryQueue {
    pub const ALL: [RetryQueue; 3] = [RetryQueue::Due, RetryQueue::Digest, RetryQueue::Held];

    /// The index partition's value (`due` is the queue's name from before held emails had
    /// places of their own).
    pub const fn as_str(self) -> &'static str {
        match self {
            RetryQueue::Due => "due",
            RetryQueue::Digest => "digest",
            RetryQueue::Held => "held",
        }
    }
}

/// What a client is told about an order, new or replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub order_id: String,
    pub reference: Reference,
    pub package: Package,
    pub price: Price,
    pub emails_sent: bool,
    /// The confirmation waits for a person (held or unverified): the answer says so.
    pub confirmation_waits: bool,
}

/// The emails of an order: its confirmation and the trainers' notification; after a booking,
/// the customer's booking email (an invitation, an update or a cancellation, as the booking
/// then stands) and the trainers' note of it; the customer's reminder (before free cancellation
/// ends) and the trainers'; the customer's practical reminder the working day before; and
/// after a request for another date, the customer's receipt of it and the trainers' note; and
/// after the customer corrects the invoicing details, the same pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EmailKind {
    Customer,
    Trainer,
    Booking,
    BookingNote,
    Reminder,
    ReminderNote,
    Practical,
    Request,
    RequestNote,
    Invoicing,
    InvoicingNote,
    /// A reminder of an overdue invoice (`orders remind`), to the customer.
    PaymentReminder,
}

impl EmailKind {
    pub const BOTH: [EmailKind; 2] = [EmailKind::Customer, EmailKind::Trainer];
    pub const AFTER_BOOKING: [EmailKind; 5] = [
        EmailKind::Booking,
        EmailKind::BookingNote,
        EmailKind::Reminder,
        EmailKind::ReminderNote,
        EmailKind::Practical,
    ];
    /// A change request's pair: the customer's receipt and the trainers' note.
    pub const REQUEST: [EmailKind; 2] = [EmailKind::Request, EmailKind::RequestNote];
    /// A correction of the invoicing details' pair.
    pub const INVOICING: [EmailKind; 2] = [EmailKind::Invoicing, EmailKind::InvoicingNote];
    pub const ALL: [EmailKind; 12] = [
        EmailKind::Customer,
        EmailKind::Trainer,
        EmailKind::Booking,
        EmailKind::BookingNote,
        EmailKind::Reminder,
        EmailKind::ReminderNote,
        EmailKind::Practical,
        EmailKind::Request,
        EmailKind::RequestNote,
        EmailKind::Invoicing,
        EmailKind::InvoicingNote,
        EmailKind::PaymentReminder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Customer => "customer",
            EmailKind::Trainer => "trainer",
            EmailKind::Booking => "booking",
            EmailKind::BookingNote => "booking_note",
            EmailKind::Reminder => "reminder",
            EmailKind::ReminderNote => "reminder_note",
            EmailKind::Practical => "practical",
            EmailKind::Request => "request",
            EmailKind::RequestNote => "request_note",
            EmailKind::Invoicing => "invoicing",
            EmailKind::InvoicingNote => "invoicing_note",
            EmailKind::PaymentReminder => "payment_reminder",
        }
    }

    pub fn parse(text: &str) -> Option<EmailKind> {
        EmailKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether it goes to the customer (else to the trainers).
    pub fn to_customer(self) -> bool {
        matches!(
            self,
            EmailKind::Customer
                | EmailKind::Booking
                | EmailKind::Reminder
                | EmailKind::Practical
                | EmailKind::Request
                | EmailKind::Invoicing
                | EmailKind::PaymentReminder
        )
    }
}

/// What became of a sent email for one recipient, as SES reports it later. Outcomes only move
/// up this order, so a report that arrives late (a delay after the delivery) or twice changes
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Delayed,
    /// Not (yet) delivered; an auto-reply also gives a transient bounce alongside a delivery.
    TransientBounce,
    Delivered,
    /// Permanently refused by the recipient's server.
    Bounced,
    /// Refused by SES itself (a virus, a rendering failure): never left.
    Rejected,
    /// Delivered, then marked as spam by the recipient.
    Complained,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delayed => "delayed",
            Outcome::TransientBounce => "transient_bounce",
            Outcome::Delivered => "delivered",
            Outcome::Bounced => "bounced",
            Outcome::Rejected => "rejected",
            Outcome::Complained => "complained",
        }
    }

    pub const ALL: [Outcome; 6] = [
        Outcome::Delayed,
        Outcome::TransientBounce,
        Outcome::Delivered,
        Outcome::Bounced,
        Outcome::Rejected,
        Outcome::Complained,
    ];

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// Its place in the order above: a stored outcome is replaced only by a higher one.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The email did not reach the person: somebody must be told.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Outcome::Bounced | Outcome::Rejected | Outcome::Complained
        )
    }
}
