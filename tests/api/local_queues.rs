//! The retry queue under a flood, on a fixed clock against DynamoDB Local and the SES emulator
//! (the security review's L-1 and L-6): a thousand junk orders in an hour hold their trainers'
//! notifications for the digest in a place of the queue of their own, so the next run sends a
//! real retry and a reminder due in that hour first; the trainers get one digest an hour, also
//! after a run that took the hour's digest and crashed before sending it.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use order_intake::domain::{
    Booking, BookingState, Delivery, EmailAddress, EmailKind, NewOrder, OperatorAction, Order,
    OrderForm, QuotaKind, Quotas, Reference, SourceAddress,
};
use order_intake::human_check::{Doubt, HumanCheck, Verdict};
use order_intake::intake::ManualClock;
use order_intake::store::{Bookings, Corrections, Orders, QuotaCounters};

use crate::fixtures::insert;
use crate::helpers::*;

/// Monday 1 March 2027, 09:00 in Helsinki.
const START: i64 = 1_803_020_400;

fn second(at: i64) -> Timestamp {
    Timestamp::from_second(at).unwrap()
}

/// Turnstile as the flood meets it: no token, no person.
struct NobodyPasses;

#[async_trait::async_trait]
impl HumanCheck for NobodyPasses {
    async fn verify(&self, _: Option<&str>, _: &SourceAddress, _: uuid::Uuid) -> Verdict {
        Verdict::Doubtful(Doubt::NoToken)
    }
}

fn junk(app: &LocalApp, n: usize) -> String {
    let order = json!({
        "package": "somestartti",
        "organization": "Roskaa Oy",
        "contact_name": "Botti",
        "email": format!("junk{n}+{}@nowhere.example", app.tag),
        "privacy_consent": true,
    });
    event_with("apigw-http-json-order", |e| {
        e["headers"] = json!({"content-type": "application/json"});
        e["body"] = json!(order.to_string());
        // Ten orders an hour from each of a hundred sources: within the source quota.
        e["requestContext"]["http"]["sourceIp"] = json!(format!("198.51.{}.7", n / 10));
    })
}

/// A real customer's order as placed an hour ago, stored directly: `customer` is where its
/// emails go.
fn real_order(customer: &str, at: Timestamp) -> Order {
    let form = OrderForm {
        package: Some("somestartti".into()),
        organization: Some("Tuusulan kunta".into()),
        contact_name: Some("Anna Virtanen".into()),
        email: Some(customer.into()),
        privacy_consent: Some("true".into()),
        ..OrderForm::default()
    };
    let details = NewOrder::parse(&form, jiff::civil::date(2027, 2, 26)).unwrap();
    let sent = |id: &str| Delivery::Sent {
        message_id: id.into(),
        sent_at: at,
    };
    let mut order = Order::placed(details, at, sent("m-customer"));
    order.set_delivery(EmailKind::Trainer, sent("m-trainer"));
    crate::helpers::seal().seal(&mut order);
    order
}

async fn emails_to(app: &LocalApp, part: &str) -> usize {
    (app.emails().await.iter())
        .filter(|e| e["destination"]["to"].to_string().contains(part))
        .count()
}

async fn digests(app: &LocalApp) -> usize {
    (app.emails().await.iter())
        .filter(|e| {
            (e["subject"].as_str())
                .is_some_and(|s| s.starts_with("Poikkeuksellisen paljon tilauksia"))
        })
        .count()
}

