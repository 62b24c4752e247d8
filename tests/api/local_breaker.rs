//! The attacks on the confirmations, on a fixed clock against DynamoDB Local and the SES
//! emulator, each report fed back as SES's EventBridge event. Issue 25's: six source addresses
//! post ten orders an hour each for a day, to mailboxes that do not exist. The security review's
//! (M-2): three orders from one source to one dead mailbox; bounces SES made from its
//! suppression list, from many sources; one complaint after a solved challenge; strikes from
//! enough networks to trip the breaker, then quiet hours. Each time a real customer's
//! confirmation from another source goes out at once (or, while the breaker stands, is held and
//! never dropped), and the trip ends by itself.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::json;

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
        _: uuid::Uuid,
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

/// Feeds SES's report `name` (`ses-email-bounced`, `…-suppressed`, `ses-email-complaint`) of
/// the order's confirmation as sent, at the clock's time; `false` if it was not sent.
async fn report_on(app: &LocalApp, now: &ManualClock, reference: &Reference, name: &str) -> bool {
    let order = app.store.load(reference).await.unwrap().unwrap();
    let Delivery::Sent { message_id, .. } = order.customer_email() else {
        return false;
    };
    let recipient = order.details.email.to_string();
    let mut event = ses_report(
        name,
        (reference.as_str(), "customer"),
        message_id,
        &recipient,
    );
    let at = json!((now.clock())().to_string());
    for part in ["bounce", "complaint"] {
        if event["detail"].get(part).is_some() {
            event["detail"][part]["timestamp"] = at.clone();
        }
    }
    let Event::EmailReport(event) = Event::parse(event).unwrap() else {
        panic!("{name} parses as a report");
    };
    app.report().record_email_event(event).await.unwrap();
    true
}

/// Posts an order and returns its reference (the answer must be 201).
async fn place(app: &LocalApp, source: &str, mailbox: &str, token: Option<&str>) -> Reference {
    let answer = app.send(&order_from(app, source, mailbox, token)).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    Reference::parse(answer.json()["reference"].as_str().unwrap()).unwrap()
}

/// The order's confirmation state as stored (`sent`, `held`, `unverified`, …).
async fn confirmation(app: &LocalApp, reference: &Reference) -> &'static str {
    let order = app.store.load(reference).await.unwrap().unwrap();
    order.customer_email().status()
}

/// Confirmations dropped unsent, among all the table's orders.
async fn dropped(app: &LocalApp, references: &[Reference]) -> usize {
    let mut dropped = 0;
    for reference in references {
        dropped += usize::from(confirmation(app, reference).await == "dropped");
    }
    dropped
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
            report_on(app, now, &reference, "ses-email-bounced").await;
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
        .filter(|e| {
            (e["subject"].as_str())
                .is_some_and(|s| s.starts_with("Poikkeuksellisen paljon tilauksia"))
        })
        .count();
    Run {
        confirmations_sent: to("@nowhere.example"),
        to_trainers: to("pilvi.nummi"),
        digests,
        orders: stored,
        tripped: app
            .store
            .breaker()
            .await
            .unwrap()
            .is_tripped((now.clock())()),
    }
}

async fn app_with(quotas: Quotas, human_check: bool) -> (LocalApp, ManualClock) {
    let now = ManualClock::at(second(START));
    let app = LocalApp::with(LocalOptions {
        clock: now.clock(),
        quotas,
        human_check: human_check.then(|| Arc::new(OnlyPass) as Arc<dyn HumanCheck>),
        ..LocalOptions::default()
    })
    .await;
    (app, now)
}

