//! The HTTP rules, with in-memory fakes: status codes, CORS, idempotency, honeypot, browsers.

use serde_json::{Value, json};

use crate::helpers::*;

fn json_event(body: &Value) -> String {
    post_event("application/json", &body.to_string())
}

fn valid() -> Value {
    order_json("anna.virtanen@tuusula.example")
}

#[tokio::test]
async fn a_double_submission_without_a_key_creates_one_order() {
    let app = FakeApp::new();
    let first = app.send(&json_event(&valid())).await;
    let second = app.send(&json_event(&valid())).await;
    assert_eq!((first.status, second.status), (201, 200));
    assert_eq!(first.json()["reference"], second.json()["reference"]);
    assert_eq!(app.store.orders().len(), 1);
    assert_eq!(app.mailer.sent().len(), 2);
}

#[tokio::test]
async fn the_same_key_with_other_content_is_a_conflict() {
    let app = FakeApp::new();
    let mut order = valid();
    order["idempotency_key"] = json!("form-7f3c2a91-key");
    assert_eq!(app.send(&json_event(&order)).await.status, 201);
    order["participants"] = json!(13);
    let answer = app.send(&json_event(&order)).await;
    assert_eq!(answer.status, 409);
    assert_eq!(answer.json()["error"], "idempotency_key_reused");
    assert_eq!(app.store.orders().len(), 1);
}

#[tokio::test]
async fn the_idempotency_key_header_works_like_the_field() {
    let app = FakeApp::new();
    let event = |key: &str| {
        event_with("apigw-http-json-order", |e| {
            e["headers"]["idempotency-key"] = json!(key);
            let mut body: Value = serde_json::from_str(e["body"].as_str().unwrap()).unwrap();
            body.as_object_mut().unwrap().remove("idempotency_key");
            e["body"] = json!(body.to_string());
        })
    };
    assert_eq!(app.send(&event("header-key-0001")).await.status, 201);
    assert_eq!(app.send(&event("header-key-0001")).await.status, 200);
    assert_eq!(app.store.orders().len(), 1);
}

#[tokio::test]
async fn a_filled_honeypot_looks_like_success_but_stores_and_sends_nothing() {
    let app = FakeApp::new();
    let mut order = valid();
    order["_gotcha"] = json!("http://spam.example");
    let answer = app.send(&json_event(&order)).await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.json()["email_status"], "sent");
    assert!(answer.json()["reference"].as_str().unwrap().len() == 9);
    assert!(app.store.orders().is_empty());
    assert!(app.mailer.sent().is_empty());
}

#[tokio::test]
async fn client_prices_are_ignored() {
    let app = FakeApp::new();
    let mut order = valid();
    order["price"] = json!({"net_cents": 1});
    order["net_cents"] = json!(1);
    let answer = app.send(&json_event(&order)).await;
    assert_eq!(answer.json()["price"]["gross_cents"], 112950);
}

#[tokio::test]
async fn malformed_bodies_get_400_with_a_json_error() {
    let app = FakeApp::new();
    for (body, code) in [
        ("{\"package\": ", "invalid_json"),
        ("[]", "not_an_object"),
        ("42", "not_an_object"),
        ("", "empty_body"),
        (
            "{\"email\":\"a@b.fi\",\"email\":\"c@d.fi\"}",
            "duplicate_field",
        ),
    ] {
        let answer = app.send(&json_event_raw(body)).await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.json()["error"], code, "{body}");
    }
    let bad_base64 = event_with("apigw-http-form-order", |e| {
        e["body"] = json!("not base64 ***")
    });
    let answer = app.send(&bad_base64).await;
    assert_eq!(answer.status, 400);
    let bad_utf8 = event_with("apigw-http-form-order", |e| {
        e["body"] = json!("/w==");
        e["headers"]["accept"] = json!("application/json");
    });
    let answer = app.send(&bad_utf8).await;
    assert_eq!(
        (answer.status, answer.json()["error"].as_str()),
        (400, Some("invalid_utf8"))
    );
    assert!(app.store.orders().is_empty());
}

fn json_event_raw(body: &str) -> String {
    post_event("application/json", body)
}

#[tokio::test]
async fn a_client_cannot_fake_the_base64_error_marker() {
    let app = FakeApp::new();
    let event = event_with("apigw-http-json-order", |e| {
        e["headers"]["x-order-intake-body-error"] = json!("invalid-base64")
    });
    assert_eq!(app.send(&event).await.status, 201);
}

