//! `--since`, `--until` and `--month` as Helsinki dates → a time range.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use order_intake::domain::helsinki;

use crate::OpsError;
use crate::cli::PeriodArgs;

/// Orders created in `since..until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub since: Timestamp,
    pub until: Timestamp,
    /// The dates as given (`until` inclusive), for headings.
    pub first_day: Date,
    pub last_day: Date,
}

/// The length of a report's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    Month,
    Quarter,
    Year,
}

impl Calendar {
    fn months(self) -> i8 {
        match self {
            Calendar::Month => 1,
            Calendar::Quarter => 3,
            Calendar::Year => 12,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Calendar::Month => "month",
            Calendar::Quarter => "quarter",
            Calendar::Year => "year",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Calendar::Month => "2026-11",
            Calendar::Quarter => "2026Q4",
            Calendar::Year => "2026",
        }
    }
}

/// Days listed when no period is given.
const DEFAULT_DAYS: i64 = 30;

pub fn date(text: &str, what: &str) -> Result<Date, OpsError> {
    text.trim()
        .parse()
        .map_err(|_| OpsError::Usage(format!("{what} {text:?} is not a date like 2026-11-27")))
}

fn start_of(day: Date) -> Result<Timestamp, OpsError> {
    day.to_zoned_datetime(helsinki())
        .map(|z| z.timestamp())
        .map_err(|e| OpsError::Usage(format!("{day}: {e}")))
}

impl Period {
    pub fn from_args(args: &PeriodArgs, now: Timestamp) -> Result<Period, OpsError> {
        let today = now.to_zoned_datetime(helsinki()).date();
        let (first_day, last_day) = match &args.month {
            Some(month) => {
                let first = match month.trim() {
                    "last" => today
                        .first_of_month()
                        .checked_sub(1.month())
                        .map_err(|e| OpsError::Usage(e.to_string()))?,
                    "this" => today.first_of_month(),
                    month => date(&format!("{month}-01"), "--month")?,
                };
                (first, first.last_of_month())
            }
            None => {
                let last = match &args.until {
                    Some(until) => date(until, "--until")?,
                    None => today,
                };
                let first = match &args.since {
                    Some(since) => date(since, "--since")?,
                    None => last
                        .checked_sub(DEFAULT_DAYS.days())
                        .map_err(|e| OpsError::Usage(e.to_string()))?,
                };
                (first, last)
            }
        };
        Period::between(first_day, last_day)
    }

    /// A report's calendar period: a month (`2026-11`), a quarter (`2026Q4`) or a year
    /// (`2026`), or `this` or `last` of each.
    pub fn calendar(length: Calendar, text: &str, now: Timestamp) -> Result<Period, OpsError> {
        let today = now.to_zoned_datetime(helsinki()).date();
        let months = length.months();
        let usage = |e: jiff::Error| OpsError::Usage(e.to_string());
        // The first month of the period containing `day`.
        let start_of = |day: Date| {
            let month = (day.month() - 1) / months * months + 1;
            Date::new(day.year(), month, 1).map_err(usage)
        };
        let first = match text.trim() {
            "this" => start_of(today)?,
            "last" => start_of(start_of(today)?.checked_sub(1.day()).map_err(usage)?)?,
            given => {
                let wrong = || {
                    OpsError::Usage(format!(
                        "--{} {given:?} is not like {}, this or last",
                        length.name(),
                        length.example()
                    ))
                };
                let first = match length {
                    Calendar::Month => date(&format!("{given}-01"), "--month")?,
                    Calendar::Quarter => {
                        let (year, quarter) = given.split_once(['Q', 'q']).ok_or_else(wrong)?;
                        let year: i16 = year.trim_end_matches('-').parse().map_err(|_| wrong())?;
                        let quarter: i8 = quarter.parse().map_err(|_| wrong())?;
                        if !(1..=4).contains(&quarter) {
                            return Err(wrong());
                        }
                        Date::new(year, (quarter - 1) * 3 + 1, 1).map_err(|_| wrong())?
                    }
                    Calendar::Year => {
                        let year: i16 = given.parse().map_err(|_| wrong())?;
                        Date::new(year, 1, 1).map_err(|_| wrong())?
                    }
                };
                start_of(first)?
            }
        };
        let after = first
            .checked_add(i64::from(months).months())
            .map_err(usage)?;
        Period::between(first, after.checked_sub(1.day()).map_err(usage)?)
    }

