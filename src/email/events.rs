//! What SES reports about a sent email, as it arrives on EventBridge (`source: aws.ses`): the
//! event publishing record of the configuration set, in `detail`.

use jiff::Timestamp;
use serde::Deserialize;

use std::collections::HashMap;

use super::{EMAIL_TAG, ORDER_TAG};
use crate::domain::{EmailKind, Outcome, Reference};

/// One report about one sent message: what became of it for these recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailEvent {
    pub message_id: String,
    /// The order and email it is about, from the message's tags: `None` for a message sent
    /// without them (by someone else, or before tags).
    pub about: Option<(Reference, EmailKind)>,
    pub outcome: Outcome,
    pub recipients: Vec<String>,
    pub at: Timestamp,
    /// A bounce (or complaint) SES made without sending: the address is on the account's
    /// suppression list (`bounceSubType`/`complaintSubType: OnAccountSuppressionList`). It does
    /// not count against the account's reputation, so it is no strike; the address is dead all
    /// the same.
    pub suppressed: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    event_type: String,
    mail: Mail,
    bounce: Option<Bounce>,
    complaint: Option<Complaint>,
    delivery: Option<Delivery>,
    delivery_delay: Option<DeliveryDelay>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Mail {
    message_id: String,
    timestamp: Option<String>,
    #[serde(default)]
    destination: Vec<String>,
    /// Each tag's values (SES adds its own `ses:` ones).
    #[serde(default)]
    tags: HashMap<String, Vec<String>>,
}

impl Mail {
    /// The order and email the message's tags name, if they name one of each.
    fn about(&self) -> Option<(Reference, EmailKind)> {
        let tag = |name: &str| match self.tags.get(name).map(Vec::as_slice) {
            Some([value]) => Some(value.as_str()),
            _ => None,
        };
        Some((
            Reference::parse(tag(ORDER_TAG)?)?,
            EmailKind::parse(tag(EMAIL_TAG)?)?,
        ))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: String,
    #[serde(default)]
    bounce_sub_type: String,
    bounced_recipients: Vec<Recipient>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    complained_recipients: Vec<Recipient>,
    #[serde(default)]
    complaint_sub_type: Option<String>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
struct Delivery {
    recipients: Vec<String>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryDelay {
    delayed_recipients: Vec<Recipient>,
    timestamp: Option<String>,
}

fn addresses(recipients: Vec<Recipient>) -> Vec<String> {
    recipients.into_iter().map(|r| r.email_address).collect()
}

/// SES's `bounceSubType` (and `complaintSubType`) of a report it made itself, without
/// sending, for an address on the account's suppression list.
const ON_SUPPRESSION_LIST: &str = "OnAccountSuppressionList";

/// A bounce: permanent (the mailbox does not exist), or transient (full, or an auto-reply).
fn bounced(bounce: Bounce) -> (Outcome, Vec<String>, Option<String>) {
    let outcome = match bounce.bounce_type.as_str() {
        "Permanent" => Outcome::Bounced,
        _ => Outcome::TransientBounce,
    };
    let recipients = addresses(bounce.bounced_recipients);
    (outcome, recipients, bounce.timestamp)
}

impl EmailEvent {
    /// The event in an EventBridge `detail`; `Ok(None)` for kinds that say nothing about
    /// delivery (Send, Open, Click, Subscription).
    pub fn from_detail(detail: serde_json::Value) -> Result<Option<EmailEvent>, serde_json::Error> {
        let detail: Detail = serde_json::from_value(detail)?;
        let about = detail.mail.about();
        let suppressed = (detail.bounce.as_ref())
            .is_some_and(|bounce| bounce.bounce_sub_type == ON_SUPPRESSION_LIST)
            || (detail.complaint.as_ref()).is_some_and(|complaint| {
                complaint.complaint_sub_type.as_deref() == Some(ON_SUPPRESSION_LIST)
            });
        let (outcome, recipients, at) = match detail.event_type.as_str() {
            "Bounce" => {
                let Some(bounce) = detail.bounce else {
                    return Ok(None);
                };
                bounced(bounce)
            }
            "Complaint" => {
                let Some(complaint) = detail.complaint else {
                    return Ok(None);
                };
                let recipients = addresses(complaint.complained_recipients);
                (Outcome::Complained, recipients, complaint.timestamp)
            }
            "Delivery" => {
                let Some(delivery) = detail.delivery else {
                    return Ok(None);
                };
                (Outcome::Delivered, delivery.recipients, delivery.timestamp)
            }
            "DeliveryDelay" => {
                let Some(delay) = detail.delivery_delay else {
                    return Ok(None);
                };
                (
                    Outcome::Delayed,
                    addresses(delay.delayed_recipients),
                    delay.timestamp,
                )
            }
            // Neither names recipients: the whole message was refused.
            "Reject" | "Rendering Failure" | "RenderingFailure" => (
                Outcome::Rejected,
                detail.mail.destination,
                detail.mail.timestamp.clone(),
            ),
            _ => return Ok(None),
        };
        // The outcome's own time, else the message's.
        let at = (at.or(detail.mail.timestamp))
            .and_then(|t| t.parse::<Timestamp>().ok())
            .unwrap_or_else(Timestamp::now);
        let message_id = detail.mail.message_id;
        Ok(Some(EmailEvent {
            about,
            message_id,
            outcome,
            recipients,
            at,
            suppressed,
        }))
    }
}
