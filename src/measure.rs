//! Business metrics in CloudWatch Embedded Metric Format: what ops and the trainers ask once
//! the form is live ("are orders coming in?", "are people refused, and why?", "did the emails
//! arrive?"). Recorded through the `metrics` facade (a no-op until `init`), written as one JSON
//! line per dimension set by `flush` after each invocation (src/entry.rs). Dimensions are
//! closed sets of words (a refusal's code, an email's kind and state, a package): never
//! anything a visitor typed, never an address.

use std::time::Duration;

use metrics::{Unit, counter, describe_counter, describe_histogram, histogram};
use metrics_cloudwatch_embedded::Collector;

use crate::domain::{BookingChange, EmailKind, Package};

/// The function's own namespace (infra/template.yaml's alarms and dashboard use it).
pub const NAMESPACE: &str = "OrderIntake";

/// Every HTTP request the function answered (preflights included).
pub const REQUESTS: &str = "Requests";
/// A new order stored: by `Package`, and without dimensions in total.
pub const ORDERS_CREATED: &str = "OrdersCreated";
/// A resubmission answered with the stored order.
pub const ORDERS_REPLAYED: &str = "OrdersReplayed";
/// A request refused, or failed: by `Code`, the error code the client is told
/// (`validation_failed`, `origin_not_allowed`, `rate_limited`, …), and in total.
pub const REFUSALS: &str = "Refusals";
/// An email's new state. Dimensions `Kind` (customer, trainer) and `State`: as recorded
/// (sent, pending, held, failed, dropped) or as SES reported (delivered, delayed, rejected,
/// bounced, complained).
pub const EMAILS: &str = "Emails";
/// The retry run: orders it looked at, emails it sent, unreadable items it skipped, orders it
/// erased, and how long it took.
pub const RETRY_ORDERS: &str = "RetryRunOrders";
pub const RETRY_SENT: &str = "RetryRunSent";
pub const RETRY_UNREADABLE: &str = "RetryRunUnreadable";
pub const RETRY_ERASED: &str = "RetryRunErased";
pub const RETRY_DURATION: &str = "RetryRunDuration";
/// A booking written: by `Kind` (booked, changed, cancelled), and in total.
pub const BOOKINGS: &str = "Bookings";
/// A new execution environment (counted once, at init).
pub const COLD_STARTS: &str = "ColdStarts";
/// An order whose sender the human check did not show to be a person (its confirmation
/// waits): by `Reason` (no_token, refused, wrong_hostname, wrong_action, unreachable), and in
/// total.
pub const HUMAN_CHECK_FAILED: &str = "HumanCheckFailed";
/// The reputation breaker tripped (once per trip).
pub const BREAKER_TRIPPED: &str = "BreakerTripped";
/// A bounce or complaint that counted against the sending reputation: by `Kind`, and in total.
pub const STRIKES: &str = "Strikes";
/// A confirmation of an order that passed the human check, held, within hours of being
/// dropped unsent (each retry run that finds one): the alarm that a person must act.
pub const HELD_NEAR_DROP: &str = "HeldConfirmationsNearDrop";
/// The human check is off (once per cold start): every confirmation goes out unchecked.
pub const HUMAN_CHECK_OFF: &str = "HumanCheckOff";
/// An event refused for the door it came through (`Door`, `Kind`), and in total.
pub const EVENTS_REFUSED: &str = "EventsRefused";

/// An email not sent, or a command refused, because the order's seal did not verify (`What`:
/// the email's kind or the command), and in total: someone but the function wrote the order.
pub const SEAL_REFUSED: &str = "SealRefused";
/// An operator's command that emails (`Command`: resend, release, book, cancel): carried out,
/// to an address an operator set (`fix-email`), or refused over the day's limit.
pub const OPERATOR_MAILS: &str = "OperatorMails";
pub const OPERATOR_MAILS_TO_FIXED: &str = "OperatorMailsToFixedAddress";
pub const OPERATOR_MAILS_REFUSED: &str = "OperatorMailsRefused";

/// Every metric the code emits: the template's alarms and dashboard may name only these.
pub const METRIC_NAMES: [&str; 22] = [
    SEAL_REFUSED,
    OPERATOR_MAILS,
    OPERATOR_MAILS_TO_FIXED,
    OPERATOR_MAILS_REFUSED,
    HUMAN_CHECK_FAILED,
    BREAKER_TRIPPED,
    STRIKES,
    HELD_NEAR_DROP,
    HUMAN_CHECK_OFF,
    BOOKINGS,
    REQUESTS,
    ORDERS_CREATED,
    ORDERS_REPLAYED,
    REFUSALS,
    EMAILS,
    RETRY_ORDERS,
    RETRY_SENT,
    RETRY_UNREADABLE,
    RETRY_ERASED,
    RETRY_DURATION,
    COLD_STARTS,
    EVENTS_REFUSED,
];

