//! The counters an order takes from outside its own insert: the abuse counters and the ceilings
//! of automatic confirmations.

use std::sync::Arc;

use jiff::Timestamp;

use crate::domain::{Culprit, Limits, NewOrder, QuotaCounter, QuotaKind, SourceAddress};
use crate::store::QuotaCounters;

/// Everyone's confirmations share one counter.
pub(super) const EVERYONE: &str = "everyone";

/// The abuse counters and the hourly ceiling of customer confirmations, taken outside an
/// order's own insert.
#[derive(Clone)]
pub(super) struct Counters {
    pub(super) quotas: Arc<dyn QuotaCounters>,
    pub(super) limits: Limits,
    /// Whether real customers have their own share of the ceilings: only with the human check
    /// on (without it, anyone's order can look real).
    pub(super) real_share: bool,
}

/// Whose share of the ceilings an automatic confirmation takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Share {
    /// Everyone's: the whole ceilings (the human check off), or what is left of them beside
    /// the real customers' share.
    Shared,
    /// The real customers' own share (`Quotas::real_confirmations_per_hour`).
    Real,
}

impl Counters {
    /// The share an order's confirmation takes first: its own when it passed the human check
    /// and looks real, and real customers have one.
    pub(super) fn share_of(&self, order: &NewOrder) -> Share {
        match self.real_share && order.looks_real() {
            true => Share::Real,
            false => Share::Shared,
        }
    }

    /// The ceilings of automatic confirmations in `share`, as counters of the window around
    /// `now`: the shared ones less the real customers' share, when there is one.
    pub(super) fn ceilings(&self, share: Share, now: Timestamp) -> [QuotaCounter; 3] {
        let kinds = match share {
            Share::Shared => QuotaKind::CEILINGS,
            Share::Real => QuotaKind::REAL_CEILINGS,
        };
        kinds.map(|kind| {
            let mut counter = self.limits.counter(kind, EVERYONE, now);
            let quotas = &self.limits.quotas;
            let kept = match kind {
                QuotaKind::Confirmations => quotas.real_confirmations_per_hour,
                QuotaKind::ConfirmationsDaily => quotas.real_confirmations_per_day,
                _ => 0,
            };
            if self.real_share && kept > 0 {
                // At least one: a counter's first unit is always taken.
                counter.limit = counter.limit.saturating_sub(kept).max(1);
            }
            counter
        })
    }

    /// Takes one of this hour's customer confirmations for a held one; `Err` with the next
    /// window's start when none is left. Storage down counts as no room: the ceilings and the
    /// breaker bound what strangers can make the domain send, so they fail closed (the held
    /// confirmation is looked at again in the next window).
    pub(super) async fn confirmation_room(
        &self,
        share: Share,
        now: Timestamp,
    ) -> Result<(), Timestamp> {
        if share == Share::Real && self.room_in(Share::Real, now).await.is_ok() {
            return Ok(());
        }
        self.room_in(Share::Shared, now).await
    }

    async fn room_in(&self, share: Share, now: Timestamp) -> Result<(), Timestamp> {
        for counter in self.ceilings(share, now) {
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
