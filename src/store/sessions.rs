//! The trainers' sign-ins and sessions, as a port (`Sessions`): implemented by both stores.

use async_trait::async_trait;
use jiff::Timestamp;

use super::Result;

/// A trainer's session on one device, as stored under its id's hash (the table holds no session
/// id: reading it gives nobody a session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainerSession {
    pub trainer: String,
    /// What the browser said it is, shortened: for `orders trainers` (a lost phone).
    pub device: String,
    pub created_at: Timestamp,
    pub last_used: Timestamp,
    /// Rolling: moved on use; a sign-out sets it to the sign-out's time.
    pub expires_at: Timestamp,
}

/// Trainers' sign-ins and sessions.
#[async_trait]
pub trait Sessions: Send + Sync {
    /// Uses up a sign-in link's nonce: `false` when it was used before.
    async fn use_sign_in(&self, nonce: &str, expires_at: Timestamp) -> Result<bool>;

    /// Stores a new session under its id's hash.
    async fn start_session(&self, id_hash: &str, session: &TrainerSession) -> Result<()>;

    /// The session under this hash, if there is one (ended or not: the caller compares
    /// `expires_at`).
    async fn session(&self, id_hash: &str) -> Result<Option<TrainerSession>>;

    /// A session used at `now`: its end moved to `expires_at`.
    async fn touch_session(
        &self,
        id_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()>;

    /// A trainer's sessions that have not ended by `now`.
    async fn sessions_of(&self, trainer: &str, now: Timestamp) -> Result<Vec<TrainerSession>>;

    /// Ends every session of a trainer at `now` (a lost phone); how many were live.
    async fn sign_out(&self, trainer: &str, now: Timestamp) -> Result<u32>;
}
