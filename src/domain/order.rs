//! `OrderForm` is what was sent; `NewOrder` is a valid order. `NewOrder::parse` collects every
//! field error at once.

use jiff::civil::Date;
use sha2::{Digest, Sha256};

use super::text::{
    contains_control_characters, contains_control_characters_except_line_breaks, contains_markup,
};
use super::{BusinessId, EmailAddress, Language, Package};

pub const MAX_PREFERRED_DATES: usize = 3;
const MAX_DAYS_AHEAD: i32 = 365;

/// The fields of an order as sent, before validation. Text is untrimmed; absent is `None`.
/// Field names are the same in JSON and form bodies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderForm {
    pub package: Option<String>,
    pub organization: Option<String>,
    pub contact_name: Option<String>,
    pub email: Option<String>,
    pub privacy_consent: Option<String>,
    pub business_id: Option<String>,
    pub phone: Option<String>,
    pub participants: Option<String>,
    pub channels: Vec<String>,
    pub preferred_dates: Vec<String>,
    pub location: Option<String>,
    pub einvoice_address: Option<String>,
    pub einvoice_operator: Option<String>,
    pub billing_reference: Option<String>,
    pub message: Option<String>,
    pub language: Option<String>,
    pub idempotency_key: Option<String>,
    /// `_next`: where a plain HTML form wants to land after success (checked by the HTTP layer).
    pub next: Option<String>,
    /// `_gotcha`: the honeypot. People leave it empty; bots fill it in.
    pub gotcha: Option<String>,
    /// Fields whose value had the wrong shape (an object where text belongs, a repeated field).
    pub shape_errors: Vec<FieldError>,
}

/// Why a field was rejected. The code is stable (clients may switch on it); the message is
/// rendered in the request's language by `crate::i18n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: ErrorCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Required,
    TooShort { min: usize },
    TooLong { max: usize },
    ControlCharacters,
    Markup,
    Invalid,
    InvalidType,
    Repeated,
    ConsentRequired,
    UnknownPackage,
    InvalidCheckDigit,
    OutOfRange { min: u32, max: u32 },
    TooMany { max: usize },
    DateNotInFuture,
    DateTooFar,
    Conflict,
}

