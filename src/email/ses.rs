use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

use super::{Email, MailError, Mailer};

/// Sends through SES v2 from one verified sender, optionally within a configuration set.
pub struct SesMailer {
    client: Client,
    sender: String,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(
        client: Client,
        sender: impl Into<String>,
        configuration_set: Option<String>,
    ) -> SesMailer {
        SesMailer {
            client,
            sender: sender.into(),
            configuration_set,
        }
    }
}

fn utf8(data: &str) -> Result<Content, MailError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| MailError {
            code: "build".into(),
            detail: e.to_string(),
            permanent: true,
        })
}

fn mail_error<E, R>(error: SdkError<E, R>) -> MailError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    match &error {
        // A service error's message can quote the addresses involved: keep only its code.
        // Throttling (TooManyRequests, LimitExceeded) and account states (SendingPaused,
        // AccountSuspended) can clear: the email stays pending. A rejected message cannot.
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("unknown").to_owned();
            MailError {
                permanent: code == "MessageRejected",
                code,
                detail: "service error".into(),
            }
        }
        SdkError::TimeoutError(_) => MailError {
            code: "timeout".into(),
            detail: DisplayErrorContext(&error).to_string(),
            permanent: false,
        },
        _ => MailError {
            code: "dispatch".into(),
            detail: DisplayErrorContext(&error).to_string(),
            permanent: false,
        },
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        let message = Message::builder()
            .subject(utf8(&email.subject)?)
            .body(
                Body::builder()
                    .text(utf8(&email.text)?)
                    .html(utf8(&email.html)?)
                    .build(),
            )
            .build();
        let output = self
            .client
            .send_email()
            .from_email_address(&self.sender)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(email.to.clone()))
                    .build(),
            )
            .set_reply_to_addresses(Some(email.reply_to.clone()))
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(mail_error)?;
        Ok(output.message_id.unwrap_or_default())
    }
}
