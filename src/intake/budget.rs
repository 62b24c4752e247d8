//! Time budgets. Lambda stops an invocation at its deadline wherever it is; an email sent but not
//! yet recorded would then be sent again by the next retry run. So work that cannot finish in
//! the time left is not started: an email is left pending for the retry run instead.

use std::time::{Duration, Instant, SystemTime};

/// When the invocation must be done, if it has a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline(Option<Instant>);

/// Kept back from every deadline for answering the request and returning the run's report.
pub const DEADLINE_MARGIN: Duration = Duration::from_secs(1);

impl Deadline {
    /// No deadline (tests, tools).
    pub fn none() -> Deadline {
        Deadline(None)
    }

    /// `within` from now, less the margin.
    pub fn after(within: Duration) -> Deadline {
        Deadline(Some(
            Instant::now() + within.saturating_sub(DEADLINE_MARGIN),
        ))
    }

    /// From the Lambda context's deadline (milliseconds since the epoch), less the margin.
    /// Lambda's deadline is always a moment after the invocation starts; a value a day or more
    /// in the past is not one (0 when there is no context; `cargo lambda watch` sends its
    /// timeout, 600000, as if it were a time), and means no deadline.
    pub fn from_epoch_millis(millis: u64) -> Deadline {
        let at = SystemTime::UNIX_EPOCH + Duration::from_millis(millis);
        let a_day_ago = SystemTime::now() - Duration::from_secs(24 * 60 * 60);
        if at < a_day_ago {
            return Deadline::none();
        }
        let left = at.duration_since(SystemTime::now()).unwrap_or_default();
        Deadline::after(left)
    }

    /// Time left, or `None` without a deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.0
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether `need` still fits.
    pub fn allows(&self, need: Duration) -> bool {
        self.remaining().is_none_or(|left| left >= need)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_keeps_its_margin_and_none_allows_anything() {
        assert!(Deadline::none().allows(Duration::from_secs(3600)));
        let soon = Deadline::after(Duration::from_millis(1500));
        assert!(soon.allows(Duration::from_millis(100)));
        assert!(
            !soon.allows(Duration::from_millis(600)),
            "one second is kept back"
        );
        assert_eq!(Deadline::from_epoch_millis(0), Deadline::none());
        assert_eq!(Deadline::from_epoch_millis(600_000), Deadline::none());
        let now_millis = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let passed = Deadline::from_epoch_millis(now_millis - 1000);
        assert!(
            !passed.allows(Duration::from_millis(1)),
            "a deadline just passed"
        );
        let later = Deadline::from_epoch_millis(now_millis + 20_000);
        assert!(later.allows(Duration::from_secs(10)));
        assert!(!later.allows(Duration::from_secs(20)));
    }
}
