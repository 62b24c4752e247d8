//! The in-memory store's `Reputation`: the breaker's strikes, trip and reset.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::domain::{BreakerState, MAX_STRIKES_KEPT, Strike};
use crate::store::{Reputation, Result};

#[async_trait]
impl Reputation for MemoryStore {
    async fn strike(&self, strike: Strike, at: Timestamp) -> Result<BreakerState> {
        let mut state = self.available()?;
        let list = match strike {
            Strike::Bounce => &mut state.breaker.bounces,
            Strike::Complaint => &mut state.breaker.complaints,
        };
        list.push(at);
        // As the DynamoDB store: over the bound, the newest half is kept.
        if list.len() > MAX_STRIKES_KEPT {
            list.drain(..list.len() - MAX_STRIKES_KEPT / 2);
        }
        Ok(state.breaker.clone())
    }

    async fn trip(&self, at: Timestamp) -> Result<bool> {
        let mut state = self.available()?;
        let first = !state.breaker.is_tripped();
        if first {
            state.breaker.tripped_at = Some(at);
        }
        Ok(first)
    }

    async fn breaker(&self) -> Result<BreakerState> {
        Ok(self.available()?.breaker.clone())
    }

    async fn reset_breaker(&self, at: Timestamp) -> Result<()> {
        let mut state = self.available()?;
        state.breaker.tripped_at = None;
        state.breaker.reset_at = Some(at);
        Ok(())
    }
}
