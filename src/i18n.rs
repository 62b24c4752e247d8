//! Every text a client reads in an error, in Finnish, Swedish and English.

use crate::domain::{ErrorCode, FieldError, Language, Language::*};

pub fn field_label(field: &str, language: Language) -> &'static str {
    let [fi, sv, en] = match field {
        "package" => ["Koulutus", "Utbildning", "Workshop"],
        "organization" => ["Organisaatio", "Organisation", "Organisation"],
        "contact_name" => ["Yhteyshenkilö", "Kontaktperson", "Contact person"],
        "email" => ["Sähköposti", "E-post", "Email"],
        "privacy_consent" => ["Tietosuoja", "Dataskydd", "Privacy"],
        "business_id" => ["Y-tunnus", "FO-nummer", "Business ID"],
        "phone" => ["Puhelin", "Telefon", "Phone"],
        "participants" => ["Osallistujamäärä", "Antal deltagare", "Participants"],
        "channels" => ["Kanavat", "Kanaler", "Channels"],
        "preferred_dates" => ["Toivotut päivät", "Önskade datum", "Preferred dates"],
        "location" => ["Paikka", "Plats", "Location"],
        "einvoice_address" => ["Verkkolaskuosoite", "E-fakturaadress", "E-invoice address"],
        "einvoice_operator" => [
            "Verkkolaskuoperaattori",
            "E-fakturaoperatör",
            "E-invoice operator",
        ],
        "billing_reference" => ["Laskun viite", "Fakturareferens", "Billing reference"],
        "message" => ["Viesti", "Meddelande", "Message"],
        "language" => ["Kieli", "Språk", "Language"],
        "idempotency_key" => ["Idempotenssiavain", "Idempotensnyckel", "Idempotency key"],
        "_next" => ["Paluuosoite", "Returadress", "Return address"],
        _ => ["Kenttä", "Fält", "Field"],
    };
    pick(language, fi, sv, en)
}

