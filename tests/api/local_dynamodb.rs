//! Through the real DynamoDB client against DynamoDB Local (and the SES emulator for mail).

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_new_order_is_stored_with_every_field_and_its_price() {
    let app = LocalApp::start().await;
    let answer = app.post_json(&order_json(&app.customer())).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let body = answer.json();
    let orders = app.orders().await;
    assert_eq!(orders.len(), 1);
    let item = &orders[0];
    assert_eq!(
        s(item, "pk"),
        format!("order#{}", body["reference"].as_str().unwrap())
    );
    assert_eq!(s(item, "order_id"), body["order_id"].as_str().unwrap());
    assert_eq!(s(item, "package"), "some-haltuun");
    assert_eq!(item["net_cents"].as_n().unwrap(), "90000");
    assert_eq!(item["vat_cents"].as_n().unwrap(), "22950");
    assert_eq!(item["gross_cents"].as_n().unwrap(), "112950");
    assert_eq!(s(item, "vat_rate_percent"), "25.5");
    assert_eq!(s(item, "organization"), "Tuusulan kunta");
    assert_eq!(s(item, "email"), app.customer());
    assert_eq!(s(item, "business_id"), "0201256-6");
    assert_eq!(s(item, "phone"), "+358 40 123 4567");
    assert_eq!(item["participants"].as_n().unwrap(), "12");
    assert_eq!(item["channels"].as_l().unwrap().len(), 2);
    assert_eq!(item["preferred_dates"].as_l().unwrap().len(), 1);
    assert_eq!(s(item, "einvoice_address"), "003701577119");
    assert_eq!(s(item, "message"), "Rivi 1\nRivi 2");
    assert_eq!(s(item, "language"), "fi");
    assert!(
        s(item, "created_at").parse::<jiff::Timestamp>().is_ok(),
        "RFC 3339 created_at"
    );
    assert_eq!(s(item, "customer_email_status"), "sent");
    assert_eq!(s(item, "trainer_email_status"), "sent");
    assert!(!s(item, "customer_email_message_id").is_empty());
    assert!(!item.contains_key("expires_at"), "orders never expire");

    let dedupe: Vec<_> = app
        .items()
        .await
        .into_iter()
        .filter(|i| s(i, "kind") == "dedupe")
        .collect();
    assert_eq!(dedupe.len(), 1);
    let expires: i64 = dedupe[0]["expires_at"].as_n().unwrap().parse().unwrap();
    let in_a_day = jiff::Timestamp::now().as_second() + 24 * 3600;
    assert!(
        (expires - in_a_day).abs() < 60,
        "dedupe record expires in 24 h"
    );
    // No item per sent message: the order keeps to whom each email went (SES's reports name
    // the order by the message's tags), and nothing else is written for it.
    let items = app.items().await;
    assert!(items.iter().all(|i| s(i, "kind") != "message"));
    let order = items.iter().find(|i| s(i, "kind") == "order").unwrap();
    for kind in ["customer", "trainer"] {
        let to = order[&format!("{kind}_email_recipients")].as_l().unwrap();
        assert!(!to.is_empty(), "{kind}: {order:?}");
    }
}

#[tokio::test]
async fn unknown_fields_are_not_stored() {
    let app = LocalApp::start().await;
    let mut order = order_json(&app.customer());
    order["is_admin"] = json!(true);
    order["net_cents"] = json!(1);
    assert_eq!(app.post_json(&order).await.status, 201);
    let item = &app.orders().await[0];
    assert!(!item.contains_key("is_admin"));
    assert_eq!(item["net_cents"].as_n().unwrap(), "90000");
}

#[tokio::test]
async fn a_replay_returns_the_original_order_and_sends_nothing_more() {
    let app = LocalApp::start().await;
    let mut order = order_json(&app.customer());
    order["idempotency_key"] = json!("replay-test-key-1");
    let event = post_event("application/json", &order.to_string());
    let first = app.send(&event).await;
    let second = app.send(&event).await;
    assert_eq!((first.status, second.status), (201, 200));
    assert_eq!(first.json(), second.json());
    assert_eq!(app.orders().await.len(), 1);
    assert_eq!(app.emails().await.len(), 2);

    order["participants"] = json!(99);
    let conflict = app.post_json(&order).await;
    assert_eq!(conflict.status, 409);
    assert_eq!(app.orders().await.len(), 1);
}

async fn concurrent_submissions(app: &LocalApp, event: String) -> Vec<u16> {
    let sends = (0..20).map(|_| app.send(&event));
    // Polled together on this task: the requests really overlap at DynamoDB Local.
    let answers = futures::future::join_all(sends).await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    statuses.sort();
    let references: std::collections::HashSet<String> = answers
        .iter()
        .map(|a| a.json()["reference"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(references.len(), 1, "every answer names the same order");
    statuses
}

#[tokio::test]
async fn twenty_simultaneous_submissions_with_one_key_make_one_order_and_two_emails() {
    let app = LocalApp::start().await;
    let mut order = order_json(&app.customer());
    order["idempotency_key"] = json!("concurrent-key-0001");
    let statuses =
        concurrent_submissions(&app, post_event("application/json", &order.to_string())).await;
    assert_eq!(statuses, [vec![200; 19], vec![201]].concat());
    assert_eq!(app.orders().await.len(), 1);
    assert_eq!(app.emails().await.len(), 2);
}

#[tokio::test]
async fn twenty_simultaneous_submissions_without_a_key_make_one_order_and_two_emails() {
    let app = LocalApp::start().await;
    let statuses = concurrent_submissions(
        &app,
        post_event("application/json", &order_json(&app.customer()).to_string()),
    )
    .await;
    assert_eq!(statuses, [vec![200; 19], vec![201]].concat());
    assert_eq!(app.orders().await.len(), 1);
    assert_eq!(app.emails().await.len(), 2);
}
