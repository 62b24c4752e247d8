//! A workshop's booked date: what a trainer enters on the booking page (or an operator with
//! `orders book`), checked, and stored on the order with a sequence that grows with each change.

use jiff::civil::{Date, DateTime, Time};
use jiff::{Timestamp, ToSpan};

use super::text::{contains_control_characters_except_line_breaks, contains_link, contains_markup};
use super::{Package, contains_control_characters, helsinki};

pub const MAX_PLACE_LENGTH: usize = 200;
pub const MAX_NOTE_LENGTH: usize = 1000;
/// The day starts at 9.00 unless the trainer says otherwise.
pub const DEFAULT_START: Time = Time::constant(9, 0, 0, 0);
/// The customer's reminder goes this many days before, unless configured (`REMINDER_DAYS_BEFORE`).
pub const DEFAULT_REMINDER_DAYS_BEFORE: u32 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingState {
    Booked,
    Cancelled,
}

impl BookingState {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingState::Booked => "booked",
            BookingState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<BookingState> {
        match text {
            "booked" => Some(BookingState::Booked),
            "cancelled" => Some(BookingState::Cancelled),
            _ => None,
        }
    }
}

/// The booking as stored on its order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Booking {
    pub state: BookingState,
    /// Helsinki local time; `start_utc`/`end_utc` give the instants.
    pub start: DateTime,
    pub end: DateTime,
    pub place: String,
    /// The trainers who lead it, by name (`TRAINERS`).
    pub trainers: Vec<String>,
    /// To the customer, in their emails.
    pub note: Option<String>,
    /// Why it was cancelled.
    pub reason: Option<String>,
    /// 1 for the first booking, one more with each change or cancellation (iCalendar's
    /// `SEQUENCE`, and the store's condition: a change is written only over the one it saw).
    pub sequence: u32,
    pub changed_at: Timestamp,
    /// Who changed it: the signed link's id, or `orders` for an operator, or `customer`.
    pub changed_by: String,
    /// A cancellation's fee as a share of the price, recorded when it was cancelled: the terms'
    /// for the customer's own cancellation after the free days, 0 for one by us (`None`: not
    /// cancelled, or cancelled before fees were recorded).
    pub fee_percent: Option<u32>,
    /// The fee's VAT as the terms said at the cancellation (`None` for a free one, or one
    /// recorded before the fee's VAT was).
    pub fee_vat: Option<super::FeeVat>,
}

/// What the latest change to a booking was: the one place that decides it, for the metric, the
/// emails' wording and the page's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingChange {
    /// The first booking of the order.
    Booked,
    /// Booked again over an earlier booking (or a cancellation).
    Changed,
    Cancelled,
}

