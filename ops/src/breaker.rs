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
        match state.tripped_at {
            Some(at) => writeln!(
                out,
                "breaker: TRIPPED at {} (automatic confirmations held)",
                local(at)
            )?,
            None => writeln!(out, "breaker: closed (automatic confirmations go)")?,
        }
        let since = state
            .reset_at
            .map(|at| format!(", since the reset at {}", local(at)));
        writeln!(
            out,
            "last 24 hours{}: {bounces} bounced, {complaints} complained",
            since.unwrap_or_default()
        )?;
        let defaults = BreakerLimits::default();
        writeln!(
            out,
            "trips at: BREAKER_BOUNCES_PER_DAY (default {}) or BREAKER_COMPLAINTS_PER_DAY (default {})",
            defaults.bounces_per_day, defaults.complaints_per_day
        )?;
        Ok(())
    }
}
