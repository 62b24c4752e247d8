//! `Corrections`: an order's invoicing details corrected (`orders set-invoicing`, the customer's
//! page), only what differs changed and logged, on both stores.

use order_intake::domain::Reference;
use order_intake::store::Store;

use super::bookings::stored;
use super::*;
use crate::fixtures::*;

/// `Corrections::set_invoicing`: only what differs is changed and logged, by whom; the values
/// the order is read back with; a missing order is `NoOrder`.
async fn invoicing_corrections_change_and_log_what_differs(store: &dyn Store) {
    use order_intake::domain::Field;
    use order_intake::store::Corrected;
    let order = stored(store).await;
    let values = [
        (Field::PurchaseOrder, Some("PO-77".to_owned())),
        (Field::BillingReference, None),
    ];
    let corrected = store
        .set_invoicing(&order.reference, &values, "customer", at(30), true)
        .await
        .unwrap();
    let Corrected::Changed(made) = corrected else {
        panic!("{corrected:?}");
    };
    let fields: Vec<(&str, &str)> = made
        .iter()
        .map(|c| (c.field.as_str(), c.by.as_str()))
        .collect();
    let had_reference = order.details.value(Field::BillingReference).is_some();
    let expected = if had_reference { 2 } else { 1 };
    assert_eq!(fields.len(), expected, "{fields:?}");
    assert_eq!(fields[0], ("purchase_order", "customer"));
    let loaded = store.load(&order.reference).await.unwrap().unwrap();
    let po = loaded.details.value(Field::PurchaseOrder);
    assert_eq!(
        po.and_then(|v| v.as_text().map(str::to_owned)).as_deref(),
        Some("PO-77")
    );
    assert_eq!(loaded.details.value(Field::BillingReference), None);
    let again = store
        .set_invoicing(&order.reference, &values, "customer", at(31), true)
        .await
        .unwrap();
    assert_eq!(
        again,
        Corrected::Changed(Vec::new()),
        "the same values again: no change"
    );
    let missing = store
        .set_invoicing(&Reference::random(), &values, "customer", at(32), true)
        .await
        .unwrap();
    assert_eq!(missing, Corrected::NoOrder);
}

store_contract!(invoicing_corrections_change_and_log_what_differs);