impl BookingChange {
    pub const ALL: [BookingChange; 3] = [
        BookingChange::Booked,
        BookingChange::Changed,
        BookingChange::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BookingChange::Booked => "booked",
            BookingChange::Changed => "changed",
            BookingChange::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<BookingChange> {
        BookingChange::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl Booking {
    /// What this booking's latest change was.
    pub fn change(&self) -> BookingChange {
        match (self.state, self.sequence) {
            (BookingState::Cancelled, _) => BookingChange::Cancelled,
            (BookingState::Booked, 0 | 1) => BookingChange::Booked,
            (BookingState::Booked, _) => BookingChange::Changed,
        }
    }

    pub fn start_utc(&self) -> Timestamp {
        instant(self.start)
    }

    pub fn end_utc(&self) -> Timestamp {
        instant(self.end)
    }

    pub fn is_booked(&self) -> bool {
        self.state == BookingState::Booked
    }

    /// When the customer's reminder goes: at 9.00, `days_before` days before the day. `None`
    /// when that is already past at `now` (the booking email is then recent enough).
    pub fn customer_reminder_at(&self, days_before: u32, now: Timestamp) -> Option<Timestamp> {
        let day = self
            .start
            .date()
            .checked_sub(i64::from(days_before).days())
            .ok()?;
        Some(instant(day.to_datetime(DEFAULT_START))).filter(|at| *at > now)
    }

    /// When the customer's reminder goes by default: at 9.00 on the working day before the last
    /// day of free cancellation, so that it can still be cancelled free. `None` when that is
    /// past at `now` (booked inside the free days: the booking email said what it costs).
    pub fn customer_reminder_before(
        &self,
        terms: super::CancellationTerms,
        now: Timestamp,
    ) -> Option<Timestamp> {
        let day = working_day_before(terms.free_until(self.start))?;
        Some(instant(day.to_datetime(DEFAULT_START))).filter(|at| *at > now)
    }

    /// When the customer's practical reminder goes: at 9.00 on the working day before the
    /// workshop. `None` when that is past at `now`.
    pub fn practical_reminder_at(&self, now: Timestamp) -> Option<Timestamp> {
        let day = working_day_before(self.start.date())?;
        Some(instant(day.to_datetime(DEFAULT_START))).filter(|at| *at > now)
    }

    /// When the trainers' note goes: at 8.00 on the working day before.
    pub fn trainer_reminder_at(&self, now: Timestamp) -> Option<Timestamp> {
        let day = working_day_before(self.start.date())?;
        Some(instant(day.to_datetime(Time::constant(8, 0, 0, 0)))).filter(|at| *at > now)
    }
}

/// The last working day before `date`: Monday to Friday, not a Finnish public holiday.
fn working_day_before(date: Date) -> Option<Date> {
    let mut day = date.yesterday().ok()?;
    while !super::is_working_day(day) {
        day = day.yesterday().ok()?;
    }
    Some(day)
}

fn instant(local: DateTime) -> Timestamp {
    // Validated times exist in Helsinki (`BookingRequest::parse`); a stored one in a later gap
    // of the zone's rules would be shifted forward, which is what a calendar does too.
    local
        .to_zoned_datetime(helsinki())
        .map(|z| z.timestamp())
        .unwrap_or_default()
}

/// What the booking page's form (or `orders book`) sent, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BookingForm {
    pub date: String,
    pub start: String,
    pub end: String,
    pub place: String,
    pub trainers: Vec<String>,
    pub note: String,
}

impl BookingForm {
    /// An empty end is the start plus the package's length (the check shows what it became).
    pub fn with_end_for(mut self, package: Package) -> BookingForm {
        if self.end.trim().is_empty()
            && let Some(start) = parse_time(&self.start)
        {
            let end = start
                .checked_add(jiff::SignedDuration::from_mins(package.minutes()))
                .unwrap_or(start);
            self.end = end.strftime("%H:%M").to_string();
        }
        self
    }
}

/// What is wrong with a booking form, one per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingProblem {
    DateMissing,
    DateInvalid,
    DateInPast,
    StartInvalid,
    EndInvalid,
    EndNotAfterStart,
    PlaceMissing,
    PlaceInvalid,
    TrainersMissing,
    TrainerUnknown,
    NoteInvalid,
    /// A cancellation needs a reason (plain text, at most 500 characters).
    ReasonInvalid,
    /// The booking was changed `MAX_CHANGES_BY_LINK` times already: an operator makes more.
    TooManyChanges,
    /// The workshop has started: what is invoiced follows the booking, so only an operator
    /// changes it now.
    AlreadyStarted,
}

/// A booking as asked for: valid dates and times, a place, trainers from the roster.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingRequest {
    pub start: DateTime,
    pub end: DateTime,
    pub place: String,
    pub trainers: Vec<String>,
    pub note: Option<String>,
}

/// `9:00`, `09.00`, `9` → 9.00.
fn parse_time(text: &str) -> Option<Time> {
    let text = text.trim();
    let (hour, minute) = match text.split_once([':', '.']) {
        Some((hour, minute)) if minute.len() == 2 => (hour, minute),
        Some(_) => return None,
        None => (text, "00"),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(hour) || !digits(minute) {
        return None;
    }
    Time::new(hour.parse().ok()?, minute.parse().ok()?, 0, 0).ok()
}

/// `2027-03-30` (a date input) or `30.3.2027` (as Finns write it).
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(date) = text.parse::<Date>() {
        return Some(date);
    }
    let mut parts = text.split('.').map(|p| p.parse::<i16>().ok());
    match (parts.next()?, parts.next()?, parts.next()?, parts.next()) {
        (Some(day), Some(month), Some(year), None) if year > 999 => {
            Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
        }
        _ => None,
    }
}

/// Text that may not reach a customer: hidden characters, markup, a link, or too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPlainText;

