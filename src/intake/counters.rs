//! The counters an order takes from outside its own insert: the abuse counters and the ceilings
//! of automatic confirmations.

use std::sync::Arc;

use jiff::Timestamp;

use crate::domain::{Culprit, Limits, QuotaCounter, QuotaKind, SourceAddress};
use crate::store::QuotaCounters;

/// Everyone's confirmations share one counter.
pub(super) const EVERYONE: &str = "everyone";

/// The abuse counters and the hourly ceiling of customer confirmations, taken outside an
/// order's own insert.
#[derive(Clone)]
pub(super) struct Counters {
    pub(super) quotas: Arc<dyn QuotaCounters>,
    pub(super) limits: Limits,
}

impl Counters {
    /// The ceilings of automatic confirmations, as counters of the window around `now`.
    pub(super) fn ceilings(&self, now: Timestamp) -> [QuotaCounter; 3] {
        QuotaKind::CEILINGS.map(|kind| self.limits.counter(kind, EVERYONE, now))
    }

    /// Takes one of this hour's customer confirmations for a held one; `Err` with the next
    /// window's start when none is left. Storage down counts as no room: the ceilings and the
    /// breaker bound what strangers can make the domain send, so they fail closed (the held
    /// confirmation is looked at again in the next window).
    pub(super) async fn confirmation_room(&self, now: Timestamp) -> Result<(), Timestamp> {
        for counter in self.ceilings(now) {
            match self.quotas.take_quota(&counter).await {
                Ok(true) => {}
                Ok(false) => return Err(counter.window_end),
                Err(error) => {
                    tracing::warn!(error = %error, "confirmation ceiling not checked: storage unavailable, held");
                    return Err(counter.window_end);
                }
            }
        }
        Ok(())
    }

    /// Whether a strike marked the order's source or mailbox (its later confirmations wait for
    /// a person). Storage down counts as unmarked: the ceilings' check that follows fails
    /// closed.
    pub(super) async fn is_marked(&self, culprit: &Culprit, now: Timestamp) -> bool {
        for check in self.limits.unmarked(culprit, now) {
            match self.quotas.take_quota(&check).await {
                Ok(true) => {}
                Ok(false) => return true,
                Err(error) => {
                    tracing::warn!(error = %error, "marks not checked: storage unavailable");
                    return false;
                }
            }
        }
        false
    }

    /// Takes this hour's one trainers' digest, before it is sent: `false` when a run took it
    /// already (even one that crashed before sending: its orders go in the next hour's), or
    /// storage is down.
    pub(super) async fn digest_hour(&self, now: Timestamp) -> Result<(), Timestamp> {
        let counter = self.limits.counter(QuotaKind::Digest, EVERYONE, now);
        match self.quotas.take_quota(&counter).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(counter.window_end),
            Err(error) => {
                tracing::warn!(error = %error, "trainers' digest not taken: storage unavailable");
                Err(counter.window_end)
            }
        }
    }

    /// A honeypot hit: it counts against its source's quota like an order would (so a bot
    /// that fills every field is slowed down too).
    pub(super) async fn charge_source(&self, source: &SourceAddress, now: Timestamp) {
        let counter = self.limits.counter(QuotaKind::Source, source.as_str(), now);
        if let Err(error) = self.quotas.take_quota(&counter).await {
            tracing::warn!(error = %error, "honeypot hit not counted: storage unavailable");
        }
    }
}
