//! One contract, two stores: what the store traits (`Store`) promise holds for the in-memory fake the handler
//! tests use and for the DynamoDB store against DynamoDB Local. A rule the fake keeps and the
//! real store does not (or the other way round) fails here.

use std::sync::Arc;

use jiff::Timestamp;
use order_intake::domain::{
    Delivery, EmailKind, NewOrder, Order, OrderForm, Outcome, QuotaKind, Quotas, Reference,
};
use order_intake::store::{
    Claim, DedupeKey, DynamoDbStore, Insert, MemoryStore, OutcomeRecorded, RecipientReport,
    SentMessage, Store, StoreError,
};

use crate::helpers::*;

/// What SES reported at second `second` about a recipient of a confirmation, whose tags name
/// the order `reference`.
fn reported<'a>(
    reference: &'a Reference,
    message_id: &'a str,
    to: &'a str,
    outcome: Outcome,
    second: i64,
) -> RecipientReport<'a> {
    RecipientReport {
        reference,
        kind: EmailKind::Customer,
        message_id,
        recipient: to,
        outcome,
        at: at(second),
    }
}

/// A claim taken at second `from`, held until second `until`.
fn held(from: i64, until: i64) -> Claim {
    Claim {
        now: at(from),
        until: at(until),
    }
}

/// Whole seconds: the DynamoDB store keeps due times in epoch seconds.
fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + seconds).unwrap()
}

fn new_order() -> NewOrder {
    let form = OrderForm {
        package: Some("somestartti".into()),
        organization: Some("Tuusulan kunta".into()),
        contact_name: Some("Anna Virtanen".into()),
        email: Some("anna.virtanen@tuusula.example".into()),
        privacy_consent: Some("true".into()),
        participants: Some("12".into()),
        channels: vec!["facebook".into()],
        ..OrderForm::default()
    };
    NewOrder::parse(&form, jiff::civil::date(2026, 11, 26)).unwrap()
}

/// An order placed at `at(0)` whose request holds both emails until `at(120)`.
fn order(reference: Reference) -> Order {
    let details = new_order();
    let sending = Delivery::Sending {
        attempts: 0,
        until: at(120),
    };
    Order {
        reference,
        ..Order::placed(details, at(0), sending)
    }
}

fn dedupe(id: &str, fingerprint: &str, expires_at: Timestamp) -> DedupeKey {
    DedupeKey {
        id: format!("key#{id}-{}", uuid::Uuid::now_v7().simple()),
        fingerprint: fingerprint.into(),
        expires_at,
    }
}

async fn inserting_and_deduplicating(store: &dyn Store) {
    let first = order(Reference::random());
    let key = dedupe("a", "content-1", at(86_400));
    let inserted = store.insert(&first, &key, &[], at(0)).await.unwrap();
    assert_eq!(inserted, Insert::Created);
    assert_eq!(
        store.load(&first.reference).await.unwrap(),
        Some(first.clone())
    );

    // The same submission again is the stored order; the same key for other content is refused.
    let again = order(Reference::random());
    match store.insert(&again, &key, &[], at(10)).await.unwrap() {
        Insert::Duplicate(receipt) => assert_eq!(receipt, first.receipt()),
        other => panic!("a resubmission is a duplicate, not {other:?}"),
    }
    let other_content = DedupeKey {
        fingerprint: "content-2".into(),
        ..key.clone()
    };
    let reused = store
        .insert(&again, &other_content, &[], at(10))
        .await
        .unwrap();
    assert_eq!(reused, Insert::KeyReused);
    assert_eq!(store.load(&again.reference).await.unwrap(), None);

    // A taken reference is reported so that the caller draws another; nothing is overwritten.
    let same_reference = order(first.reference.clone());
    let fresh_key = dedupe("b", "content-3", at(86_400));
    let taken = store.insert(&same_reference, &fresh_key, &[], at(10)).await;
    assert_eq!(taken.unwrap(), Insert::ReferenceTaken);
    assert_eq!(store.load(&first.reference).await.unwrap(), Some(first));

    // A dedupe record past its expiry no longer makes a duplicate, even before TTL deletes it.
    let short = dedupe("c", "content-4", at(100));
    let early = order(Reference::random());
    assert_eq!(
        store.insert(&early, &short, &[], at(0)).await.unwrap(),
        Insert::Created
    );
    let later = order(Reference::random());
    assert_eq!(
        store.insert(&later, &short, &[], at(200)).await.unwrap(),
        Insert::Created
    );
}

