//! The abuse limits at the HTTP edge, with in-memory fakes: where the source address comes from,
//! what a refused client is told, and what a honeypot hit costs.

use serde_json::{Value, json};

use crate::helpers::*;

/// A valid order to `email` as this event kind, from this source address, with these headers.
fn order_event(kind: &str, source_ip: &str, email: &str, headers: Value) -> String {
    let body = order_json(email).to_string();
    event_with(kind, |e| {
        let mut all = json!({"content-type": "application/json"});
        for (name, value) in headers.as_object().unwrap() {
            all[name] = value.clone();
        }
        e["headers"] = all;
        e["body"] = json!(body);
        e["isBase64Encoded"] = json!(false);
        match kind {
            "apigw-rest-json-order" => {
                e["requestContext"]["identity"]["sourceIp"] = json!(source_ip)
            }
            _ => e["requestContext"]["http"]["sourceIp"] = json!(source_ip),
        }
        if e.get("multiValueHeaders").is_some() {
            e["multiValueHeaders"] = json!({});
        }
    })
}

fn customer(n: usize) -> String {
    format!("asiakas{n}@tuusula.example")
}

#[tokio::test]
async fn each_event_kind_is_counted_by_its_own_source_address_and_never_by_x_forwarded_for() {
    for kind in [
        "apigw-http-json-order",
        "apigw-rest-json-order",
        "function-url-json-order",
    ] {
        let app = FakeApp::new();
        for n in 0..10 {
            // A client that writes a new X-Forwarded-For each time is still one source.
            let forged = json!({"x-forwarded-for": format!("10.0.0.{n}")});
            let answer = app
                .send(&order_event(kind, "203.0.113.5", &customer(n), forged))
                .await;
            assert_eq!(answer.status, 201, "{kind} {n}: {}", answer.body);
        }
        let forged = json!({"x-forwarded-for": "10.9.9.9"});
        let refused = app
            .send(&order_event(kind, "203.0.113.5", &customer(10), forged))
            .await;
        assert_eq!(refused.status, 429, "{kind}: {}", refused.body);
        let other = app
            .send(&order_event(kind, "203.0.113.6", &customer(11), json!({})))
            .await;
        assert_eq!(other.status, 201, "{kind}: another source is not affected");
    }
}

#[tokio::test]
async fn a_refused_program_gets_429_with_retry_after_and_a_clear_json_error() {
    let app = FakeApp::new();
    // Three orders to one mailbox (tags and case aside), each from its own address.
    let mailbox = [
        "anna@kerava.example",
        "Anna+1@kerava.example",
        "anna+2@KERAVA.example",
    ];
    for (n, email) in mailbox.into_iter().enumerate() {
        let ip = format!("198.51.100.{}", 20 + n);
        let answer = app
            .send(&order_event("apigw-http-json-order", &ip, email, json!({})))
            .await;
        assert_eq!(answer.status, 201, "{email}: {}", answer.body);
    }
    let fourth = order_event(
        "apigw-http-json-order",
        "198.51.100.30",
        "anna+3@kerava.example",
        json!({}),
    );
    let answer = app.send(&fourth).await;
    assert_eq!(answer.status, 429, "{}", answer.body);
    let seconds: i64 = answer.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&seconds));
    let body = answer.json();
    assert_eq!(body["error"], "rate_limited");
    assert_eq!(body["retry_after_seconds"], seconds);
    assert!(!body["message"].as_str().unwrap().is_empty());
    assert_eq!(
        app.store.orders().len(),
        3,
        "nothing stored for the refused order"
    );
}

#[tokio::test]
async fn a_refused_browser_gets_a_page_saying_when_to_try_again_and_whom_to_write_to() {
    let app = FakeApp::new();
    let form = |n: usize| {
        format!(
            "package=somestartti&organization=Tuusula+{n}&contact_name=Anna+Virtanen\
             &email=asiakas{n}%40tuusula.example&privacy_consent=on&language=sv"
        )
    };
    let browser = |n: usize| {
        event_with("apigw-http-form-order", |e| {
            e["body"] = json!(form(n));
            e["isBase64Encoded"] = json!(false);
        })
    };
    for n in 0..10 {
        assert_eq!(app.send(&browser(n)).await.status, 303, "order {n}");
    }
    let page = app.send(&browser(10)).await;
    assert_eq!(page.status, 429);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.header("retry-after").is_some());
    assert!(page.body.contains("Försök igen"), "{}", page.body);
    assert!(
        page.body.contains("pilvi.nummi+fake@some-tyopajat.example"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_honeypot_hit_counts_against_its_source_and_still_looks_like_success() {
    let app = FakeApp::new();
    for n in 0..10 {
        let mut order = order_json(&customer(n));
        order["_gotcha"] = json!("http://spam.example");
        let answer = app
            .send(&post_event("application/json", &order.to_string()))
            .await;
        assert_eq!(answer.status, 201);
    }
    assert!(app.store.orders().is_empty());
    let real = app
        .send(&post_event(
            "application/json",
            &order_json(&customer(99)).to_string(),
        ))
        .await;
    assert_eq!(real.status, 429, "the bot used up its source's quota");
}

#[tokio::test]
async fn links_in_single_line_text_are_refused_and_the_confirmation_never_quotes_the_message() {
    let app = FakeApp::new();
    let mut order = order_json(&customer(1));
    order["organization"] = json!("Lasku erääntynyt – maksa: https://evil.example/pay");
    // A word ending in a real public suffix is a link (`.example` is reserved and never one).
    order["contact_name"] = json!("katso evil.fi");
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.error_fields(),
        vec![
            ("organization".to_owned(), "link_not_allowed".to_owned()),
            ("contact_name".to_owned(), "link_not_allowed".to_owned()),
        ]
    );
    // The message names what looked like a link: the customer may not see it as one.
    let messages = answer.json()["errors"].to_string();
    assert!(
        messages.contains("”evil.fi” näyttää verkko-osoitteelta"),
        "{messages}"
    );
    assert!(
        messages.contains("”https://evil.example/pay” näyttää"),
        "{messages}"
    );
    let mut order = order_json(&customer(2));
    order["message"] = json!("Maksa osoitteessa https://evil.example/pay");
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(
        answer.status, 201,
        "the message may hold a link: only the trainers read it"
    );
    let sent = app.mailer.sent();
    let confirmation = sent.iter().find(|e| e.to == vec![customer(2)]).unwrap();
    assert!(!confirmation.text.contains("evil.example"));
    assert!(!confirmation.html.contains("evil.example"));
}
