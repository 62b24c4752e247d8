//! Confirmation emails: what they say (`compose`, with askama templates) and how they are sent
//! (`Mailer`: SES, or a recording fake for tests).

mod alert;
mod booking;
mod calendar;
mod compose;
mod details;
mod events;
mod mime;
mod recording;
mod request;
mod rows;
mod ses;

pub use alert::{breaker_alert, sign_in_email, trainer_digest, undelivered_alert};
pub use booking::{booking_email, booking_note, practical_email, reminder_email, reminder_note};
pub use calendar::{Audience, BookingEmails, MAX_SUMMARY_CHARS, invitation};
pub use compose::{customer_email, trainer_email};
pub use details::customer_details;
pub use events::EmailEvent;
pub use mime::raw_message;
pub use recording::RecordingMailer;
pub use request::{
    invoicing_note, invoicing_receipt, payment_reminder, request_note, request_receipt,
};
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
    /// The booking emails' calendar invitation: sent inline (iMIP) and as a file, so the
    /// message goes as raw MIME (`mime::raw_message`).
    pub invitation: Option<Invitation>,
    /// SES message tags (name, value): every event SES publishes about the message carries
    /// them, so a delivery report names its order and email without a lookup item.
    pub tags: Vec<(&'static str, String)>,
}

/// The tag naming the order a message is about (its reference).
pub const ORDER_TAG: &str = "order";
/// The tag naming which of the order's emails it is (`EmailKind::as_str`).
pub const EMAIL_TAG: &str = "email";

/// An iTIP message (RFC 5546) as an email carries it (iMIP, RFC 6047).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub method: InvitationMethod,
    /// The attached copy's name, in the reader's language (`kutsu.ics`, `inbjudan.ics`, …).
    pub file_name: String,
    /// The iCalendar object, CRLF lines.
    pub calendar: String,
}

/// iTIP's method: a new or changed event, or its cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationMethod {
    Request,
    Cancel,
}

impl InvitationMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationMethod::Request => "REQUEST",
            InvitationMethod::Cancel => "CANCEL",
        }
    }
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
