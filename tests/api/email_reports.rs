//! SES's delivery reports (the sample events in events/, as EventBridge delivers them): each is
//! recorded on its order's email, a confirmation that did not arrive is told to the trainers
//! once, and a report twice or late changes nothing.

use serde_json::{Value, json};

use order_intake::entry::Event;
use order_intake::intake::EventReport;
use order_intake::store::Reputation;

use crate::helpers::*;

/// The sample event `name` about the confirmation `message_id` of the order `reference`, for
/// `recipient`.
fn report(name: &str, reference: &str, message_id: &str, recipient: &str) -> Value {
    ses_report(name, (reference, "customer"), message_id, recipient)
}

async fn handle(app: &impl SendsEvents, event: Value) -> EventReport {
    match Event::parse(event).expect("an SES event parses") {
        Event::EmailReport(event) => app.report().record_email_event(event).await.unwrap(),
        _ => panic!("a delivery report"),
    }
}

/// A fake app with one order placed; its customer's address, confirmation's message id and
/// reference.
async fn placed() -> (FakeApp, String, String, String) {
    let app = FakeApp::new();
    let customer = "anna.virtanen@tuusula.example".to_owned();
    let answer = app
        .send(&post_event(
            "application/json",
            &order_json(&customer).to_string(),
        ))
        .await;
    assert_eq!(answer.status, 201);
    let order = &app.store.orders()[0];
    let message_id = match &order.customer_email() {
        order_intake::domain::Delivery::Sent { message_id, .. } => message_id.clone(),
        other => panic!("the confirmation was sent, not {other:?}"),
    };
    let reference = order.reference.to_string();
    // Each email names its order and kind in its SES tags, which SES's reports carry back.
    let tags: Vec<Vec<(&str, String)>> = (app.mailer.sent().iter())
        .map(|email| email.tags.clone())
        .collect();
    assert_eq!(
        tags,
        [
            [("order", reference.clone()), ("email", "customer".into())],
            [("order", reference.clone()), ("email", "trainer".into())],
        ]
    );
    (app, customer, message_id, reference)
}