async fn claiming_and_recording(store: &dyn Store) {
    let placed = order(Reference::random());
    let key = dedupe("d", "content-5", at(86_400));
    store.insert(&placed, &key, &[], at(0)).await.unwrap();
    let reference = &placed.reference;
    let customer = EmailKind::Customer;

    // The request's claim holds until it runs out; then exactly one claimant gets it.
    assert!(
        !store
            .claim(reference, customer, held(60, 180))
            .await
            .unwrap()
    );
    assert!(
        store
            .claim(reference, customer, held(121, 241))
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim(reference, customer, held(121, 241))
            .await
            .unwrap()
    );

    // A pending email is due at its next attempt, oldest due first, within the limit.
    let pending = Delivery::Pending {
        attempts: 1,
        next_attempt_at: at(300),
    };
    store
        .record_delivery(reference, customer, &pending, None)
        .await
        .unwrap();
    let mut stored = store.load(reference).await.unwrap().unwrap();
    assert_eq!(stored.customer_email().clone(), pending);
    let sent = Delivery::Sent {
        message_id: "m-1".into(),
        sent_at: at(5),
    };
    store
        .record_delivery(reference, EmailKind::Trainer, &sent, None)
        .await
        .unwrap();
    stored.set_delivery(EmailKind::Trainer, sent.clone());
    store.reschedule(&stored).await.unwrap();
    let due = |now| async move { store.due_for_retry(now, 10).await.unwrap() };
    assert!(!due(at(299)).await.contains(reference));
    assert!(due(at(300)).await.contains(reference));
    assert!(
        store
            .claim(reference, customer, held(300, 420))
            .await
            .unwrap()
    );

    // Once both emails are final the order leaves the retry queue.
    store
        .record_delivery(reference, customer, &sent, None)
        .await
        .unwrap();
    let mut stale = stored.clone();
    stored.set_delivery(EmailKind::Customer, sent);
    store.reschedule(&stored).await.unwrap();
    assert!(!due(at(100_000)).await.contains(reference));
    // A stale copy, read while an email was still pending, cannot put it back in the queue.
    stale.set_delivery(EmailKind::Customer, pending);
    store.reschedule(&stale).await.unwrap();
    assert!(!due(at(100_000)).await.contains(reference));
    assert!(
        !store
            .claim(reference, customer, held(100_000, 100_120))
            .await
            .unwrap()
    );
    let receipt = store.load(reference).await.unwrap().unwrap().receipt();
    assert!(receipt.emails_sent);
}

/// Both emails of a new order recorded at once: their states, the retry queue as the order
/// stands, and the sent message's lookup, whatever the store does in one write.
async fn recording_both_attempts(store: &dyn Store) {
    let placed = order(Reference::random());
    let key = dedupe("both", "content-both", at(86_400));
    store.insert(&placed, &key, &[], at(0)).await.unwrap();
    let reference = &placed.reference;
    let mut tried = placed.clone();
    tried.set_delivery(
        EmailKind::Customer,
        Delivery::Sent {
            message_id: format!("m-both-{reference}"),
            sent_at: at(2),
        },
    );
    tried.set_delivery(
        EmailKind::Trainer,
        Delivery::Pending {
            attempts: 1,
            next_attempt_at: at(400),
        },
    );
    let sent = SentMessage {
        sent_at: jiff::Timestamp::now(),
        kind: EmailKind::Customer,
        message_id: format!("m-both-{reference}"),
        recipients: vec!["anna.virtanen@tuusula.example".into()],
    };
    store
        .record_attempts(&tried, std::slice::from_ref(&sent))
        .await
        .unwrap();
    let stored = store.load(reference).await.unwrap().unwrap();
    assert_eq!(
        (stored.customer_email(), stored.trainer_email()),
        (tried.customer_email(), tried.trainer_email())
    );
    // Due at the pending email's next attempt, not at the request's claim.
    let due = |now| async move { store.due_for_retry(now, 10).await.unwrap() };
    assert!(!due(at(399)).await.contains(reference));
    assert!(due(at(400)).await.contains(reference));
    // A report whose tags name another order finds nothing.
    let elsewhere = Reference::random();
    assert_eq!(
        store
            .record_outcome(reported(
                &elsewhere,
                &sent.message_id,
                &sent.recipients[0],
                Outcome::Delivered,
                3
            ))
            .await
            .unwrap(),
        OutcomeRecorded::UnknownMessage
    );
    // SES's report about the sent message finds its order.
    assert_eq!(
        store
            .record_outcome(reported(
                reference,
                &sent.message_id,
                &sent.recipients[0],
                Outcome::Delivered,
                3
            ))
            .await
            .unwrap(),
        OutcomeRecorded::Changed {
            reference: reference.clone(),
            kind: EmailKind::Customer,
        }
    );
    // Both final: out of the queue.
    tried.set_delivery(
        EmailKind::Trainer,
        Delivery::Sent {
            message_id: format!("m-both-t-{reference}"),
            sent_at: at(401),
        },
    );
    store.record_attempts(&tried, &[]).await.unwrap();
    assert!(!due(at(100_000)).await.contains(reference));
    assert!(
        store
            .load(reference)
            .await
            .unwrap()
            .unwrap()
            .receipt()
            .emails_sent
    );
    // An order that is not there is not made by recording it.
    let missing = order(Reference::random());
    assert!(store.record_attempts(&missing, &[]).await.is_err());
    assert_eq!(store.load(&missing.reference).await.unwrap(), None);
}