/// A line of plain text, which reaches the customer: trimmed, no control characters, no
/// markup and no link (the order form's rules: a domain joined by punctuation is one too), not
/// too long. Empty is `Ok(None)`.
pub fn plain_text(
    text: &str,
    max: usize,
    line_breaks: bool,
) -> Result<Option<String>, NotPlainText> {
    let text = text.trim();
    let hidden = if line_breaks {
        contains_control_characters_except_line_breaks(text)
    } else {
        contains_control_characters(text)
    };
    let bad = hidden || contains_markup(text) || contains_link(text);
    if bad || text.chars().count() > max {
        return Err(NotPlainText);
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

impl BookingRequest {
    /// Checks a form against the trainers' roster and today's date in Helsinki.
    pub fn parse(
        form: &BookingForm,
        roster: &[String],
        today: Date,
    ) -> Result<BookingRequest, Vec<BookingProblem>> {
        use BookingProblem::*;
        let mut problems = Vec::new();
        let times = times(form, today, &mut problems);
        let place = match plain_text(&form.place, MAX_PLACE_LENGTH, false) {
            Ok(Some(place)) => Some(place),
            Ok(None) => (problems.push(PlaceMissing), None).1,
            Err(NotPlainText) => (problems.push(PlaceInvalid), None).1,
        };
        let trainers = trainers(&form.trainers, roster, &mut problems);
        let note = plain_text(&form.note, MAX_NOTE_LENGTH, true).unwrap_or_else(|NotPlainText| {
            problems.push(NoteInvalid);
            None
        });
        problems.dedup();
        match (times, place) {
            (Some((start, end)), Some(place)) if problems.is_empty() => Ok(BookingRequest {
                start,
                end,
                place,
                trainers,
                note,
            }),
            _ => Err(problems),
        }
    }
}

/// The start and end, on a day not past, that exist in Helsinki, the end after the start.
fn times(
    form: &BookingForm,
    today: Date,
    problems: &mut Vec<BookingProblem>,
) -> Option<(DateTime, DateTime)> {
    use BookingProblem::*;
    let date = match parse_date(&form.date) {
        _ if form.date.trim().is_empty() => Err(DateMissing),
        None => Err(DateInvalid),
        Some(date) if date < today => Err(DateInPast),
        Some(date) => Ok(date),
    };
    let start = parse_time(&form.start).ok_or(StartInvalid);
    let end = parse_time(&form.end).ok_or(EndInvalid);
    let (Ok(date), Ok(start), Ok(end)) = (date, start, end) else {
        // An empty end follows from the start (`with_end_for`): only the start is wrong.
        let end_follows_start = form.end.trim().is_empty() && start.is_err();
        let end = end.err().filter(|_| !end_follows_start);
        problems.extend([date.err(), start.err(), end].into_iter().flatten());
        return None;
    };
    let (start, end) = (date.to_datetime(start), date.to_datetime(end));
    let exists = |t: DateTime| {
        (helsinki().to_ambiguous_zoned_datetime(t))
            .unambiguous()
            .is_ok()
    };
    if end <= start {
        problems.push(EndNotAfterStart);
    } else if !exists(start) {
        problems.push(StartInvalid);
    } else if !exists(end) {
        problems.push(EndInvalid);
    }
    Some((start, end))
}

/// The trainers chosen, each once, as the roster spells them.
fn trainers(
    chosen: &[String],
    roster: &[String],
    problems: &mut Vec<BookingProblem>,
) -> Vec<String> {
    let mut trainers: Vec<String> = Vec::new();
    for name in chosen.iter().map(|n| n.trim()) {
        match roster.iter().find(|r| r.as_str() == name) {
            Some(known) if !trainers.contains(known) => trainers.push(known.clone()),
            Some(_) => {}
            None => problems.push(BookingProblem::TrainerUnknown),
        }
    }
    if chosen.is_empty() {
        problems.push(BookingProblem::TrainersMissing);
    }
    trainers
}

/// The default end time for a package: its length from the default start.
pub fn default_end(package: Package) -> Time {
    DEFAULT_START.wrapping_add(jiff::Span::new().minutes(package.minutes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_end_is_the_package_s_length_from_the_start() {
        let form = |start: &str, end: &str| BookingForm {
            start: start.into(),
            end: end.into(),
            ..BookingForm::default()
        };
        let filled = form("9:30", "").with_end_for(Package::SomeHaltuun);
        assert_eq!(filled.end, "13:30");
        assert_eq!(
            form("9:30", " ").with_end_for(Package::Somestartti).end,
            "11:30"
        );
        assert_eq!(
            form("9:30", "10:00").with_end_for(Package::Somestartti).end,
            "10:00"
        );
        assert_eq!(
            form("", "").with_end_for(Package::Somestartti).end,
            "",
            "no start, no end"
        );
    }
    use jiff::civil::date;

    fn roster() -> Vec<String> {
        vec!["Pilvi Nummi".into(), "Jaana Pohjola".into()]
    }

    fn form() -> BookingForm {
        BookingForm {
            date: "2027-03-30".into(),
            start: "9.00".into(),
            end: "11:00".into(),
            place: "Kunnantalo, 2.krs".into(),
            trainers: vec!["Pilvi Nummi".into()],
            note: String::new(),
        }
    }

    #[test]
    fn a_booking_is_at_helsinki_time_on_both_sides_of_daylight_saving() {
        let request = BookingRequest::parse(&form(), &roster(), date(2027, 1, 1)).unwrap();
        assert_eq!(request.start, date(2027, 3, 30).at(9, 0, 0, 0));
        assert_eq!(instant(request.start).to_string(), "2027-03-30T06:00:00Z");
        let winter = form_with(|f| f.date = "2.11.2027".into());
        let request = BookingRequest::parse(&winter, &roster(), date(2027, 1, 1)).unwrap();
        assert_eq!(instant(request.start).to_string(), "2027-11-02T07:00:00Z");
    }

    fn form_with(change: impl Fn(&mut BookingForm)) -> BookingForm {
        let mut form = form();
        change(&mut form);
        form
    }

    #[test]
    fn each_mistake_is_named() {
        use BookingProblem::*;
        let cases: Vec<(BookingForm, Vec<BookingProblem>)> = vec![
            (form_with(|f| f.date = String::new()), vec![DateMissing]),
            (
                form_with(|f| f.date = "30.2.2027".into()),
                vec![DateInvalid],
            ),
            (
                form_with(|f| f.date = "2026-12-31".into()),
                vec![DateInPast],
            ),
            (form_with(|f| f.start = "25:00".into()), vec![StartInvalid]),
            (form_with(|f| f.end = "8:00".into()), vec![EndNotAfterStart]),
            (form_with(|f| f.place = " ".into()), vec![PlaceMissing]),
            (
                form_with(|f| f.place = "a\u{7}b".into()),
                vec![PlaceInvalid],
            ),
            (form_with(|f| f.trainers.clear()), vec![TrainersMissing]),
            (
                form_with(|f| f.trainers = vec!["Mallory".into()]),
                vec![TrainerUnknown],
            ),
            (form_with(|f| f.note = "x".repeat(1001)), vec![NoteInvalid]),
            // What reaches the customer passes the order form's rules (issue 37).
            (
                form_with(|f| f.place = "Maksa:evil.com/pay".into()),
                vec![PlaceInvalid],
            ),
            (
                form_with(|f| f.place = "Tuusula/evil.com".into()),
                vec![PlaceInvalid],
            ),
            (
                form_with(|f| f.place = "<b>Sali</b>".into()),
                vec![PlaceInvalid],
            ),
            (
                form_with(|f| f.note = "lasku,evil.com".into()),
                vec![NoteInvalid],
            ),
            (
                form_with(|f| f.note = "katso http:evil.com".into()),
                vec![NoteInvalid],
            ),
            // 3.30 on 28 March 2027 does not exist in Helsinki (clocks go from 3 to 4).
            (
                form_with(|f| {
                    f.date = "2027-03-28".into();
                    f.start = "3:30".into()
                }),
                vec![StartInvalid],
            ),
        ];
        for (form, expected) in cases {
            assert_eq!(
                BookingRequest::parse(&form, &roster(), date(2027, 1, 1)).unwrap_err(),
                expected,
                "{form:?}"
            );
        }
    }

    #[test]
    fn reminders_fall_a_week_before_and_on_the_working_day_before() {
        let booking = Booking {
            state: BookingState::Booked,
            // A Monday: the trainers' note goes on the Friday before.
            start: date(2027, 4, 12).at(9, 0, 0, 0),
            end: date(2027, 4, 12).at(11, 0, 0, 0),
            place: "Kunnantalo".into(),
            trainers: roster(),
            note: None,
            reason: None,
            sequence: 1,
            changed_at: Timestamp::UNIX_EPOCH,
            changed_by: "orders".into(),
            fee_percent: None,
            fee_vat: None,
        };
        let now: Timestamp = "2027-03-01T00:00:00Z".parse().unwrap();
        let customer = booking.customer_reminder_at(7, now).unwrap();
        assert_eq!(customer.to_string(), "2027-04-05T06:00:00Z");
        let trainers = booking.trainer_reminder_at(now).unwrap();
        assert_eq!(trainers.to_string(), "2027-04-09T05:00:00Z");
        let late: Timestamp = "2027-04-08T00:00:00Z".parse().unwrap();
        assert_eq!(booking.customer_reminder_at(7, late), None);
        // By default, before free cancellation ends: free through Monday 29 March (Easter
        // Monday), so on the working day before, Thursday 25 March (26 March is Good Friday),
        // at 9.00 in winter time (UTC+2; summer time starts on the 28th). Booked after, none.
        let terms = super::super::CancellationTerms::default();
        let before = booking.customer_reminder_before(terms, now).unwrap();
        assert_eq!(before.to_string(), "2027-03-25T07:00:00Z");
        // The practical reminder: Friday 9 April at 9.00 in summer time (UTC+3).
        let practical = booking.practical_reminder_at(now).unwrap();
        assert_eq!(practical.to_string(), "2027-04-09T06:00:00Z");
        let after: Timestamp = "2027-04-09T06:00:00Z".parse().unwrap();
        assert_eq!(booking.practical_reminder_at(after), None);
        let inside: Timestamp = "2027-03-27T00:00:00Z".parse().unwrap();
        assert_eq!(booking.customer_reminder_before(terms, inside), None);
    }
}