#[tokio::test]
async fn a_bounced_confirmation_is_told_to_the_trainers_once() {
    let (app, customer, message_id, reference) = placed().await;
    let first = handle(
        &app,
        report("ses-email-bounced", &reference, &message_id, &customer),
    )
    .await;
    assert_eq!((first.recorded, first.trainers_told), (1, true));
    let sent = app.mailer.sent();
    assert_eq!(sent.len(), 3, "the two emails of the order, and one alert");
    let alert = &sent[2];
    assert_eq!(
        alert.to,
        trainers("fake")
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    assert!(
        alert.subject.starts_with("Vahvistus ei mennyt perille"),
        "{}",
        alert.subject
    );
    for expected in [
        customer.as_str(),
        "Tuusulan kunta",
        "+358 40 123 4567",
        "Soita asiakkaalle",
    ] {
        assert!(alert.text.contains(expected), "{expected}: {}", alert.text);
    }
    assert!(
        booking_link(&alert.text).contains("token="),
        "a fresh link to the booking page, as in every email to the trainers"
    );
    // The same event again, and a complaint after it: nobody is told twice.
    let again = handle(
        &app,
        report("ses-email-bounced", &reference, &message_id, &customer),
    )
    .await;
    assert_eq!(
        (again.recorded, again.unchanged, again.trainers_told),
        (0, 1, false)
    );
    let complaint = handle(
        &app,
        report("ses-email-complaint", &reference, &message_id, &customer),
    )
    .await;
    assert_eq!((complaint.recorded, complaint.trainers_told), (1, false));
    // A complaint from one network marks its order's source and mailbox but trips nothing
    // (local_breaker.rs trips it from three networks): nobody else's confirmations wait.
    assert!(!complaint.breaker_tripped);
    assert_eq!(app.mailer.sent().len(), 3);
}

/// A bounce SES made without sending (the address on the account's suppression list) and one
/// from the receiving server: both tell the trainers, only the second is a strike against the
/// account's reputation, as AWS counts it.
#[tokio::test]
async fn a_bounce_from_the_suppression_list_tells_the_trainers_but_is_no_strike() {
    let (app, customer, message_id, reference) = placed().await;
    let suppressed = handle(
        &app,
        report(
            "ses-email-bounced-suppressed",
            &reference,
            &message_id,
            &customer,
        ),
    )
    .await;
    assert_eq!((suppressed.recorded, suppressed.trainers_told), (1, true));
    let breaker = app.store.breaker().await.unwrap();
    let later = "2026-11-26T11:00:00Z".parse().unwrap();
    assert_eq!(breaker.counts(later), (0, 0));

    let (app, customer, message_id, reference) = placed().await;
    let bounced = handle(
        &app,
        report("ses-email-bounced", &reference, &message_id, &customer),
    )
    .await;
    assert_eq!((bounced.recorded, bounced.trainers_told), (1, true));
    let breaker = app.store.breaker().await.unwrap();
    assert_eq!(breaker.counts(later), (1, 0));
}

#[tokio::test]
async fn a_transient_bounce_then_a_delivery_is_delivered_and_a_late_delay_changes_nothing() {
    let (app, customer, message_id, reference) = placed().await;
    let transient = handle(
        &app,
        report(
            "ses-email-bounced-transient",
            &reference,
            &message_id,
            &customer,
        ),
    )
    .await;
    assert_eq!((transient.recorded, transient.trainers_told), (1, false));
    let delivered = handle(
        &app,
        report("ses-email-delivered", &reference, &message_id, &customer),
    )
    .await;
    assert_eq!(delivered.recorded, 1);
    let late_delay = handle(
        &app,
        report(
            "ses-email-delivery-delayed",
            &reference,
            &message_id,
            &customer,
        ),
    )
    .await;
    assert_eq!((late_delay.recorded, late_delay.unchanged), (0, 1));
    let late_transient = handle(
        &app,
        report(
            "ses-email-bounced-transient",
            &reference,
            &message_id,
            &customer,
        ),
    )
    .await;
    assert_eq!(
        late_transient.recorded, 0,
        "a delivery is not undone by an auto-reply's bounce"
    );
    assert_eq!(app.mailer.sent().len(), 2, "nobody told anything");
}

#[tokio::test]
async fn a_report_about_a_message_this_function_did_not_send_is_ignored() {
    let (app, customer, _, reference) = placed().await;
    let unknown = handle(
        &app,
        report(
            "ses-email-bounced",
            &reference,
            "someone-elses-message",
            &customer,
        ),
    )
    .await;
    assert!(unknown.unknown);
    assert_eq!(unknown.recorded, 0);
    let stranger = handle(
        &app,
        report(
            "ses-email-bounced",
            &reference,
            "recorded-0",
            "stranger@example.com",
        ),
    )
    .await;
    assert!(stranger.unknown, "a recipient the message did not go to");
    assert_eq!(app.mailer.sent().len(), 2);
}

#[tokio::test]
async fn reports_that_say_nothing_about_delivery_are_ignored() {
    let mut sent = report("ses-email-delivered", "K7Q4-M2XD", "m", "a@b.example");
    sent["detail-type"] = json!("Email Sent");
    sent["detail"]["eventType"] = json!("Send");
    assert!(matches!(Event::parse(sent), Ok(Event::Ignored)));
}

#[tokio::test]
async fn a_bounce_reaches_the_order_in_dynamodb_and_one_email_reaches_the_trainers() {
    let app = LocalApp::start().await;
    let customer = app.customer();
    assert_eq!(app.post_json(&order_json(&customer)).await.status, 201);
    let order = app.orders().await.remove(0);
    let message_id = s(&order, "customer_email_message_id").to_owned();
    let reference = s(&order, "reference").to_owned();
    let emails_before = app.emails().await.len();
    assert_eq!(emails_before, 2);

    let first = handle(
        &app,
        report("ses-email-bounced", &reference, &message_id, &customer),
    )
    .await;
    assert_eq!((first.recorded, first.trainers_told), (1, true));
    let order = app.orders().await.remove(0);
    assert_eq!(s(&order, "customer_email_to0_outcome"), "bounced");
    let emails = app.emails().await;
    assert_eq!(emails.len(), 3, "one alert to the trainers");
    assert!(
        emails
            .iter()
            .any(|e| e.to_string().contains("Vahvistus ei mennyt perille"))
    );

    let again = handle(
        &app,
        report("ses-email-bounced", &reference, &message_id, &customer),
    )
    .await;
    assert_eq!((again.recorded, again.trainers_told), (0, false));
    assert_eq!(
        app.emails().await.len(),
        3,
        "the same event again changes nothing"
    );

    // The trainers' own notification, recipient by recipient.
    let trainer_message = s(&order, "trainer_email_message_id").to_owned();
    let trainer = trainers(&app.tag)[1].to_string();
    let delivered = handle(
        &app,
        ses_report(
            "ses-email-delivered",
            (&reference, "trainer"),
            &trainer_message,
            &trainer,
        ),
    )
    .await;
    assert_eq!(delivered.recorded, 1);
    let order = app.orders().await.remove(0);
    assert_eq!(s(&order, "trainer_email_to1_outcome"), "delivered");
    assert!(!order.contains_key("trainer_email_to0_outcome"));
}

#[tokio::test]
async fn a_transient_bounce_not_followed_by_a_delivery_reaches_the_trainers_through_the_retry_run()
{
    let app = LocalApp::start().await;
    let customer = app.customer();
    assert_eq!(app.post_json(&order_json(&customer)).await.status, 201);
    let message_id = s(&app.orders().await[0], "customer_email_message_id").to_owned();
    let reference = s(&app.orders().await[0], "reference").to_owned();
    let mut event = report(
        "ses-email-bounced-transient",
        &reference,
        &message_id,
        &customer,
    );
    event["detail"]["bounce"]["timestamp"] = json!(jiff::Timestamp::now().to_string());
    let recorded = handle(&app, event).await;
    assert_eq!((recorded.recorded, recorded.trainers_told), (1, false));
    app.retry().retry_due(50).await.unwrap();
    assert_eq!(
        app.emails().await.len(),
        2,
        "not before a delivery could have been reported"
    );

    let later = app.ahead(16 * 60).await;
    later.retry().retry_due(50).await.unwrap();
    let emails = app.emails().await;
    assert_eq!(emails.len(), 3);
    assert!(
        emails
            .iter()
            .any(|e| e.to_string().contains("Vahvistus ei mennyt perille"))
    );
    later.retry().retry_due(50).await.unwrap();
    assert_eq!(app.emails().await.len(), 3, "told once");
    assert!(!app.orders().await[0].contains_key("retry_queue"));
}

#[tokio::test]
async fn when_telling_the_trainers_fails_the_report_delivered_again_tells_them_once() {
    let (app, customer, message_id, reference) = placed().await;
    let bounce = || match Event::parse(report(
        "ses-email-bounced",
        &reference,
        &message_id,
        &customer,
    )) {
        Ok(Event::EmailReport(event)) => event,
        _ => panic!("a delivery report"),
    };
    app.mailer.set_failing(true);
    assert!(
        app.report().record_email_event(bounce()).await.is_err(),
        "the invocation fails, so EventBridge delivers the report again"
    );
    app.mailer.set_failing(false);
    let again = app.report().record_email_event(bounce()).await.unwrap();
    assert!(again.trainers_told);
    let third = app.report().record_email_event(bounce()).await.unwrap();
    assert!(!third.trainers_told);
    assert_eq!(
        app.mailer.sent().len(),
        3,
        "the order's two emails and one alert"
    );
}

/// A report about an order someone but the function changed since (its seal does not verify)
/// tells nobody: the alert would carry what they wrote to the trainers.
#[tokio::test]
async fn a_bounce_of_an_order_changed_outside_the_function_tells_nobody() {
    use order_intake::store::{Corrections, Orders};
    let (app, customer, message_id, reference) = placed().await;
    let parsed = order_intake::domain::Reference::parse(&reference).unwrap();
    let mut order = app.store.load(&parsed).await.unwrap().unwrap();
    order.details.email =
        order_intake::domain::EmailAddress::parse("toinen@kunta.example").unwrap();
    let seal = order.seal.clone();
    let action = order_intake::domain::OperatorAction::new(jiff::Timestamp::now(), "x", "console");
    assert!(
        app.store
            .fix_email(&order, seal.as_deref(), &action)
            .await
            .unwrap()
    );
    let bounced = handle(
        &app,
        report("ses-email-bounced", &reference, &message_id, &customer),
    )
    .await;
    assert_eq!((bounced.recorded, bounced.trainers_told), (1, false));
    assert_eq!(app.mailer.sent().len(), 2, "no alert");
}
