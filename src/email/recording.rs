use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use async_trait::async_trait;

use super::{Email, MailError, Mailer, raw_message};

/// The sender the recording mailer builds raw messages from.
const RECORDING_SENDER: &str = "Some-työpajat <tilaukset@some-tyopajat.fi>";

/// A `Mailer` that keeps what it was asked to send, for tests. It can be told to fail.
#[derive(Default)]
pub struct RecordingMailer {
    sent: Mutex<Vec<Email>>,
    failing: AtomicBool,
    counter: AtomicU64,
}

impl RecordingMailer {
    pub fn new() -> RecordingMailer {
        RecordingMailer::default()
    }

    pub fn sent(&self) -> Vec<Email> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// While failing, every send returns an error, as SES being down would.
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(MailError {
                code: "unavailable".into(),
                detail: "recording mailer set to fail".into(),
                permanent: false,
            });
        }
        // What SES would be sent: a booking email that cannot be built fails here as there.
        if email.invitation.is_some() {
            raw_message(RECORDING_SENDER, email, std::time::SystemTime::now())?;
        }
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(email.clone());
        Ok(format!(
            "recorded-{}",
            self.counter.fetch_add(1, Ordering::SeqCst)
        ))
    }
}