#[tokio::test]
async fn content_types_size_methods_and_paths_are_checked() {
    let app = FakeApp::new();
    let answer = app
        .send(&post_event("text/plain", "package=somestartti"))
        .await;
    assert_eq!(
        (answer.status, answer.json()["error"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let no_type = event_with("apigw-http-json-order", |e| {
        e["headers"].as_object_mut().unwrap().remove("content-type");
    });
    assert_eq!(app.send(&no_type).await.status, 415);
    let mut big = valid();
    big["message"] = json!("x".repeat(33 * 1024));
    let answer = app.send(&json_event(&big)).await;
    assert_eq!(
        (answer.status, answer.json()["error"].as_str()),
        (413, Some("payload_too_large"))
    );

    let get = event_with("apigw-http-json-order", |e| {
        e["requestContext"]["http"]["method"] = json!("GET")
    });
    let answer = app.send(&get).await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.header("allow"), Some("POST, OPTIONS"));
    assert_eq!(answer.json()["error"], "method_not_allowed");

    let elsewhere = event_with("apigw-http-json-order", |e| e["rawPath"] = json!("/admin"));
    let answer = app.send(&elsewhere).await;
    assert_eq!(
        (answer.status, answer.json()["error"].as_str()),
        (404, Some("not_found"))
    );
    assert!(app.store.orders().is_empty());
}

#[tokio::test]
async fn a_foreign_origin_is_refused_and_nothing_is_stored() {
    let app = FakeApp::new();
    for method in ["POST", "OPTIONS"] {
        let event = event_with("apigw-http-json-order", |e| {
            e["headers"]["origin"] = json!("https://evil.example");
            e["requestContext"]["http"]["method"] = json!(method);
        });
        let answer = app.send(&event).await;
        assert_eq!(answer.status, 403, "{method}");
        assert_eq!(answer.json()["error"], "origin_not_allowed");
        assert_eq!(answer.header("access-control-allow-origin"), None);
    }
    assert!(app.store.orders().is_empty());
    assert!(app.mailer.sent().is_empty());
}

#[tokio::test]
async fn a_browser_form_with_mistakes_gets_a_readable_page_in_its_language() {
    let app = FakeApp::new();
    let event = event_with("apigw-http-form-order", |e| {
        e["isBase64Encoded"] = json!(false);
        e["body"] = json!(
            "package=somestartti&organization=<script>alert(1)</script>&contact_name=A&email=nope&language=sv"
        );
    });
    let answer = app.send(&event).await;
    assert_eq!(answer.status, 422);
    assert!(
        answer
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(answer.body.contains("lang=\"sv\""));
    assert!(
        answer
            .body
            .contains("Skriv e-postadressen i formatet namn@kommun.fi"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("Kontaktperson: skriv minst 2 tecken"));
    assert!(
        answer
            .body
            .contains("href=\"https://www.some-tyopajat.fi/tilaa\""),
        "a way back to the form"
    );
    assert!(!answer.body.contains("<script>"));
    assert!(app.store.orders().is_empty());
}

#[tokio::test]
async fn next_may_only_point_at_an_allowed_origin() {
    let app = FakeApp::new();
    let with_next = |next: &str| {
        event_with("apigw-http-form-order", |e| {
            let body = String::from_utf8(base64_decode(e["body"].as_str().unwrap())).unwrap();
            e["isBase64Encoded"] = json!(false);
            e["body"] = json!(format!("{body}&_next={}", percent(next)));
        })
    };
    let answer = app
        .send(&with_next("http://127.0.0.1:8080/kiitos.html"))
        .await;
    assert_eq!(answer.status, 303);
    assert!(
        answer
            .header("location")
            .unwrap()
            .starts_with("http://127.0.0.1:8080/kiitos.html?reference=")
    );
    for evil in [
        "https://evil.example/phish",
        "//evil.example",
        "javascript:alert(1)",
        "https://www.some-tyopajat.fi.evil.example/",
    ] {
        let answer = app.send(&with_next(evil)).await;
        assert_eq!(answer.status, 422, "{evil}");
        assert!(answer.header("location").is_none());
    }
    assert_eq!(app.store.orders().len(), 1);
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn percent(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn storage_down_is_a_503_with_retry_after_and_no_email() {
    let app = FakeApp::new();
    app.store.set_unavailable(true);
    let answer = app.send(&json_event(&valid())).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.header("retry-after"), Some("5"));
    assert_eq!(answer.json()["error"], "service_unavailable");
    assert!(app.mailer.sent().is_empty());
}

#[tokio::test]
async fn an_email_failure_keeps_the_order_with_emails_pending() {
    let app = FakeApp::new();
    app.mailer.set_failing(true);
    let answer = app.send(&json_event(&valid())).await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.json()["email_status"], "pending");
    let orders = app.store.orders();
    assert_eq!(orders.len(), 1);
    assert!(!orders[0].customer_email().is_sent() && !orders[0].trainer_email().is_sent());
}

#[tokio::test]
async fn header_injection_in_name_and_email_is_refused() {
    let app = FakeApp::new();
    let mut order = valid();
    order["contact_name"] = json!("Anna\r\nBcc: victim@example.com");
    order["email"] = json!("anna@tuusula.example\r\nBcc: victim@example.com");
    let answer = app.send(&json_event(&order)).await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.error_fields(),
        [
            ("contact_name".to_owned(), "control_characters".to_owned()),
            ("email".to_owned(), "control_characters".to_owned())
        ]
    );
}

#[tokio::test]
async fn markup_is_refused_and_the_rest_is_escaped_in_html_emails() {
    let app = FakeApp::new();
    let mut order = valid();
    order["organization"] = json!("<b>Tuusula</b>");
    order["message"] = json!("<img src=x onerror=alert(1)>");
    let answer = app.send(&json_event(&order)).await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.error_fields(),
        [
            ("organization".to_owned(), "markup".to_owned()),
            ("message".to_owned(), "markup".to_owned())
        ]
    );
    order["organization"] = json!("Tuusula & \"co\" <3");
    order["message"] = json!("alle < 20 henkeä & 'lainaus'");
    assert_eq!(app.send(&json_event(&order)).await.status, 201);
    for email in app.mailer.sent() {
        assert!(
            email.html.contains("Tuusula &#38; &#34;co&#34; &#60;3"),
            "{}",
            email.html
        );
        if email.to == ["anna.virtanen@tuusula.example"] {
            continue; // the customer's email does not repeat the message
        }
        assert!(
            email
                .html
                .contains("alle &#60; 20 henkeä &#38; &#39;lainaus&#39;"),
            "{}",
            email.html
        );
    }
}

#[tokio::test]
async fn the_same_order_typed_in_nfd_is_the_order_typed_in_nfc() {
    let app = FakeApp::new();
    let mut order = valid();
    order["organization"] = json!("Jyväskylän kaupunki");
    assert_eq!(app.send(&json_event(&order)).await.status, 201);
    order["organization"] = json!("Jyva\u{0308}skyla\u{0308}n  kaupunki");
    let again = app.send(&json_event(&order)).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(app.store.orders().len(), 1);
    assert_eq!(
        app.store.orders()[0].details.organization,
        "Jyväskylän kaupunki"
    );
}

#[tokio::test]
async fn small_quirks_of_real_clients_are_accepted() {
    let app = FakeApp::new();
    // A trailing `;` in the content type.
    let answer = app
        .send(&post_event("application/json;", &valid().to_string()))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    // An empty idempotency key field is no key.
    let form = "package=some-haltuun&organization=Keravan+kaupunki&contact_name=Ville+N\
                &email=ville%40kerava.example&privacy_consent=on&idempotency_key=";
    let answer = app
        .send(&post_event("application/x-www-form-urlencoded", form))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    // JSON consent is the boolean true, not the form's "on".
    let mut order = valid();
    order["privacy_consent"] = json!("on");
    order["organization"] = json!("Järvenpään kaupunki");
    let answer = app.send(&json_event(&order)).await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.error_fields(),
        [("privacy_consent".to_owned(), "consent_required".to_owned())]
    );
}

#[tokio::test]
async fn an_emoji_joined_with_zwj_is_a_message_and_not_a_name() {
    let app = FakeApp::new();
    let mut order = valid();
    order["message"] = json!("Kiitos 👩‍💻!");
    assert_eq!(app.send(&json_event(&order)).await.status, 201);
    let mut order = valid();
    order["contact_name"] = json!("Anna\u{061C}Virtanen");
    order["organization"] = json!("Tuusula\u{E0041}kunta");
    let answer = app.send(&json_event(&order)).await;
    assert_eq!(
        answer.error_fields(),
        [
            ("organization".to_owned(), "control_characters".to_owned()),
            ("contact_name".to_owned(), "control_characters".to_owned())
        ]
    );
}

#[tokio::test]
async fn a_website_builder_posting_multipart_form_data_gets_the_same_answer_as_a_form() {
    let app = FakeApp::new();
    let body = [
        ("package", "somestartti"),
        ("organization", "Keravan kaupunki"),
        ("contact_name", "Ville N"),
        ("email", "ville@kerava.example"),
        ("privacy_consent", "on"),
    ]
    .iter()
    .map(|(name, value)| {
        format!("--b0undary\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    })
    .collect::<String>()
        + "--b0undary--\r\n";
    let event = event_with("apigw-http-form-order", |e| {
        e["headers"]["content-type"] = json!("multipart/form-data; boundary=b0undary");
        e["body"] = json!(body);
        e["isBase64Encoded"] = json!(false);
    });
    let answer = app.send(&event).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert_eq!(app.store.orders().len(), 1);

    let with_file = event_with("apigw-http-form-order", |e| {
        e["headers"]["content-type"] = json!("multipart/form-data; boundary=b0undary");
        e["headers"]["accept"] = json!("application/json");
        e["body"] = json!(
            "--b0undary\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n\r\n%PDF\r\n--b0undary--\r\n"
        );
        e["isBase64Encoded"] = json!(false);
    });
    let answer = app.send(&with_file).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json()["error"], "file_not_accepted");
}