/// Subjects of the trainers' breaker alerts so far.
async fn breaker_alerts(app: &LocalApp) -> usize {
    (app.emails().await.iter())
        .filter(|e| (e["subject"].as_str()).is_some_and(|s| s.contains("pysäytetty")))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_day_of_attack_from_one_network_marks_its_sources_and_trips_nothing() {
    let (app, now) = app_with(Quotas::default(), false).await;
    let run = attack(&app, &now, 24, None).await;
    assert_eq!(run.orders, 6 * 10 * 24, "every order is stored");
    // Confirmations went out within the ceilings (the attack spans two UTC days), each bounce
    // marking its source, whose later confirmations (and held ones) wait for a person: by the
    // end every source is marked.
    let quotas = Quotas::default();
    assert!(run.confirmations_sent >= quotas.confirmations_per_hour as usize);
    assert!(run.confirmations_sent <= 2 * quotas.confirmations_per_day as usize);
    now.advance(3600);
    for source in 1..=6 {
        let mailbox = format!("next{source}");
        let next = place(&app, &format!("198.51.100.{source}"), &mailbox, None).await;
        assert_eq!(
            confirmation(&app, &next).await,
            "unverified",
            "source {source}"
        );
    }
    assert!(!run.tripped, "strikes from one /24 never trip the breaker");
    assert_eq!(breaker_alerts(&app).await, 0);
    // A real customer meanwhile, from another network, without the human check: never waiting
    // for a person; sent, or held while a day's ceiling is used up (with the check on it has
    // room of its own).
    let real = place(&app, "203.0.113.9", "real", None).await;
    let state = confirmation(&app, &real).await;
    assert!(["sent", "held"].contains(&state), "{state}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_turnstile_the_attack_sends_no_confirmation_and_a_real_customer_gets_one_at_once() {
    let (app, now) = app_with(Quotas::default(), true).await;
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

/// The review's first attack: three orders a day from one source to one dead mailbox, with
/// their bounces. Only that source and mailbox are marked: a real customer is confirmed at
/// once, and the attacker's next order from there waits for a person.
#[tokio::test]
async fn three_bounces_from_one_source_mark_only_that_source_and_mailbox() {
    let (app, now) = app_with(Quotas::default(), false).await;
    let mut attacker = Vec::new();
    for n in 0..3 {
        attacker.push(place(&app, "198.51.100.7", &format!("dead+{n}"), None).await);
    }
    now.advance(600);
    for reference in &attacker {
        assert!(report_on(&app, &now, reference, "ses-email-bounced").await);
    }
    let state = app.store.breaker().await.unwrap();
    assert_eq!(state.counts((now.clock())()), (3, 0));
    assert!(!state.is_tripped((now.clock())()));
    let real = place(&app, "203.0.113.9", "real", None).await;
    assert_eq!(confirmation(&app, &real).await, "sent");
    let again = place(&app, "198.51.100.7", "other", None).await;
    assert_eq!(
        confirmation(&app, &again).await,
        "unverified",
        "the source is marked"
    );
    // The next day (the mailbox's own quota is three a day), from elsewhere.
    now.advance(24 * 3600);
    let elsewhere = place(&app, "192.0.2.44", "dead", None).await;
    assert_eq!(
        confirmation(&app, &elsewhere).await,
        "unverified",
        "so is the mailbox"
    );
    // A week after the strikes the marks are gone.
    now.advance(order_intake::domain::MARK_SECONDS - 24 * 3600);
    let later = place(&app, "198.51.100.7", "later", None).await;
    assert_eq!(confirmation(&app, &later).await, "sent");
    assert_eq!(breaker_alerts(&app).await, 0);
}

/// Bounces SES made without sending (the address is on the account's suppression list), from
/// many networks: no strike, no mark, no trip.
#[tokio::test]
async fn suppression_list_bounces_from_many_networks_are_no_strikes() {
    let (app, now) = app_with(Quotas::default(), false).await;
    let mut orders = Vec::new();
    for network in 1..=5 {
        orders.push(
            place(
                &app,
                &format!("192.0.{network}.7"),
                &format!("gone{network}"),
                None,
            )
            .await,
        );
    }
    now.advance(600);
    for reference in &orders {
        assert!(report_on(&app, &now, reference, "ses-email-bounced-suppressed").await);
    }
    let state = app.store.breaker().await.unwrap();
    assert_eq!(state.counts((now.clock())()), (0, 0));
    let again = place(&app, "192.0.1.7", "again", None).await;
    assert_eq!(confirmation(&app, &again).await, "sent", "nothing marked");
}

/// One "Junk" click after a solved challenge: its source and mailbox marked, nobody else held.
#[tokio::test]
async fn one_complaint_with_turnstile_passed_marks_only_its_source() {
    let (app, now) = app_with(Quotas::default(), true).await;
    let attacker = place(&app, "198.51.100.7", "spammy", Some("pass")).await;
    now.advance(600);
    assert!(report_on(&app, &now, &attacker, "ses-email-complaint").await);
    let state = app.store.breaker().await.unwrap();
    assert_eq!(state.counts((now.clock())()), (0, 1));
    assert!(!state.is_tripped((now.clock())()));
    let again = place(&app, "198.51.100.7", "next", Some("pass")).await;
    assert_eq!(confirmation(&app, &again).await, "unverified");
    let real = place(&app, "203.0.113.9", "real", Some("pass")).await;
    assert_eq!(confirmation(&app, &real).await, "sent");
}

/// Strikes from three networks trip the breaker: the trainers are told once, a real customer's
/// confirmation is held, kept past its day while the trip stands (the alarm raised before),
/// and sent once the trip ends by itself after its quiet hours.
#[tokio::test]
async fn strikes_from_enough_networks_trip_it_and_it_ends_by_itself_with_nothing_lost() {
    let mut quotas = Quotas::default();
    // Longer than a held confirmation's day, to show it is kept while the trip stands.
    quotas.breaker.quiet_hours = 30;
    let (app, now) = app_with(quotas, false).await;
    let mut attackers = Vec::new();
    for network in 1..=3 {
        let mailbox = format!("dead{network}");
        attackers.push(place(&app, &format!("198.51.{network}.7"), &mailbox, None).await);
    }
    now.advance(600);
    for reference in &attackers {
        assert!(report_on(&app, &now, reference, "ses-email-bounced").await);
    }
    let tripped_at = (now.clock())();
    assert!(app.store.breaker().await.unwrap().is_tripped(tripped_at));
    assert_eq!(breaker_alerts(&app).await, 1);
    let alert = (app.emails().await.into_iter())
        .find(|e| (e["subject"].as_str()).is_some_and(|s| s.contains("pysäytetty")))
        .unwrap();
    let text = alert["body"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        text.contains("ei ole tullut 30 tuntiin"),
        "the trainers are told it ends: {text}"
    );
    let real = place(&app, "203.0.113.9", "real", None).await;
    assert_eq!(confirmation(&app, &real).await, "held");
    // Each hour's run keeps it held; hours before its day is over the alarm is raised.
    let mut near_drop = 0;
    for _ in 0..26 {
        now.advance(3600);
        near_drop += app.retry().retry_due(50).await.unwrap().near_drop;
        assert_eq!(
            confirmation(&app, &real).await,
            "held",
            "never dropped while tripped"
        );
    }
    assert!(
        near_drop >= 5,
        "the alarm is raised hours before the drop: {near_drop}"
    );
    // 30 quiet hours after the last strike the trip is over, and the next run sends it.
    now.set(tripped_at + jiff::SignedDuration::from_hours(30));
    assert!(
        !app.store
            .breaker()
            .await
            .unwrap()
            .is_tripped((now.clock())())
    );
    app.retry().retry_due(50).await.unwrap();
    assert_eq!(confirmation(&app, &real).await, "sent");
    assert_eq!(dropped(&app, &[real]).await, 0);
    assert_eq!(breaker_alerts(&app).await, 1, "told once");
}

/// Junk that solves the challenge can use up the shared ceilings, never the share kept for
/// orders that passed the check and look real (a Y-tunnus and an e-invoice address); with the
/// human check off there is no such share, and the real-looking order is held like any other.
#[tokio::test]
async fn real_customers_have_room_that_junk_cannot_use_up() {
    for human_check in [true, false] {
        let (app, now) = app_with(Quotas::default(), human_check).await;
        let mut junk = Vec::new();
        for n in 0..10 {
            let source = format!("192.0.{n}.7");
            junk.push(place(&app, &source, &format!("junk{n}"), Some("pass")).await);
        }
        let mut held = 0;
        for reference in &junk {
            held += usize::from(confirmation(&app, reference).await == "held");
        }
        let quotas = Quotas::default();
        let shared = match human_check {
            true => quotas.confirmations_per_hour - quotas.real_confirmations_per_hour,
            false => quotas.confirmations_per_hour,
        };
        assert_eq!(held, 10 - shared as usize, "human check {human_check}");
        let mut placed = Vec::new();
        for n in 0..6 {
            let mut real = order_json(&format!("real{n}+{}@kunta.example", app.tag));
            real.as_object_mut().unwrap().remove("preferred_dates");
            real["cf-turnstile-response"] = json!("pass");
            let post = event_with("apigw-http-json-order", |e| {
                e["headers"] = json!({"content-type": "application/json"});
                e["body"] = json!(real.to_string());
                e["requestContext"]["http"]["sourceIp"] = json!(format!("203.0.113.{n}"));
            });
            let answer = app.send(&post).await;
            assert_eq!(answer.status, 201, "{}", answer.body);
            let reference = answer.json()["reference"].as_str().unwrap().to_owned();
            placed.push(Reference::parse(&reference).unwrap());
        }
        let first = confirmation(&app, &placed[0]).await;
        assert_eq!(
            first,
            if human_check { "sent" } else { "held" },
            "human check {human_check}"
        );
        if human_check {
            // The share's five go at once; the sixth finds the shared ceilings full, is held,
            // and goes from the share in the next hour's run.
            let sixth = &placed[5];
            assert_eq!(confirmation(&app, &placed[4]).await, "sent");
            assert_eq!(confirmation(&app, sixth).await, "held");
            now.advance(3600);
            app.retry().retry_due(50).await.unwrap();
            assert_eq!(confirmation(&app, sixth).await, "sent");
        }
    }
}
