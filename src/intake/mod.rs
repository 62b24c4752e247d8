//! The use cases, each its own type holding only what it uses: placing an order
//! (`PlaceOrder`), the scheduled run (`RetryEmails`), an SES report (`HandleReport`), an
//! operator's resend (`Resend`) and the retention time (`EraseExpired`). `Wiring` builds them
//! from one set of parts; `sending` is what they share to send and record an email.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;

mod booking;
mod budget;
mod desk;
mod operations;
mod outcome;
mod place;
mod release;
mod retry;
mod sending;
#[cfg(test)]
mod tests;

pub use booking::{
    BY_OPERATOR, BookWorkshop, BookingAction, BookingError, BookingLinks, BookingOutcome,
    BookingSettings, MAX_CHANGES_BY_LINK, MAX_REASON_LENGTH,
};
pub use budget::{DEADLINE_MARGIN, Deadline};
pub use desk::{DeskError, OperatorAnswer, OperatorCommand, OperatorDesk};
pub use operations::{DEFAULT_RETENTION_MONTHS, EraseExpired, Resend, ResendError};
pub use outcome::{EventError, EventReport, HandleReport};
pub use place::{Checked, PlaceError, PlaceOrder, Placed};
pub use release::{Release, Released};
pub use retry::{RetryEmails, RetryReport};

use crate::domain::{EmailAddress, Limits, Seller};
use crate::email::Mailer;
use crate::human_check::HumanCheck;
use crate::store::Stores;
use sending::{Counters, Sender};

/// Reads the current time; tests fix it.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

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
}

/// The SDK's operation timeouts bound a send and a record at 8 s each; this much is what one
/// email needs in practice with a margin, so that a slow service leaves it pending instead of
/// the invocation being stopped between the send and the record.
pub const EMAIL_NEEDS: Duration = Duration::from_secs(10);

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
        }
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
            counters: self.counters(),
            sender: self.sender(),
            erasure: self.erase_expired(),
            clock: self.clock.clone(),
        }
    }

    pub fn handle_report(&self) -> HandleReport {
        HandleReport {
            reports: self.stores.reports.clone(),
            orders: self.stores.orders.clone(),
            queue: self.stores.queue.clone(),
            sender: self.sender(),
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
        }
    }

    pub fn erase_expired(&self) -> EraseExpired {
        EraseExpired {
            retention: self.stores.retention.clone(),
            clock: self.clock.clone(),
            retention_months: self.retention_months,
        }
    }

    fn sender(&self) -> Sender {
        Sender {
            queue: self.stores.queue.clone(),
            reports: self.stores.reports.clone(),
            mailer: self.mailer.clone(),
            trainers: self.trainers.clone(),
            seller: self.seller.clone(),
            clock: self.clock.clone(),
            email_needs: self.email_needs,
            booking: self.booking.clone(),
            backoff_seconds: self.backoff_seconds,
        }
    }

    fn counters(&self) -> Counters {
        Counters {
            quotas: self.stores.quotas.clone(),
            limits: self.limits.clone(),
        }
    }
}

/// How long a sender holds an email: longer than the function's timeout (at most 29 s), so a
/// live sender never loses its claim.
pub const CLAIM_SECONDS: i64 = 120;
/// A notification held for the trainers' digest is never dropped: this is only the state's
/// bound.
pub(crate) const DIGEST_KEPT_SECONDS: i64 = 30 * 24 * 60 * 60;
/// Attempts before an email is given up (about three hours of backoff); the order stays.
pub const MAX_ATTEMPTS: u32 = 8;

/// The first wait after a failed send, unless configured (`RETRY_BACKOFF_SECONDS`).
pub const DEFAULT_BACKOFF_SECONDS: u32 = 60;

/// 1 min, 2, 4, … up to an hour between attempts.
pub fn backoff_seconds(attempts: u32) -> i64 {
    backoff_from(DEFAULT_BACKOFF_SECONDS, attempts)
}

/// `first`, twice that, four times, … up to an hour (or `first`, if that is longer).
pub fn backoff_from(first: u32, attempts: u32) -> i64 {
    let first = i64::from(first);
    (first << attempts.saturating_sub(1).min(6)).min(3600.max(first))
}

/// Milliseconds since `started`, for the timing fields of the logs (and make bench).
fn millis(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

pub(crate) fn after(now: Timestamp, seconds: i64) -> Timestamp {
    now.checked_add(jiff::Span::new().seconds(seconds))
        .unwrap_or(now)
}
