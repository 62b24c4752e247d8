//! Pending emails are delivered by the retry run, exactly once, against DynamoDB Local (its
//! sparse index and conditional claims) and the SES emulator.

use order_intake::intake::{CLAIM_SECONDS, MAX_ATTEMPTS};
use order_intake::store::EmailQueue;

use crate::helpers::*;

/// An order placed while SES is down: stored, both emails pending.
async fn order_with_ses_down() -> (LocalApp, String) {
    let down = LocalApp::with(LocalOptions {
        ses: DOWN.into(),
        ..LocalOptions::default()
    })
    .await;
    let answer = down.post_json(&order_json(&down.customer())).await;
    assert_eq!(
        (answer.status, answer.json()["email_status"].as_str()),
        (201, Some("pending"))
    );
    let reference = answer.json()["reference"].as_str().unwrap().to_owned();
    (down, reference)
}

#[tokio::test]
async fn pending_emails_are_sent_by_the_retry_run_once_ses_is_back() {
    let (down, reference) = order_with_ses_down().await;
    assert!(down.emails().await.is_empty());

    // Too early: the first backoff has not passed.
    let now = down.sibling(LocalOptions::default()).await;
    assert_eq!(now.retry().retry_due(50).await.unwrap().sent, 0);

    let later = down.ahead(120).await;
    let report = later.retry().retry_due(50).await.unwrap();
    assert_eq!((report.orders, report.sent), (1, 2), "{report:?}");
    let emails = later.emails().await;
    assert_eq!(emails.len(), 2);
    assert!(
        emails
            .iter()
            .all(|e| e["subject"].as_str().unwrap().contains(&reference))
    );

    let item = &later.orders().await[0];
    assert_eq!(s(item, "customer_email_status"), "sent");
    assert_eq!(s(item, "trainer_email_status"), "sent");
    assert!(
        !item.contains_key("retry_queue"),
        "out of the retry index once both are sent"
    );

    // Nothing is sent twice.
    assert_eq!(later.retry().retry_due(50).await.unwrap().sent, 0);
    assert_eq!(later.emails().await.len(), 2);
}

#[tokio::test]
async fn two_retry_runs_at_the_same_moment_send_each_email_once() {
    let (down, _) = order_with_ses_down().await;
    let a = down.ahead(120).await;
    let b = down.ahead(120).await;
    let (ra, rb) = tokio::join!(a.retry().retry_due(50), b.retry().retry_due(50));
    assert_eq!(ra.unwrap().sent + rb.unwrap().sent, 2);
    assert_eq!(a.emails().await.len(), 2);
}

#[tokio::test]
async fn an_email_whose_sender_crashed_is_sent_once_its_claim_runs_out() {
    // Store an order as a request does, then "crash" before sending: the claims stay.
    let app = LocalApp::start().await;
    let mut order = order_json(&app.customer());
    order["idempotency_key"] = serde_json::json!("crash-test-key-1");
    let failing = app
        .sibling(LocalOptions {
            ses: DOWN.into(),
            ..LocalOptions::default()
        })
        .await;
    assert_eq!(failing.post_json(&order).await.status, 201);
    // Put both emails back into the state a crash leaves: claimed ("sending"), not sent.
    let item = &app.orders().await[0];
    let reference = order_intake::domain::Reference::parse(s(item, "reference")).unwrap();
    for kind in order_intake::domain::EmailKind::BOTH {
        let claimed = order_intake::domain::Delivery::Sending {
            attempts: 0,
            until: jiff::Timestamp::now() + jiff::Span::new().seconds(CLAIM_SECONDS),
        };
        app.store
            .record_delivery(&reference, kind, &claimed, None)
            .await
            .unwrap();
    }

    let before_claim_ends = app.ahead(CLAIM_SECONDS - 30).await;
    assert_eq!(
        before_claim_ends.retry().retry_due(50).await.unwrap().sent,
        0,
        "a live claim is respected"
    );
    let after_claim_ends = app.ahead(CLAIM_SECONDS + 5).await;
    assert_eq!(
        after_claim_ends.retry().retry_due(50).await.unwrap().sent,
        2
    );
    assert_eq!(app.emails().await.len(), 2);
}

