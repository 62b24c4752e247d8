//! A corpus of hostile and broken requests: every one gets a 4xx with a clear error, none a 5xx,
//! and none stores or sends anything. None reaches storage, so the whole corpus runs over the
//! in-memory fakes; a sample of it also runs through the real stack (DynamoDB Local and the SES
//! emulator).

use base64::Engine;
use serde_json::{Value, json};

use order_intake::domain::Field;

use crate::helpers::*;

/// The fields with a length rule, and their longest allowed value.
fn length_limited_fields() -> impl Iterator<Item = (&'static str, usize)> {
    Field::ALL
        .into_iter()
        .filter_map(|field| Some((field.name(), field.length()?.max)))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A v2 event with these headers and body (no Origin unless given).
fn event(headers: Value, body: Option<&str>, base64: bool) -> String {
    event_with("apigw-http-json-order", |e| {
        e["headers"] = headers;
        e["isBase64Encoded"] = json!(base64);
        match body {
            Some(body) => e["body"] = json!(body),
            None => {
                e.as_object_mut().unwrap().remove("body");
            }
        }
    })
}

fn json_body(body: &str) -> String {
    event(
        json!({"content-type": "application/json"}),
        Some(body),
        false,
    )
}

fn json_order(order: &Value) -> String {
    json_body(&order.to_string())
}

fn form_body(body: &str) -> String {
    event(
        json!({"content-type": "application/x-www-form-urlencoded"}),
        Some(body),
        false,
    )
}

fn corpus(valid: &Value) -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = Vec::new();
    let mut add = |name: String, event: String| cases.push((name, event));
    let valid_text = valid.to_string();
    let with = |field: &str, value: Value| {
        let mut order = valid.clone();
        order[field] = value;
        order
    };

    // Malformed and truncated JSON.
    for cut in [
        1,
        2,
        10,
        25,
        50,
        80,
        120,
        valid_text.len() / 2,
        valid_text.len() - 2,
        valid_text.len() - 1,
    ] {
        add(
            format!("truncated JSON at {cut}"),
            json_body(&valid_text[..valid_text.floor_char_boundary(cut)]),
        );
    }
    for body in [
        "{",
        "}",
        "{\"package\"}",
        "{\"package\":}",
        "{'package':'x'}",
        "{package: 1}",
        "{\"a\":1,}",
        "NaN",
        "{\"a\":1e999}",
        "\u{FEFF}{}",
    ] {
        add(format!("malformed JSON {body:?}"), json_body(body));
    }
    // JSON that is not an object.
    for body in ["[]", "[{}]", "1", "\"order\"", "null", "true", "[null]"] {
        add(format!("JSON {body}"), json_body(body));
    }
    // Wrong types in every field.
    for field in Field::ALL
        .into_iter()
        .filter(|f| !matches!(f, Field::Next | Field::Gotcha | Field::HumanToken))
    {
        let list = field.is_list();
        let field = field.name();
        add(
            format!("{field} as an object"),
            json_order(&with(field, json!({"$gt": ""}))),
        );
        if !list {
            add(
                format!("{field} as an array of numbers"),
                json_order(&with(field, json!([1, 2]))),
            );
        }
    }
    // Deep nesting.
    for depth in [64, 200, 5000] {
        let nested = format!(
            "{{\"package\":{}1{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        add(format!("nested {depth} deep"), json_body(&nested));
    }
    // Duplicate keys.
    for field in [
        "package",
        "email",
        "organization",
        "privacy_consent",
        "idempotency_key",
    ] {
        let body = format!("{{\"{field}\":\"a\",{}", &valid_text[1..]);
        add(format!("duplicate {field}"), json_body(&body));
    }
    // Overlong fields.
    for (field, max) in length_limited_fields() {
        add(
            format!("{field} over {max}"),
            json_order(&with(field, json!("1".repeat(max + 1)))),
        );
    }
    add(
        "email over 254".into(),
        json_order(&with(
            "email",
            json!(format!("{}@{}.fi", "a".repeat(64), "b".repeat(190))),
        )),
    );
    add(
        "four preferred dates".into(),
        json_order(&with(
            "preferred_dates",
            json!(["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"]),
        )),
    );
    // Control characters, CR/LF and NUL, and bidi or invisible characters in every text field.
    // Every single-line field: all but the lists, the message, consent and the form's own.
    let single_line = Field::ALL.into_iter().filter(|f| {
        !f.is_list()
            && !matches!(
                f,
                Field::Message
                    | Field::PrivacyConsent
                    | Field::Participants
                    | Field::Next
                    | Field::Gotcha
                    | Field::HumanToken
            )
    });
    for field in single_line.map(Field::name) {
        for (what, inject) in [
            ("CR LF", "\r\nBcc: victim@example.com"),
            ("LF", "\nX-Injected: 1"),
            ("NUL", "\u{0}"),
            ("ESC", "\u{1b}[31m"),
        ] {
            let value = format!("{}{inject}", valid[field].as_str().unwrap_or("Tuusula"));
            add(
                format!("{what} in {field}"),
                json_order(&with(field, json!(value))),
            );
        }
    }
    // Every free-text field.
    let free_text = [
        Field::Organization,
        Field::ContactName,
        Field::Location,
        Field::BillingReference,
        Field::Message,
    ];
    for field in free_text.map(Field::name) {
        for (what, ch) in [
            ("RLO", '\u{202E}'),
            ("LRI", '\u{2066}'),
            ("ZWSP", '\u{200B}'),
            ("NEL", '\u{85}'),
        ] {
            add(
                format!("{what} in {field}"),
                json_order(&with(field, json!(format!("Tuusula{ch}kunta")))),
            );
        }
    }
    // Invisible, direction-changing and meaningless characters in every single-line free-text
    // field (the message allows some of them inside emoji; refused here as strays).
    for field in free_text
        .map(Field::name)
        .into_iter()
        .filter(|f| *f != "message")
    {
        for (what, ch) in [
            ("ALM", '\u{061C}'),
            ("SHY", '\u{00AD}'),
            ("MVS", '\u{180E}'),
            ("CGJ", '\u{034F}'),
            ("HANGUL FILLER", '\u{3164}'),
            ("VS16", '\u{FE0F}'),
            ("TAG A", '\u{E0041}'),
            ("LINE SEPARATOR", '\u{2028}'),
            ("PARAGRAPH SEPARATOR", '\u{2029}'),
            ("PRIVATE USE", '\u{E000}'),
            ("UNASSIGNED", '\u{0378}'),
            ("ZWJ", '\u{200D}'),
        ] {
            add(
                format!("{what} in {field}"),
                json_order(&with(field, json!(format!("Tuusula{ch}kunta")))),
            );
        }
    }
    for (what, text) in [
        ("a stray tag", "piilo\u{E0041}teksti"),
        ("a line separator", "rivi\u{2028}rivi"),
        (
            "hidden ASCII after a flag",
            "Terveisin 🏴\u{E0069}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}\u{E0020}\u{E0061}\u{E006C}\u{E006C}\u{E007F}",
        ),
        (
            "a flag's tags without their end",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}",
        ),
        ("a variation selector after a letter", "Kiitos\u{FE0F}"),
        ("two variation selectors", "❤\u{FE0F}\u{FE0F}"),
    ] {
        add(
            format!("{what} in message"),
            json_order(&with("message", json!(text))),
        );
    }
    add(
        "NUL in message".into(),
        json_order(&with("message", json!("rivi\u{0}rivi"))),
    );
    let scotland = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
    add(
        "a message of flags (a hidden payload)".into(),
        json_order(&with("message", json!(scotland.repeat(190)))),
    );
    // A domain joined to a word by punctuation is a link too (issue 37).
    for link in [
        "Maksa:evil.com/pay",
        "lasku,evil.com",
        "Tuusula/evil.com",
        "http:evil.com",
    ] {
        add(
            format!("a joined link {link:?} in organization"),
            json_order(&with("organization", json!(link))),
        );
    }
    // HTML and script in every free-text field.
    for field in [
        "organization",
        "contact_name",
        "location",
        "billing_reference",
        "message",
    ] {
        for markup in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "</td><b>x</b>",
            "<!--",
        ] {
            add(
                format!("markup {markup:?} in {field}"),
                json_order(&with(field, json!(format!("Tuusula {markup}")))),
            );
        }
    }
    // Header injection through names and addresses, also form-encoded.
    for (field, value) in [
        ("contact_name", "Anna\r\nBcc: victim@example.com"),
        ("email", "anna@tuusula.example\r\nBcc: victim@example.com"),
        ("email", "Anna <anna@tuusula.example>"),
        ("email", "anna@tuusula.example, victim@example.com"),
        ("email", "anna@tuusula.example%0d%0aBcc:victim@example.com"),
        // The trainers' mailto: link would put a third party in Cc.
        ("email", "x@evil.f?cc=boss%40victim.fi"),
        ("email", "x&cc=boss@victim.fi"),
    ] {
        add(
            format!("header injection in {field} (JSON)"),
            json_order(&with(field, json!(value))),
        );
        let mut form: Vec<(String, String)> = vec![
            ("package".into(), "somestartti".into()),
            ("organization".into(), "Tuusulan kunta".into()),
            ("contact_name".into(), "Anna Virtanen".into()),
            ("email".into(), valid["email"].as_str().unwrap().into()),
            ("privacy_consent".into(), "on".into()),
        ];
        form.retain(|(k, _)| k != field);
        form.push((field.into(), value.into()));
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        add(
            format!("header injection in {field} (form)"),
            form_body(&body),
        );
    }
    // Invalid and overlong UTF-8, in JSON and in forms.
    for (what, bytes) in [
        ("0xFF", b"\xff".as_slice()),
        ("overlong slash", b"\xc0\xaf"),
        ("overlong NUL", b"\xc0\x80"),
        ("surrogate", b"\xed\xa0\x80"),
        ("truncated sequence", b"\xe2\x82"),
    ] {
        let mut json = b"{\"organization\":\"".to_vec();
        json.extend_from_slice(bytes);
        json.extend_from_slice(b"\"}");
        add(
            format!("{what} in JSON"),
            event(
                json!({"content-type": "application/json"}),
                Some(&b64(&json)),
                true,
            ),
        );
        let percent: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
        add(
            format!("{what} percent-encoded in a form"),
            form_body(&format!("organization={percent}&package=somestartti")),
        );
    }
    // Bad base64.
    for body in [
        "***",
        "eyJwYWNrYWdl",
        "e30=e30=",
        "e3\n0=",
        "not base64 at all!",
    ] {
        add(
            format!("bad base64 {body:?}"),
            event(
                json!({"content-type": "application/json"}),
                Some(body),
                true,
            ),
        );
    }
    // Wrong and missing content types.
    for content_type in [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/xml",
        "",
        "application/json; charset=iso-8859-1",
        "application/x-www-form-urlencoded; charset=windows-1252",
        "json",
    ] {
        add(
            format!("content type {content_type:?}"),
            event(
                json!({"content-type": content_type}),
                Some(&valid_text),
                false,
            ),
        );
    }
    add(
        "no content type".into(),
        event(json!({}), Some(&valid_text), false),
    );
    // Empty and oversized bodies.
    add(
        "no body".into(),
        event(json!({"content-type": "application/json"}), None, false),
    );
    add("empty body".into(), json_body(""));
    add("blank body".into(), json_body("   \n"));
    add(
        "33 KiB JSON".into(),
        json_order(&with("message", json!("x".repeat(33 * 1024)))),
    );
    add(
        "1 MiB form".into(),
        form_body(&format!("message={}", "x".repeat(1024 * 1024))),
    );
    add("empty form".into(), form_body(""));
    // Open redirects through _next.
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
        "https://www.some-tyopajat.fi.evil.example/",
        "http://www.some-tyopajat.fi/",
        "https://www.some-tyopajat.fi@evil.example/",
        "data:text/html,<script>alert(1)</script>",
    ] {
        add(
            format!("_next {next}"),
            json_order(&with("_next", json!(next))),
        );
    }
    // Origins that are not allowed.
    for origin in [
        "https://evil.example",
        "null",
        "http://www.some-tyopajat.fi",
        "https://www.some-tyopajat.fi:8443",
        "https://sub.www.some-tyopajat.fi",
        "https://www.some-tyopajat.fi.evil.example",
    ] {
        add(
            format!("origin {origin}"),
            event(
                json!({"content-type": "application/json", "origin": origin}),
                Some(&valid_text),
                false,
            ),
        );
    }
    cases
}

