//! What the tests build orders from: a time, a valid order, an order as placed, its dedupe
//! record.

use jiff::Timestamp;
use order_intake::domain::{Delivery, NewOrder, Order, OrderForm, Reference};
use order_intake::store::{DedupeKey, Insert, Store};

/// Whole seconds: the DynamoDB store keeps due times in epoch seconds.
pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + seconds).unwrap()
}

pub fn new_order() -> NewOrder {
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
pub fn placed_order(reference: Reference) -> Order {
    let details = new_order();
    let sending = Delivery::Sending {
        attempts: 0,
        until: at(120),
    };
    let mut order = Order {
        reference,
        ..Order::placed(details, at(0), sending)
    };
    // As the function stores it: sealed.
    crate::helpers::seal().seal(&mut order);
    order
}

pub fn dedupe(id: &str, fingerprint: &str, expires_at: Timestamp) -> DedupeKey {
    DedupeKey {
        id: format!("key#{id}-{}", uuid::Uuid::now_v7().simple()),
        fingerprint: fingerprint.into(),
        expires_at,
    }
}

pub async fn insert(store: &dyn Store, order: &Order) {
    let dedupe = DedupeKey {
        id: format!("key#{}", uuid::Uuid::now_v7()),
        fingerprint: order.reference.to_string(),
        expires_at: at(86_400),
    };
    let inserted = store.insert(order, &dedupe, &[], order.created_at).await;
    assert_eq!(inserted.unwrap(), Insert::Created);
}

/// A trainer's booking form: Tuesday 30 March 2027, 9–13, at the council hall, Pilvi Nummi.
pub const BOOK: [(&str, &str); 6] = [
    ("action", "book"),
    ("date", "2027-03-30"),
    ("start", "09:00"),
    ("end", "13:00"),
    ("place", "Kunnantalo, valtuustosali"),
    ("trainer", "Pilvi Nummi"),
];