async fn counting_quotas(store: &dyn Store) {
    let limits = limits(Quotas {
        orders_per_source_per_hour: 2,
        orders_per_mailbox_per_day: 5,
        confirmations_per_hour: 1,
        confirmations_per_day: 1,
        ..Quotas::default()
    });
    let tag = uuid::Uuid::now_v7().to_string();
    let quota = [
        limits.counter(QuotaKind::Source, &tag, at(0)),
        limits.counter(QuotaKind::Mailbox, &tag, at(0)),
    ];
    let place = |n: &str| {
        let order = order(Reference::random());
        let key = dedupe(n, n, at(86_400));
        let quota = quota.clone();
        async move { store.insert(&order, &key, &quota, at(0)).await.unwrap() }
    };
    assert_eq!(place("q1").await, Insert::Created);
    assert_eq!(place("q2").await, Insert::Created);
    // Over the source's limit: refused, nothing stored, and the mailbox counter untouched.
    let refused = order(Reference::random());
    let key = dedupe("q3", "q3", at(86_400));
    let answer = store.insert(&refused, &key, &quota, at(0)).await.unwrap();
    assert_eq!(answer, Insert::OverQuota(QuotaKind::Source));
    assert_eq!(store.load(&refused.reference).await.unwrap(), None);
    let mailbox_only = [quota[1].clone()];
    let answer = store
        .insert(&refused, &key, &mailbox_only, at(0))
        .await
        .unwrap();
    assert_eq!(
        answer,
        Insert::Created,
        "the mailbox counter was not taken from"
    );

    // A single counter, taken on its own.
    let ceiling = limits.counter(QuotaKind::Confirmations, &tag, at(0));
    assert!(store.take_quota(&ceiling).await.unwrap());
    assert!(!store.take_quota(&ceiling).await.unwrap());
    let next_hour = limits.counter(QuotaKind::Confirmations, &tag, at(3600));
    assert!(store.take_quota(&next_hour).await.unwrap());
}

