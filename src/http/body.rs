//! Request bodies into an `OrderForm`: JSON objects and urlencoded forms, with the same field
//! names. Anything that is not a well-formed body of its kind is a `BodyError` (400).

use std::collections::HashSet;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::domain::{ErrorCode, Field, OrderForm, Slot};

pub const MAX_BODY_BYTES: usize = 32 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Json,
    Form,
    /// `multipart/form-data`: form fields in parts (what website builders often post). Its
    /// boundary is in the content type: `multipart_boundary`, then `parse_multipart`.
    Multipart,
}

impl MediaType {
    /// A browser's form post (urlencoded or multipart), as opposed to a program's JSON.
    pub fn is_form(self) -> bool {
        matches!(self, MediaType::Form | MediaType::Multipart)
    }
}

/// The media types we accept, with an optional UTF-8 charset; anything else is `None` (415).
/// Parsed by `mime`, so parameters, quoting, case and a trailing `;` are as HTTP has them.
pub fn media_type(content_type: &str) -> Option<MediaType> {
    // Some clients end the header with `;` and nothing after it, which `mime` refuses.
    let content_type = content_type.trim().trim_end_matches(';');
    let parsed: mime::Mime = content_type.parse().ok()?;
    let media = match (parsed.type_(), parsed.subtype()) {
        (mime::APPLICATION, mime::JSON) => MediaType::Json,
        (mime::APPLICATION, mime::WWW_FORM_URLENCODED) => MediaType::Form,
        (mime::MULTIPART, mime::FORM_DATA) if parsed.get_param(mime::BOUNDARY).is_some() => {
            MediaType::Multipart
        }
        _ => return None,
    };
    let utf8 = parsed.get_param(mime::CHARSET).is_none_or(|charset| {
        matches!(
            charset.as_str().to_ascii_lowercase().as_str(),
            "utf-8" | "utf8"
        )
    });
    utf8.then_some(media)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    Empty,
    InvalidUtf8,
    InvalidJson,
    NotAnObject,
    DuplicateField,
    /// A multipart body that does not parse (no closing boundary, a part without a name).
    InvalidMultipart,
    /// A file in a multipart body: an order has no use for one.
    FileNotAccepted,
}

impl BodyError {
    pub const ALL: [BodyError; 7] = [
        BodyError::Empty,
        BodyError::InvalidUtf8,
        BodyError::InvalidJson,
        BodyError::NotAnObject,
        BodyError::DuplicateField,
        BodyError::InvalidMultipart,
        BodyError::FileNotAccepted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BodyError::Empty => "empty_body",
            BodyError::InvalidUtf8 => "invalid_utf8",
            BodyError::InvalidJson => "invalid_json",
            BodyError::NotAnObject => "not_an_object",
            BodyError::DuplicateField => "duplicate_field",
            BodyError::InvalidMultipart => "invalid_multipart",
            BodyError::FileNotAccepted => "file_not_accepted",
        }
    }
}

/// A JSON or urlencoded body. A multipart body needs its boundary: `parse_multipart`.
pub fn parse(media: MediaType, bytes: &[u8]) -> Result<OrderForm, BodyError> {
    let text = std::str::from_utf8(bytes).map_err(|_| BodyError::InvalidUtf8)?;
    match media {
        MediaType::Json if text.trim().is_empty() => Err(BodyError::Empty),
        MediaType::Json => parse_json(text),
        MediaType::Form => parse_form(text),
        MediaType::Multipart => Err(BodyError::InvalidMultipart),
    }
}

/// The boundary of a `multipart/form-data` content type.
pub fn multipart_boundary(content_type: &str) -> Option<String> {
    multer::parse_boundary(content_type.trim().trim_end_matches(';')).ok()
}

/// A `multipart/form-data` body (already in memory, at most `MAX_BODY_BYTES`): each part is a
/// field, with the same names and rules as a urlencoded form. A file part is refused; text
/// must be UTF-8.
pub async fn parse_multipart(boundary: &str, bytes: &[u8]) -> Result<OrderForm, BodyError> {
    let body = bytes::Bytes::copy_from_slice(bytes);
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut pairs = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| BodyError::InvalidMultipart)?
    {
        if field.file_name().is_some() {
            return Err(BodyError::FileNotAccepted);
        }
        let name = field.name().ok_or(BodyError::InvalidMultipart)?.to_owned();
        let value = field
            .bytes()
            .await
            .map_err(|_| BodyError::InvalidMultipart)?;
        let value = String::from_utf8(value.to_vec()).map_err(|_| BodyError::InvalidUtf8)?;
        pairs.push((name, FormField(value)));
    }
    Ok(form_from_members(pairs))
}

