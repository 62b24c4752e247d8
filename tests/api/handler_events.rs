//! Every event in `events/` through the handler, with in-memory fakes.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_json_order_event_creates_an_order_and_two_emails() {
    let app = FakeApp::new();
    let answer = app.send(&read_event("apigw-http-json-order")).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["package"], "somestartti");
    assert_eq!(body["price"]["net_cents"], 50000);
    assert_eq!(body["price"]["vat_cents"], 12750);
    assert_eq!(body["price"]["gross_cents"], 62750);
    assert_eq!(body["price"]["vat_rate_percent"], "25.5");
    assert_eq!(body["price"]["currency"], "EUR");
    assert_eq!(body["email_status"], "sent");
    assert_eq!(answer.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(answer.header("vary"), Some("Origin"));

    let orders = app.store.orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(body["reference"], orders[0].reference.as_str());
    assert_eq!(body["order_id"], orders[0].order_id.as_str());
    assert!(orders[0].customer_email().is_sent() && orders[0].trainer_email().is_sent());

    let sent = app.mailer.sent();
    assert_eq!(sent.len(), 2);
    let customer = sent
        .iter()
        .find(|e| e.to == ["anna.virtanen@tuusula.example"])
        .expect("customer email");
    assert!(customer.subject.contains(orders[0].reference.as_str()));
    assert!(customer.text.contains("627,50\u{a0}€"));
    let trainer = sent
        .iter()
        .find(|e| e.reply_to == ["anna.virtanen@tuusula.example"])
        .expect("trainer email");
    assert_eq!(
        trainer.subject,
        format!(
            "Uusi tilaus: Somestartti – Tuusulan kunta ({})",
            orders[0].reference
        )
    );
}

#[tokio::test]
async fn the_form_event_redirects_the_browser_to_the_thank_you_page() {
    let app = FakeApp::new();
    let answer = app.send(&read_event("apigw-http-form-order")).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let orders = app.store.orders();
    assert_eq!(orders.len(), 1);
    let expected = format!("{THANK_YOU}?reference={}&lang=sv", orders[0].reference);
    assert_eq!(answer.header("location"), Some(expected.as_str()));
    let order = &orders[0].details;
    assert_eq!(order.organization, "Keravan kaupunki");
    assert_eq!(order.message.as_deref(), Some("Hej!\nVi är planerare."));
    assert_eq!(order.language.code(), "sv");
    assert_eq!(app.mailer.sent().len(), 2);
}