impl ErrorCode {
    /// One of each kind (limits are examples): for documentation that lists the codes.
    pub const EVERY_KIND: [ErrorCode; 16] = [
        ErrorCode::Required,
        ErrorCode::TooShort { min: 2 },
        ErrorCode::TooLong { max: 200 },
        ErrorCode::ControlCharacters,
        ErrorCode::Markup,
        ErrorCode::Invalid,
        ErrorCode::InvalidType,
        ErrorCode::Repeated,
        ErrorCode::ConsentRequired,
        ErrorCode::UnknownPackage,
        ErrorCode::InvalidCheckDigit,
        ErrorCode::OutOfRange { min: 1, max: 200 },
        ErrorCode::TooMany { max: 3 },
        ErrorCode::DateNotInFuture,
        ErrorCode::DateTooFar,
        ErrorCode::Conflict,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooShort { .. } => "too_short",
            ErrorCode::TooLong { .. } => "too_long",
            ErrorCode::ControlCharacters => "control_characters",
            ErrorCode::Markup => "markup",
            ErrorCode::Invalid => "invalid",
            ErrorCode::InvalidType => "invalid_type",
            ErrorCode::Repeated => "repeated",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::UnknownPackage => "unknown_package",
            ErrorCode::InvalidCheckDigit => "invalid_check_digit",
            ErrorCode::OutOfRange { .. } => "out_of_range",
            ErrorCode::TooMany { .. } => "too_many",
            ErrorCode::DateNotInFuture => "date_not_in_future",
            ErrorCode::DateTooFar => "date_too_far",
            ErrorCode::Conflict => "conflict",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Facebook,
    Twitter,
    Instagram,
}

impl Channel {
    pub fn parse(text: &str) -> Option<Channel> {
        match text {
            "facebook" => Some(Channel::Facebook),
            "twitter" => Some(Channel::Twitter),
            "instagram" => Some(Channel::Instagram),
            _ => None,
        }
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

/// A valid order, as the customer gave it (the price is the catalogue's, never the client's).
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrder {
    pub package: Package,
    pub organization: String,
    pub contact_name: String,
    pub email: EmailAddress,
    pub business_id: Option<BusinessId>,
    pub phone: Option<Phone>,
    pub participants: Option<u32>,
    pub channels: Vec<Channel>,
    pub preferred_dates: Vec<Date>,
    pub location: Option<String>,
    pub einvoice_address: Option<EInvoiceId>,
    pub einvoice_operator: Option<EInvoiceId>,
    pub billing_reference: Option<String>,
    pub message: Option<String>,
    pub language: Language,
}

/// Collects errors while fields are checked one by one.
struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn fail<T>(&mut self, field: &'static str, code: ErrorCode) -> Option<T> {
        self.errors.push(FieldError { field, code });
        None
    }

    /// Trimmed text with a length in characters; `None` (and no error) when absent or blank
    /// and not required.
    fn text(
        &mut self,
        field: &'static str,
        value: &Option<String>,
        min: usize,
        max: usize,
        required: bool,
    ) -> Option<String> {
        let trimmed = value.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let Some(text) = trimmed else {
            return if required {
                self.fail(field, ErrorCode::Required)
            } else {
                None
            };
        };
        if contains_control_characters(text) {
            return self.fail(field, ErrorCode::ControlCharacters);
        }
        if contains_markup(text) {
            return self.fail(field, ErrorCode::Markup);
        }
        let length = text.chars().count();
        if length < min {
            return self.fail(field, ErrorCode::TooShort { min });
        }
        if length > max {
            return self.fail(field, ErrorCode::TooLong { max });
        }
        Some(text.to_owned())
    }

    /// Optional text that must also parse into a domain type.
    fn parsed<T>(
        &mut self,
        field: &'static str,
        value: &Option<String>,
        max: usize,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.text(field, value, 1, max, false)?;
        parse(&text).or_else(|| self.fail(field, ErrorCode::Invalid))
    }
}

impl NewOrder {
    /// Validates a form. `today` is the current date in Europe/Helsinki.
    pub fn parse(form: &OrderForm, today: Date) -> Result<NewOrder, Vec<FieldError>> {
        let mut check = Checker {
            errors: form.shape_errors.clone(),
        };
        let failed_shape = |field: &str| form.shape_errors.iter().any(|e| e.field == field);

        let package = match form.package.as_deref().map(str::trim) {
            _ if failed_shape("package") => None,
            None | Some("") => check.fail("package", ErrorCode::Required),
            Some(id) => {
                Package::parse(id).or_else(|| check.fail("package", ErrorCode::UnknownPackage))
            }
        };
        let organization = check.text(
            "organization",
            &form.organization,
            2,
            200,
            !failed_shape("organization"),
        );
        let contact_name = check.text(
            "contact_name",
            &form.contact_name,
            2,
            100,
            !failed_shape("contact_name"),
        );
        let email = match check.text(
            "email",
            &form.email,
            1,
            super::email_address::MAX_EMAIL_LENGTH,
            !failed_shape("email"),
        ) {
            Some(text) => {
                EmailAddress::parse(&text).or_else(|| check.fail("email", ErrorCode::Invalid))
            }
            None => None,
        };
        let consent = matches!(
            form.privacy_consent.as_deref().map(str::trim),
            Some("true" | "on" | "yes")
        );
        if !consent && !failed_shape("privacy_consent") {
            check.fail::<()>("privacy_consent", ErrorCode::ConsentRequired);
        }
        let business_id = match check.text("business_id", &form.business_id, 1, 9, false) {
            Some(text)
                if text.len() == 9
                    && text.as_bytes()[7] == b'-'
                    && text.is_ascii()
                    && text
                        .chars()
                        .filter(|c| *c != '-')
                        .all(|c| c.is_ascii_digit()) =>
            {
                BusinessId::parse(&text)
                    .or_else(|| check.fail("business_id", ErrorCode::InvalidCheckDigit))
            }
            Some(_) => check.fail("business_id", ErrorCode::Invalid),
            None => None,
        };
        let phone = check.parsed("phone", &form.phone, 30, Phone::parse);
        let participants = match check.text("participants", &form.participants, 1, 20, false) {
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=200).contains(&n) && text.bytes().all(|b| b.is_ascii_digit()) => {
                    Some(n)
                }
                Ok(_) | Err(_) if text.bytes().all(|b| b.is_ascii_digit()) => {
                    check.fail("participants", ErrorCode::OutOfRange { min: 1, max: 200 })
                }
                _ => check.fail("participants", ErrorCode::Invalid),
            },
            None => None,
        };
        let channels = Self::channels(&mut check, &form.channels);
        let preferred_dates = Self::preferred_dates(&mut check, &form.preferred_dates, today);
        let location = check.text("location", &form.location, 1, 200, false);
        let einvoice_address = check.parsed(
            "einvoice_address",
            &form.einvoice_address,
            35,
            EInvoiceId::parse,
        );
        let einvoice_operator = check.parsed(
            "einvoice_operator",
            &form.einvoice_operator,
            35,
            EInvoiceId::parse,
        );
        let billing_reference =
            check.text("billing_reference", &form.billing_reference, 1, 100, false);
        let message = Self::message(&mut check, &form.message);
        let language = match form.language.as_deref().map(str::trim) {
            None | Some("") => Some(Language::default()),
            Some(code) => {
                Language::parse(code).or_else(|| check.fail("language", ErrorCode::Invalid))
            }
        };
        if let Some(key) = form.idempotency_key.as_deref()
            && IdempotencyKey::parse(key).is_none()
        {
            check.fail::<()>("idempotency_key", ErrorCode::Invalid);
        }

