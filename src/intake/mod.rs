//! The use cases, each its own type holding only the ports it uses: placing an order
//! (`PlaceOrder`), the scheduled run (`RetryEmails`), an SES report (`HandleReport`), a booking
//! (`BookWorkshop`), an operator's resend (`Resend`) and release (`Release`), the retention
//! time (`EraseExpired`) and the operator's commands together (`OperatorDesk`). `Wiring`
//! (`wiring.rs`) builds them from one set of parts. What they share, one job each: `Composer`
//! (what an email says), `Sender` (send and record it), `Alerts` (tell the trainers),
//! `Counters` (the abuse counters and ceilings), `BookingLinks` (the booking page's links).
//! This file is the façade and the shared time (`Clock`, `ManualClock`, backoff).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;

mod alerts;
mod booking;
mod budget;
mod compose;
mod counters;
mod customer_invoicing;
mod customer_page;
mod desk;
mod erase;
mod links;
mod operator_command;
mod outcome;
mod place;
mod release;
mod remind;
mod resend;
mod retry;
mod seal_orders;
mod sending;
mod sign_in;
#[cfg(test)]
mod tests;
mod wiring;

pub use alerts::AlertError;
pub use booking::{
    BY_CUSTOMER, BY_OPERATOR, BookWorkshop, BookingAction, BookingError, BookingOutcome,
    MAX_CHANGES_BY_LINK, MAX_REASON_LENGTH,
};
pub use budget::{DEADLINE_MARGIN, Deadline};
pub use customer_invoicing::{FieldChange, InvoicingOutcome};
pub use customer_page::{CustomerPage, CustomerPageError, RequestOutcome, Unsaid};
pub use desk::{
    DeskError, ErasureLine, OperatorAnswer, OperatorCommand, OperatorDesk, SessionLine,
};
pub use erase::{DEFAULT_RETENTION_MONTHS, EraseExpired};
pub use links::{BookingLinks, BookingSettings};
pub use outcome::{EventError, EventReport, HandleReport};
pub use place::{PlaceError, PlaceOrder, Placed};
pub use release::{Release, Released};
pub use remind::{RemindError, RemindPayment};
pub use resend::{NamedOrderError, Resend, ResendError};
pub use retry::{RetryEmails, RetryReport};
pub use seal_orders::SealOrders;
pub use sign_in::{SESSION_DAYS, SignInError, TrainerSignIn, device_of};
pub use wiring::Wiring;

/// Reads the current time; tests fix it.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

/// A clock set and moved by hand (tests, benches): every `Clock` it hands out reads it.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn at(start: Timestamp) -> ManualClock {
        ManualClock(Arc::new(AtomicI64::new(start.as_second())))
    }

    pub fn clock(&self) -> Clock {
        let seconds = self.0.clone();
        Arc::new(move || Timestamp::from_second(seconds.load(Ordering::SeqCst)).unwrap_or_default())
    }

    pub fn set(&self, at: Timestamp) {
        self.0.store(at.as_second(), Ordering::SeqCst);
    }

    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

/// The SDK's operation timeouts bound a send and a record at 8 s each; this much is what one
/// email needs in practice with a margin, so that a slow service leaves it pending instead of
/// the invocation being stopped between the send and the record.
pub const EMAIL_NEEDS: Duration = Duration::from_secs(10);

/// How long a sender holds an email: longer than the function's timeout (at most 29 s), so a
/// live sender never loses its claim.
pub const CLAIM_SECONDS: i64 = 120;
/// A notification held for the trainers' digest is never dropped: this is only the state's
/// bound.
/// How long a held confirmation waits for room before it is dropped (never while the breaker
/// holds it: then it waits another day).
pub(crate) const HOLD_SECONDS: i64 = 24 * 60 * 60;

/// A held confirmation this close to being dropped raises the alarm each retry run
/// (`HeldConfirmationsNearDrop`), so that a person sends it in time.
pub(crate) const NEAR_DROP_SECONDS: i64 = 6 * 60 * 60;

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