fn pick(language: Language, fi: &'static str, sv: &'static str, en: &'static str) -> &'static str {
    match language {
        Fi => fi,
        Sv => sv,
        En => en,
    }
}

/// What is wrong with a field when the rule is specific to it.
fn invalid_hint(field: &str, language: Language) -> &'static str {
    match field {
        "email" => pick(
            language,
            "anna sähköpostiosoite muodossa nimi@kunta.fi",
            "ange en e-postadress som namn@kommun.fi",
            "enter an address like name@municipality.fi",
        ),
        "business_id" => pick(
            language,
            "anna muodossa 1234567-8",
            "ange i formen 1234567-8",
            "use the form 1234567-8",
        ),
        "phone" => pick(
            language,
            "7–15 numeroa; sallitut merkit + - ( ) ja välilyönti",
            "7–15 siffror; tillåtna tecken + - ( ) och mellanslag",
            "7–15 digits; allowed characters + - ( ) and space",
        ),
        "participants" => pick(
            language,
            "anna kokonaisluku",
            "ange ett heltal",
            "enter a whole number",
        ),
        "channels" => pick(
            language,
            "valitse Facebook, Twitter tai Instagram",
            "välj Facebook, Twitter eller Instagram",
            "choose Facebook, Twitter or Instagram",
        ),
        "preferred_dates" => pick(
            language,
            "anna päivä muodossa VVVV-KK-PP",
            "ange datum som ÅÅÅÅ-MM-DD",
            "enter dates as YYYY-MM-DD",
        ),
        "einvoice_address" | "einvoice_operator" => pick(
            language,
            "4–35 merkkiä A–Z ja 0–9",
            "4–35 tecken A–Z och 0–9",
            "4–35 characters of A–Z and 0–9",
        ),
        "language" => pick(language, "fi, sv tai en", "fi, sv eller en", "fi, sv or en"),
        "idempotency_key" => pick(
            language,
            "8–128 merkkiä A–Z, a–z, 0–9, _ ja -",
            "8–128 tecken A–Z, a–z, 0–9, _ och -",
            "8–128 characters of A–Z, a–z, 0–9, _ and -",
        ),
        "_next" => pick(
            language,
            "osoite ei ole tämän sivuston",
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
            "päivän on oltava tämän päivän jälkeen",
            "datumet måste vara efter i dag",
            "dates must be after today",
        )
        .into(),
        ErrorCode::DateTooFar => pick(
            language,
            "enintään vuoden päähän",
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
        field_label(error.field, language),
        problem(error, language)
    )
}

/// The stable codes of whole-request errors (`error` in a 4xx or 503 body), 422's aside.
pub const REQUEST_ERRORS: [&str; 13] = [
    "invalid_json",
    "not_an_object",
    "duplicate_field",
    "invalid_utf8",
    "invalid_base64",
    "empty_body",
    "unsupported_media_type",
    "payload_too_large",
    "method_not_allowed",
    "not_found",
    "origin_not_allowed",
    "idempotency_key_reused",
    "service_unavailable",
];

/// Errors of a whole request, by their stable code.
pub fn request_message(code: &str, language: Language) -> &'static str {
    let [fi, sv, en] = match code {
        "validation_failed" => [
            "Tilauksessa on korjattavaa.",
            "Beställningen behöver rättas.",
            "Some fields need fixing.",
        ],
        "invalid_json" => [
            "Pyynnön runko ei ole kelvollista JSONia.",
            "Begärans innehåll är inte giltig JSON.",
            "The request body is not valid JSON.",
        ],
        "not_an_object" => [
            "JSON-rungon on oltava olio.",
            "JSON-innehållet måste vara ett objekt.",
            "The JSON body must be an object.",
        ],
        "duplicate_field" => [
            "Sama kenttä on annettu kahdesti.",
            "Samma fält anges två gånger.",
            "The same field is given twice.",
        ],
        "invalid_utf8" => [
            "Pyynnön runko ei ole kelvollista UTF-8:aa.",
            "Begärans innehåll är inte giltig UTF-8.",
            "The request body is not valid UTF-8.",
        ],
        "invalid_base64" => [
            "Pyynnön runko ei ole kelvollista base64:ää.",
            "Begärans innehåll är inte giltig base64.",
            "The request body is not valid base64.",
        ],
        "empty_body" => [
            "Pyynnön runko puuttuu.",
            "Begäran saknar innehåll.",
            "The request body is empty.",
        ],
        "unsupported_media_type" => [
            "Lähetä tilaus muodossa application/json tai application/x-www-form-urlencoded (UTF-8).",
            "Skicka beställningen som application/json eller application/x-www-form-urlencoded (UTF-8).",
            "Send the order as application/json or application/x-www-form-urlencoded (UTF-8).",
        ],
        "payload_too_large" => [
            "Pyyntö on liian suuri (enintään 32 KiB).",
            "Begäran är för stor (högst 32 KiB).",
            "The request is too large (at most 32 KiB).",
        ],
        "method_not_allowed" => [
            "Tilaukset lähetetään POST-pyynnöllä.",
            "Beställningar skickas med POST.",
            "Orders are sent with POST.",
        ],
        "not_found" => ["Osoitetta ei löydy.", "Adressen finns inte.", "Not found."],
        "origin_not_allowed" => [
            "Tältä sivustolta ei voi tilata.",
            "Beställningar tas inte emot från den här webbplatsen.",
            "Orders are not accepted from this site.",
        ],
        "idempotency_key_reused" => [
            "Tämä idempotenssiavain on jo käytetty toiseen tilaukseen.",
            "Den här idempotensnyckeln har redan använts för en annan beställning.",
            "This idempotency key was already used for a different order.",
        ],
        "service_unavailable" => [
            "Tilausta ei voitu tallentaa juuri nyt. Yritä hetken päästä uudelleen.",
            "Beställningen kunde inte sparas just nu. Försök igen om en stund.",
            "The order could not be saved right now. Please try again shortly.",
        ],
        _ => [
            "Jokin meni vikaan.",
            "Något gick fel.",
            "Something went wrong.",
        ],
    };
    pick(language, fi, sv, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_error_has_its_own_message_in_every_language() {
        for code in REQUEST_ERRORS.iter().chain(["validation_failed"].iter()) {
            for language in [Fi, Sv, En] {
                assert_ne!(
                    request_message(code, language),
                    request_message("no such code", language),
                    "{code}"
                );
            }
        }
    }
}
