//! Finnish working days: Monday to Friday, less the public holidays and the two eves Finnish
//! workplaces keep as days off (Christmas Eve, Midsummer Eve). The customer is promised a call
//! "within two working days"; the trainers' email says by when.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday, date};

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
pub fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // Both are small by construction (March or April, 1–31).
    date(year, month as i8, day as i8)
}

/// The weekday-falling days off of a year: the public holidays (New Year, Epiphany, Good Friday,
/// Easter Monday, May Day, Ascension, Midsummer Eve, Independence Day, Christmas Eve to Boxing
/// Day). Those always on a weekend (Midsummer Day, All Saints' Day) need no entry.
pub fn days_off(year: i16) -> Vec<Date> {
    let easter = easter(year);
    let from_easter = |days: i64| easter.checked_add(days.days()).unwrap_or(easter);
    // Midsummer Eve: the Friday between 19 and 25 June.
    let midsummer_eve = (19..=25)
        .map(|day| date(year, 6, day))
        .find(|d| d.weekday() == Weekday::Friday)
        .unwrap_or(date(year, 6, 19));
    vec![
        date(year, 1, 1),
        date(year, 1, 6),
        from_easter(-2),
        from_easter(1),
        date(year, 5, 1),
        from_easter(39),
        midsummer_eve,
        date(year, 12, 6),
        date(year, 12, 24),
        date(year, 12, 25),
        date(year, 12, 26),
    ]
}

pub fn is_working_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !days_off(day.year()).contains(&day)
}

/// The `n`th working day after `day` (`day` itself not counted).
pub fn working_days_after(day: Date, n: u32) -> Date {
    let mut current = day;
    let mut counted = 0;
    while counted < n {
        current = current.tomorrow().unwrap_or(current);
        if is_working_day(current) {
            counted += 1;
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_falls_on_its_known_sundays() {
        for (year, month, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter(year), date(year, month, day), "{year}");
        }
    }

    #[test]
    fn two_working_days_skip_weekends_holidays_and_the_eves() {
        let after_two = |y, m, d| working_days_after(date(y, m, d), 2);
        // Thursday 23 December 2027: Christmas Eve (Friday) and the weekend are off.
        assert_eq!(after_two(2027, 12, 23), date(2027, 12, 28));
        // Friday: Monday and Tuesday.
        assert_eq!(after_two(2026, 11, 27), date(2026, 12, 1));
        // Wednesday before Easter 2027: Good Friday and Easter Monday are off.
        assert_eq!(after_two(2027, 3, 24), date(2027, 3, 30));
        // Thursday 24 June 2027: Midsummer Eve (Friday 25 June) is off.
        assert_eq!(after_two(2027, 6, 24), date(2027, 6, 29));
        // Independence Day 2027 is a Monday.
        assert_eq!(after_two(2027, 12, 3), date(2027, 12, 8));
        // Ascension Day 2027 is Thursday 6 May.
        assert_eq!(after_two(2027, 5, 5), date(2027, 5, 10));
    }
}
