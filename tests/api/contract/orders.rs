//! `Orders` and `QuotaCounters`: an order and its dedupe record in one write, a replay answered with the stored order, the counters.

use order_intake::domain::{QuotaKind, Quotas, Reference};
use order_intake::store::{DedupeKey, Insert, Store};

use super::*;
use crate::fixtures::*;
use crate::helpers::*;

async fn inserting_and_deduplicating(store: &dyn Store) {
    let first = placed_order(Reference::random());
    let key = dedupe("a", "content-1", at(86_400));
    let inserted = store.insert(&first, &key, &[], at(0)).await.unwrap();
    assert_eq!(inserted, Insert::Created);
    assert_eq!(
        store.load(&first.reference).await.unwrap(),
        Some(first.clone())
    );

    // The same submission again is the stored order; the same key for other content is refused.
    let again = placed_order(Reference::random());
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
    let same_reference = placed_order(first.reference.clone());
    let fresh_key = dedupe("b", "content-3", at(86_400));
    let taken = store.insert(&same_reference, &fresh_key, &[], at(10)).await;
    assert_eq!(taken.unwrap(), Insert::ReferenceTaken);
    assert_eq!(store.load(&first.reference).await.unwrap(), Some(first));

    // A dedupe record past its expiry no longer makes a duplicate, even before TTL deletes it.
    let short = dedupe("c", "content-4", at(100));
    let early = placed_order(Reference::random());
    assert_eq!(
        store.insert(&early, &short, &[], at(0)).await.unwrap(),
        Insert::Created
    );
    let later = placed_order(Reference::random());
    assert_eq!(
        store.insert(&later, &short, &[], at(200)).await.unwrap(),
        Insert::Created
    );
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
        let order = placed_order(Reference::random());
        let key = dedupe(n, n, at(86_400));
        let quota = quota.clone();
        async move { store.insert(&order, &key, &quota, at(0)).await.unwrap() }
    };
    assert_eq!(place("q1").await, Insert::Created);
    assert_eq!(place("q2").await, Insert::Created);
    // Over the source's limit: refused, nothing stored, and the mailbox counter untouched.
    let refused = placed_order(Reference::random());
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

/// Loading an order that was never stored finds none.
async fn a_missing_order_is_none(store: &dyn Store) {
    assert_eq!(store.load(&Reference::random()).await.unwrap(), None);
}

/// Revoking an order's customer links moves their generation on, once per call; a missing or
/// erased order has none to revoke.
async fn revoking_customer_links(store: &dyn Store) {
    let order = placed_order(Reference::random());
    insert(store, &order).await;
    assert_eq!(order.customer_link_generation, 0);
    assert_eq!(
        store.revoke_customer_links(&order.reference).await.unwrap(),
        Some(1)
    );
    assert_eq!(
        store.revoke_customer_links(&order.reference).await.unwrap(),
        Some(2)
    );
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    assert_eq!(loaded.customer_link_generation, 2);
    assert_eq!(
        store
            .revoke_customer_links(&Reference::random())
            .await
            .unwrap(),
        None
    );
    store.erase(&order.reference, at(10)).await.unwrap();
    assert_eq!(
        store.revoke_customer_links(&order.reference).await.unwrap(),
        None
    );
}

store_contract!(
    inserting_and_deduplicating,
    counting_quotas,
    a_missing_order_is_none,
    revoking_customer_links
);
