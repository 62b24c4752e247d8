//! The customer's request for another date, from their own page: up to three wished dates and
//! a message, under the order form's rules. It stays on the order until the trainers act on
//! the booking (book, change or cancel); the booking stays as it is meanwhile.

use jiff::Timestamp;
use jiff::civil::Date;

use super::order::preferred_date;
use super::{MAX_PREFERRED_DATES, plain_text};

/// A change request's message at most (the form's message is longer: this one is a note).
pub const MAX_REQUEST_MESSAGE_LENGTH: usize = 1000;

/// A request for another date, as stored on its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    /// The wished dates, in the order given (none: the message says what is wanted).
    pub dates: Vec<Date>,
    pub message: Option<String>,
    pub at: Timestamp,
}

/// What is wrong with a change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeProblem {
    /// Neither a date nor a message: nothing to ask.
    Empty,
    /// A date that is not one, not after today, or more than a year ahead.
    DateInvalid,
    TooManyDates,
    /// Hidden characters, markup, a link, or too long.
    MessageInvalid,
}

impl ChangeRequest {
    /// Checks the page's fields (`YYYY-MM-DD` dates, blanks ignored) against today in Helsinki.
    pub fn parse(
        dates: &[String],
        message: &str,
        today: Date,
        now: Timestamp,
    ) -> Result<ChangeRequest, Vec<ChangeProblem>> {
        let given: Vec<&str> = (dates.iter().map(|d| d.trim()))
            .filter(|d| !d.is_empty())
            .collect();
        let mut problems = Vec::new();
        let mut wished = Vec::new();
        if given.len() > MAX_PREFERRED_DATES {
            problems.push(ChangeProblem::TooManyDates);
        } else {
            for value in given {
                match preferred_date(value, today) {
                    Ok(date) if !wished.contains(&date) => wished.push(date),
                    Ok(_) => {}
                    Err(_) => {
                        problems.push(ChangeProblem::DateInvalid);
                        break;
                    }
                }
            }
        }
        let message = plain_text(message, MAX_REQUEST_MESSAGE_LENGTH, true).unwrap_or_else(|_| {
            problems.push(ChangeProblem::MessageInvalid);
            None
        });
        if problems.is_empty() && wished.is_empty() && message.is_none() {
            problems.push(ChangeProblem::Empty);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ChangeRequest {
            dates: wished,
            message: message.map(|m| m.replace("\r\n", "\n").replace('\r', "\n")),
            at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn parse(dates: &[&str], message: &str) -> Result<ChangeRequest, Vec<ChangeProblem>> {
        let dates: Vec<String> = dates.iter().map(|d| (*d).to_owned()).collect();
        ChangeRequest::parse(&dates, message, date(2027, 1, 10), Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn wished_dates_are_future_days_within_a_year_and_at_most_three() {
        let asked = parse(&["2027-02-01", "", "2027-02-01", "2027-02-03"], " ").unwrap();
        assert_eq!(asked.dates, vec![date(2027, 2, 1), date(2027, 2, 3)]);
        assert_eq!(asked.message, None);
        for past in ["2027-01-10", "2028-02-01", "1.2.2027", "2027-2-1"] {
            assert_eq!(parse(&[past], ""), Err(vec![ChangeProblem::DateInvalid]));
        }
        let four = ["2027-02-01", "2027-02-02", "2027-02-03", "2027-02-04"];
        assert_eq!(parse(&four, ""), Err(vec![ChangeProblem::TooManyDates]));
    }

    #[test]
    fn the_message_follows_the_forms_rules_and_something_must_be_asked() {
        let asked = parse(&[], "Voisiko koulutuksen siirtää\r\nhuhtikuulle?").unwrap();
        assert_eq!(
            asked.message.as_deref(),
            Some("Voisiko koulutuksen siirtää\nhuhtikuulle?")
        );
        assert_eq!(parse(&[], "  "), Err(vec![ChangeProblem::Empty]));
        for bad in ["katso www.example.com", "<b>kiire</b>", "a\u{202e}b"] {
            assert_eq!(parse(&[], bad), Err(vec![ChangeProblem::MessageInvalid]));
        }
        let long = "a".repeat(MAX_REQUEST_MESSAGE_LENGTH + 1);
        assert_eq!(parse(&[], &long), Err(vec![ChangeProblem::MessageInvalid]));
    }
}
