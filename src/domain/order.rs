//! `NewOrder` is a valid order. `NewOrder::parse` checks an `OrderForm` (what was sent) field by
//! field and collects every field error at once.

use jiff::civil::Date;

use super::order_form::{ErrorCode, FieldError, OrderForm};
use super::text::{
    contains_control_characters, contains_control_characters_except_line_breaks, contains_link,
    contains_markup, link_in, nfc,
};
use super::{
    BillingAddress, BusinessId, BusinessIdError, Channel, EInvoiceId, EmailAddress, Field,
    IdempotencyKey, Language, MAX_PREFERRED_DATES, Package, Participants, ParticipantsError, Phone,
};

/// How far ahead a preferred date may be.
const MAX_DAYS_AHEAD: i32 = 365;

/// A valid order, as the customer gave it (the price is the catalogue's, never the client's).
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrder {
    pub package: Package,
    pub organization: String,
    pub contact_name: String,
    pub email: EmailAddress,
    pub business_id: Option<BusinessId>,
    pub phone: Option<Phone>,
    pub participants: Option<Participants>,
    pub channels: Vec<Channel>,
    pub preferred_dates: Vec<Date>,
    pub location: Option<String>,
    pub einvoice_address: Option<EInvoiceId>,
    pub einvoice_operator: Option<EInvoiceId>,
    pub billing_reference: Option<String>,
    pub purchase_order: Option<String>,
    pub billing_address: Option<BillingAddress>,
    /// Where invoices go when there is no e-invoice address: a postal address, or an email
    /// address as the whole value.
    pub invoice_address: Option<String>,
    pub message: Option<String>,
    pub language: Language,
    /// The language the workshop is to be held in, if the customer said.
    pub workshop_language: Option<Language>,
}

/// Checks fields one by one, collecting every error.
pub(super) struct Checker<'a> {
    form: &'a OrderForm,
    errors: Vec<FieldError>,
}