async fn post_all(app: &LocalApp, posts: &[String]) {
    for chunk in posts.chunks(50) {
        let answers = futures::future::join_all(chunk.iter().map(|p| app.send(p))).await;
        assert!(
            answers.iter().all(|a| a.status == 201),
            "every junk order is stored"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_junk_orders_delay_no_real_retry_nor_reminder_and_one_digest_an_hour() {
    let now = ManualClock::at(second(START));
    let app = LocalApp::with(LocalOptions {
        clock: now.clock(),
        human_check: Some(Arc::new(NobodyPasses) as Arc<dyn HumanCheck>),
        ..LocalOptions::default()
    })
    .await;
    // A confirmation SES failed, due again in the next hour; a booked workshop whose customer
    // reminder is due then too: both after the flood's held notifications, which would come
    // first in one queue ordered by time.
    let failed_to = format!("failed+{}@tuusula.example", app.tag);
    let mut failed = real_order(&failed_to, second(START - 600));
    let due = |at| Delivery::Pending {
        attempts: 1,
        next_attempt_at: second(at),
    };
    failed.set_delivery(EmailKind::Customer, due(START + 3600 + 30));
    insert(app.store.as_ref(), &failed).await;
    let reminded_to = format!("reminded+{}@tuusula.example", app.tag);
    let mut booked = real_order(&reminded_to, second(START - 3600));
    insert(app.store.as_ref(), &booked).await;
    let day = jiff::civil::date(2027, 3, 5);
    booked.booking = Some(Booking {
        state: BookingState::Booked,
        start: day.at(9, 0, 0, 0),
        end: day.at(11, 0, 0, 0),
        place: "Kunnantalo".into(),
        trainers: vec!["Pilvi Nummi".into()],
        note: None,
        reason: None,
        sequence: 1,
        changed_at: second(START - 3600),
        changed_by: "orders".into(),
        fee_percent: None,
        fee_vat: None,
    });
    for kind in [EmailKind::Booking, EmailKind::BookingNote] {
        let sent = Delivery::Sent {
            message_id: format!("m-{}", kind.as_str()),
            sent_at: second(START - 3600),
        };
        booked.set_delivery(kind, sent);
    }
    booked.set_delivery(EmailKind::Reminder, due(START + 3600 + 40));
    let seen = booked.seal.clone();
    crate::helpers::seal().seal(&mut booked);
    app.store.book(&booked, 0, seen.as_deref()).await.unwrap();

    // The flood: a thousand orders in the hour.
    now.set(second(START + 60));
    let posts: Vec<String> = (0..1000).map(|n| junk(&app, n)).collect();
    post_all(&app, &posts).await;
    let notified = Quotas::default().trainer_notifications_per_hour as usize;

    // The next hour's first run (production's takes 50 orders): the real ones first.
    now.set(second(START + 3600 + 60));
    let run = app.retry().retry_due(50).await.unwrap();
    let load = |r: &Reference| {
        let store = app.store.clone();
        let r = r.clone();
        async move { store.load(&r).await.unwrap().unwrap() }
    };
    assert!(load(&failed.reference).await.customer_email().is_sent());
    assert!(
        (load(&booked.reference).await.delivery(EmailKind::Reminder))
            .is_some_and(Delivery::is_sent)
    );
    assert_eq!(emails_to(&app, &failed_to).await, 1);
    assert_eq!(emails_to(&app, &reminded_to).await, 1);
    assert_eq!(
        run.digested as usize,
        1000 - notified,
        "one digest lists the rest"
    );
    assert_eq!(digests(&app).await, 1);
    // Another run in the same hour: no second digest.
    let again = app.retry().retry_due(50).await.unwrap();
    assert_eq!(again.digested, 0);
    assert_eq!(digests(&app).await, 1);

    // A later hour: thirty more, ten over the hour's notifications.
    now.set(second(START + 2 * 3600 + 60));
    let more: Vec<String> = (1000..1030).map(|n| junk(&app, n)).collect();
    post_all(&app, &more).await;
    // A run takes the next hour's digest and crashes before sending it (its unit taken, as
    // `Counters::digest_hour` takes it): that hour has no digest, and no run sends a second.
    now.set(second(START + 3 * 3600 + 60));
    let limits = limits(Quotas::default());
    let hour = limits.counter(QuotaKind::Digest, "everyone", (now.clock())());
    assert!(app.store.take_quota(&hour).await.unwrap());
    let after_crash = app.retry().retry_due(50).await.unwrap();
    assert_eq!(after_crash.digested, 0);
    assert_eq!(digests(&app).await, 1);
    // The hour after, one digest lists them.
    now.set(second(START + 4 * 3600 + 60));
    let next = app.retry().retry_due(50).await.unwrap();
    assert_eq!(next.digested, 10);
    assert_eq!(digests(&app).await, 2);
}

/// The trainers' digest lists no order whose seal does not verify (someone but the function
/// changed it): that one waits, counted and alarmed, while the others go.
#[tokio::test]
async fn the_digest_leaves_out_an_order_changed_outside_the_function() {
    let now = ManualClock::at(second(START));
    let app = LocalApp::with(LocalOptions {
        clock: now.clock(),
        quotas: Quotas {
            trainer_notifications_per_hour: 1,
            ..Quotas::default()
        },
        ..LocalOptions::default()
    })
    .await;
    let mut references = Vec::new();
    for n in 0..3 {
        let answer = app.send(&junk(&app, n)).await;
        assert_eq!(answer.status, 201, "{}", answer.body);
        let reference = answer.json()["reference"].as_str().unwrap().to_owned();
        references.push(Reference::parse(&reference).unwrap());
    }
    // The second and third notifications wait for the digest; the third order's address is
    // changed under its old seal, as a write outside the function would.
    let mut changed = app.store.load(&references[2]).await.unwrap().unwrap();
    assert!(changed.trainer_email().is_waiting());
    changed.details.email = EmailAddress::parse("toinen@nowhere.example").unwrap();
    let seal = changed.seal.clone();
    let action = OperatorAction::new(second(START + 60), "x", "console");
    assert!(
        app.store
            .fix_email(&changed, seal.as_deref(), &action)
            .await
            .unwrap()
    );

    now.set(second(START + 3600 + 60));
    let run = app.retry().retry_due(50).await.unwrap();
    assert_eq!(run.digested, 1, "only the intact order is listed");
    let digests: Vec<Value> = (app.emails().await.into_iter())
        .filter(|e| {
            e["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("Poikkeuksellisen"))
        })
        .collect();
    assert_eq!(digests.len(), 1);
    let text = digests[0]["body"]["text"].as_str().unwrap();
    assert!(text.contains(&references[1].to_string()), "{text}");
    assert!(!text.contains(&references[2].to_string()), "{text}");
    let kept = app.store.load(&references[2]).await.unwrap().unwrap();
    assert!(kept.trainer_email().is_waiting(), "it waits, never listed");
}
