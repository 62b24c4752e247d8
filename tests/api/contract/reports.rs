//! `DeliveryReports`: SES's reports recorded once per message and recipient; the trainers told once.

use order_intake::domain::{Delivery, EmailKind, Outcome, Reference};
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

store_contract!(resending_after_the_trainers_were_told);