impl<'a> Checker<'a> {
    fn new(form: &'a OrderForm) -> Checker<'a> {
        Checker {
            form,
            errors: form.shape_errors.clone(),
        }
    }

    pub(super) fn fail<T>(&mut self, field: Field, code: ErrorCode) -> Option<T> {
        self.errors.push(FieldError::new(field, code));
        None
    }

    /// A field whose value already had the wrong shape is not reported again.
    fn failed_shape(&self, field: Field) -> bool {
        self.form.shape_errors.iter().any(|e| e.field == field)
    }

    /// Trimmed single-line text within the field's length rule; `None` (and no error) when
    /// absent or blank and not required.
    fn text(&mut self, field: Field, value: &Option<String>) -> Option<String> {
        let trimmed = value.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let Some(text) = trimmed.map(nfc) else {
            if field.required() && !self.failed_shape(field) {
                return self.fail(field, ErrorCode::Required);
            }
            return None;
        };
        if contains_control_characters(&text) {
            return self.fail(field, ErrorCode::ControlCharacters);
        }
        self.within_length(field, &text)
    }

    /// Refuses markup (and links, where the field says so), then checks the length in
    /// characters.
    fn within_length(&mut self, field: Field, text: &str) -> Option<String> {
        if contains_markup(text) {
            return self.fail(field, ErrorCode::Markup);
        }
        if field.refuses_links()
            && let Some(link) = link_in(text)
        {
            self.errors.push(FieldError {
                fragment: Some(link),
                ..FieldError::new(field, ErrorCode::LinkNotAllowed)
            });
            return None;
        }
        let length = text.chars().count();
        match field.length() {
            Some(rule) if length < rule.min => {
                self.fail(field, ErrorCode::TooShort { min: rule.min })
            }
            Some(rule) if length > rule.max => {
                self.fail(field, ErrorCode::TooLong { max: rule.max })
            }
            _ => Some(text.to_owned()),
        }
    }

    /// A postal address, or an email address for invoices. Only a whole value that is an email
    /// address may look like a link: a web address here would be quoted to the customer.
    fn invoice_address(&mut self, value: &Option<String>) -> Option<String> {
        let text = self.text(Field::InvoiceAddress, value)?;
        if contains_link(&text) && EmailAddress::parse(&text).is_none() {
            return self.fail(Field::InvoiceAddress, ErrorCode::LinkNotAllowed);
        }
        Some(text)
    }

    /// Street, postcode and town: all three or none.
    fn billing_address(&mut self, form: &OrderForm) -> Option<BillingAddress> {
        let street = self.text(Field::BillingStreet, &form.billing_street);
        let postcode = self.parsed(Field::BillingPostcode, &form.billing_postcode, |code| {
            BillingAddress::is_postcode(code).then(|| code.to_owned())
        });
        let town = self.text(Field::BillingTown, &form.billing_town);
        let parts = [
            (Field::BillingStreet, &form.billing_street),
            (Field::BillingPostcode, &form.billing_postcode),
            (Field::BillingTown, &form.billing_town),
        ];
        let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
        if parts.iter().any(|(_, value)| given(value)) {
            for (field, value) in parts {
                if !given(value) {
                    self.fail::<()>(field, ErrorCode::Required);
                }
            }
        }
        BillingAddress::from_parts(street, postcode, town).flatten()
    }

    /// Optional text that must also parse into a domain type.
    pub(super) fn parsed<T>(
        &mut self,
        field: Field,
        value: &Option<String>,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.text(field, value)?;
        parse(&text).or_else(|| self.fail(field, ErrorCode::Invalid))
    }

    fn package(&mut self, value: &Option<String>) -> Option<Package> {
        match value.as_deref().map(str::trim) {
            _ if self.failed_shape(Field::Package) => None,
            None | Some("") => self.fail(Field::Package, ErrorCode::Required),
            Some(id) => {
                Package::parse(id).or_else(|| self.fail(Field::Package, ErrorCode::UnknownPackage))
            }
        }
    }

    fn email(&mut self, value: &Option<String>) -> Option<EmailAddress> {
        self.parsed(Field::Email, value, EmailAddress::parse)
    }

    /// The form's checkbox sends `on`; JSON sends `true`.
    fn consent(&mut self, value: &Option<String>) {
        let given = matches!(value.as_deref().map(str::trim), Some("true" | "on" | "yes"));
        if !given && !self.failed_shape(Field::PrivacyConsent) {
            self.fail::<()>(Field::PrivacyConsent, ErrorCode::ConsentRequired);
        }
    }

    fn business_id(&mut self, value: &Option<String>) -> Option<BusinessId> {
        let text = self.text(Field::BusinessId, value)?;
        match BusinessId::parse(&text) {
            Ok(id) => Some(id),
            Err(BusinessIdError::Shape) => self.fail(Field::BusinessId, ErrorCode::Invalid),
            Err(BusinessIdError::CheckDigit) => {
                self.fail(Field::BusinessId, ErrorCode::InvalidCheckDigit)
            }
        }
    }

    fn participants(&mut self, value: &Option<String>) -> Option<Participants> {
        let text = self.text(Field::Participants, value)?;
        match Participants::parse(&text) {
            Ok(count) => Some(count),
            Err(ParticipantsError::NotANumber) => {
                self.fail(Field::Participants, ErrorCode::Invalid)
            }
            Err(ParticipantsError::OutOfRange) => self.fail(
                Field::Participants,
                ErrorCode::OutOfRange {
                    min: Participants::MIN,
                    max: Participants::MAX,
                },
            ),
        }
    }

    fn channels(&mut self, values: &[String]) -> Vec<Channel> {
        let mut channels = Vec::new();
        for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            match Channel::parse(value) {
                Some(channel) if !channels.contains(&channel) => channels.push(channel),
                Some(_) => {}
                None => {
                    self.fail::<()>(Field::Channels, ErrorCode::Invalid);
                    return Vec::new();
                }
            }
        }
        channels.sort();
        channels
    }

    fn preferred_dates(&mut self, values: &[String], today: Date) -> Vec<Date> {
        let values: Vec<&str> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if values.len() > MAX_PREFERRED_DATES {
            let too_many = ErrorCode::TooMany {
                max: MAX_PREFERRED_DATES,
            };
            self.fail::<()>(Field::PreferredDates, too_many);
            return Vec::new();
        }
        let mut dates = Vec::new();
        for value in values {
            match preferred_date(value, today) {
                Ok(date) if !dates.contains(&date) => dates.push(date),
                Ok(_) => {}
                Err(code) => {
                    self.fail::<()>(Field::PreferredDates, code);
                    return Vec::new();
                }
            }
        }
        dates
    }

