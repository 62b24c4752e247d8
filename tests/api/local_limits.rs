//! The abuse limits through the real stack: the counters are conditional updates in the order's
//! own DynamoDB transaction (DynamoDB Local), the emails go to the SES emulator.

use serde_json::{Value, json};

use order_intake::domain::Quotas;

use crate::helpers::*;

/// A v2 event posting this order from `source_ip`.
fn from(source_ip: &str, order: &Value) -> String {
    event_with("apigw-http-json-order", |e| {
        e["headers"] = json!({"content-type": "application/json"});
        e["body"] = json!(order.to_string());
        e["requestContext"]["http"]["sourceIp"] = json!(source_ip);
    })
}

fn victim(app: &LocalApp, n: usize) -> String {
    format!("victim{n}+{}@example.com", app.tag)
}

/// The attack of issue 11: a phishing text in `organization`, a new victim each time.
fn phishing(email: &str) -> Value {
    json!({
        "package": "somestartti",
        "organization": "Tuusulan kunta – lasku erääntynyt",
        "contact_name": "Asiakas",
        "email": email,
        "privacy_consent": true,
    })
}

fn statuses(answers: &[Answer]) -> (usize, usize) {
    let created = answers.iter().filter(|a| a.status == 201).count();
    let limited = answers.iter().filter(|a| a.status == 429).count();
    (created, limited)
}

#[tokio::test]
async fn one_source_posting_30_orders_at_once_gets_exactly_its_quota() {
    let app = LocalApp::start().await;
    let events: Vec<String> = (0..30)
        .map(|n| from("203.0.113.50", &order_json(&victim(&app, n))))
        .collect();
    let answers = futures::future::join_all(events.iter().map(|e| app.send(e))).await;
    let quota = Quotas::default().orders_per_source_per_hour as usize;
    assert_eq!(statuses(&answers), (quota, 30 - quota));
    assert!(
        answers
            .iter()
            .filter(|a| a.status == 429)
            .all(|a| a.header("retry-after").is_some())
    );
    assert_eq!(app.orders().await.len(), quota);
    assert_eq!(app.emails().await.len(), 2 * quota);
}

#[tokio::test]
async fn thirty_sources_posting_at_once_are_all_taken() {
    let app = LocalApp::start().await;
    let events: Vec<String> = (0..30)
        .map(|n| from(&format!("198.51.100.{n}"), &order_json(&victim(&app, n))))
        .collect();
    let answers = futures::future::join_all(events.iter().map(|e| app.send(e))).await;
    assert_eq!(statuses(&answers), (30, 0));
}

#[tokio::test]
async fn the_attack_run_100_times_sends_at_most_the_quota_and_a_real_customer_still_gets_through() {
    let app = LocalApp::start().await;
    let mut answers = Vec::new();
    for n in 0..100 {
        answers.push(
            app.send(&from("203.0.113.66", &phishing(&victim(&app, n))))
                .await,
        );
    }
    let quota = Quotas::default().orders_per_source_per_hour as usize;
    assert_eq!(statuses(&answers), (quota, 100 - quota));
    let sent_to_victims = app
        .emails()
        .await
        .iter()
        .filter(|e| e.to_string().contains("victim"))
        .count();
    // Each accepted order mails its "customer" and the trainers (who reply to it).
    assert!(sent_to_victims <= 2 * quota, "{sent_to_victims} emails");
    // The attacker's ten used the hour's ten confirmations: a real customer's order is still
    // taken and the trainers told at once, but the confirmation is held for the next hour
    // (RUNBOOK: send the real ones by hand). A person behind each confirmation (#25, Turnstile)
    // is what will keep the attacker's out of the ceiling.
    let before = app.emails().await.len();
    let real = app
        .send(&from("192.0.2.10", &order_json(&app.customer())))
        .await;
    assert_eq!(real.status, 201, "{}", real.body);
    let new: Vec<_> = app.emails().await[before..].to_vec();
    assert_eq!(new.len(), 1, "the trainers' notification: {new:?}");
    assert!(
        new[0].to_string().contains("EI VIELÄ LÄHETETTY"),
        "{}",
        new[0]
    );
}

