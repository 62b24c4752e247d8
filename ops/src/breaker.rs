//! `orders breaker status|reset`: the reputation breaker as the function sees it, and its reset.

use std::io::Write;

use jiff::Timestamp;
use order_intake::domain::BreakerLimits;

use crate::cli::BreakerAction;
use crate::format::local;
use crate::{Operator, OpsError};

impl Operator {
    pub(crate) async fn breaker(
        &self,
        action: BreakerAction,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        if action == BreakerAction::Reset {
            self.stores.reputation.reset_breaker(now).await?;
            writeln!(
                out,
                "breaker reset: automatic confirmations go again; held ones go in the next retry runs"
            )?;
        }
        let state = self.stores.reputation.breaker().await?;
        let (bounces, complaints) = state.counts(now);
        let networks = state.networks(now);
        match (state.tripped_at, state.tripped_until) {
            (Some(at), Some(until)) if state.is_tripped(now) => writeln!(
                out,
                "breaker: TRIPPED at {} (automatic confirmations held); ends by itself at {} unless another strike comes",
                local(at),
                local(until)
            )?,
            (Some(at), None) => writeln!(
                out,
                "breaker: TRIPPED at {} (automatic confirmations held) until a reset",
                local(at)
            )?,
            _ => writeln!(out, "breaker: closed (automatic confirmations go)")?,
        }
        let since = state
            .reset_at
            .map(|at| format!(", since the reset at {}", local(at)));
        writeln!(
            out,
            "last 24 hours{}: {bounces} bounced, {complaints} complained, from {networks} networks",
            since.unwrap_or_default()
        )?;
        let defaults = BreakerLimits::default();
        writeln!(
            out,
            "trips at: BREAKER_BOUNCES_PER_DAY (default {}) or BREAKER_COMPLAINTS_PER_DAY (default {}), from BREAKER_NETWORKS_PER_DAY (default {}) networks; ends after BREAKER_QUIET_HOURS (default {}) without a strike",
            defaults.bounces_per_day,
            defaults.complaints_per_day,
            defaults.networks_per_day,
            defaults.quiet_hours
        )?;
        Ok(())
    }
}
