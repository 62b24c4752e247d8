//! The reputation breaker. SES pauses an account whose bounces pass 10 % or whose complaints
//! pass 0.1 %; a few orders to mailboxes that do not exist, or to people who press "spam", are
//! enough at this company's volume. A breaker anyone could trip would itself be the attack, so:
//! a strike first marks who caused it (the order's source and mailbox, `Culprit`), whose later
//! confirmations then wait for a person; every automatic confirmation is held only when the
//! day's strikes come from several networks (`BreakerLimits::networks_per_day`), and the trip
//! ends by itself after quiet hours (or an operator's `orders breaker reset`).

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

/// When the breaker trips and how it ends (`BREAKER_BOUNCES_PER_DAY`,
/// `BREAKER_COMPLAINTS_PER_DAY`, `BREAKER_NETWORKS_PER_DAY`, `BREAKER_QUIET_HOURS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerLimits {
    pub bounces_per_day: u32,
    pub complaints_per_day: u32,
    /// The distinct networks (IPv4 /24, IPv6 /48) the day's strikes must come from: one
    /// stranger's strikes mark only their own orders.
    pub networks_per_day: u32,
    /// A trip ends by itself this long after its last strike.
    pub quiet_hours: u32,
}

impl Default for BreakerLimits {
    fn default() -> BreakerLimits {
        // Real volume is about three orders a day: three bounces in a day is an attack or a
        // broken form, and one complaint is already 0.1 % of a thousand emails.
        BreakerLimits {
            bounces_per_day: 3,
            complaints_per_day: 1,
            networks_per_day: 3,
            quiet_hours: 12,
        }
    }
}

/// One strike as stored: when, and the keyed hash of the network its order came from (empty
/// for a strike of an order stored before networks were kept: all such count as one network).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrikeAt {
    pub at: Timestamp,
    pub network: String,
}

/// The breaker as stored: the strikes, when it tripped and until when, when it was last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreakerState {
    pub bounces: Vec<StrikeAt>,
    pub complaints: Vec<StrikeAt>,
    pub tripped_at: Option<Timestamp>,
    /// The trip's end unless another strike comes first (none: a trip from before trips ended
    /// by themselves, which only a reset ends).
    pub tripped_until: Option<Timestamp>,
    pub reset_at: Option<Timestamp>,
}

/// The strikes kept at most per kind: older ones are trimmed on the next strike (only the last
/// day counts).
pub const MAX_STRIKES_KEPT: usize = 50;

/// How long a strike marks its order's source and mailbox.
pub const MARK_SECONDS: i64 = 7 * 24 * 60 * 60;

impl BreakerState {
    /// Strikes count after this: the last day, after the last reset and after the end of a
    /// trip that ended by itself.
    fn counting_since(&self, now: Timestamp) -> Timestamp {
        let day_ago = now.checked_sub(24.hours()).unwrap_or(Timestamp::MIN);
        let ended = self.tripped_until.filter(|until| *until <= now);
        [self.reset_at, ended]
            .into_iter()
            .flatten()
            .fold(day_ago, Timestamp::max)
    }

    /// The strikes of `list` that count at `now`.
    fn counting<'a>(
        &self,
        list: &'a [StrikeAt],
        now: Timestamp,
    ) -> impl Iterator<Item = &'a StrikeAt> {
        let since = self.counting_since(now);
        list.iter().filter(move |s| s.at > since && s.at <= now)
    }

    /// Bounces and complaints that count at `now`.
    pub fn counts(&self, now: Timestamp) -> (u32, u32) {
        let count =
            |list: &[StrikeAt]| u32::try_from(self.counting(list, now).count()).unwrap_or(u32::MAX);
        (count(&self.bounces), count(&self.complaints))
    }

    /// The distinct networks the counting strikes came from.
    pub fn networks(&self, now: Timestamp) -> u32 {
        let distinct: std::collections::BTreeSet<&str> = (self.counting(&self.bounces, now))
            .chain(self.counting(&self.complaints, now))
            .map(|s| s.network.as_str())
            .collect();
        u32::try_from(distinct.len()).unwrap_or(u32::MAX)
    }

    /// Whether the strikes that count reach a threshold, from enough networks.
    pub fn over(&self, limits: BreakerLimits, now: Timestamp) -> bool {
        let (bounces, complaints) = self.counts(now);
        (bounces >= limits.bounces_per_day || complaints >= limits.complaints_per_day)
            && self.networks(now) >= limits.networks_per_day
    }

    /// Whether the breaker holds automatic confirmations at `now`.
    pub fn is_tripped(&self, now: Timestamp) -> bool {
        self.tripped_at.is_some() && self.tripped_until.is_none_or(|until| until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + hours * 3600).unwrap()
    }

    fn from(hours: i64, network: &str) -> StrikeAt {
        StrikeAt {
            at: at(hours),
            network: network.to_owned(),
        }
    }

    #[test]
    fn only_the_last_day_after_a_reset_counts_and_only_from_enough_networks() {
        let limits = BreakerLimits::default();
        let mut state = BreakerState {
            bounces: vec![from(0, "a"), from(10, "b"), from(20, "c")],
            ..BreakerState::default()
        };
        assert_eq!(state.counts(at(21)), (3, 0));
        assert_eq!(state.networks(at(21)), 3);
        assert!(state.over(limits, at(21)));
        // A day after the first, two remain: under the threshold.
        assert_eq!(state.counts(at(24)), (2, 0));
        assert!(!state.over(limits, at(24)));
        state.reset_at = Some(at(15));
        assert_eq!(state.counts(at(21)), (1, 0));
        state.complaints.push(from(16, "c"));
        assert_eq!(state.counts(at(21)), (1, 1));
        assert!(
            !state.over(limits, at(21)),
            "one complaint from one network"
        );
        state.complaints.push(from(17, "d"));
        state.complaints.push(from(18, "e"));
        assert!(state.over(limits, at(21)), "complaints from three networks");
    }

    #[test]
    fn one_network_never_trips_it_however_many_strikes() {
        let state = BreakerState {
            bounces: (0..40).map(|h| from(h % 20, "same")).collect(),
            complaints: vec![from(3, "same")],
            ..BreakerState::default()
        };
        assert!(!state.over(BreakerLimits::default(), at(20)));
    }

    #[test]
    fn a_trip_ends_by_itself_and_strikes_before_its_end_no_longer_count() {
        let mut state = BreakerState {
            bounces: vec![from(0, "a"), from(1, "b"), from(2, "c")],
            tripped_at: Some(at(2)),
            tripped_until: Some(at(14)),
            ..BreakerState::default()
        };
        assert!(state.is_tripped(at(13)));
        assert!(!state.is_tripped(at(14)));
        assert_eq!(state.counts(at(15)), (0, 0));
        state.tripped_until = None;
        assert!(
            state.is_tripped(at(40)),
            "a trip without an end waits for a reset"
        );
    }
}