#[tokio::test]
async fn without_a_thank_you_url_a_plain_form_lands_on_the_functions_own_page_in_its_language() {
    let mut app = FakeApp::new();
    app.app.http.settings.thank_you_url = None;
    let answer = app.send(&read_event("apigw-http-form-order")).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let reference = app.store.orders()[0].reference.to_string();
    let location = format!("orders/thanks?reference={reference}&lang=sv");
    assert_eq!(answer.header("location"), Some(location.as_str()));

    // The browser follows the relative location from /orders to /orders/thanks.
    let page = app.send(&get_event(&format!("/{location}"))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains(r#"<html lang="sv">"#), "{}", page.body);
    assert!(page.body.contains("Tack för din beställning!"));
    assert!(
        page.body
            .contains(&format!("Beställningsnummer: <strong>{reference}</strong>"))
    );
    assert!(
        !page.body.contains("<script"),
        "the page needs no JavaScript"
    );
}

#[tokio::test]
async fn the_thank_you_page_event_is_answered_with_the_page_in_swedish() {
    let app = FakeApp::new();
    let page = app.send(&read_event("apigw-http-thank-you-page")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(r#"<html lang="sv">"#));
    assert!(
        page.body
            .contains("Beställningsnummer: <strong>K7Q4-M2XD</strong>")
    );
    assert!(app.store.orders().is_empty() && app.mailer.sent().is_empty());
}

#[tokio::test]
async fn the_booking_link_event_with_a_token_nobody_signed_gets_the_plain_finnish_page() {
    let app = FakeApp::new();
    let page = app
        .send(&read_event("apigw-http-booking-link-refused"))
        .await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains(r#"<html lang="fi">"#) && page.body.contains("ei kelpaa"));
    assert!(app.store.orders().is_empty() && app.mailer.sent().is_empty());
}

#[tokio::test]
async fn the_functions_own_pages_forbid_scripts_frames_and_referrers() {
    let app = FakeApp::new();
    let thanks = app
        .send(&get_event("/orders/thanks?reference=K7Q4-M2XD"))
        .await;
    let incomplete_form = event_with("apigw-http-form-order", |e| {
        e["body"] = json!("package=somestartti");
        e["isBase64Encoded"] = json!(false);
    });
    let refused = app.send(&incomplete_form).await;
    assert_eq!(refused.status, 422);
    for page in [thanks, refused] {
        assert!(
            page.header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        let policy = page.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "form-action 'none'",
        ] {
            assert!(policy.contains(directive), "{policy}");
        }
        assert!(!policy.contains("script"), "{policy}");
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    }
}

#[tokio::test]
async fn the_thank_you_page_shows_nothing_but_a_reference_shaped_reference() {
    let app = FakeApp::new();
    for query in [
        "reference=%3Cscript%3Ealert(1)%3C/script%3E",
        "reference=Maksa+tilille+FI00",
        "reference=K7Q4-M2XD-X",
    ] {
        let page = app
            .send(&get_event(&format!("/orders/thanks?{query}")))
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(r#"<html lang="fi">"#));
        assert!(
            !page.body.contains("Tilausnumero"),
            "{query}: {}",
            page.body
        );
        assert!(!page.body.contains("script>") && !page.body.contains("Maksa"));
    }
    let page = app
        .send(&get_event("/orders/thanks?reference=K7Q4-M2XD&lang=en"))
        .await;
    assert!(
        page.body
            .contains("Order reference: <strong>K7Q4-M2XD</strong>")
    );
    let post = app.send(&post_to("/orders/thanks")).await;
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[tokio::test]
async fn the_invalid_event_lists_every_field_to_fix_in_english() {
    let app = FakeApp::new();
    let answer = app.send(&read_event("apigw-http-invalid-order")).await;
    assert_eq!(answer.status, 422);
    let body = answer.json();
    assert_eq!(body["error"], "validation_failed");
    assert_eq!(body["message"], "Some fields need fixing.");
    assert_eq!(
        answer.error_fields(),
        [
            ("package", "unknown_package"),
            ("organization", "too_short"),
            ("business_id", "invalid_check_digit"),
            ("contact_name", "required"),
            ("email", "invalid"),
            ("participants", "out_of_range"),
            ("preferred_dates", "date_not_in_future"),
            ("privacy_consent", "consent_required"),
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Workshop: ")
    );
    assert!(app.store.orders().is_empty());
    assert!(app.mailer.sent().is_empty());
}

#[tokio::test]
async fn the_preflight_event_is_answered_with_the_cors_policy() {
    let app = FakeApp::new();
    let answer = app.send(&read_event("apigw-http-cors-preflight")).await;
    assert_eq!(answer.status, 204);
    assert_eq!(answer.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(
        answer.header("access-control-allow-methods"),
        Some("POST, OPTIONS")
    );
    assert_eq!(
        answer.header("access-control-allow-headers"),
        Some("content-type, idempotency-key")
    );
    assert!(app.store.orders().is_empty());
}

#[tokio::test]
async fn the_rest_api_and_function_url_events_create_orders() {
    for (name, package, language) in [
        ("apigw-rest-json-order", "somestartti", "sv"),
        ("function-url-json-order", "some-haltuun", "en"),
    ] {
        let app = FakeApp::new();
        let answer = app.send(&read_event(name)).await;
        assert_eq!(answer.status, 201, "{name}: {}", answer.body);
        assert_eq!(answer.json()["package"], package);
        assert_eq!(app.store.orders()[0].details.language.code(), language);
        assert_eq!(app.mailer.sent().len(), 2, "{name}");
    }
}
