//! The composition of the use cases: `Wiring` holds the parts, set once at start-up (or by a
//! test), and builds each use case with only the ports it uses.

use std::sync::Arc;
use std::time::Duration;

use super::alerts::Alerts;
use super::compose::Composer;
use super::counters::Counters;
use super::sending::Sender;
use super::{
    BookWorkshop, BookingSettings, Clock, CustomerPage, DEFAULT_BACKOFF_SECONDS,
    DEFAULT_RETENTION_MONTHS, EMAIL_NEEDS, EraseExpired, HandleReport, OperatorDesk, PlaceOrder,
    Release, RemindPayment, Resend, RetryEmails, SealOrders, TrainerSignIn,
};
use crate::domain::{EmailAddress, Limits, OrderSeal, Seller};
use crate::email::Mailer;
use crate::human_check::HumanCheck;
use crate::store::Stores;

/// The parts the use cases are built from, set once at start-up (or by a test).
#[derive(Clone)]
pub struct Wiring {
    pub stores: Stores,
    pub mailer: Arc<dyn Mailer>,
    pub trainers: Vec<EmailAddress>,
    /// The seller's details and terms, shown in every customer email.
    pub seller: Option<Seller>,
    pub clock: Clock,
    pub limits: Limits,
    /// What one email needs (send, then record): less time than this left, it is not started.
    pub email_needs: Duration,
    /// How long after an order its personal data is kept.
    pub retention_months: u32,
    /// The booking page's links, the invitations' organizer, the trainers' names.
    pub booking: BookingSettings,
    /// Turnstile, when configured (`TURNSTILE_SECRET`).
    pub human_check: Option<Arc<dyn HumanCheck>>,
    /// The first wait after a failed send (`backoff_from`).
    pub backoff_seconds: u32,
    /// The orders' seal (`ORDER_SEAL_SECRET`); unset, a key of this process alone.
    pub seal: OrderSeal,
}

impl Wiring {
    pub fn new(
        stores: Stores,
        mailer: Arc<dyn Mailer>,
        trainers: Vec<EmailAddress>,
        clock: Clock,
        limits: Limits,
    ) -> Wiring {
        Wiring {
            stores,
            mailer,
            trainers,
            seller: None,
            clock,
            limits,
            email_needs: EMAIL_NEEDS,
            retention_months: DEFAULT_RETENTION_MONTHS,
            booking: BookingSettings::default(),
            human_check: None,
            backoff_seconds: DEFAULT_BACKOFF_SECONDS,
            seal: OrderSeal::random(),
        }
    }

    /// The configured seal, which verifies what other processes with it sealed.
    pub fn with_seal(mut self, seal: OrderSeal) -> Wiring {
        self.seal = seal;
        self
    }

    /// Another first wait after a failed send than `DEFAULT_BACKOFF_SECONDS` (the end-to-end
    /// run waits it out for real).
    pub fn with_backoff_seconds(mut self, seconds: u32) -> Wiring {
        self.backoff_seconds = seconds;
        self
    }

    /// A human check before every automatic confirmation (Turnstile).
    pub fn with_human_check(mut self, check: Arc<dyn HumanCheck>) -> Wiring {
        self.human_check = Some(check);
        self
    }

    /// Bookings: signed links to the booking page, the organizer, the trainers' names.
    pub fn with_booking(mut self, booking: BookingSettings) -> Wiring {
        self.booking = booking;
        self
    }