        match (package, organization, contact_name, email, language) {
            (
                Some(package),
                Some(organization),
                Some(contact_name),
                Some(email),
                Some(language),
            ) if check.errors.is_empty() => Ok(NewOrder {
                package,
                organization,
                contact_name,
                email,
                business_id,
                phone,
                participants,
                channels,
                preferred_dates,
                location,
                einvoice_address,
                einvoice_operator,
                billing_reference,
                message,
                language,
            }),
            _ => Err(check.errors),
        }
    }

    fn channels(check: &mut Checker, values: &[String]) -> Vec<Channel> {
        let mut channels = Vec::new();
        for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            match Channel::parse(value) {
                Some(channel) if !channels.contains(&channel) => channels.push(channel),
                Some(_) => {}
                None => {
                    check.fail::<()>("channels", ErrorCode::Invalid);
                    return Vec::new();
                }
            }
        }
        channels.sort();
        channels
    }

    fn preferred_dates(check: &mut Checker, values: &[String], today: Date) -> Vec<Date> {
        let mut dates = Vec::new();
        let values: Vec<&str> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if values.len() > MAX_PREFERRED_DATES {
            check.fail::<()>(
                "preferred_dates",
                ErrorCode::TooMany {
                    max: MAX_PREFERRED_DATES,
                },
            );
            return dates;
        }
        let last_allowed = today
            .checked_add(jiff::Span::new().days(MAX_DAYS_AHEAD))
            .unwrap_or(Date::MAX);
        for value in values {
            let well_formed = value.len() == 10
                && value.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            let Some(date) = well_formed.then(|| value.parse::<Date>().ok()).flatten() else {
                check.fail::<()>("preferred_dates", ErrorCode::Invalid);
                return Vec::new();
            };
            if date <= today {
                check.fail::<()>("preferred_dates", ErrorCode::DateNotInFuture);
                return Vec::new();
            }
            if date > last_allowed {
                check.fail::<()>("preferred_dates", ErrorCode::DateTooFar);
                return Vec::new();
            }
            if !dates.contains(&date) {
                dates.push(date);
            }
        }
        dates
    }

    /// The message keeps its line breaks (normalised to `\n`); other control characters are refused.
    fn message(check: &mut Checker, value: &Option<String>) -> Option<String> {
        let text = value.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
        if contains_control_characters_except_line_breaks(text) {
            return check.fail("message", ErrorCode::ControlCharacters);
        }
        if contains_markup(text) {
            return check.fail("message", ErrorCode::Markup);
        }
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if text.chars().count() > 2000 {
            return check.fail("message", ErrorCode::TooLong { max: 2000 });
        }
        Some(text)
    }

    /// A digest of the normalised content: two submissions of the same order have the same one.
    /// Used to recognise a double click or a browser resubmit that carries no idempotency key.
    pub fn fingerprint(&self) -> String {
        const SEP: char = '\u{1F}'; // never inside a field: control characters are refused
        let dates: Vec<String> = self
            .preferred_dates
            .iter()
            .map(ToString::to_string)
            .collect();
        let channels: Vec<&str> = self.channels.iter().map(|c| c.id()).collect();
        let optional = |v: Option<&str>| v.unwrap_or("").to_owned();
        let fields = [
            self.package.id().to_owned(),
            self.organization.to_lowercase(),
            self.contact_name.to_lowercase(),
            self.email.as_str().to_ascii_lowercase(),
            optional(self.business_id.as_ref().map(BusinessId::as_str)),
            optional(self.phone.as_ref().map(Phone::as_str)),
            self.participants.map(|n| n.to_string()).unwrap_or_default(),
            channels.join(","),
            dates.join(","),
            optional(self.location.as_deref()),
            optional(self.einvoice_address.as_ref().map(EInvoiceId::as_str)),
            optional(self.einvoice_operator.as_ref().map(EInvoiceId::as_str)),
            optional(self.billing_reference.as_deref()),
            optional(self.message.as_deref()),
            self.language.code().to_owned(),
        ];
        let mut hasher = Sha256::new();
        for field in fields {
            hasher.update(field.as_bytes());
            hasher.update(SEP.to_string().as_bytes());
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 26);

    fn valid_form() -> OrderForm {
        OrderForm {
            package: Some("somestartti".into()),
            organization: Some("  Tuusulan kunta ".into()),
            contact_name: Some("Anna Virtanen".into()),
            email: Some("anna.virtanen@tuusula.fi".into()),
            privacy_consent: Some("on".into()),
            ..OrderForm::default()
        }
    }

    fn codes(form: &OrderForm) -> Vec<(&'static str, &'static str)> {
        match NewOrder::parse(form, TODAY) {
            Ok(_) => vec![],
            Err(errors) => errors.iter().map(|e| (e.field, e.code.as_str())).collect(),
        }
    }

    #[test]
    fn a_minimal_form_is_a_valid_order_with_trimmed_text() {
        let order = NewOrder::parse(&valid_form(), TODAY).unwrap();
        assert_eq!(order.organization, "Tuusulan kunta");
        assert_eq!(order.package, Package::Somestartti);
        assert_eq!(order.language, Language::Fi);
    }

    #[test]
    fn an_empty_form_lists_every_required_field() {
        assert_eq!(
            codes(&OrderForm::default()),
            vec![
                ("package", "required"),
                ("organization", "required"),
                ("contact_name", "required"),
                ("email", "required"),
                ("privacy_consent", "consent_required"),
            ]
        );
    }

    #[test]
    fn every_optional_field_is_checked() {
        let form = OrderForm {
            business_id: Some("1234567-8".into()),
            phone: Some("12".into()),
            participants: Some("201".into()),
            channels: vec!["facebook".into(), "myspace".into()],
            preferred_dates: vec!["2026-11-26".into()],
            location: Some("x".repeat(201)),
            einvoice_address: Some("00-37".into()),
            einvoice_operator: Some("E2".into()),
            billing_reference: Some("a\u{202E}b".into()),
            message: Some("hei\0".into()),
            language: Some("de".into()),
            idempotency_key: Some("short".into()),
            ..valid_form()
        };
        assert_eq!(
            codes(&form),
            vec![
                ("business_id", "invalid_check_digit"),
                ("phone", "invalid"),
                ("participants", "out_of_range"),
                ("channels", "invalid"),
                ("preferred_dates", "date_not_in_future"),
                ("location", "too_long"),
                ("einvoice_address", "invalid"),
                ("einvoice_operator", "invalid"),
                ("billing_reference", "control_characters"),
                ("message", "control_characters"),
                ("language", "invalid"),
                ("idempotency_key", "invalid"),
            ]
        );
    }

    #[test]
    fn a_full_form_keeps_every_field() {
        let form = OrderForm {
            package: Some("some-haltuun".into()),
            business_id: Some("0201256-6".into()),
            phone: Some("+358 40 123 4567".into()),
            participants: Some("25".into()),
            channels: vec!["instagram".into(), "facebook".into(), "facebook".into()],
            preferred_dates: vec!["2027-01-15".into(), "2026-11-27".into()],
            location: Some("Tuusula, kunnantalo".into()),
            einvoice_address: Some("003701577119".into()),
            einvoice_operator: Some("003703575029".into()),
            billing_reference: Some("Viestintä 2027".into()),
            message: Some("Rivi yksi\r\nRivi kaksi".into()),
            language: Some("sv".into()),
            ..valid_form()
        };
        let order = NewOrder::parse(&form, TODAY).unwrap();
        assert_eq!(order.channels, vec![Channel::Facebook, Channel::Instagram]);
        assert_eq!(
            order.preferred_dates,
            vec![date(2027, 1, 15), date(2026, 11, 27)]
        );
        assert_eq!(order.message.as_deref(), Some("Rivi yksi\nRivi kaksi"));
        assert_eq!(order.participants, Some(25));
        assert_eq!(order.language, Language::Sv);
    }

    #[test]
    fn dates_must_be_after_today_and_within_a_year() {
        let with_dates = |dates: &[&str]| OrderForm {
            preferred_dates: dates.iter().map(|d| d.to_string()).collect(),
            ..valid_form()
        };
        assert!(codes(&with_dates(&["2026-11-27", "2027-11-26"])).is_empty());
        assert_eq!(
            codes(&with_dates(&["2027-11-27"])),
            vec![("preferred_dates", "date_too_far")]
        );
        assert_eq!(
            codes(&with_dates(&["2026-11-25"])),
            vec![("preferred_dates", "date_not_in_future")]
        );
        assert_eq!(
            codes(&with_dates(&["2027-02-30"])),
            vec![("preferred_dates", "invalid")]
        );
        assert_eq!(
            codes(&with_dates(&["27.1.2027"])),
            vec![("preferred_dates", "invalid")]
        );
        assert_eq!(
            codes(&with_dates(&["+02027-01-01"])),
            vec![("preferred_dates", "invalid")]
        );
        assert_eq!(
            codes(&with_dates(&[
                "2027-01-01",
                "2027-01-02",
                "2027-01-03",
                "2027-01-04"
            ])),
            vec![("preferred_dates", "too_many")]
        );
    }

    #[test]
    fn line_breaks_are_refused_everywhere_but_in_the_message() {
        let form = OrderForm {
            organization: Some("Tuusula\r\nBcc: x@y.fi".into()),
            contact_name: Some("Anna\nVirtanen".into()),
            ..valid_form()
        };
        assert_eq!(
            codes(&form),
            vec![
                ("organization", "control_characters"),
                ("contact_name", "control_characters")
            ]
        );
    }

    #[test]
    fn participants_must_be_a_whole_number_in_range() {
        for (value, expected) in [
            ("1", None),
            ("200", None),
            ("0", Some("out_of_range")),
            ("99999999999", Some("out_of_range")),
            ("1.5", Some("invalid")),
            ("-3", Some("invalid")),
            ("kymmenen", Some("invalid")),
        ] {
            let form = OrderForm {
                participants: Some(value.into()),
                ..valid_form()
            };
            assert_eq!(codes(&form).first().map(|e| e.1), expected, "{value}");
        }
    }

    #[test]
    fn the_fingerprint_ignores_case_and_surrounding_space_but_not_content() {
        let a = NewOrder::parse(&valid_form(), TODAY).unwrap();
        let b = NewOrder::parse(
            &OrderForm {
                organization: Some("TUUSULAN KUNTA".into()),
                ..valid_form()
            },
            TODAY,
        )
        .unwrap();
        let c = NewOrder::parse(
            &OrderForm {
                package: Some("some-haltuun".into()),
                ..valid_form()
            },
            TODAY,
        )
        .unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
        assert_eq!(a.fingerprint().len(), 64);
    }
}