/// Installs the process-wide recorder. Once per process: a second call fails.
pub fn init() -> Result<&'static Collector, String> {
    let collector = metrics_cloudwatch_embedded::Builder::new()
        .cloudwatch_namespace(NAMESPACE)
        .init()
        .map_err(|e| e.to_string())?;
    describe();
    Ok(collector)
}

/// Units for CloudWatch.
pub fn describe() {
    for name in METRIC_NAMES {
        if name == RETRY_DURATION {
            describe_histogram!(name, Unit::Milliseconds, "");
        } else {
            describe_counter!(name, Unit::Count, "");
        }
    }
}

/// Writes what was recorded since the last flush to stdout, where Lambda sends it to
/// CloudWatch Logs (which turns EMF lines into metrics). A failed write is logged, not fatal.
pub fn flush(collector: &Collector) {
    if let Err(error) = collector.flush(std::io::stdout().lock()) {
        tracing::warn!(error = %error, "metrics not written");
    }
}

pub fn request() {
    counter!(REQUESTS).increment(1);
}

/// By code, and in total (an alarm cannot sum over a dimension without a search).
pub fn refused(code: &'static str) {
    counter!(REFUSALS, "Code" => code).increment(1);
    counter!(REFUSALS).increment(1);
}

/// By package, and in total.
pub fn order_created(package: Package) {
    counter!(ORDERS_CREATED, "Package" => package.id()).increment(1);
    counter!(ORDERS_CREATED).increment(1);
}

/// By reason, and in total.
pub fn human_check_failed(reason: &'static str) {
    counter!(HUMAN_CHECK_FAILED, "Reason" => reason).increment(1);
    counter!(HUMAN_CHECK_FAILED).increment(1);
}

pub fn breaker_tripped() {
    counter!(BREAKER_TRIPPED).increment(1);
}

/// By kind (`bounce`, `complaint`), and in total.
pub fn strike(strike: crate::domain::Strike) {
    counter!(STRIKES, "Kind" => strike.as_str()).increment(1);
    counter!(STRIKES).increment(1);
}

pub fn held_near_drop() {
    counter!(HELD_NEAR_DROP).increment(1);
}

pub fn human_check_off() {
    counter!(HUMAN_CHECK_OFF).increment(1);
}

pub fn order_replayed() {
    counter!(ORDERS_REPLAYED).increment(1);
}

pub fn email(kind: EmailKind, state: &'static str) {
    counter!(EMAILS, "Kind" => kind.as_str(), "State" => state).increment(1);
}

/// A booking written (`booked`, `changed`, `cancelled`), and in total.
pub fn booking(change: BookingChange) {
    counter!(BOOKINGS, "Kind" => change.as_str()).increment(1);
    counter!(BOOKINGS).increment(1);
}

pub fn retry_run(orders: u32, sent: u32, unreadable: u32, erased: u32, took: Duration) {
    counter!(RETRY_ORDERS).increment(u64::from(orders));
    counter!(RETRY_SENT).increment(u64::from(sent));
    counter!(RETRY_UNREADABLE).increment(u64::from(unreadable));
    counter!(RETRY_ERASED).increment(u64::from(erased));
    histogram!(RETRY_DURATION).record(took.as_secs_f64() * 1000.0);
}

/// By the event's own door and kind, and in total.
pub fn event_refused(door: &'static str, kind: &'static str) {
    counter!(EVENTS_REFUSED, "Door" => door, "Kind" => kind).increment(1);
    counter!(EVENTS_REFUSED).increment(1);
}

pub fn cold_start() {
    counter!(COLD_STARTS).increment(1);
}

pub fn seal_refused(what: &'static str) {
    counter!(SEAL_REFUSED, "What" => what).increment(1);
    counter!(SEAL_REFUSED).increment(1);
}

/// An operator's emailing command: `to_fixed` when the order's address was set by an operator.
pub fn operator_mail(command: &'static str, to_fixed: bool) {
    counter!(OPERATOR_MAILS, "Command" => command).increment(1);
    if to_fixed {
        counter!(OPERATOR_MAILS_TO_FIXED).increment(1);
    }
}

pub fn operator_mail_refused(command: &'static str) {
    counter!(OPERATOR_MAILS_REFUSED, "Command" => command).increment(1);
    counter!(OPERATOR_MAILS_REFUSED).increment(1);
}