#[tokio::test]
async fn after_the_last_attempt_an_email_is_failed_and_the_order_kept() {
    let (down, _) = order_with_ses_down().await;
    // Each run is far enough ahead that the previous backoff (at most an hour) has passed.
    for attempt in 2..=MAX_ATTEMPTS {
        let run = down
            .sibling(LocalOptions {
                ses: DOWN.into(),
                clock: clock_ahead(i64::from(attempt) * 3700),
                ..LocalOptions::default()
            })
            .await;
        run.retry().retry_due(50).await.unwrap();
    }
    let item = &down.orders().await[0];
    assert_eq!(s(item, "customer_email_status"), "failed");
    assert_eq!(s(item, "trainer_email_status"), "failed");
    assert_eq!(
        item["customer_email_attempts"].as_n().unwrap(),
        &MAX_ATTEMPTS.to_string()
    );
    assert!(
        !item.contains_key("retry_queue"),
        "given up: out of the retry index"
    );
    assert_eq!(
        s(item, "organization"),
        "Tuusulan kunta",
        "the order itself stays"
    );
}

#[tokio::test]
async fn an_order_edited_into_an_unreadable_state_leaves_the_index_and_the_others_are_sent() {
    let (down, _) = order_with_ses_down().await;
    // A second pending order, then the first one broken by hand (as a console edit would).
    let mut second = order_json(&format!("toinen+{}@tuusula.example", down.tag));
    second["organization"] = serde_json::json!("Keravan kaupunki");
    assert_eq!(down.post_json(&second).await.status, 201);
    let broken = down.orders().await.remove(0);
    let broken_key = s(&broken, "pk").to_owned();
    down.dynamodb
        .update_item()
        .table_name(&down.table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(broken_key.clone()),
        )
        .update_expression("SET package = :p")
        .expression_attribute_values(
            ":p",
            aws_sdk_dynamodb::types::AttributeValue::S("no-such-package".into()),
        )
        .send()
        .await
        .unwrap();

    let later = down.ahead(120).await;
    let report = later.retry().retry_due(50).await.unwrap();
    assert_eq!((report.unreadable, report.sent), (1, 2), "{report:?}");
    let items = later.orders().await;
    let broken = items.iter().find(|i| s(i, "pk") == broken_key).unwrap();
    assert!(
        !broken.contains_key("retry_queue"),
        "out of the retry index"
    );
    assert_eq!(later.retry().retry_due(50).await.unwrap().unreadable, 0);
}

/// What the operator's credentials can write to an order key (`infra/template.yaml`: the key,
/// the invoicing details and the invoice facts, by `UpdateItem` only) makes no order the
/// scheduled run mails: written to DynamoDB Local as that `UpdateItem` would, then a retry run
/// an hour later sends nothing and the function reads no order there.
#[tokio::test]
async fn an_order_key_written_with_the_operator_s_attributes_is_never_mailed() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use order_intake::store::key_spaces::operator_order_attributes;
    let app = LocalApp::with(LocalOptions::default()).await;
    let reference = order_intake::domain::Reference::parse("K7M2-QX9P").unwrap();
    let mut update = (app.dynamodb.update_item())
        .table_name(&app.table)
        .key("pk", AttributeValue::S(format!("order#{reference}")));
    let mut set = Vec::new();
    let allowed = operator_order_attributes();
    // Every string attribute the operator may write, with text an attacker would like mailed.
    for (i, name) in allowed.iter().filter(|n| **n != "pk").enumerate() {
        let value = match *name {
            "invoicing_changes" | "invoice_numbers" => AttributeValue::L(Vec::new()),
            "invoice_number"
            | "invoice_gross_cents"
            | "invoice_due_days"
            | "credit_number"
            | "credited_invoice" => AttributeValue::N("1".into()),
            _ => AttributeValue::S("Maksa heti: https://evil.example/pay".into()),
        };
        update = update
            .expression_attribute_names(format!("#a{i}"), *name)
            .expression_attribute_values(format!(":a{i}"), value);
        set.push(format!("#a{i} = :a{i}"));
    }
    (update.update_expression(format!("SET {}", set.join(", "))))
        .send()
        .await
        .expect("the operator's UpdateItem creates the item");
    let later = app.ahead(3600).await;
    let report = later.retry().retry_due(50).await.unwrap();
    assert_eq!((report.orders, report.sent), (0, 0), "{report:?}");
    assert!(later.emails().await.is_empty());
    use order_intake::store::Orders;
    assert!(
        later.store.load(&reference).await.unwrap_or(None).is_none(),
        "the function reads no order from it"
    );
}

