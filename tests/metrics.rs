//! The EMF lines the function prints, read back: names, units, dimensions and values for each
//! kind of event, and no personal data in any of them. A test binary of its own, because the
//! metrics recorder is one per process.

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::sync::Arc;

use helpers::*;
use order_intake::domain::{Delivery, EmailKind, Outcome, Quotas, SourceAddress};
use order_intake::email::EmailEvent;
use order_intake::email::RecordingMailer;
use order_intake::human_check::{Doubt, HumanCheck, Verdict};
use order_intake::intake::{OperatorAnswer, OperatorCommand};
use order_intake::measure;
use order_intake::store::MemoryStore;
use serde_json::{Value, json};

/// A human check that never sees a token.
struct NoToken;

#[async_trait::async_trait]
impl HumanCheck for NoToken {
    async fn verify(&self, _: Option<&str>, _: &SourceAddress, _: uuid::Uuid) -> Verdict {
        Verdict::Doubtful(Doubt::NoToken)
    }
}

/// Everything recorded since the last flush, one JSON document per line.
fn flush(collector: &metrics_cloudwatch_embedded::Collector) -> (Vec<Value>, String) {
    let mut written = Vec::new();
    collector.flush(&mut written).unwrap();
    let text = String::from_utf8(written).unwrap();
    let documents = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each EMF line is JSON"))
        .collect();
    (documents, text)
}