    pub fn book_workshop(&self) -> BookWorkshop {
        BookWorkshop {
            orders: self.stores.orders.clone(),
            bookings: self.stores.bookings.clone(),
            queue: self.stores.queue.clone(),
            sender: self.sender(),
            settings: self.booking.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn customer_page(&self) -> CustomerPage {
        CustomerPage {
            orders: self.stores.orders.clone(),
            book: self.book_workshop(),
            composer: self.composer(),
            counters: self.counters(),
            settings: self.booking.clone(),
            corrections: self.stores.corrections.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn trainer_sign_in(&self) -> TrainerSignIn {
        TrainerSignIn {
            sessions: self.stores.sessions.clone(),
            counters: self.counters(),
            mailer: self.mailer.clone(),
            settings: self.booking.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn with_seller(mut self, seller: Seller) -> Wiring {
        self.seller = Some(seller);
        self
    }

    /// Another retention time than `DEFAULT_RETENTION_MONTHS`.
    pub fn with_retention_months(mut self, months: u32) -> Wiring {
        self.retention_months = months;
        self
    }

    /// Another estimate of what one email needs (tests with slow fakes use milliseconds).
    pub fn with_email_needs(mut self, needs: Duration) -> Wiring {
        self.email_needs = needs;
        self
    }

    pub fn place_order(&self) -> PlaceOrder {
        PlaceOrder {
            orders: self.stores.orders.clone(),
            counters: self.counters(),
            sender: self.sender(),
            clock: self.clock.clone(),
            human_check: self.human_check.clone(),
        }
    }

    pub fn retry_emails(&self) -> RetryEmails {
        RetryEmails {
            orders: self.stores.orders.clone(),
            queue: self.stores.queue.clone(),
            reports: self.stores.reports.clone(),
            counters: self.counters(),
            sender: self.sender(),
            alerts: self.alerts(),
            erasure: self.erase_expired(),
            sealing: self.seal_orders(),
            reputation: self.stores.reputation.clone(),
            clock: self.clock.clone(),
        }
    }

    pub fn handle_report(&self) -> HandleReport {
        HandleReport {
            reports: self.stores.reports.clone(),
            orders: self.stores.orders.clone(),
            queue: self.stores.queue.clone(),
            alerts: self.alerts(),
            reputation: self.stores.reputation.clone(),
            breaker: self.limits.quotas.breaker,
        }
    }

    pub fn resend(&self) -> Resend {
        Resend {
            orders: self.stores.orders.clone(),
            queue: self.stores.queue.clone(),
            sender: self.sender(),
        }
    }

    pub fn release(&self) -> Release {
        Release {
            orders: self.stores.orders.clone(),
            queue: self.stores.queue.clone(),
            sender: self.sender(),
        }
    }

    pub fn operator_desk(&self) -> OperatorDesk {
        OperatorDesk {
            resend: self.resend(),
            release: self.release(),
            book: self.book_workshop(),
            sign_in: self.trainer_sign_in(),
            remind: RemindPayment {
                orders: self.stores.orders.clone(),
                corrections: self.stores.corrections.clone(),
                sender: self.sender(),
            },
            orders: self.stores.orders.clone(),
            corrections: self.stores.corrections.clone(),
            retention: self.stores.retention.clone(),
            counters: self.counters(),
            clock: self.clock.clone(),
        }
    }

    pub fn seal_orders(&self) -> SealOrders {
        SealOrders {
            retention: self.stores.retention.clone(),
            orders: self.stores.orders.clone(),
            sender: self.sender(),
            clock: self.clock.clone(),
            retention_months: self.retention_months,
            done: Default::default(),
        }
    }

    pub fn erase_expired(&self) -> EraseExpired {
        EraseExpired {
            retention: self.stores.retention.clone(),
            clock: self.clock.clone(),
            retention_months: self.retention_months,
        }
    }

    fn composer(&self) -> Composer {
        Composer {
            trainers: self.trainers.clone(),
            seller: self.seller.clone(),
            links: self.booking.links.clone(),
            organizer: self.booking.organizer.clone(),
            roster: self.booking.trainers.clone(),
            terms: self.booking.terms,
        }
    }

    fn sender(&self) -> Sender {
        Sender::new(
            self.stores.queue.clone(),
            self.mailer.clone(),
            self.composer(),
            self.clock.clone(),
            self.email_needs,
            self.backoff_seconds,
            self.seal.clone(),
        )
    }

    fn alerts(&self) -> Alerts {
        Alerts {
            mailer: self.mailer.clone(),
            composer: self.composer(),
            reports: self.stores.reports.clone(),
            clock: self.clock.clone(),
            seal: self.seal.clone(),
        }
    }

    fn counters(&self) -> Counters {
        Counters {
            quotas: self.stores.quotas.clone(),
            limits: self.limits.clone(),
            real_share: self.human_check.is_some(),
        }
    }
}
