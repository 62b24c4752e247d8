//! `Reputation`: the breaker's item.

use jiff::Timestamp;
use order_intake::domain::{BreakerLimits, Quotas, Strike};
use order_intake::store::Store;

use super::store_contract;
use crate::helpers::*;

/// Monday 1 March 2027, 09:00 in Helsinki.
const START: i64 = 1_803_020_400;

/// The breaker's item in both stores: strikes counted over a day, one trip however often asked,
/// the order's transaction held by it, a reset.
async fn strikes_trip_once_and_a_reset_clears_them(store: &dyn Store) {
    let at = |hours: i64| Timestamp::from_second(START + hours * 3600).unwrap();
    assert!(!store.breaker().await.unwrap().is_tripped());
    for hour in 0..3 {
        store.strike(Strike::Bounce, at(hour)).await.unwrap();
    }
    let state = store.strike(Strike::Complaint, at(3)).await.unwrap();
    assert_eq!(state.counts(at(3)), (3, 1));
    assert!(state.over(BreakerLimits::default(), at(3)));
    assert!(store.trip(at(3)).await.unwrap());
    assert!(!store.trip(at(3)).await.unwrap(), "tripped once");
    let limits = limits(Quotas::default());
    let breaker = limits.counter(order_intake::domain::QuotaKind::Breaker, "everyone", at(3));
    assert!(!store.take_quota(&breaker).await.unwrap());
    store.reset_breaker(at(4)).await.unwrap();
    let state = store.breaker().await.unwrap();
    assert!(!state.is_tripped());
    assert_eq!(
        state.counts(at(5)),
        (0, 0),
        "strikes before the reset no longer count"
    );
    assert!(store.take_quota(&breaker).await.unwrap());
    // Strikes are trimmed: a long attack does not grow the item without bound.
    for n in 0..60 {
        store.strike(Strike::Bounce, at(5 + n)).await.unwrap();
    }
    let kept = store.breaker().await.unwrap().bounces.len();
    assert!(kept <= order_intake::domain::MAX_STRIKES_KEPT, "{kept}");
    let _ = store
        .load(&order_intake::domain::Reference::random())
        .await
        .unwrap();
}

store_contract!(strikes_trip_once_and_a_reset_clears_them);
