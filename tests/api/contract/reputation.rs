//! `Reputation`: the breaker's item.

use jiff::Timestamp;
use order_intake::domain::{
    BreakerLimits, Culprit, EmailAddress, QuotaKind, Quotas, SourceAddress, Strike,
};
use order_intake::store::Store;

use super::store_contract;
use crate::helpers::*;

/// Monday 1 March 2027, 09:00 in Helsinki.
const START: i64 = 1_803_020_400;

/// The breaker's item in both stores: strikes counted over a day with their networks, one
/// trip however often asked, the order's transaction held by it until its end, a reset.
async fn strikes_trip_once_and_a_reset_clears_them(store: &dyn Store) {
    let at = |hours: i64| Timestamp::from_second(START + hours * 3600).unwrap();
    assert!(!store.breaker().await.unwrap().is_tripped(at(0)));
    for hour in 0..3 {
        store
            .strike(Strike::Bounce, &format!("net{hour}"), at(hour))
            .await
            .unwrap();
    }
    let state = store
        .strike(Strike::Complaint, "net0", at(3))
        .await
        .unwrap();
    assert_eq!(state.counts(at(3)), (3, 1));
    assert_eq!(state.networks(at(3)), 3);
    assert!(state.over(BreakerLimits::default(), at(3)));
    assert!(store.trip(at(3), at(15)).await.unwrap());
    assert!(!store.trip(at(3), at(16)).await.unwrap(), "tripped once");
    let state = store.breaker().await.unwrap();
    assert_eq!(
        state.tripped_until,
        Some(at(16)),
        "a later strike moves the end"
    );
    assert!(!store.trip(at(4), at(10)).await.unwrap());
    assert_eq!(
        store.breaker().await.unwrap().tripped_until,
        Some(at(16)),
        "never earlier"
    );
    let limits = limits(Quotas::default());
    let breaker = |hours| limits.counter(QuotaKind::Breaker, "everyone", at(hours));
    assert!(!store.take_quota(&breaker(3)).await.unwrap());
    assert!(
        store.take_quota(&breaker(16)).await.unwrap(),
        "the trip ended by itself"
    );
    store.reset_breaker(at(4)).await.unwrap();
    let state = store.breaker().await.unwrap();
    assert!(!state.is_tripped(at(4)));
    assert_eq!(
        state.counts(at(5)),
        (0, 0),
        "strikes before the reset no longer count"
    );
    assert!(store.take_quota(&breaker(5)).await.unwrap());
    // Strikes are trimmed: a long attack does not grow the item without bound.
    for n in 0..60 {
        store
            .strike(Strike::Bounce, "net", at(5 + n))
            .await
            .unwrap();
    }
    let kept = store.breaker().await.unwrap().bounces.len();
    assert!(kept <= order_intake::domain::MAX_STRIKES_KEPT, "{kept}");
    let _ = store
        .load(&order_intake::domain::Reference::random())
        .await
        .unwrap();
}

/// A mark: its source's and mailbox's orders fail the check until it ends, a shorter mark
/// never shortens it, and an order of another source and mailbox passes.
async fn a_mark_holds_its_source_and_mailbox_until_it_ends(store: &dyn Store) {
    let at = |hours: i64| Timestamp::from_second(START + hours * 3600).unwrap();
    let limits = limits(Quotas::default());
    let source = SourceAddress::parse("198.51.100.7").unwrap();
    let email = EmailAddress::parse("dead@nowhere.example").unwrap();
    let culprit = limits.culprit(&source, &email);
    let other = limits.culprit(
        &SourceAddress::parse("203.0.113.9").unwrap(),
        &EmailAddress::parse("real@kunta.example").unwrap(),
    );
    let unmarked = |c: &Culprit, hours| limits.unmarked(c, at(hours));
    for check in unmarked(&culprit, 0) {
        assert!(
            store.take_quota(&check).await.unwrap(),
            "nothing marked yet"
        );
    }
    store.mark(&culprit, at(168)).await.unwrap();
    store.mark(&culprit, at(24)).await.unwrap();
    for check in unmarked(&culprit, 100) {
        assert!(!store.take_quota(&check).await.unwrap(), "{check:?}");
    }
    for check in unmarked(&culprit, 168)
        .into_iter()
        .chain(unmarked(&other, 1))
    {
        assert!(store.take_quota(&check).await.unwrap(), "{check:?}");
    }
}

store_contract!(
    strikes_trip_once_and_a_reset_clears_them,
    a_mark_holds_its_source_and_mailbox_until_it_ends
);