    /// The message keeps its line breaks (normalised to `\n`); other control characters are
    /// refused.
    fn message(&mut self, value: &Option<String>) -> Option<String> {
        let text = nfc(value.as_deref().map(str::trim).filter(|t| !t.is_empty())?);
        if contains_control_characters_except_line_breaks(&text) {
            return self.fail(Field::Message, ErrorCode::ControlCharacters);
        }
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        self.within_length(Field::Message, &text)
    }

    fn language(&mut self, value: &Option<String>) -> Option<Language> {
        match value.as_deref().map(str::trim) {
            None | Some("") => Some(Language::default()),
            Some(code) => {
                Language::parse(code).or_else(|| self.fail(Field::Language, ErrorCode::Invalid))
            }
        }
    }

    fn workshop_language(&mut self, value: &Option<String>) -> Option<Language> {
        let code = value
            .as_deref()
            .map(str::trim)
            .filter(|code| !code.is_empty())?;
        Language::parse(code).or_else(|| self.fail(Field::WorkshopLanguage, ErrorCode::Invalid))
    }

    fn idempotency_key(&mut self, value: &Option<String>) -> Option<IdempotencyKey> {
        let key = value.as_deref()?;
        IdempotencyKey::parse(key).or_else(|| self.fail(Field::IdempotencyKey, ErrorCode::Invalid))
    }
}

/// A date written `YYYY-MM-DD`, after today and at most `MAX_DAYS_AHEAD` ahead.
pub(super) fn preferred_date(value: &str, today: Date) -> Result<Date, ErrorCode> {
    let well_formed = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = well_formed
        .then(|| value.parse::<Date>().ok())
        .flatten()
        .ok_or(ErrorCode::Invalid)?;
    let last_allowed = today
        .checked_add(jiff::Span::new().days(MAX_DAYS_AHEAD))
        .unwrap_or(Date::MAX);
    if date <= today {
        Err(ErrorCode::DateNotInFuture)
    } else if date > last_allowed {
        Err(ErrorCode::DateTooFar)
    } else {
        Ok(date)
    }
}

/// A valid form post: the order, and the client's idempotency key if it sent one.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub order: NewOrder,
    pub key: Option<IdempotencyKey>,
}

impl Submission {
    /// Validates a form, its idempotency key included. `today` is the current date in
    /// Europe/Helsinki.
    pub fn parse(form: &OrderForm, today: Date) -> Result<Submission, Vec<FieldError>> {
        // In the form's order (consent last), so that the first error a client shows is the
        // first on the page.
        let mut check = Checker::new(form);
        let package = check.package(&form.package);
        let organization = check.text(Field::Organization, &form.organization);
        let business_id = check.business_id(&form.business_id);
        let contact_name = check.text(Field::ContactName, &form.contact_name);
        let email = check.email(&form.email);
        let phone = check.parsed(Field::Phone, &form.phone, Phone::parse);
        let participants = check.participants(&form.participants);
        let workshop_language = check.workshop_language(&form.workshop_language);
        let channels = check.channels(&form.channels);
        let preferred_dates = check.preferred_dates(&form.preferred_dates, today);
        let location = check.text(Field::Location, &form.location);
        let message = check.message(&form.message);
        let (einvoice_address, einvoice_operator) = check.einvoice(form);
        let billing_reference = check.text(Field::BillingReference, &form.billing_reference);
        let purchase_order = check.text(Field::PurchaseOrder, &form.purchase_order);
        let billing_address = check.billing_address(form);
        let invoice_address = check.invoice_address(&form.invoice_address);
        check.consent(&form.privacy_consent);
        let language = check.language(&form.language);
        let key = check.idempotency_key(&form.idempotency_key);

        let (Some(package), Some(organization), Some(contact_name), Some(email), Some(language)) =
            (package, organization, contact_name, email, language)
        else {
            return Err(check.errors);
        };
        if !check.errors.is_empty() {
            return Err(check.errors);
        }
        let order = NewOrder {
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
            purchase_order,
            billing_address,
            invoice_address,
            message,
            language,
            workshop_language,
        };
        Ok(Submission { order, key })
    }
}

