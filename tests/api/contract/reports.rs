//! `DeliveryReports`: SES's reports recorded once per message and recipient; the trainers told once.

use order_intake::domain::{Delivery, EmailKind, Order, Outcome, Reference};
use order_intake::store::{SentMessage, Store};

use super::*;
use crate::fixtures::*;

/// After a bounce the trainers were told; the operator fixes the address and resends: the
/// resend clears what was reported and who was told, so that the next bounce tells them again.
async fn resending_after_the_trainers_were_told(store: &dyn Store) {
    let placed = placed_order(Reference::random());
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

/// Telling the trainers failed: the mark is taken back, so a later report tells them.
async fn a_told_mark_taken_back_lets_a_later_report_tell(store: &dyn Store) {
    let placed = placed_order(Reference::random());
    insert(store, &placed).await;
    let (reference, customer) = (&placed.reference, EmailKind::Customer);
    assert!(store.mark_told(reference, customer, at(10)).await.unwrap());
    assert!(
        !store.mark_told(reference, customer, at(11)).await.unwrap(),
        "once"
    );
    store.unmark_told(reference, customer).await.unwrap();
    assert!(store.mark_told(reference, customer, at(12)).await.unwrap());
}

/// A check after a transient bounce brings a finished order back to the retry run at its
/// time, and clearing it takes the order out again.
async fn a_check_after_a_transient_bounce_is_due_at_its_time(store: &dyn Store) {
    let sent = Delivery::Sent {
        message_id: "m-check".into(),
        sent_at: at(1),
    };
    let mut order = Order::placed(new_order(), at(0), sent);
    insert(store, &order).await;
    let reference = &order.reference;
    let due = |now| async move { store.due_for_retry(now, 50).await.unwrap() };
    assert!(!due(at(600)).await.contains(reference), "finished");
    store.set_check(reference, Some(at(500))).await.unwrap();
    order.reports.check_at = Some(at(500));
    store.reschedule(&order).await.unwrap();
    assert!(!due(at(499)).await.contains(reference));
    assert!(due(at(500)).await.contains(reference));
    let stored = store.load(reference).await.unwrap().unwrap();
    assert_eq!(stored.reports.check_at, Some(at(500)));
    store.set_check(reference, None).await.unwrap();
    order.reports.check_at = None;
    store.reschedule(&order).await.unwrap();
    assert!(!due(at(600)).await.contains(reference));
    let stored = store.load(reference).await.unwrap().unwrap();
    assert_eq!(stored.reports.check_at, None);
}

store_contract!(
    resending_after_the_trainers_were_told,
    a_told_mark_taken_back_lets_a_later_report_tell,
    a_check_after_a_transient_bounce_is_due_at_its_time,
);
