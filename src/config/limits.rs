//! The abuse limits and the function's own keys: the counters' (`RATE_LIMIT_SECRET`) and the
//! orders' seals' (`ORDER_SEAL_SECRET`).

use super::{ConfigError, Variables, error};
use crate::domain::{BreakerLimits, Limits, OrderSeal, Quotas};

impl<F: Fn(&str) -> Option<String>> Variables<F> {
    pub(super) fn limits(&self) -> Result<Limits, ConfigError> {
        let secret = self.secret("RATE_LIMIT_SECRET", self.required("RATE_LIMIT_SECRET")?)?;
        let defaults = Quotas::default();
        let quotas = Quotas {
            orders_per_source_per_hour: self.count(
                "ORDERS_PER_SOURCE_PER_HOUR",
                defaults.orders_per_source_per_hour,
            )?,
            orders_per_mailbox_per_day: self.count(
                "ORDERS_PER_MAILBOX_PER_DAY",
                defaults.orders_per_mailbox_per_day,
            )?,
            confirmations_per_hour: self
                .count("CONFIRMATIONS_PER_HOUR", defaults.confirmations_per_hour)?,
            confirmations_per_day: self
                .count("CONFIRMATIONS_PER_DAY", defaults.confirmations_per_day)?,
            real_confirmations_per_hour: self.count(
                "REAL_CONFIRMATIONS_PER_HOUR",
                defaults.real_confirmations_per_hour,
            )?,
            real_confirmations_per_day: self.count(
                "REAL_CONFIRMATIONS_PER_DAY",
                defaults.real_confirmations_per_day,
            )?,
            trainer_notifications_per_hour: self.count(
                "TRAINER_NOTIFICATIONS_PER_HOUR",
                defaults.trainer_notifications_per_hour,
            )?,
            operator_mails_per_order_per_day: self.count(
                "OPERATOR_MAILS_PER_ORDER_PER_DAY",
                defaults.operator_mails_per_order_per_day,
            )?,
            operator_mails_per_day: self
                .count("OPERATOR_MAILS_PER_DAY", defaults.operator_mails_per_day)?,
            breaker: BreakerLimits {
                bounces_per_day: self
                    .count("BREAKER_BOUNCES_PER_DAY", defaults.breaker.bounces_per_day)?,
                complaints_per_day: self.count(
                    "BREAKER_COMPLAINTS_PER_DAY",
                    defaults.breaker.complaints_per_day,
                )?,
                networks_per_day: self.count(
                    "BREAKER_NETWORKS_PER_DAY",
                    defaults.breaker.networks_per_day,
                )?,
                quiet_hours: self.count("BREAKER_QUIET_HOURS", defaults.breaker.quiet_hours)?,
            },
        };
        Ok(Limits::new(quotas, &secret))
    }

    /// The seal's key: a secret of its own, so that no other secret's rotation breaks the seals.
    pub(super) fn seal(&self) -> Result<OrderSeal, ConfigError> {
        let secret = self.secret("ORDER_SEAL_SECRET", self.required("ORDER_SEAL_SECRET")?)?;
        for other in [
            "RATE_LIMIT_SECRET",
            "BOOKING_LINK_SECRET",
            "BOOKING_LINK_SECRET_PREVIOUS",
        ] {
            if self.optional(other).as_deref() == Some(secret.as_str()) {
                return Err(error(
                    "ORDER_SEAL_SECRET",
                    format!("is the same as {other}"),
                ));
            }
        }
        Ok(OrderSeal::new(&secret))
    }
}