/// A JSON object's members in order, refusing a name that appears twice (which `serde_json`
/// would silently resolve to the last one).
struct Members(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut seen = HashSet::new();
                let mut members = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    if !seen.insert(name.clone()) {
                        return Err(serde::de::Error::custom(DUPLICATE_MARKER));
                    }
                    members.push((name, value));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

const DUPLICATE_MARKER: &str = "duplicate member name";

fn parse_json(text: &str) -> Result<OrderForm, BodyError> {
    match serde_json::from_str::<Members>(text) {
        Ok(Members(members)) => Ok(form_from_members(
            members
                .into_iter()
                .map(|(name, value)| (name, JsonField(value))),
        )),
        Err(error) if error.to_string().starts_with(DUPLICATE_MARKER) => {
            Err(BodyError::DuplicateField)
        }
        // Valid JSON that is not an object (an array, a string, …) is its own mistake.
        Err(_) if serde_json::from_str::<Value>(text).is_ok() => Err(BodyError::NotAnObject),
        Err(_) => Err(BodyError::InvalidJson),
    }
}

/// `application/x-www-form-urlencoded`, decoded strictly: percent-escapes that do not make
/// UTF-8 are refused (the usual decoders replace them silently).
fn parse_form(text: &str) -> Result<OrderForm, BodyError> {
    let decode = |raw: &str| -> Result<String, BodyError> {
        let plus_as_space = raw.replace('+', " ");
        percent_encoding::percent_decode_str(&plus_as_space)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| BodyError::InvalidUtf8)
    };
    let mut pairs = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        pairs.push((decode(name)?, FormField(decode(value)?)));
    }
    Ok(form_from_members(pairs))
}

/// One member's value, as either body kind gives it.
trait RawField {
    /// The value as text, or `None` when it is absent (JSON null), or `Err` for a wrong type.
    fn text(self, field: Field) -> Result<Option<String>, ErrorCode>;
    /// The value as a list of text (a JSON array of strings, or one text).
    fn list(self) -> Result<Vec<String>, ErrorCode>;
    /// Whether a repeated name adds to a list (forms) or is refused (handled before for JSON).
    fn repeatable() -> bool;
}

struct JsonField(Value);
struct FormField(String);

impl RawField for JsonField {
    fn text(self, field: Field) -> Result<Option<String>, ErrorCode> {
        match self.0 {
            // Consent in JSON is the boolean `true`; anything else is no consent (the form's
            // checkbox sends `on`, which only a form body may).
            Value::Bool(true) if field == Field::PrivacyConsent => Ok(Some("true".to_owned())),
            _ if field == Field::PrivacyConsent => Ok(Some(String::new())),
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            Value::Number(n) if field == Field::Participants => Ok(Some(n.to_string())),
            _ => Err(ErrorCode::InvalidType),
        }
    }

    fn list(self) -> Result<Vec<String>, ErrorCode> {
        match self.0 {
            Value::Null => Ok(Vec::new()),
            Value::String(s) => Ok(vec![s]),
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s),
                    _ => Err(ErrorCode::InvalidType),
                })
                .collect(),
            _ => Err(ErrorCode::InvalidType),
        }
    }

    fn repeatable() -> bool {
        false
    }
}

impl RawField for FormField {
    fn text(self, _field: Field) -> Result<Option<String>, ErrorCode> {
        Ok(Some(self.0))
    }

    fn list(self) -> Result<Vec<String>, ErrorCode> {
        Ok(vec![self.0])
    }

    fn repeatable() -> bool {
        true
    }
}