impl NewOrder {
    /// Validates a form. `today` is the current date in Europe/Helsinki.
    pub fn parse(form: &OrderForm, today: Date) -> Result<NewOrder, Vec<FieldError>> {
        Submission::parse(form, today).map(|submission| submission.order)
    }

    /// Whether it looks like a municipality's order: a valid Y-tunnus and an e-invoice address
    /// (both checked by their types). With the human check passed, such an order's confirmation
    /// has a share of the ceilings junk cannot use up.
    pub fn looks_real(&self) -> bool {
        self.business_id.is_some() && self.einvoice_address.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 26);

    #[test]
    fn errors_come_in_the_form_s_order_with_consent_last() {
        let mut form = valid_form();
        form.privacy_consent = None;
        form.einvoice_address = Some("x".into());
        form.business_id = Some("0201256-7".into());
        form.contact_name = None;
        let errors = NewOrder::parse(&form, TODAY).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::BusinessId,
                Field::ContactName,
                Field::EInvoiceAddress,
                // An address needs its operator, even one that is wrong.
                Field::EInvoiceOperator,
                Field::PrivacyConsent
            ]
        );
    }

    #[test]
    fn a_billing_address_comes_whole_with_a_finnish_postcode() {
        let mut form = valid_form();
        form.billing_street = Some("PL 60".into());
        form.billing_postcode = Some("4301".into());
        let errors = NewOrder::parse(&form, TODAY).unwrap_err();
        let found: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert!(
            found.contains(&(Field::BillingPostcode, ErrorCode::Invalid)),
            "{found:?}"
        );
        assert!(
            found.contains(&(Field::BillingTown, ErrorCode::Required)),
            "{found:?}"
        );
        form.billing_postcode = Some(" 04301 ".into());
        form.billing_town = Some("Tuusula".into());
        let order = NewOrder::parse(&form, TODAY).unwrap();
        let address = order.billing_address.unwrap();
        assert_eq!(
            (address.postcode.as_str(), address.town.as_str()),
            ("04301", "Tuusula")
        );
    }

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
            Err(errors) => errors
                .iter()
                .map(|e| (e.field.name(), e.code.as_str()))
                .collect(),
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
                ("message", "control_characters"),
                ("einvoice_address", "invalid"),
                ("einvoice_operator", "invalid"),
                ("billing_reference", "control_characters"),
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
        assert_eq!(order.participants.map(Participants::get), Some(25));
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
    fn nfd_and_nfc_spellings_inner_space_and_case_make_one_fingerprint() {
        let nfc = NewOrder::parse(
            &OrderForm {
                organization: Some("Jyväskylän kaupunki".into()),
                location: Some("Kaupungintalo".into()),
                ..valid_form()
            },
            TODAY,
        )
        .unwrap();
        let nfd = NewOrder::parse(
            &OrderForm {
                organization: Some("Jyva\u{0308}skyla\u{0308}n   KAUPUNKI".into()),
                location: Some("kaupungintalo".into()),
                ..valid_form()
            },
            TODAY,
        )
        .unwrap();
        assert_eq!(nfd.organization, "Jyväskylän   KAUPUNKI", "stored as NFC");
        assert_eq!(nfc.fingerprint(), nfd.fingerprint());
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn a_hidden_or_meaningless_character_in_a_single_line_field_is_refused(
            before in "\\PC{0,10}",
            hidden in proptest::char::range('\u{0}', '\u{10FFFF}')
                .prop_filter("hidden", |c| super::super::text::contains_control_characters(&c.to_string())),
            after in "\\PC{0,10}",
        ) {
            let form = OrderForm {
                organization: Some(format!("Tuusula{before}{hidden}{after}kunta")),
                ..valid_form()
            };
            let errors = codes(&form);
            proptest::prop_assert!(
                errors.contains(&("organization", "control_characters")),
                "{:?}", errors
            );
        }
    }

    #[test]
    fn lengths_count_normalised_characters() {
        // 100 characters in NFC, 200 code points in NFD: within contact_name's 100.
        let nfd_name = "a\u{0308}".repeat(100);
        let form = OrderForm {
            contact_name: Some(nfd_name),
            ..valid_form()
        };
        assert!(codes(&form).is_empty(), "{:?}", codes(&form));
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