#[tokio::test]
async fn a_mailbox_gets_three_orders_a_day_and_a_new_window_lets_orders_in_again() {
    let app = LocalApp::start().await;
    let mailbox = |tag: &str| format!("anna+{tag}{}@kerava.example", app.tag);
    for (n, tag) in ["a", "b", "c"].into_iter().enumerate() {
        let answer = app
            .send(&from(&format!("192.0.2.{n}"), &order_json(&mailbox(tag))))
            .await;
        assert_eq!(answer.status, 201, "{}", answer.body);
    }
    // `+tag` differs from the app's tag here, so the three are one mailbox only if tags are cut.
    let fourth = app
        .send(&from("192.0.2.9", &order_json(&mailbox("d"))))
        .await;
    assert_eq!(fourth.status, 429, "{}", fourth.body);
    let tomorrow = app.ahead(24 * 60 * 60).await;
    let next_day = tomorrow
        .send(&from("192.0.2.9", &order_json(&mailbox("d"))))
        .await;
    assert_eq!(next_day.status, 201, "{}", next_day.body);
}

#[tokio::test]
async fn replays_conflicts_and_refusals_use_up_no_quota() {
    let app = LocalApp::with(LocalOptions {
        quotas: Quotas {
            orders_per_source_per_hour: 2,
            ..Quotas::default()
        },
        ..LocalOptions::default()
    })
    .await;
    let mut order = order_json(&app.customer());
    order["idempotency_key"] = json!("limits-key-0001");
    for _ in 0..5 {
        let answer = app.send(&from("203.0.113.70", &order)).await;
        assert!(matches!(answer.status, 200 | 201), "{}", answer.body);
    }
    order["participants"] = json!(99);
    assert_eq!(app.send(&from("203.0.113.70", &order)).await.status, 409);
    let mut invalid = order_json(&app.customer());
    invalid["organization"] = json!("www.evil.example");
    assert_eq!(app.send(&from("203.0.113.70", &invalid)).await.status, 422);
    let second = order_json(&victim(&app, 1));
    assert_eq!(app.send(&from("203.0.113.70", &second)).await.status, 201);
    let third = order_json(&victim(&app, 2));
    assert_eq!(app.send(&from("203.0.113.70", &third)).await.status, 429);
}

#[tokio::test]
async fn over_the_ceiling_confirmations_are_held_sent_in_a_later_hour_or_dropped_after_a_day() {
    let quotas = Quotas {
        confirmations_per_hour: 1,
        ..Quotas::default()
    };
    let app = LocalApp::with(LocalOptions {
        quotas,
        ..LocalOptions::default()
    })
    .await;
    let mut answers = Vec::new();
    for n in 1..=3 {
        let ip = format!("192.0.2.{n}");
        answers.push(app.send(&from(&ip, &order_json(&victim(&app, n)))).await);
    }
    assert!(answers.iter().all(|a| a.status == 201));
    assert_eq!(
        answers[1].json()["email_status"],
        "waiting",
        "held: a person confirms"
    );
    assert_eq!(
        app.emails().await.len(),
        4,
        "one confirmation, three trainer emails"
    );
    let held_now = || async {
        let orders = app.orders().await;
        orders
            .iter()
            .filter(|o| s(o, "customer_email_status") == "held")
            .count()
    };
    assert_eq!(held_now().await, 2);

    let at = |seconds: i64| {
        app.sibling(LocalOptions {
            clock: clock_ahead(seconds),
            quotas,
            ..LocalOptions::default()
        })
    };
    let report = at(60 * 60).await.retry().retry_due(50).await.unwrap();
    assert_eq!((report.sent, report.still_held), (1, 1), "{report:?}");
    assert_eq!(app.emails().await.len(), 5);
    let report = at(25 * 60 * 60).await.retry().retry_due(50).await.unwrap();
    assert_eq!(report.dropped, 1, "{report:?}");
    assert_eq!(held_now().await, 0);
    assert_eq!(
        app.emails().await.len(),
        5,
        "a dropped confirmation is never sent"
    );
}

#[tokio::test]
async fn no_counter_holds_an_address() {
    let app = LocalApp::start().await;
    let ip = "203.0.113.77";
    let email = victim(&app, 7);
    assert_eq!(app.send(&from(ip, &order_json(&email))).await.status, 201);
    let counters: Vec<String> = app
        .items()
        .await
        .into_iter()
        .filter(|item| {
            item.get("kind")
                .and_then(|k| k.as_s().ok())
                .map(String::as_str)
                == Some("quota")
        })
        .map(|item| format!("{item:?}"))
        .collect();
    assert_eq!(
        counters.len(),
        5,
        "source, mailbox, the hour's and the day's confirmations, the trainers' notifications: {counters:?}"
    );
    for counter in counters {
        assert!(
            !counter.contains(ip) && !counter.contains("victim7"),
            "{counter}"
        );
    }
}
