//! `Retention`: erasure keeps what the bookkeeping needs and drops the unsent emails.

use order_intake::domain::{Delivery, EmailKind, Outcome, Reference};
use order_intake::store::{OutcomeRecorded, SentMessage, Store, StoreError};

use super::*;
use crate::fixtures::*;

async fn resending_and_erasing(store: &dyn Store) {
    const DAY: i64 = 86_400;
    let mut placed = placed_order(Reference::random());
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

store_contract!(resending_and_erasing);
