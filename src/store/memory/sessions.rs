//! The in-memory store's `Sessions`: used sign-in nonces and sessions by their id's hash.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::store::{Result, Sessions, TrainerSession};

#[async_trait]
impl Sessions for MemoryStore {
    async fn use_sign_in(&self, nonce: &str, _expires_at: Timestamp) -> Result<bool> {
        Ok(self.available()?.sign_ins.insert(nonce.to_owned()))
    }

    async fn start_session(&self, id_hash: &str, session: &TrainerSession) -> Result<()> {
        let mut state = self.available()?;
        state.sessions.insert(id_hash.to_owned(), session.clone());
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> Result<Option<TrainerSession>> {
        Ok(self.available()?.sessions.get(id_hash).cloned())
    }

    async fn touch_session(
        &self,
        id_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let mut state = self.available()?;
        if let Some(session) = state.sessions.get_mut(id_hash)
            && session.expires_at > now
        {
            session.last_used = now;
            session.expires_at = expires_at;
        }
        Ok(())
    }

    async fn sessions_of(&self, trainer: &str, now: Timestamp) -> Result<Vec<TrainerSession>> {
        let state = self.available()?;
        let mut live: Vec<TrainerSession> = (state.sessions.values())
            .filter(|s| s.trainer == trainer && s.expires_at > now)
            .cloned()
            .collect();
        live.sort_by_key(|s| s.created_at);
        Ok(live)
    }

    async fn sign_out(&self, trainer: &str, now: Timestamp) -> Result<u32> {
        let mut state = self.available()?;
        let mut ended = 0;
        for session in state.sessions.values_mut() {
            if session.trainer == trainer && session.expires_at > now {
                session.expires_at = now;
                ended += 1;
            }
        }
        Ok(ended)
    }
}
