//! `EmailQueue`: claims, recorded sends, the retry queue; held confirmations wait in a place of
//! their own, so an email SES failed is looked at first, however many held ones are older.

use order_intake::domain::{Delivery, EmailKind, NewOrder, Order, OrderForm, Outcome, Reference};
use order_intake::store::{OutcomeRecorded, SentMessage, Store};

use super::*;
use crate::fixtures::*;

async fn claiming_and_recording(store: &dyn Store) {
    let placed = placed_order(Reference::random());
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
    let placed = placed_order(Reference::random());
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
    let missing = placed_order(Reference::random());
    assert!(store.record_attempts(&missing, &[]).await.is_err());
    assert_eq!(store.load(&missing.reference).await.unwrap(), None);
}

fn order_with(customer_email: Delivery, n: i64) -> Order {
    let form = OrderForm {
        package: Some("somestartti".into()),
        organization: Some(format!("Kunta {n}")),
        contact_name: Some("Anna Virtanen".into()),
        email: Some(format!("anna.{n}@tuusula.example")),
        privacy_consent: Some("true".into()),
        ..OrderForm::default()
    };
    let details = NewOrder::parse(&form, jiff::civil::date(2026, 11, 26)).unwrap();
    let mut order = Order::placed(details, at(n), customer_email);
    let sent = Delivery::Sent {
        message_id: format!("m-{n}"),
        sent_at: at(n),
    };
    order.set_delivery(EmailKind::Trainer, sent);
    order
}

async fn pending_goes_before_older_held(store: &dyn Store) {
    let mut held = Vec::new();
    for n in 0..3 {
        let order = order_with(
            Delivery::Held {
                next_attempt_at: at(10 + n),
                drop_at: at(86_400),
            },
            n,
        );
        held.push(order.reference.clone());
        insert(store, &order).await;
    }
    let pending = order_with(
        Delivery::Pending {
            attempts: 1,
            next_attempt_at: at(50),
        },
        9,
    );
    insert(store, &pending).await;
    assert_eq!(
        store.due_for_retry(at(100), 1).await.unwrap(),
        std::slice::from_ref(&pending.reference),
        "the failed email first, though three held ones are older"
    );
    let all = store.due_for_retry(at(100), 10).await.unwrap();
    assert_eq!(all[0], pending.reference);
    assert_eq!(&all[1..], &held[..], "then the held ones, oldest first");
}

/// Trainers' notifications held for the digest wait in a place the retry run never reads:
/// only the digest's look finds them, and an order with anything else due waits with the
/// due ones.
async fn held_notifications_wait_only_for_the_digest(store: &dyn Store) {
    let for_digest = |n: i64| Delivery::Held {
        next_attempt_at: at(10 + n),
        drop_at: at(86_400),
    };
    let mut digest = Vec::new();
    for n in 0..3 {
        let mut order = order_with(Delivery::Unverified, n);
        order.set_delivery(EmailKind::Trainer, for_digest(n));
        digest.push(order.reference.clone());
        insert(store, &order).await;
    }
    // Held twice (junk over the ceilings): still the digest's, at the notification's time.
    let mut both = order_with(for_digest(0), 5);
    both.set_delivery(EmailKind::Trainer, for_digest(5));
    insert(store, &both).await;
    digest.push(both.reference.clone());
    // A confirmation SES failed, with a held notification: due with the others.
    let mut failed = order_with(
        Delivery::Pending {
            attempts: 1,
            next_attempt_at: at(50),
        },
        9,
    );
    failed.set_delivery(EmailKind::Trainer, for_digest(9));
    insert(store, &failed).await;
    assert_eq!(
        store.due_for_retry(at(100), 10).await.unwrap(),
        std::slice::from_ref(&failed.reference),
        "the retry run meets only the order with an email due"
    );
    assert_eq!(store.due_for_digest(at(100), 10).await.unwrap(), digest);
    assert_eq!(
        store.due_for_digest(at(11), 10).await.unwrap(),
        &digest[..2]
    );
}

/// A confirmation that waits for a person is claimed by the first release only; a sent one
/// by none.
async fn a_waiting_confirmation_is_released_once(store: &dyn Store) {
    let order = Order::placed(new_order(), at(0), Delivery::Unverified);
    insert(store, &order).await;
    let (reference, customer) = (&order.reference, EmailKind::Customer);
    assert!(
        (store.claim_waiting(reference, customer, held(10, 130)))
            .await
            .unwrap()
    );
    assert!(
        !(store.claim_waiting(reference, customer, held(11, 131)))
            .await
            .unwrap(),
        "a second release finds it being sent"
    );
    let sent = Delivery::Sent {
        message_id: "m-released".into(),
        sent_at: at(12),
    };
    (store.record_delivery(reference, customer, &sent, None))
        .await
        .unwrap();
    assert!(
        !(store.claim_waiting(reference, customer, held(13, 133)))
            .await
            .unwrap()
    );
}

store_contract!(
    held_notifications_wait_only_for_the_digest,
    a_waiting_confirmation_is_released_once,
    claiming_and_recording,
    recording_both_attempts,
    pending_goes_before_older_held
);
