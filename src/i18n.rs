//! The texts of field errors, in Finnish, Swedish and English (whole-request errors are
//! `http::RequestError`'s).

use crate::domain::{ErrorCode, Field, FieldError, Language, Language::*};

fn pick(language: Language, fi: &'static str, sv: &'static str, en: &'static str) -> &'static str {
    language.pick(fi, sv, en)
}

/// What is wrong with a field when the rule is specific to it.
fn invalid_hint(field: Field, language: Language) -> &'static str {
    match field {
        Field::Email => pick(
            language,
            "anna sähköpostiosoite muodossa nimi@kunta.fi",
            "ange en e-postadress som namn@kommun.fi",
            "enter an address like name@municipality.fi",
        ),
        Field::BusinessId => pick(
            language,
            "anna muodossa 1234567-1",
            "ange i formatet 1234567-1",
            "use the format 1234567-1",
        ),
        Field::Phone => pick(
            language,
            "7–15 numeroa; sallitut merkit + - ( ) ja välilyönti",
            "7–15 siffror; tillåtna tecken + - ( ) och mellanslag",
            "7–15 digits; allowed characters + - ( ) and space",
        ),
        Field::Participants => pick(
            language,
            "anna kokonaisluku",
            "ange ett heltal",
            "enter a whole number",
        ),
        Field::Channels => pick(
            language,
            "valitse Facebook, X (Twitter) tai Instagram",
            "välj Facebook, X (Twitter) eller Instagram",
            "choose Facebook, X (Twitter) or Instagram",
        ),
        Field::PreferredDates => pick(
            language,
            "anna päivä muodossa VVVV-KK-PP",
            "ange datum som ÅÅÅÅ-MM-DD",
            "enter dates as YYYY-MM-DD",
        ),
        Field::EInvoiceAddress | Field::EInvoiceOperator => pick(
            language,
            "4–35 merkkiä A–Z ja 0–9",
            "4–35 tecken A–Z och 0–9",
            "4–35 characters of A–Z and 0–9",
        ),
        Field::Language => pick(language, "fi, sv tai en", "fi, sv eller en", "fi, sv or en"),
        Field::IdempotencyKey => pick(
            language,
            "8–128 merkkiä A–Z, a–z, 0–9, _ ja -",
            "8–128 tecken A–Z, a–z, 0–9, _ och -",
            "8–128 characters of A–Z, a–z, 0–9, _ and -",
        ),
        Field::Next => pick(
            language,
            "osoite ei kuulu tälle sivustolle",
            "adressen hör inte till den här webbplatsen",
            "the address is not on this site",
        ),
        _ => pick(
            language,
            "tarkista arvo",
            "kontrollera värdet",
            "check the value",
        ),
    }
}

fn problem(error: &FieldError, language: Language) -> String {
    match error.code {
        ErrorCode::Required => pick(
            language,
            "pakollinen tieto",
            "obligatorisk uppgift",
            "this field is required",
        )
        .into(),
        ErrorCode::TooShort { min } => match language {
            Fi => format!("vähintään {min} merkkiä"),
            Sv => format!("minst {min} tecken"),
            En => format!("at least {min} characters"),
        },
        ErrorCode::TooLong { max } => match language {
            Fi => format!("enintään {max} merkkiä"),
            Sv => format!("högst {max} tecken"),
            En => format!("at most {max} characters"),
        },
        ErrorCode::ControlCharacters => pick(
            language,
            "sisältää merkkejä, joita ei sallita (esim. rivinvaihtoja tai ohjausmerkkejä)",
            "innehåller tecken som inte är tillåtna (t.ex. radbrytningar eller styrtecken)",
            "contains characters that are not allowed (such as line breaks or control characters)",
        )
        .into(),
        ErrorCode::Markup => pick(
            language,
            "HTML-merkintöjä (esim. <b>) ei voi käyttää",
            "HTML-kod (t.ex. <b>) kan inte användas",
            "HTML markup (such as <b>) cannot be used",
        )
        .into(),
        ErrorCode::LinkNotAllowed => pick(
            language,
            "linkkejä, verkko-osoitteita tai sähköpostiosoitteita ei voi käyttää tässä kentässä",
            "länkar, webbadresser eller e-postadresser kan inte användas i det här fältet",
            "links, web addresses or email addresses cannot be used in this field",
        )
        .into(),
        ErrorCode::Invalid => invalid_hint(error.field, language).into(),
        ErrorCode::InvalidType => pick(
            language,
            "arvo on väärää tyyppiä",
            "värdet har fel typ",
            "the value has the wrong type",
        )
        .into(),
        ErrorCode::Repeated => pick(
            language,
            "annettu useammin kuin kerran",
            "angiven mer än en gång",
            "given more than once",
        )
        .into(),
        ErrorCode::ConsentRequired => pick(
            language,
            "hyväksy tietosuojaseloste, jotta voimme käsitellä tilauksesi",
            "godkänn dataskyddsbeskrivningen så att vi kan behandla din beställning",
            "accept the privacy notice so that we can process your order",
        )
        .into(),
        ErrorCode::UnknownPackage => pick(
            language,
            "valitse Somestartti tai Some haltuun",
            "välj Somestartti eller Some haltuun",
            "choose Somestartti or Some haltuun",
        )
        .into(),
        ErrorCode::InvalidCheckDigit => pick(
            language,
            "tarkistusmerkki ei täsmää",
            "kontrollsiffran stämmer inte",
            "the check digit does not match",
        )
        .into(),
        ErrorCode::OutOfRange { min, max } => match language {
            Fi => format!("anna kokonaisluku {min}–{max}"),
            Sv => format!("ange ett heltal {min}–{max}"),
            En => format!("enter a whole number from {min} to {max}"),
        },
        ErrorCode::TooMany { max } => match language {
            Fi => format!("enintään {max}"),
            Sv => format!("högst {max}"),
            En => format!("at most {max}"),
        },
        ErrorCode::DateNotInFuture => pick(
            language,
            "valitse päivä huomisesta alkaen",
            "datumet måste vara efter i dag",
            "dates must be after today",
        )
        .into(),
        ErrorCode::DateTooFar => pick(
            language,
            "enintään vuoden päässä",
            "högst ett år framåt",
            "at most a year ahead",
        )
        .into(),
        ErrorCode::Conflict => pick(
            language,
            "eri arvo kuin Idempotency-Key-otsakkeessa",
            "annat värde än i rubriken Idempotency-Key",
            "differs from the Idempotency-Key header",
        )
        .into(),
    }
}

pub fn field_message(error: &FieldError, language: Language) -> String {
    format!(
        "{}: {}",
        error.field.label(language),
        problem(error, language)
    )
}