/// Sends every case; returns the ones not answered with a clear 4xx.
async fn unclear_answers(app: &impl SendsEvents, cases: &[(String, String)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, event) in cases {
        let answer = app.send(event).await;
        let body: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
        let clear = body["error"].as_str().is_some_and(|e| !e.is_empty())
            && body["message"].as_str().is_some_and(|m| !m.is_empty());
        if !(400..500).contains(&answer.status) || !clear {
            failures.push(format!(
                "{name}: {} {}",
                answer.status,
                answer.body.chars().take(200).collect::<String>()
            ));
        }
    }
    failures
}

#[tokio::test]
async fn every_hostile_request_gets_a_clear_4xx_and_nothing_is_stored_or_sent() {
    let app = FakeApp::new();
    let valid = order_json("anna.virtanen@tuusula.example");
    let cases = corpus(&valid);
    assert!(
        cases.len() >= 150,
        "the corpus has {} requests",
        cases.len()
    );
    let failures = unclear_answers(&app, &cases).await;
    assert!(
        failures.is_empty(),
        "{} of {} requests were not a clear 4xx:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(app.store.orders().is_empty(), "nothing is stored");
    assert!(app.mailer.sent().is_empty(), "nothing is sent");
    // The same valid order still goes through: the corpus was refused for what it was.
    assert_eq!(app.send(&json_order(&valid)).await.status, 201);
    println!(
        "hostile corpus: {} requests, all refused with a clear 4xx",
        cases.len()
    );
}

#[tokio::test]
async fn a_sample_of_the_hostile_corpus_is_refused_by_the_real_stack_too() {
    let app = LocalApp::start().await;
    let valid = order_json(&app.customer());
    // Every seventh case: each kind of case is represented, and the run stays short.
    let cases: Vec<(String, String)> = corpus(&valid).into_iter().step_by(7).collect();
    let failures = unclear_answers(&app, &cases).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(app.items().await.is_empty(), "nothing is stored");
    assert!(app.emails().await.is_empty(), "nothing is sent");
    assert_eq!(app.post_json(&valid).await.status, 201);
}