/// A real order's address changed by a plain UpdateItem (anyone with the table's keys but not
/// the function's seal) is never mailed: the retry run leaves its pending emails unsent, and an
/// operator's resend and fix-email are refused (`SealRefused`, tests/metrics.rs).
#[tokio::test]
async fn a_real_order_whose_address_is_changed_outside_the_function_is_never_mailed() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use order_intake::intake::{OperatorAnswer, OperatorCommand};
    let (down, reference) = order_with_ses_down().await;
    // Tagged, so that an email to it would be seen in the emulator's store.
    let victim = down.customer().replace("anna.virtanen", "uhri");
    (down.dynamodb.update_item())
        .table_name(&down.table)
        .key("pk", AttributeValue::S(format!("order#{reference}")))
        .update_expression("SET email = :to")
        .expression_attribute_values(":to", AttributeValue::S(victim))
        .send()
        .await
        .expect("an UpdateItem with the table's keys");
    let later = down.ahead(120).await;
    let report = later.retry().retry_due(50).await.unwrap();
    assert_eq!((report.orders, report.sent), (1, 0), "{report:?}");
    assert!(later.emails().await.is_empty(), "nothing mailed");
    let item = &later.orders().await[0];
    assert_eq!(
        s(item, "customer_email_status"),
        "pending",
        "kept, not lost"
    );
    let desk = &later.app.desk;
    for command in [
        OperatorCommand::Resend {
            reference: reference.clone(),
            email: "customer".into(),
        },
        OperatorCommand::FixEmail {
            reference: reference.clone(),
            address: "toinen@evil.example".into(),
        },
    ] {
        let answer = desk.run(command, "pilvi").await.unwrap();
        let OperatorAnswer::Refused { message } = answer else {
            panic!("refused: {answer:?}");
        };
        assert!(message.contains("seal does not verify"), "{message}");
    }
    assert!(later.emails().await.is_empty());
}

/// Orders stored before seals are sealed once, by the first scheduled run after the upgrade,
/// and their emails go; an order without a seal written after that run is never sealed nor
/// mailed.
#[tokio::test]
async fn orders_stored_before_seals_are_sealed_once_and_no_order_after() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let (down, reference) = order_with_ses_down().await;
    let unseal = |reference: String| {
        (down.dynamodb.update_item())
            .table_name(&down.table)
            .key("pk", AttributeValue::S(format!("order#{reference}")))
            .update_expression("REMOVE seal")
            .send()
    };
    // As the code before seals stored it.
    unseal(reference.clone()).await.unwrap();
    let later = down.ahead(120).await;
    let report = later.retry().retry_due(50).await.unwrap();
    assert_eq!((report.sealed, report.sent), (1, 2), "{report:?}");
    assert!(later.orders().await[0].contains_key("seal"));
    let items = later.items().await;
    let marker = items.iter().find(|i| s(i, "pk") == "migration#seal");
    assert!(marker.is_some(), "the run is marked done");

    // After it, an order whose seal is taken off stays unsealed and unmailed.
    let second = later.post_json(&order_json(&later.customer())).await;
    let second = second.json()["reference"].as_str().unwrap().to_owned();
    unseal(second.clone()).await.unwrap();
    let resent = later.app.desk.run(
        order_intake::intake::OperatorCommand::Resend {
            reference: second.clone(),
            email: "customer".into(),
        },
        "pilvi",
    );
    let answer = format!("{:?}", resent.await.unwrap());
    assert!(answer.contains("seal does not verify"), "{answer}");
    let fresh = later.sibling(LocalOptions::default()).await;
    assert_eq!(fresh.retry().retry_due(50).await.unwrap().sealed, 0);
    let stored = fresh.orders().await;
    let unsealed = stored.iter().find(|i| s(i, "reference") == second).unwrap();
    assert!(!unsealed.contains_key("seal"));
}
