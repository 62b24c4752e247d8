//! What SES reports about a sent email, as it arrives on EventBridge (`source: aws.ses`): the
//! event publishing record of the configuration set, in `detail`.

use jiff::Timestamp;
use serde::Deserialize;

use crate::domain::Outcome;

/// One report about one sent message: what became of it for these recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailEvent {
    pub message_id: String,
    pub outcome: Outcome,
    pub recipients: Vec<String>,
    pub at: Timestamp,
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
    bounced_recipients: Vec<Recipient>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    complained_recipients: Vec<Recipient>,
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

impl EmailEvent {
    /// The event in an EventBridge `detail`; `Ok(None)` for kinds that say nothing about
    /// delivery (Send, Open, Click, Subscription).
    pub fn from_detail(detail: serde_json::Value) -> Result<Option<EmailEvent>, serde_json::Error> {
        let detail: Detail = serde_json::from_value(detail)?;
        let (outcome, recipients, at) = match detail.event_type.as_str() {
            "Bounce" => {
                let Some(bounce) = detail.bounce else {
                    return Ok(None);
                };
                let outcome = match bounce.bounce_type.as_str() {
                    "Permanent" => Outcome::Bounced,
                    _ => Outcome::TransientBounce,
                };
                (
                    outcome,
                    addresses(bounce.bounced_recipients),
                    bounce.timestamp,
                )
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
        let at = at
            .or(detail.mail.timestamp)
            .and_then(|t| t.parse::<Timestamp>().ok())
            .unwrap_or_else(Timestamp::now);
        Ok(Some(EmailEvent {
            message_id: detail.mail.message_id,
            outcome,
            recipients,
            at,
        }))
    }
}