    /// The Helsinki days `first_day..=last_day`.
    pub fn between(first_day: Date, last_day: Date) -> Result<Period, OpsError> {
        if first_day > last_day {
            return Err(OpsError::Usage(format!(
                "the period starts ({first_day}) after it ends ({last_day})"
            )));
        }
        let after_last = last_day
            .checked_add(1.day())
            .map_err(|e| OpsError::Usage(e.to_string()))?;
        Ok(Period {
            since: start_of(first_day)?,
            until: start_of(after_last)?,
            first_day,
            last_day,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(since: Option<&str>, until: Option<&str>, month: Option<&str>) -> PeriodArgs {
        PeriodArgs {
            since: since.map(str::to_owned),
            until: until.map(str::to_owned),
            month: month.map(str::to_owned),
        }
    }

    const NOW: &str = "2026-11-27T10:00:00Z";

    #[test]
    fn a_month_is_its_helsinki_days() {
        let period = Period::from_args(&args(None, None, Some("2026-10")), NOW.parse().unwrap());
        let period = period.unwrap();
        // October 2026 starts in summer time (UTC+3) and ends in winter time (UTC+2).
        assert_eq!(period.since.to_string(), "2026-09-30T21:00:00Z");
        assert_eq!(period.until.to_string(), "2026-10-31T22:00:00Z");
        let last = Period::from_args(&args(None, None, Some("last")), NOW.parse().unwrap());
        assert_eq!(last.unwrap(), period);
    }

    #[test]
    fn quarters_and_years_are_their_months() {
        let now = NOW.parse().unwrap();
        let days = |length, text| {
            let p = Period::calendar(length, text, now).unwrap();
            (p.first_day.to_string(), p.last_day.to_string())
        };
        let q4 = ("2026-10-01".to_owned(), "2026-12-31".to_owned());
        assert_eq!(days(Calendar::Quarter, "2026Q4"), q4);
        assert_eq!(days(Calendar::Quarter, "this"), q4);
        assert_eq!(
            days(Calendar::Quarter, "last"),
            ("2026-07-01".into(), "2026-09-30".into())
        );
        assert_eq!(
            days(Calendar::Year, "last"),
            ("2025-01-01".into(), "2025-12-31".into())
        );
        assert_eq!(
            days(Calendar::Month, "2027-02"),
            ("2027-02-01".into(), "2027-02-28".into())
        );
        for (length, wrong) in [(Calendar::Quarter, "2026Q5"), (Calendar::Year, "26x")] {
            assert!(Period::calendar(length, wrong, now).is_err(), "{wrong}");
        }
    }

    #[test]
    fn until_is_inclusive_and_the_default_is_thirty_days() {
        let period = Period::from_args(
            &args(Some("2026-11-01"), Some("2026-11-02"), None),
            NOW.parse().unwrap(),
        )
        .unwrap();
        assert_eq!(period.until.to_string(), "2026-11-02T22:00:00Z");
        let default = Period::from_args(&PeriodArgs::default(), NOW.parse().unwrap()).unwrap();
        assert_eq!(default.first_day.to_string(), "2026-10-28");
        assert_eq!(default.last_day.to_string(), "2026-11-27");
    }

    #[test]
    fn a_wrong_date_or_order_is_a_usage_error() {
        for wrong in [
            args(Some("27.11.2026"), None, None),
            args(Some("2026-11-05"), Some("2026-11-01"), None),
            args(None, None, Some("2026-13")),
        ] {
            assert!(
                matches!(
                    Period::from_args(&wrong, NOW.parse().unwrap()),
                    Err(OpsError::Usage(_))
                ),
                "{wrong:?}"
            );
        }
    }
}
