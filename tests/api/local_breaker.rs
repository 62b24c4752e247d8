//! Issue 25's attack on a fixed clock against DynamoDB Local and the SES emulator: six source
//! addresses post ten orders an hour each for a day, to mailboxes that do not exist, and every
//! confirmation that goes out bounces (fed back as SES's EventBridge events). The ceilings and
//! the reputation breaker bound what goes out; with Turnstile on, nothing goes out at all and a
//! real customer's confirmation still goes at once.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use order_intake::domain::{Delivery, Quotas, Reference};
use order_intake::entry::Event;
use order_intake::human_check::{Doubt, HumanCheck, Verdict};
use order_intake::intake::ManualClock;
use order_intake::store::{Orders, Reputation};

use crate::helpers::*;

/// The seconds since the epoch as a time.
fn second(at: i64) -> Timestamp {
    Timestamp::from_second(at).unwrap()
}

/// Monday 1 March 2027, 09:00 in Helsinki.
const START: i64 = 1_803_020_400;

/// Turnstile as the stub's verdicts: a person only with the token `pass`.
struct OnlyPass;

#[async_trait::async_trait]
impl HumanCheck for OnlyPass {
    async fn verify(
        &self,
        token: Option<&str>,
        _: &order_intake::domain::SourceAddress,
    ) -> Verdict {
        match token {
            Some("pass") => Verdict::Human,
            _ => Verdict::Doubtful(Doubt::NoToken),
        }
    }
}

fn order_from(app: &LocalApp, source: &str, mailbox: &str, token: Option<&str>) -> String {
    let mut order = json!({
        "package": "somestartti",
        "organization": "Tuusulan kunta",
        "contact_name": "Asiakas",
        "email": format!("{mailbox}+{}@nowhere.example", app.tag),
        "privacy_consent": true,
    });
    if let Some(token) = token {
        order["cf-turnstile-response"] = json!(token);
    }
    event_with("apigw-http-json-order", |e| {
        e["headers"] = json!({"content-type": "application/json"});
        e["body"] = json!(order.to_string());
        e["requestContext"]["http"]["sourceIp"] = json!(source);
    })
}

/// SES's bounce event of this confirmation, as EventBridge delivers it, at `at`.
fn bounce(reference: &Reference, message_id: &str, recipient: &str, at: Timestamp) -> Value {
    let mut event = ses_report(
        "ses-email-bounced",
        (reference.as_str(), "customer"),
        message_id,
        recipient,
    );
    event["detail"]["bounce"]["timestamp"] = serde_json::json!(at.to_string());
    event
}

struct Run {
    confirmations_sent: usize,
    /// Every email to the trainers: notifications, digests, alerts.
    to_trainers: usize,
    digests: usize,
    orders: usize,
    tripped: bool,
}

