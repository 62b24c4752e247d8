//! Confirmation emails: what they say (`compose`, with askama templates) and how they are sent
//! (`Mailer`: SES, or a recording fake for tests).

mod alert;
mod booking;
mod calendar;
mod compose;
mod details;
mod events;
mod recording;
mod rows;
mod ses;

pub use alert::{breaker_alert, sign_in_email, trainer_digest, undelivered_alert};
pub use booking::{BookingEmails, booking_email, booking_note, reminder_email, reminder_note};
pub use calendar::invitation;
pub use compose::{customer_email, trainer_email};
pub use events::EmailEvent;
pub use recording::RecordingMailer;
pub use ses::SesMailer;

use async_trait::async_trait;

/// One message, ready to send. Addresses are validated before they get here; text reaches SES as
/// structured fields, never as raw headers, so nothing a customer types can add a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: Vec<String>,
    pub reply_to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Files sent with it: the booking emails' calendar invitation.
    pub attachments: Vec<Attachment>,
    /// SES message tags (name, value): every event SES publishes about the message carries
    /// them, so a delivery report names its order and email without a lookup item.
    pub tags: Vec<(&'static str, String)>,
}

/// The tag naming the order a message is about (its reference).
pub const ORDER_TAG: &str = "order";
/// The tag naming which of the order's emails it is (`EmailKind::as_str`).
pub const EMAIL_TAG: &str = "email";

/// A file sent with an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    /// With its parameters: `text/calendar; charset=UTF-8; method=REQUEST`.
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Why an email did not go out. `code` is the service's error code (or `dispatch`/`timeout`),
/// `detail` the cause chain without the service's message text, which can quote addresses.
#[derive(Debug, thiserror::Error)]
#[error("email not sent ({code}): {detail}")]
pub struct MailError {
    pub code: String,
    pub detail: String,
    /// Sending the same message again cannot succeed (SES rejected the message itself).
    pub permanent: bool,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one email and returns the provider's message id.
    async fn send(&self, email: &Email) -> Result<String, MailError>;

    /// Opens the connection the first send will use, without sending anything.
    async fn warm_up(&self) -> Result<(), MailError> {
        Ok(())
    }
}