async fn resending_and_erasing(store: &dyn Store) {
    const DAY: i64 = 86_400;
    let mut placed = order(Reference::random());
    placed.created_at = at(-200 * DAY);
    let key = dedupe("e", "content-e", at(DAY));
    store.insert(&placed, &key, &[], at(0)).await.unwrap();
    let reference = &placed.reference;
    let customer = EmailKind::Customer;
    let address = placed.details.email.to_string();

    // A resend does not take an email from a live sender; a sent one may be sent again, and
    // then only reports about the new message count.
    assert!(
        !store
            .reclaim(reference, customer, held(60, 180))
            .await
            .unwrap()
    );
    assert!(
        store
            .reclaim(reference, customer, held(121, 241))
            .await
            .unwrap()
    );
    for message in ["m-old", "m-new"] {
        let sent = Delivery::Sent {
            message_id: message.into(),
            sent_at: at(130),
        };
        let message = SentMessage {
            sent_at: jiff::Timestamp::now(),
            kind: customer,
            message_id: message.into(),
            recipients: vec![address.clone()],
        };
        store
            .record_delivery(reference, customer, &sent, Some(&message))
            .await
            .unwrap();
        if message.message_id == "m-old" {
            assert!(
                store
                    .reclaim(reference, customer, held(200, 320))
                    .await
                    .unwrap()
            );
        }
    }
    let old = store
        .record_outcome(reported(
            reference,
            "m-old",
            &address,
            Outcome::Bounced,
            400,
        ))
        .await
        .unwrap();
    assert!(matches!(old, OutcomeRecorded::Unchanged { .. }), "{old:?}");
    let new = store
        .record_outcome(reported(
            reference,
            "m-new",
            &address,
            Outcome::Delivered,
            400,
        ))
        .await
        .unwrap();
    assert!(matches!(new, OutcomeRecorded::Changed { .. }), "{new:?}");

    // Due for erasure once the cutoff passes its creation.
    let due = |cutoff| async move { store.due_for_erasure(cutoff, 10_000).await.unwrap() };
    assert!(!due(at(-201 * DAY)).await.contains(reference));
    assert!(due(at(-199 * DAY)).await.contains(reference));

    let erasure = store.erase(reference, at(500)).await.unwrap().unwrap();
    assert_eq!(erasure.removed, ["contact_name", "email"]);
    assert_eq!(
        erasure.dropped,
        ["trainer"],
        "the trainers' email was never sent"
    );
    assert!(!erasure.already_erased);
    assert!(erasure.messages_scrubbed >= 1);
    assert!(matches!(
        store.load(reference).await,
        Err(StoreError::Unreadable { .. })
    ));
    assert!(!due(at(-199 * DAY)).await.contains(reference));
    assert!(
        !store
            .reclaim(reference, customer, held(600, 720))
            .await
            .unwrap()
    );
    // A sender that finishes after the erasure records its email, but does not bring the
    // address back.
    let late_send = Delivery::Sent {
        message_id: "m-new".into(),
        sent_at: at(510),
    };
    store
        .record_delivery(
            reference,
            customer,
            &late_send,
            Some(&SentMessage {
                sent_at: jiff::Timestamp::now(),
                kind: customer,
                message_id: "m-new".into(),
                recipients: vec![address.clone()],
            }),
        )
        .await
        .unwrap();
    // SES's later reports about the message find no recipient any more.
    let late = store
        .record_outcome(reported(
            reference,
            "m-new",
            &address,
            Outcome::Complained,
            600,
        ))
        .await
        .unwrap();
    assert_eq!(late, OutcomeRecorded::UnknownMessage);
    let again = store.erase(reference, at(700)).await.unwrap().unwrap();
    assert!(again.already_erased && again.removed.is_empty());
    assert_eq!(
        store.erase(&Reference::random(), at(700)).await.unwrap(),
        None
    );
}

/// After a bounce the trainers were told; the operator fixes the address and resends: the
/// resend clears what was reported and who was told, so that the next bounce tells them again.
async fn resending_after_the_trainers_were_told(store: &dyn Store) {
    let placed = order(Reference::random());
    let key = dedupe("told", "content-told", at(86_400));
    store.insert(&placed, &key, &[], at(0)).await.unwrap();
    let (reference, customer) = (&placed.reference, EmailKind::Customer);
    let sent = SentMessage {
        sent_at: jiff::Timestamp::now(),
        kind: customer,
        message_id: "m-told".into(),
        recipients: vec![placed.details.email.to_string()],
    };
    let delivered = Delivery::Sent {
        message_id: sent.message_id.clone(),
        sent_at: at(1),
    };
    store
        .record_delivery(reference, customer, &delivered, Some(&sent))
        .await
        .unwrap();
    let bounce = reported(
        reference,
        "m-told",
        &sent.recipients[0],
        Outcome::Bounced,
        2,
    );
    store.record_outcome(bounce).await.unwrap();
    assert!(store.mark_told(reference, customer, at(3)).await.unwrap());
    assert!(
        !store.mark_told(reference, customer, at(4)).await.unwrap(),
        "once"
    );
    assert!(
        store
            .reclaim(reference, customer, held(200, 320))
            .await
            .unwrap()
    );
    assert!(
        store.mark_told(reference, customer, at(400)).await.unwrap(),
        "told again"
    );
}

async fn keeps_the_contract(store: Arc<dyn Store>) {
    resending_after_the_trainers_were_told(store.as_ref()).await;
    resending_and_erasing(store.as_ref()).await;
    inserting_and_deduplicating(store.as_ref()).await;
    claiming_and_recording(store.as_ref()).await;
    recording_both_attempts(store.as_ref()).await;
    counting_quotas(store.as_ref()).await;
    assert_eq!(store.load(&Reference::random()).await.unwrap(), None);
}

#[tokio::test]
async fn the_memory_store_keeps_the_store_contract() {
    keeps_the_contract(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn the_dynamodb_store_keeps_the_store_contract() {
    let app = LocalApp::start().await;
    let store = DynamoDbStore::new(app.dynamodb.clone(), &app.table);
    keeps_the_contract(Arc::new(store)).await;
}