/// The attack for `hours`: each hour every source posts ten orders (each to a new mailbox),
/// then each confirmation that went out bounces, then the scheduled run.
async fn attack(app: &LocalApp, now: &ManualClock, hours: i64, token: Option<&str>) -> Run {
    let mut stored = 0;
    for hour in 0..hours {
        now.set(second(START + hour * 3600));
        let posts: Vec<String> = (0..6)
            .flat_map(|source| {
                (0..10).map(move |n| {
                    (
                        format!("198.51.100.{}", source + 1),
                        format!("h{hour}s{source}n{n}"),
                    )
                })
            })
            .map(|(source, mailbox)| order_from(app, &source, &mailbox, token))
            .collect();
        let answers = futures::future::join_all(posts.iter().map(|p| app.send(p))).await;
        assert!(
            answers.iter().all(|a| a.status == 201),
            "every attack order within the quotas is stored"
        );
        stored += answers.len();
        now.set(second(START + hour * 3600 + 1800));
        // Every confirmation that went out bounces: the mailboxes do not exist.
        for answer in &answers {
            let reference = Reference::parse(answer.json()["reference"].as_str().unwrap()).unwrap();
            let order = app.store.load(&reference).await.unwrap().unwrap();
            let Delivery::Sent { message_id, .. } = &order.customer_email() else {
                continue;
            };
            let (message, recipient) = (message_id.as_str(), order.details.email.to_string());
            let at = (now.clock())();
            let Event::EmailReport(event) =
                Event::parse(bounce(&reference, message, &recipient, at)).unwrap()
            else {
                panic!("a bounce parses as a report");
            };
            app.report().record_email_event(event).await.unwrap();
        }
        now.set(second(START + hour * 3600 + 3590));
        // One scheduled run an hour (production runs every 5 minutes, 50 orders each).
        app.retry().retry_due(50).await.unwrap();
    }
    let emails = app.emails().await;
    let to = |part: &str| {
        (emails.iter())
            .filter(|e| e["destination"]["to"].to_string().contains(part))
            .count()
    };
    let digests = (emails.iter())
        .filter(|e| (e["subject"].as_str()).is_some_and(|s| s.starts_with("Tilauksia tunnin")))
        .count();
    Run {
        confirmations_sent: to("@nowhere.example"),
        to_trainers: to("pilvi.nummi"),
        digests,
        orders: stored,
        tripped: app.store.breaker().await.unwrap().is_tripped(),
    }
}

async fn attacked_app(human_check: bool) -> (LocalApp, ManualClock) {
    let now = ManualClock::at(second(START));
    let app = LocalApp::with(LocalOptions {
        clock: now.clock(),
        human_check: human_check.then(|| Arc::new(OnlyPass) as Arc<dyn HumanCheck>),
        ..LocalOptions::default()
    })
    .await;
    (app, now)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_day_of_attack_sends_what_the_breaker_lets_through_and_holds_the_rest() {
    let (app, now) = attacked_app(false).await;
    let run = attack(&app, &now, 24, None).await;
    assert_eq!(run.orders, 6 * 10 * 24, "every order is stored");
    assert!(run.tripped, "three bounces trip the breaker");
    // The first hour's ten went out before any bounce came back; then nothing.
    let cap = Quotas::default().confirmations_per_hour as usize;
    assert_eq!(run.confirmations_sent, cap);
    assert!(run.confirmations_sent <= Quotas::default().confirmations_per_day as usize);
    // The trainers were told once that confirmations stopped.
    let told = (app.emails().await.iter())
        .filter(|e| {
            e["subject"]
                .as_str()
                .is_some_and(|s| s.contains("pysäytetty"))
        })
        .count();
    assert_eq!(told, 1);
    // A real customer meanwhile: stored, the trainers told, the confirmation held for a person.
    let real = app
        .send(&order_from(&app, "203.0.113.9", "real", None))
        .await;
    assert_eq!(real.status, 201);
    assert_eq!(real.json()["email_status"], "pending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_turnstile_the_attack_sends_no_confirmation_and_a_real_customer_gets_one_at_once() {
    let (app, now) = attacked_app(true).await;
    let run = attack(&app, &now, 24, None).await;
    assert_eq!(run.orders, 6 * 10 * 24);
    assert_eq!(run.confirmations_sent, 0);
    assert!(!run.tripped);
    // The trainers: 20 notifications an hour, then one digest an hour of the rest (the last
    // hour's is still to come), instead of 1,440 emails.
    let limit = Quotas::default().trainer_notifications_per_hour as usize;
    assert_eq!(run.digests, 23);
    assert_eq!(run.to_trainers, 24 * limit + run.digests);
    let real = app
        .send(&order_from(&app, "203.0.113.9", "real", Some("pass")))
        .await;
    assert_eq!(real.status, 201);
    // Its confirmation goes at once; the trainers' notification of it is in the next digest.
    let to_real = (app.emails().await.iter())
        .filter(|e| e["destination"]["to"].to_string().contains("real+"))
        .count();
    assert_eq!(to_real, 1);
}
