//! The reputation breaker. SES pauses an account whose bounces pass 10 % or whose complaints
//! pass 0.1 %; a few orders to mailboxes that do not exist, or to people who press "spam", are
//! enough at this company's volume. So bounces and complaints of customer confirmations are
//! counted over a rolling day, and over a threshold every automatic confirmation is held until
//! an operator resets the breaker (`orders breaker reset`). People's releases still go.

use jiff::{Timestamp, ToSpan};

/// A report that counts against the company's sending reputation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strike {
    Bounce,
    Complaint,
}

impl Strike {
    pub fn as_str(self) -> &'static str {
        match self {
            Strike::Bounce => "bounce",
            Strike::Complaint => "complaint",
        }
    }
}

/// How many strikes in a rolling day trip the breaker (`BREAKER_BOUNCES_PER_DAY`,
/// `BREAKER_COMPLAINTS_PER_DAY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerLimits {
    pub bounces_per_day: u32,
    pub complaints_per_day: u32,
}

impl Default for BreakerLimits {
    fn default() -> BreakerLimits {
        // Real volume is about three orders a day: three bounces in a day is an attack or a
        // broken form, and one complaint is already 0.1 % of a thousand emails.
        BreakerLimits {
            bounces_per_day: 3,
            complaints_per_day: 1,
        }
    }
}

/// The breaker as stored: the strikes' times, when it tripped, when it was last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreakerState {
    pub bounces: Vec<Timestamp>,
    pub complaints: Vec<Timestamp>,
    pub tripped_at: Option<Timestamp>,
    pub reset_at: Option<Timestamp>,
}

/// The strikes kept at most per kind: older ones are trimmed on the next strike (only the last
/// day counts).
pub const MAX_STRIKES_KEPT: usize = 50;

impl BreakerState {
    /// Bounces and complaints in the day before `now`, after the last reset.
    pub fn counts(&self, now: Timestamp) -> (u32, u32) {
        let since = now.checked_sub(24.hours()).unwrap_or(Timestamp::MIN);
        let since = self.reset_at.map_or(since, |reset| reset.max(since));
        let count = |at: &[Timestamp]| {
            u32::try_from(at.iter().filter(|t| **t > since && **t <= now).count())
                .unwrap_or(u32::MAX)
        };
        (count(&self.bounces), count(&self.complaints))
    }

    /// Whether the day's strikes reach a threshold.
    pub fn over(&self, limits: BreakerLimits, now: Timestamp) -> bool {
        let (bounces, complaints) = self.counts(now);
        bounces >= limits.bounces_per_day || complaints >= limits.complaints_per_day
    }

    pub fn is_tripped(&self) -> bool {
        self.tripped_at.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + hours * 3600).unwrap()
    }

    #[test]
    fn only_the_last_day_after_a_reset_counts() {
        let limits = BreakerLimits::default();
        let mut state = BreakerState {
            bounces: vec![at(0), at(10), at(20)],
            ..BreakerState::default()
        };
        assert_eq!(state.counts(at(21)), (3, 0));
        assert!(state.over(limits, at(21)));
        // A day after the first, two remain: under the threshold.
        assert_eq!(state.counts(at(24)), (2, 0));
        assert!(!state.over(limits, at(24)));
        state.reset_at = Some(at(15));
        assert_eq!(state.counts(at(21)), (1, 0));
        state.complaints.push(at(16));
        assert!(state.over(limits, at(21)), "one complaint is enough");
    }
}