fn form_from_members<F: RawField>(members: impl IntoIterator<Item = (String, F)>) -> OrderForm {
    let mut form = OrderForm::default();
    let mut seen: HashSet<Field> = HashSet::new();
    let mut reported: HashSet<Field> = HashSet::new();
    for (name, value) in members {
        // Unknown fields are ignored.
        let Some(field) = Field::parse(&name) else {
            continue;
        };
        let first = seen.insert(field);
        let outcome = match form.slot(field) {
            Slot::List(list) => value.list().map(|items| list.extend(items)),
            Slot::Text(_) if !first => match F::repeatable() {
                true => Err(ErrorCode::Repeated),
                false => Ok(()),
            },
            Slot::Text(slot) => value.text(field).map(|text| *slot = text),
        };
        // Each field is reported once, however often it repeats.
        if let Err(code) = outcome
            && reported.insert(field)
        {
            form.shape_error(field, code);
        }
    }
    // An empty key (a form's blank hidden field) is no key.
    if form
        .idempotency_key
        .as_deref()
        .is_some_and(|k| k.trim().is_empty())
    {
        form.idempotency_key = None;
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_with_and_without_charset() {
        assert_eq!(media_type("application/json"), Some(MediaType::Json));
        assert_eq!(
            media_type("Application/JSON; charset=UTF-8"),
            Some(MediaType::Json)
        );
        assert_eq!(
            media_type("application/x-www-form-urlencoded;charset=utf-8"),
            Some(MediaType::Form)
        );
        assert_eq!(media_type("application/json;"), Some(MediaType::Json));
        assert_eq!(
            media_type("application/json; charset=\"utf-8\""),
            Some(MediaType::Json)
        );
        assert_eq!(media_type("application/json; charset=iso-8859-1"), None);
        assert_eq!(
            media_type("multipart/form-data; boundary=x"),
            Some(MediaType::Multipart)
        );
        assert_eq!(media_type("multipart/form-data"), None, "no boundary");
        assert_eq!(media_type("text/plain"), None);
        assert_eq!(media_type(""), None);
    }

    #[test]
    fn json_and_form_give_the_same_form() {
        let json = parse(
            MediaType::Json,
            br#"{"package":"somestartti","privacy_consent":true,"participants":12,"channels":["facebook","instagram"],"extra":{"x":1}}"#,
        )
        .unwrap();
        let form = parse(
            MediaType::Form,
            b"package=somestartti&privacy_consent=true&participants=12&channels=facebook&channels=instagram&extra=1",
        )
        .unwrap();
        assert_eq!(json, form);
        assert_eq!(json.channels, vec!["facebook", "instagram"]);
    }

    #[test]
    fn form_values_are_percent_and_plus_decoded() {
        let form = parse(
            MediaType::Form,
            b"organization=Tuusulan+kunta&message=Hei%0D%0Amoi&email=a%40b.fi",
        )
        .unwrap();
        assert_eq!(form.organization.as_deref(), Some("Tuusulan kunta"));
        assert_eq!(form.message.as_deref(), Some("Hei\r\nmoi"));
        assert_eq!(form.email.as_deref(), Some("a@b.fi"));
    }

    #[test]
    fn malformed_bodies_are_refused() {
        assert_eq!(
            parse(MediaType::Json, b"{\"package\":"),
            Err(BodyError::InvalidJson)
        );
        assert_eq!(
            parse(MediaType::Json, b"[1,2]"),
            Err(BodyError::NotAnObject)
        );
        assert_eq!(
            parse(MediaType::Json, b"\"text\""),
            Err(BodyError::NotAnObject)
        );
        assert_eq!(parse(MediaType::Json, b""), Err(BodyError::Empty));
        assert_eq!(
            parse(MediaType::Json, br#"{"email":"a@b.fi","email":"c@d.fi"}"#),
            Err(BodyError::DuplicateField)
        );
        assert_eq!(
            parse(MediaType::Json, b"{\"a\":\"\xff\"}"),
            Err(BodyError::InvalidUtf8)
        );
        assert_eq!(
            parse(MediaType::Form, b"organization=%FF%FE"),
            Err(BodyError::InvalidUtf8)
        );
        assert_eq!(
            parse(MediaType::Json, "[".repeat(10_000).as_bytes()),
            Err(BodyError::InvalidJson)
        );
    }

    fn multipart(parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
        let mut body = String::new();
        for (name, file, value) in parts {
            body.push_str("--XyZ\r\n");
            match file {
                Some(file) => body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\r\n"
                )),
                None => body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                )),
            }
            body.push_str(value);
            body.push_str("\r\n");
        }
        body.push_str("--XyZ--\r\n");
        body.into_bytes()
    }

    fn run<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn a_multipart_form_is_read_like_a_urlencoded_one() {
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=XyZ").as_deref(),
            Some("XyZ")
        );
        let body = multipart(&[
            ("organization", None, "Tuusulan kunta"),
            ("channels", None, "facebook"),
            ("channels", None, "instagram"),
            ("privacy_consent", None, "on"),
        ]);
        let form = run(parse_multipart("XyZ", &body)).unwrap();
        let urlencoded = parse(
            MediaType::Form,
            b"organization=Tuusulan+kunta&channels=facebook&channels=instagram&privacy_consent=on",
        )
        .unwrap();
        assert_eq!(form, urlencoded);
    }

    #[test]
    fn a_file_or_a_broken_multipart_body_is_refused() {
        let with_file = multipart(&[("cv", Some("cv.pdf"), "%PDF")]);
        assert_eq!(
            run(parse_multipart("XyZ", &with_file)),
            Err(BodyError::FileNotAccepted)
        );
        let cut = &multipart(&[("organization", None, "Tuusula")])[..20];
        assert_eq!(
            run(parse_multipart("XyZ", cut)),
            Err(BodyError::InvalidMultipart)
        );
        let latin1 = b"--XyZ\r\nContent-Disposition: form-data; name=\"organization\"\r\n\r\n\xe4\r\n--XyZ--\r\n";
        assert_eq!(
            run(parse_multipart("XyZ", latin1)),
            Err(BodyError::InvalidUtf8)
        );
    }

    #[test]
    fn json_consent_is_the_boolean_true_and_only_a_form_says_on() {
        let consent = |media, body: &[u8]| parse(media, body).unwrap().privacy_consent;
        assert_eq!(
            consent(MediaType::Json, br#"{"privacy_consent":true}"#).as_deref(),
            Some("true")
        );
        for body in [r#""on""#, r#""true""#, r#""yes""#, "false", "1", "null"] {
            let json = format!(r#"{{"privacy_consent":{body}}}"#);
            assert_eq!(
                consent(MediaType::Json, json.as_bytes()).as_deref(),
                Some(""),
                "{body}"
            );
        }
        assert_eq!(
            consent(MediaType::Form, b"privacy_consent=on").as_deref(),
            Some("on")
        );
    }

    #[test]
    fn an_empty_key_is_no_key_and_a_repeated_field_is_reported_once() {
        let form = parse(
            MediaType::Form,
            b"idempotency_key=&email=a&phone=1&email=b&phone=2&email=c",
        )
        .unwrap();
        assert_eq!(form.idempotency_key, None);
        assert_eq!(
            form.shape_errors,
            vec![
                FieldError::new(Field::Email, ErrorCode::Repeated),
                FieldError::new(Field::Phone, ErrorCode::Repeated),
            ]
        );
    }

    #[test]
    fn wrong_types_and_repeats_become_field_errors() {
        let json = parse(
            MediaType::Json,
            br#"{"email":5,"channels":"facebook","preferred_dates":[1],"privacy_consent":"on"}"#,
        )
        .unwrap();
        assert_eq!(
            json.shape_errors,
            vec![
                FieldError::new(Field::Email, ErrorCode::InvalidType),
                FieldError::new(Field::PreferredDates, ErrorCode::InvalidType),
            ]
        );
        assert_eq!(json.channels, vec!["facebook"]);
        let form = parse(
            MediaType::Form,
            b"email=a%40b.fi&email=c%40d.fi&email=e%40f.fi",
        )
        .unwrap();
        assert_eq!(
            form.shape_errors,
            vec![FieldError::new(Field::Email, ErrorCode::Repeated)]
        );
        assert_eq!(form.email.as_deref(), Some("a@b.fi"));
    }

    use crate::domain::FieldError;

    mod properties {
        use super::super::*;
        use crate::domain::NewOrder;
        use proptest::prelude::*;

        fn any_field() -> impl Strategy<Value = &'static str> {
            proptest::sample::select(Field::ALL.map(Field::name).to_vec())
        }

        proptest! {
            #[test]
            fn any_bytes_parse_or_are_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
                for media in [MediaType::Json, MediaType::Form] {
                    if let Ok(form) = parse(media, &bytes) {
                        let _ = NewOrder::parse(&form, jiff::civil::date(2026, 11, 26));
                    }
                }
            }

            #[test]
            fn any_text_survives_a_form_round_trip(
                field in any_field().prop_filter("consent is a boolean in JSON", |f| *f != "privacy_consent"),
                value in "\\PC{0,40}",
            ) {
                let body: String = url::form_urlencoded::Serializer::new(String::new()).append_pair(field, &value).finish();
                let form = parse(MediaType::Form, body.as_bytes()).unwrap();
                let json = parse(MediaType::Json, serde_json::json!({ field: value }).to_string().as_bytes()).unwrap();
                prop_assert_eq!(form, json);
            }

            #[test]
            fn any_json_object_of_known_fields_parses_into_a_form(
                members in proptest::collection::vec((any_field(), any::<Option<String>>()), 0..20)
            ) {
                let object: serde_json::Map<String, serde_json::Value> = members
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.map_or(serde_json::Value::Null, serde_json::Value::String)))
                    .collect();
                let text = serde_json::Value::Object(object).to_string();
                prop_assert!(parse(MediaType::Json, text.as_bytes()).is_ok());
            }
        }
    }
}
