//! The small typed values of an order: each is valid once parsed.

use super::field::MAX_PARTICIPANTS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Facebook,
    Twitter,
    Instagram,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Facebook, Channel::Twitter, Channel::Instagram];

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.id() == text)
    }

    pub fn id(self) -> &'static str {
        match self {
            Channel::Facebook => "facebook",
            Channel::Twitter => "twitter",
            Channel::Instagram => "instagram",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Channel::Facebook => "Facebook",
            Channel::Twitter => "X (Twitter)",
            Channel::Instagram => "Instagram",
        }
    }
}

/// A phone number as typed: digits, spaces, `+ - ( )`, with 7–15 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: &str) -> Option<Phone> {
        let allowed = text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
        let digits = text.chars().filter(char::is_ascii_digit).count();
        (allowed && (7..=15).contains(&digits)).then(|| Phone(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as a `tel:` link wants it: `+` and digits only.
    pub fn tel_uri(&self) -> String {
        let dialable: String = (self.0.chars())
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{dialable}")
    }
}

/// An e-invoice (verkkolasku) address or operator id: 4–35 of A–Z and 0–9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EInvoiceId(String);

impl EInvoiceId {
    pub fn parse(text: &str) -> Option<EInvoiceId> {
        let upper = text.to_ascii_uppercase();
        let valid = (4..=35).contains(&upper.len())
            && upper
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        valid.then_some(EInvoiceId(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A client's idempotency key: 8–128 of `A-Z a-z 0-9 _ -`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Option<IdempotencyKey> {
        let valid = (8..=128).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        valid.then(|| IdempotencyKey(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many people take part: a whole number from 1 to `MAX_PARTICIPANTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participants(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantsError {
    /// Not a whole number written in digits.
    NotANumber,
    /// A whole number, but not from 1 to the maximum.
    OutOfRange,
}

impl Participants {
    pub const MIN: u32 = 1;
    pub const MAX: u32 = MAX_PARTICIPANTS;

    pub fn parse(text: &str) -> Result<Participants, ParticipantsError> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParticipantsError::NotANumber);
        }
        match text.parse::<u32>() {
            Ok(n) => Participants::new(n),
            Err(_) => Err(ParticipantsError::OutOfRange), // more digits than a u32 holds
        }
    }

    pub fn new(count: u32) -> Result<Participants, ParticipantsError> {
        (Self::MIN..=Self::MAX)
            .contains(&count)
            .then_some(Participants(count))
            .ok_or(ParticipantsError::OutOfRange)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl std::fmt::Display for Participants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participants_are_whole_numbers_in_range() {
        assert_eq!(Participants::parse("1").map(Participants::get), Ok(1));
        assert_eq!(Participants::parse("200").map(Participants::get), Ok(200));
        assert_eq!(Participants::parse("0"), Err(ParticipantsError::OutOfRange));
        assert_eq!(
            Participants::parse("99999999999"),
            Err(ParticipantsError::OutOfRange)
        );
        for text in ["1.5", "-3", "+3", "kymmenen", ""] {
            assert_eq!(
                Participants::parse(text),
                Err(ParticipantsError::NotANumber),
                "{text}"
            );
        }
    }

    #[test]
    fn every_channel_parses_from_its_own_id() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.id()), Some(channel));
        }
        assert_eq!(Channel::parse("myspace"), None);
    }
}
