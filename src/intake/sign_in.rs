//! Trainers signed in on their own devices. A booking link names an order and is no credential:
//! without a session its page offers only to email a one-time sign-in link to a trainer's own
//! address (`TRAINERS`), never to whoever holds the link. Opening that link (GET) uses nothing
//! up, since mail scanners open links; its page's button (POST) signs in once, and the session
//! — a random id in a `__Host-` cookie, stored only as its hash — lasts 90 days from its last
//! use, until `orders trainers sign-out`.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::counters::Counters;
use super::links::BookingSettings;
use super::{Clock, after};
use crate::domain::{
    LinkError, QuotaKind, Reference, SIGN_IN_VALID_SECONDS, SignInGrant, SourceAddress, Trainer,
};
use crate::email::{MailError, Mailer, sign_in_email};
use crate::store::{Sessions, StoreError, TrainerSession};

/// A session lasts this long after its last use.
pub const SESSION_DAYS: i64 = 90;

/// A session's end is moved at most once a day (one write a day per device, not per page).
const TOUCH_SECONDS: i64 = 24 * 60 * 60;

/// Why a sign-in did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("the booking page is not configured")]
    NotConfigured,
    #[error("no such trainer")]
    UnknownTrainer,
    #[error("too many sign-in links an hour")]
    RateLimited,
    #[error("the sign-in link was used already")]
    Used,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the sign-in link could not be sent")]
    Mail(#[from] MailError),
}

/// The use case of the trainers' sign-in.
pub struct TrainerSignIn {
    pub(super) sessions: Arc<dyn Sessions>,
    pub(super) counters: Counters,
    pub(super) mailer: Arc<dyn Mailer>,
    pub(super) settings: BookingSettings,
    pub(super) clock: Clock,
}

/// A session id's hash: what the store keeps.
fn id_hash(session_id: &str) -> String {
    Sha256::digest(session_id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Random, URL-safe: `bytes` of the operating system's randomness.
fn random(bytes: usize) -> Result<String, StoreError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| StoreError::unavailable(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// What a browser says it is, kept short and printable: for telling devices apart in
/// `orders trainers`.
pub fn device_of(user_agent: Option<&str>) -> String {
    let text: String = (user_agent.unwrap_or("unknown").chars())
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(80)
        .collect();
    if text.trim().is_empty() {
        return "unknown".into();
    }
    text
}

impl TrainerSignIn {
    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Who can sign in: the roster with their own addresses.
    pub fn trainers(&self) -> &[Trainer] {
        &self.settings.trainers
    }

    /// Emails a one-time sign-in link, back to `reference`'s page, to the roster's `trainer`'s
    /// own address: at most a few an hour per trainer and per source.
    pub async fn request(
        &self,
        reference: &Reference,
        trainer: usize,
        source: &SourceAddress,
    ) -> Result<(), SignInError> {
        let links = (self.settings.links.as_ref()).ok_or(SignInError::NotConfigured)?;
        let who = self
            .trainers()
            .get(trainer)
            .ok_or(SignInError::UnknownTrainer)?;
        let now = self.now();
        let limits = &self.counters.limits;
        for counter in [
            limits.counter(QuotaKind::SignInTrainer, &who.name, now),
            limits.counter(QuotaKind::SignInSource, source.as_str(), now),
        ] {
            if !self.counters.quotas.take_quota(&counter).await? {
                tracing::warn!(
                    limit = counter.kind.name(),
                    "sign-in link refused: over the hour's limit"
                );
                return Err(SignInError::RateLimited);
            }
        }
        let nonce = random(18)?;
        let link = (links.sign_in_link(trainer, reference, &nonce, now))
            .ok_or(SignInError::NotConfigured)?;
        self.mailer.send(&sign_in_email(who, &link)).await?;
        tracing::info!(reference = %reference, trainer, "sign-in link sent to the trainer's own address");
        Ok(())
    }

    /// A sign-in link as opened: whose, and where it returns to. Uses nothing up.
    pub fn check(&self, token: &str) -> Result<(SignInGrant, &Trainer), SignInError> {
        let links = (self.settings.links.as_ref()).ok_or(SignInError::NotConfigured)?;
        let grant = links.verify_sign_in(token, self.now())?;
        let trainer = self
            .trainers()
            .get(grant.trainer)
            .ok_or(SignInError::UnknownTrainer)?;
        Ok((grant, trainer))
    }

    /// Signs in with a sign-in link, once: a new session for its trainer on this device.
    /// Returns the session id (for the cookie) and the link's grant.
    pub async fn sign_in(
        &self,
        token: &str,
        device: &str,
    ) -> Result<(String, SignInGrant), SignInError> {
        let (grant, trainer) = self.check(token)?;
        let now = self.now();
        let link_ends = after(now, SIGN_IN_VALID_SECONDS);
        if !self.sessions.use_sign_in(&grant.nonce, link_ends).await? {
            tracing::warn!(trainer = grant.trainer, "sign-in link used again: refused");
            return Err(SignInError::Used);
        }
        let session_id = random(32)?;
        let session = TrainerSession {
            trainer: trainer.name.clone(),
            device: device.to_owned(),
            created_at: now,
            last_used: now,
            expires_at: after(now, SESSION_DAYS * 24 * 60 * 60),
        };
        self.sessions
            .start_session(&id_hash(&session_id), &session)
            .await?;
        tracing::info!(trainer = grant.trainer, "trainer signed in on a device");
        Ok((session_id, grant))
    }

    /// The trainer a session cookie's id belongs to, if the session is live; its end moves on
    /// (at most daily).
    pub async fn trainer(&self, session_id: &str) -> Result<Option<String>, StoreError> {
        if session_id.len() < 40 {
            return Ok(None);
        }
        let hash = id_hash(session_id);
        let Some(session) = self.sessions.session(&hash).await? else {
            return Ok(None);
        };
        let now = self.now();
        if session.expires_at <= now || !self.trainers().iter().any(|t| t.name == session.trainer) {
            return Ok(None);
        }
        if now.as_second() - session.last_used.as_second() >= TOUCH_SECONDS {
            let ends = after(now, SESSION_DAYS * 24 * 60 * 60);
            self.sessions.touch_session(&hash, now, ends).await?;
        }
        Ok(Some(session.trainer))
    }

    /// Every trainer's live sessions (`orders trainers`).
    pub async fn sessions(&self) -> Result<Vec<TrainerSession>, StoreError> {
        let now = self.now();
        let mut all = Vec::new();
        for trainer in self.trainers() {
            all.extend(self.sessions.sessions_of(&trainer.name, now).await?);
        }
        Ok(all)
    }

    /// Ends all of a trainer's sessions (`orders trainers sign-out NAME`): how many.
    pub async fn sign_out(&self, name: &str) -> Result<u32, SignInError> {
        let trainer = (self.trainers().iter())
            .find(|t| t.name == name)
            .ok_or(SignInError::UnknownTrainer)?;
        let ended = self.sessions.sign_out(&trainer.name, self.now()).await?;
        tracing::warn!(
            sessions = ended,
            "a trainer's sessions ended by an operator"
        );
        Ok(ended)
    }
}
