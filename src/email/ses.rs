use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{
    Body, Content, Destination, EmailContent, Message, MessageTag, RawMessage,
};

use super::{Email, MailError, Mailer, raw_message};

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

impl SesMailer {
    /// Simple content (SES does the MIME) for every email but the booking emails, which carry
    /// an invitation and go as Raw content built here (`raw_message`): SES's own attachments
    /// cannot put the calendar inline, where Outlook and Gmail look for it.
    fn content(&self, email: &Email) -> Result<EmailContent, MailError> {
        if email.invitation.is_some() {
            let raw = raw_message(&self.sender, email, std::time::SystemTime::now())?;
            let raw = RawMessage::builder()
                .data(Blob::new(raw))
                .build()
                .map_err(|e| MailError {
                    code: "build".into(),
                    detail: e.to_string(),
                    permanent: true,
                })?;
            return Ok(EmailContent::builder().raw(raw).build());
        }
        let message = Message::builder()
            .subject(utf8(&email.subject)?)
            .body(
                Body::builder()
                    .text(utf8(&email.text)?)
                    .html(utf8(&email.html)?)
                    .build(),
            )
            .build();
        Ok(EmailContent::builder().simple(message).build())
    }
}

fn mail_error<R: std::fmt::Debug>(error: SdkError<SendEmailError, R>) -> MailError {
    let service = match &error {
        SdkError::ServiceError(service) => service.err(),
        SdkError::TimeoutError(_) => {
            return MailError {
                code: "timeout".into(),
                detail: DisplayErrorContext(&error).to_string(),
                permanent: false,
            };
        }
        _ => {
            return MailError {
                code: "dispatch".into(),
                detail: DisplayErrorContext(&error).to_string(),
                permanent: false,
            };
        }
    };
    // A service error's message can quote the addresses involved: only its kind is kept.
    // Throttling and account states can clear, so the email stays pending and is retried; a
    // message SES rejects will be rejected again, so it fails at once (and alarms).
    let (code, permanent) = match service {
        SendEmailError::TooManyRequestsException(_) => ("TooManyRequestsException", false),
        SendEmailError::LimitExceededException(_) => ("LimitExceededException", false),
        SendEmailError::SendingPausedException(_) => ("SendingPausedException", false),
        SendEmailError::AccountSuspendedException(_) => ("AccountSuspendedException", false),
        SendEmailError::MailFromDomainNotVerifiedException(_) => {
            ("MailFromDomainNotVerifiedException", false)
        }
        SendEmailError::MessageRejected(_) => ("MessageRejected", true),
        SendEmailError::BadRequestException(_) => ("BadRequestException", true),
        SendEmailError::NotFoundException(_) => ("NotFoundException", false),
        other => (other.code().unwrap_or("unknown"), false),
    };
    MailError {
        code: code.to_owned(),
        detail: "service error".into(),
        permanent,
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        let tags = (email.tags.iter())
            .map(|(name, value)| MessageTag::builder().name(*name).value(value).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| MailError {
                code: "tags".into(),
                detail: error.to_string(),
                permanent: true,
            })?;
        let output = self
            .client
            .send_email()
            .from_email_address(&self.sender)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(email.to.clone()))
                    .build(),
            )
            // A raw message carries its Reply-To in its own headers.
            .set_reply_to_addresses(
                Some(email.reply_to.clone()).filter(|_| email.invitation.is_none()),
            )
            .content(self.content(email)?)
            .set_configuration_set_name(self.configuration_set.clone())
            .set_email_tags(Some(tags).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(mail_error)?;
        Ok(output.message_id.unwrap_or_default())
    }

    /// GetAccount: SES has no call the function makes anyway that sends nothing, so the role
    /// also grants `ses:GetAccount` (read-only, infra/template.yaml). Any answer means the
    /// connection is open; a throttled one is expected when many instances start at once.
    /// The account's state is worth a line: an account that cannot send leaves every email pending.
    async fn warm_up(&self) -> Result<(), MailError> {
        match self.client.get_account().send().await {
            Ok(account) if !account.sending_enabled => {
                tracing::error!("SES account: sending is disabled, emails will stay pending");
            }
            Ok(account) if !account.production_access_enabled => {
                tracing::warn!("SES account is in the sandbox: only verified recipients get email");
            }
            Ok(_) => {}
            Err(SdkError::ServiceError(service)) => {
                let code = service.err().code().unwrap_or("unknown");
                if code != "TooManyRequestsException" {
                    tracing::warn!(
                        error.code = code,
                        "SES GetAccount refused (the connection is open all the same)"
                    );
                }
            }
            Err(error) => {
                return Err(MailError {
                    code: "dispatch".to_owned(),
                    detail: DisplayErrorContext(&error).to_string(),
                    permanent: false,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sesv2::types::error::{
        AccountSuspendedException, LimitExceededException, MessageRejected, SendingPausedException,
        TooManyRequestsException,
    };

    #[test]
    fn throttling_and_account_states_are_retried_and_a_rejected_message_is_not() {
        let quoting = "Email address is not verified: anna.virtanen@tuusula.example";
        let cases = [
            (
                SendEmailError::TooManyRequestsException(
                    TooManyRequestsException::builder().message(quoting).build(),
                ),
                "TooManyRequestsException",
                false,
            ),
            (
                SendEmailError::LimitExceededException(
                    LimitExceededException::builder().message(quoting).build(),
                ),
                "LimitExceededException",
                false,
            ),
            (
                SendEmailError::SendingPausedException(
                    SendingPausedException::builder().message(quoting).build(),
                ),
                "SendingPausedException",
                false,
            ),
            (
                SendEmailError::AccountSuspendedException(
                    AccountSuspendedException::builder()
                        .message(quoting)
                        .build(),
                ),
                "AccountSuspendedException",
                false,
            ),
            (
                SendEmailError::MessageRejected(
                    MessageRejected::builder().message(quoting).build(),
                ),
                "MessageRejected",
                true,
            ),
        ];
        for (error, code, permanent) in cases {
            let mail = mail_error(SdkError::<SendEmailError, ()>::service_error(error, ()));
            assert_eq!((mail.code.as_str(), mail.permanent), (code, permanent));
            assert!(
                !mail.to_string().contains("tuusula"),
                "no address in what is logged: {mail}"
            );
        }
    }
}
