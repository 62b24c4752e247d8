//! The in-memory store's `Reputation`: the breaker's strikes, trip and reset, and the marks.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::domain::{BreakerState, Culprit, MAX_STRIKES_KEPT, Strike, StrikeAt};
use crate::store::{Reputation, Result};

#[async_trait]
impl Reputation for MemoryStore {
    async fn strike(&self, strike: Strike, network: &str, at: Timestamp) -> Result<BreakerState> {
        let mut state = self.available()?;
        let list = match strike {
            Strike::Bounce => &mut state.breaker.bounces,
            Strike::Complaint => &mut state.breaker.complaints,
        };
        list.push(StrikeAt {
            at,
            network: network.to_owned(),
        });
        // As the DynamoDB store: over the bound, the newest half is kept.
        if list.len() > MAX_STRIKES_KEPT {
            list.drain(..list.len() - MAX_STRIKES_KEPT / 2);
        }
        Ok(state.breaker.clone())
    }

    async fn trip(&self, at: Timestamp, until: Timestamp) -> Result<bool> {
        let mut state = self.available()?;
        let breaker = &mut state.breaker;
        let first = !breaker.is_tripped(at);
        if first {
            breaker.tripped_at = Some(at);
            breaker.tripped_until = Some(until);
        } else if breaker
            .tripped_until
            .is_some_and(|standing| standing < until)
        {
            breaker.tripped_until = Some(until);
        }
        Ok(first)
    }

    async fn breaker(&self) -> Result<BreakerState> {
        Ok(self.available()?.breaker.clone())
    }

    async fn reset_breaker(&self, at: Timestamp) -> Result<()> {
        let mut state = self.available()?;
        state.breaker.tripped_at = None;
        state.breaker.tripped_until = None;
        state.breaker.reset_at = Some(at);
        Ok(())
    }

    async fn mark(&self, culprit: &Culprit, until: Timestamp) -> Result<()> {
        let mut state = self.available()?;
        for key in culprit.mark_keys() {
            let mark = state.marks.entry(key).or_insert(until);
            *mark = (*mark).max(until);
        }
        Ok(())
    }
}
