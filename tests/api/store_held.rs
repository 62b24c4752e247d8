//! Held confirmations wait in a place of their own in the retry queue: an email SES failed is
//! looked at first, however many held ones are older (both stores).

use std::sync::Arc;

use jiff::Timestamp;
use order_intake::domain::{Delivery, EmailKind, NewOrder, Order, OrderForm};
use order_intake::store::{DedupeKey, DynamoDbStore, Insert, MemoryStore, Store};

use crate::helpers::*;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + seconds).unwrap()
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

async fn pending_goes_before_older_held(store: Arc<dyn Store>) {
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
        insert(store.as_ref(), &order).await;
    }
    let pending = order_with(
        Delivery::Pending {
            attempts: 1,
            next_attempt_at: at(50),
        },
        9,
    );
    insert(store.as_ref(), &pending).await;
    assert_eq!(
        store.due_for_retry(at(100), 1).await.unwrap(),
        std::slice::from_ref(&pending.reference),
        "the failed email first, though three held ones are older"
    );
    let all = store.due_for_retry(at(100), 10).await.unwrap();
    assert_eq!(all[0], pending.reference);
    assert_eq!(&all[1..], &held[..], "then the held ones, oldest first");
}

async fn insert(store: &dyn Store, order: &Order) {
    let dedupe = DedupeKey {
        id: format!("key#{}", uuid::Uuid::now_v7()),
        fingerprint: order.reference.to_string(),
        expires_at: at(86_400),
    };
    let inserted = store.insert(order, &dedupe, &[], order.created_at).await;
    assert_eq!(inserted.unwrap(), Insert::Created);
}

#[tokio::test]
async fn the_memory_store_looks_at_failed_emails_before_held_ones() {
    pending_goes_before_older_held(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn the_dynamodb_store_looks_at_failed_emails_before_held_ones() {
    let app = LocalApp::start().await;
    let store = DynamoDbStore::new(app.dynamodb.clone(), &app.table);
    pending_goes_before_older_held(Arc::new(store)).await;
}