/// A metric's value in the document with exactly these dimensions, and its unit.
fn metric(documents: &[Value], name: &str, dimensions: &[(&str, &str)]) -> Option<(Value, String)> {
    documents.iter().find_map(|doc| {
        let directive = &doc["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], measure::NAMESPACE);
        let declared: Vec<&str> = directive["Dimensions"][0]
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let mut wanted: Vec<&str> = dimensions.iter().map(|(d, _)| *d).collect();
        let mut have = declared.clone();
        wanted.sort();
        have.sort();
        if have != wanted || dimensions.iter().any(|(d, v)| doc[*d] != *v) {
            return None;
        }
        let unit = directive["Metrics"]
            .as_array()?
            .iter()
            .find(|m| m["Name"] == name)?["Unit"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Some((doc[name].clone(), unit))
    })
}

fn count(documents: &[Value], name: &str, dimensions: &[(&str, &str)]) -> u64 {
    match metric(documents, name, dimensions) {
        Some((value, unit)) => {
            assert_eq!(unit, "Count", "{name}");
            value.as_u64().unwrap()
        }
        None => 0,
    }
}

#[tokio::test]
async fn each_kind_of_event_becomes_emf_metrics_and_none_carries_personal_data() {
    let collector = measure::init().expect("the only recorder of this process");
    let app = FakeApp::new();
    let mut printed = String::new();
    let mut take = || {
        let (documents, text) = flush(collector);
        printed.push_str(&text);
        documents
    };

    // A created order: the request, the order by package, both emails sent.
    let order = order_json("anna.virtanen@tuusula.example");
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(answer.status, 201);
    let docs = take();
    assert_eq!(count(&docs, measure::REQUESTS, &[]), 1);
    assert_eq!(
        count(
            &docs,
            measure::ORDERS_CREATED,
            &[("Package", "some-haltuun")]
        ),
        1
    );
    for kind in ["customer", "trainer"] {
        assert_eq!(
            count(&docs, measure::EMAILS, &[("Kind", kind), ("State", "sent")]),
            1
        );
    }

    // The same submission again: a replay, nothing else.
    app.send(&post_event("application/json", &order.to_string()))
        .await;
    let docs = take();
    assert_eq!(count(&docs, measure::ORDERS_REPLAYED, &[]), 1);
    assert_eq!(
        count(
            &docs,
            measure::ORDERS_CREATED,
            &[("Package", "some-haltuun")]
        ),
        0
    );

    // Each refusal by its code (a preflight from a foreign site included).
    let foreign = |method: &'static str| {
        event_with("apigw-http-json-order", move |e| {
            e["headers"]["origin"] = json!("https://evil.example");
            e["requestContext"]["http"]["method"] = json!(method);
        })
    };
    let refusals = [
        (
            post_event("application/json", "{\"package\":\"x\"}"),
            "validation_failed",
        ),
        (post_event("text/plain", "hello"), "unsupported_media_type"),
        (foreign("POST"), "origin_not_allowed"),
        (foreign("OPTIONS"), "origin_not_allowed"),
        (
            event_with("apigw-http-json-order", |e| {
                e["requestContext"]["http"]["method"] = json!("DELETE");
            }),
            "method_not_allowed",
        ),
    ];
    for (event, _) in &refusals {
        assert!(app.send(event).await.status >= 400);
    }
    let docs = take();
    assert_eq!(count(&docs, measure::REQUESTS, &[]), refusals.len() as u64);
    for code in [
        "validation_failed",
        "unsupported_media_type",
        "method_not_allowed",
    ] {
        assert_eq!(
            count(&docs, measure::REFUSALS, &[("Code", code)]),
            1,
            "{code}"
        );
    }
    assert_eq!(
        count(&docs, measure::REFUSALS, &[("Code", "origin_not_allowed")]),
        2
    );

    // Over a quota: rate_limited.
    let strict = Quotas {
        orders_per_source_per_hour: 1,
        ..Quotas::default()
    };
    let mailer = Arc::new(RecordingMailer::new());
    let limited = build_app_with(
        Arc::new(MemoryStore::new()),
        mailer.clone(),
        trainers("m"),
        fixed_clock(),
        strict,
    );
    for email in ["eka@kunta.example", "toka@kunta.example"] {
        limited
            .send(&post_event(
                "application/json",
                &order_json(email).to_string(),
            ))
            .await;
    }
    let docs = take();
    assert_eq!(
        count(&docs, measure::REFUSALS, &[("Code", "rate_limited")]),
        1
    );

    // An email that fails is pending; the retry run sends it.
    app.mailer.set_failing(true);
    let answer = app
        .send(&post_event(
            "application/json",
            &order_json("kolmas@kunta.example").to_string(),
        ))
        .await;
    assert_eq!(answer.status, 201);
    let docs = take();
    assert_eq!(
        count(
            &docs,
            measure::EMAILS,
            &[("Kind", "customer"), ("State", "pending")]
        ),
        1
    );
    app.mailer.set_failing(false);
    let later = FakeApp {
        app: build_app(
            app.store.clone(),
            app.mailer.clone(),
            trainers("fake"),
            helpers::clock_ahead(365 * 24 * 3600),
        ),
        store: app.store.clone(),
        mailer: app.mailer.clone(),
        session: Default::default(),
    };
    let report = later.retry().retry_due(50).await.unwrap();
    assert_eq!(report.sent, 2);
    let docs = take();
    assert_eq!(count(&docs, measure::RETRY_ORDERS, &[]), 1);
    assert_eq!(count(&docs, measure::RETRY_SENT, &[]), 2);
    assert_eq!(
        count(
            &docs,
            measure::EMAILS,
            &[("Kind", "trainer"), ("State", "sent")]
        ),
        1
    );
    let (duration, unit) = metric(&docs, measure::RETRY_DURATION, &[]).expect("the run's duration");
    assert_eq!(unit, "Milliseconds");
    assert_eq!(duration.as_array().map(Vec::len), Some(1));

    // A booking from the trainers' link: Bookings by kind, and its two emails.
    let trainers_email = (app.mailer.sent().into_iter())
        .find(|e| e.to.iter().any(|to| to.starts_with("pilvi.nummi")))
        .unwrap();
    let link = booking_link(&trainers_email.text);
    app.sign_in_as(0, &link).await;
    let fields = [
        ("action", "book"),
        ("other_date", "2027-01-15"),
        ("start", "9:00"),
        ("end", "13:00"),
        ("place", "Kunnantalo"),
        ("trainer", "Pilvi Nummi"),
    ];
    let body = booking_form(&token_of(&link), 0, &fields);
    let answer = app.send(&booking_post(&body, json!({}))).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let docs = take();
    assert_eq!(count(&docs, measure::BOOKINGS, &[("Kind", "booked")]), 1);
    assert_eq!(count(&docs, measure::BOOKINGS, &[]), 1);
    for kind in ["booking", "booking_note"] {
        assert_eq!(
            count(&docs, measure::EMAILS, &[("Kind", kind), ("State", "sent")]),
            1,
            "{kind}"
        );
    }

    // A doubtful human check: counted by its reason; the confirmation waits.
    let doubting = FakeApp::new();
    let config = helpers::config(trainers("fake"), Quotas::default());
    let parts = order_intake::entry::Parts {
        stores: order_intake::store::Stores::new(doubting.store.clone()),
        mailer: doubting.mailer.clone(),
        clock: fixed_clock(),
    };
    let wiring = order_intake::entry::compose(&config, parts).with_human_check(Arc::new(NoToken));
    let http = order_intake::entry::http_settings(&config);
    let doubting = order_intake::entry::Function::new(&wiring, http);
    let order = order_json("neljas@kunta.example").to_string();
    assert_eq!(
        doubting
            .send(&post_event("application/json", &order))
            .await
            .status,
        201
    );
    let docs = take();
    assert_eq!(
        count(
            &docs,
            measure::HUMAN_CHECK_FAILED,
            &[("Reason", "no_token")]
        ),
        1
    );
    assert_eq!(count(&docs, measure::HUMAN_CHECK_FAILED, &[]), 1);
    // The same post again (a double click, a retry): a duplicate, no second failed check.
    let replay = doubting.send(&post_event("application/json", &order)).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    let replayed = take();
    assert_eq!(count(&replayed, measure::HUMAN_CHECK_FAILED, &[]), 0);
    assert_eq!(
        count(
            &docs,
            measure::EMAILS,
            &[("Kind", "customer"), ("State", "unverified")]
        ),
        1
    );

    // A complaint about a confirmation is a strike; after strikes from two other networks, it
    // trips the reputation breaker, once.
    let now = jiff::Timestamp::now();
    for network in ["other-a", "other-b"] {
        use order_intake::store::Reputation;
        let strike = order_intake::domain::Strike::Complaint;
        app.store.strike(strike, network, now).await.unwrap();
    }
    let first = &app.store.orders()[0];
    let Delivery::Sent { message_id, .. } = &first.customer_email() else {
        panic!("the first confirmation was sent");
    };
    let complaint = EmailEvent {
        message_id: message_id.clone(),
        about: Some((first.reference.clone(), EmailKind::Customer)),
        outcome: Outcome::Complained,
        recipients: vec![first.details.email.to_string()],
        at: now,
        suppressed: false,
    };
    let report = app.report().record_email_event(complaint).await.unwrap();
    assert!(report.breaker_tripped);
    let docs = take();
    assert_eq!(count(&docs, measure::BREAKER_TRIPPED, &[]), 1);
    assert_eq!(count(&docs, measure::STRIKES, &[("Kind", "complaint")]), 1);
    assert_eq!(count(&docs, measure::STRIKES, &[]), 1);

    // A held confirmation hours before its drop raises the alarm's metric (here the breaker
    // holds it); a cold start without the human check counts that it is off.
    let now = order_intake::intake::ManualClock::at(jiff::Timestamp::now());
    let held = FakeApp::with_clock(now.clock());
    {
        use order_intake::store::Reputation;
        let at = (now.clock())();
        held.store
            .trip(at, at + jiff::SignedDuration::from_hours(30))
            .await
            .unwrap();
    }
    let order = order_json("viides@kunta.example").to_string();
    assert_eq!(
        held.send(&post_event("application/json", &order))
            .await
            .status,
        201
    );
    now.advance(19 * 3600);
    assert_eq!(held.retry().retry_due(50).await.unwrap().near_drop, 1);
    order_intake::entry::cold_start(&helpers::config(trainers("fake"), Quotas::default()));
    let docs = take();
    assert_eq!(count(&docs, measure::HELD_NEAR_DROP, &[]), 1);
    assert_eq!(count(&docs, measure::HUMAN_CHECK_OFF, &[]), 1);

    // An event through another caller's door is refused and counted by its door and kind.
    let arn = "arn:aws:lambda:eu-north-1:123456789012:function:orders-order-intake";
    let doors = order_intake::door::Doors::ByAlias;
    let web = order_intake::door::Door::Web;
    assert!(
        doors
            .admit(web, "http", &format!("{arn}:operator"))
            .is_err()
    );
    assert!(doors.admit(web, "http", &format!("{arn}:web")).is_ok());
    let docs = take();
    let refused = [("Door", "web"), ("Kind", "http")];
    assert_eq!(count(&docs, measure::EVENTS_REFUSED, &refused), 1);
    assert_eq!(count(&docs, measure::EVENTS_REFUSED, &[]), 1);

    // Operators' emails: counted by command, those to an address an operator set apart, one
    // refused over the order's day; an order someone but the function changed is never mailed.
    let desk = FakeApp::new();
    let order = order_json("kuudes@kunta.example").to_string();
    let placed = desk.send(&post_event("application/json", &order)).await;
    let reference = placed.json()["reference"].as_str().unwrap().to_owned();
    let run = |command| desk.app.desk.run(command, "pilvi");
    let fixed = run(OperatorCommand::FixEmail {
        reference: reference.clone(),
        address: "seitsemas@kunta.example".into(),
    });
    assert_eq!(fixed.await.unwrap(), OperatorAnswer::EmailFixed);
    let resend = || OperatorCommand::Resend {
        reference: reference.clone(),
        email: "customer".into(),
    };
    let limit = Quotas::default().operator_mails_per_order_per_day;
    for _ in 0..limit {
        let sent = run(resend()).await.unwrap();
        assert!(matches!(sent, OperatorAnswer::Sent { .. }), "{sent:?}");
    }
    let over = run(resend()).await.unwrap();
    assert!(matches!(over, OperatorAnswer::Refused { .. }), "{over:?}");
    let docs = take();
    let resends = [("Command", "resend")];
    assert_eq!(
        count(&docs, measure::OPERATOR_MAILS, &resends),
        u64::from(limit)
    );
    assert_eq!(
        count(&docs, measure::OPERATOR_MAILS_TO_FIXED, &[]),
        u64::from(limit)
    );
    assert_eq!(count(&docs, measure::OPERATOR_MAILS_REFUSED, &resends), 1);
    let changed = desk.place_broken_order("kahdeksas@kunta.example").await;
    let refused = run(OperatorCommand::Release {
        reference: changed.to_string(),
    });
    assert!(matches!(
        refused.await.unwrap(),
        OperatorAnswer::Refused { .. }
    ));
    let docs = take();
    assert_eq!(
        count(&docs, measure::SEAL_REFUSED, &[("What", "release")]),
        1
    );

    // Nothing a person typed, and no address, reaches a metric.
    let typed = [
        "anna.virtanen",
        "tuusula.example",
        "Anna Virtanen",
        "Tuusulan kunta",
        "+358",
        "123 4567",
        "Rivi 1",
        "Kunnantalo",
        "Viestintä",
        "kunta.example",
        "seitsemas",
    ];
    for text in typed {
        assert!(
            !printed.contains(text),
            "{text:?} in the metrics: {printed}"
        );
    }
    let ip = answer_source_ip();
    assert!(!printed.contains(&ip), "the source address in the metrics");
    for name in measure::METRIC_NAMES.iter().filter(|n| {
        **n != measure::COLD_STARTS
            && **n != measure::RETRY_UNREADABLE
            && **n != measure::RETRY_ERASED
    }) {
        assert!(
            printed.contains(&format!("\"{name}\"")),
            "{name} never emitted"
        );
    }
}

/// The source address of the sample event the posts are built from.
fn answer_source_ip() -> String {
    let event: Value = serde_json::from_str(&read_event("apigw-http-json-order")).unwrap();
    event["requestContext"]["http"]["sourceIp"]
        .as_str()
        .unwrap()
        .to_owned()
}
