//! The order's integrity seal: a keyed hash (HMAC-SHA-256 under `ORDER_SEAL_SECRET`, which only
//! the function reads) of everything the function mails from — the order's identity, the
//! customer's fields but the invoicing details, the price and the booking. The function writes
//! it with every change to those (intake, a booking, `fix-email`) and sends nothing from an
//! order whose seal does not verify: an item written by anyone else (an operator's credential,
//! a console edit) is never mailed. The invoicing details and the invoice facts, which the
//! operator writes, are outside it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{FieldValue, INVOICING_FIELDS, Order};

/// The function's sealing key.
#[derive(Clone, PartialEq, Eq)]
pub struct OrderSeal {
    key: Vec<u8>,
}

impl std::fmt::Debug for OrderSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OrderSeal(..)")
    }
}

/// What an order's seal says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealCheck {
    /// Written by the function as it stands.
    Intact,
    /// No seal: stored before seals, until the one-time migration seals it (`SealOrders`).
    Unsealed,
    /// Changed by someone else since the function wrote it.
    Broken,
}

impl OrderSeal {
    pub fn new(secret: &str) -> OrderSeal {
        OrderSeal {
            key: secret.as_bytes().to_vec(),
        }
    }

    /// A key of this process alone (a test, or a wiring not given one): what it seals
    /// verifies nowhere else.
    pub fn random() -> OrderSeal {
        let mut key = vec![0; 32];
        getrandom::fill(&mut key).expect("the system's random source answers");
        OrderSeal { key }
    }

    fn mac(&self, order: &Order) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        for part in sealed_parts(order) {
            // Length-prefixed, so that no two different orders write the same bytes.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac
    }

    /// The seal of the order as it stands (base64url, 43 characters).
    pub fn of(&self, order: &Order) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(order).finalize().into_bytes())
    }

    /// The order with its seal made anew (after the function changed it).
    pub fn seal(&self, order: &mut Order) {
        order.seal = Some(self.of(order));
    }

    pub fn check(&self, order: &Order) -> SealCheck {
        let Some(seal) = &order.seal else {
            return SealCheck::Unsealed;
        };
        // In constant time: the comparison tells nothing of the right seal.
        match URL_SAFE_NO_PAD.decode(seal) {
            Ok(tag) if self.mac(order).verify_slice(&tag).is_ok() => SealCheck::Intact,
            _ => SealCheck::Broken,
        }
    }
}

/// What the seal covers, in a fixed order, each part labelled.
fn sealed_parts(order: &Order) -> Vec<String> {
    let mut parts = vec![
        "seal v1".to_owned(),
        format!("reference={}", order.reference),
        format!("order_id={}", order.order_id),
        format!("created_at={}", order.created_at),
        format!(
            "price={}/{}/{}",
            order.price.net_cents, order.price.vat_cents, order.price.gross_cents
        ),
    ];
    for (field, value) in order.details.values() {
        if INVOICING_FIELDS.contains(&field) {
            continue;
        }
        let value = match value {
            FieldValue::Text(text) => format!("t{text}"),
            FieldValue::Count(count) => format!("n{count}"),
            FieldValue::List(items) => format!("l{items:?}"),
        };
        parts.push(format!("{}={value}", field.name()));
    }
    if let Some(b) = &order.booking {
        parts.extend([
            format!("booking={}", b.state.as_str()),
            format!("when={}/{}", b.start, b.end),
            format!("place={}", b.place),
            format!("trainers={:?}", b.trainers),
            format!("note={:?}", b.note),
            format!("reason={:?}", b.reason),
            format!(
                "fee={:?}/{:?}",
                b.fee_percent,
                b.fee_vat.map(|v| v.as_str())
            ),
        ]);
    }
    if let Some(r) = &order.payment_reminder {
        parts.push(format!(
            "payment_reminder={}/{}/{}/{}/{}",
            r.invoice, r.open_cents, r.due_date, r.new_due_date, r.at
        ));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_orders;

    #[test]
    fn a_seal_verifies_under_its_key_only_and_breaks_with_what_is_mailed() {
        let seal = OrderSeal::new("a-seal-secret-of-at-least-32-characters");
        let now = jiff::Timestamp::now();
        let details = test_orders::full_order();
        let mut order = Order::placed(details, now, crate::domain::Delivery::Dropped);
        assert_eq!(seal.check(&order), SealCheck::Unsealed);
        seal.seal(&mut order);
        assert_eq!(seal.check(&order), SealCheck::Intact);
        assert_eq!(OrderSeal::random().check(&order), SealCheck::Broken);
        let mut readdressed = order.clone();
        readdressed.details.email = crate::domain::EmailAddress::parse("x@example.org").unwrap();
        assert_eq!(seal.check(&readdressed), SealCheck::Broken);
        // The operator's invoicing details are outside it.
        let mut invoiced = order.clone();
        invoiced.details.purchase_order = Some("PO-1".to_owned());
        assert_eq!(seal.check(&invoiced), SealCheck::Intact);
    }
}
