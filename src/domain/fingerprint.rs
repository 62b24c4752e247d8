//! An order's fingerprint: what makes a resubmission without an idempotency key a replay.

use sha2::{Digest, Sha256};

use super::{Field, FieldValue, NewOrder};

/// The fields every fingerprint hashes, in this order (a value left out is hashed as empty):
/// changing the list changes every digest, and a replay within the dedupe window after a deploy
/// would become a second order.
const FINGERPRINT_FIELDS: [Field; 15] = [
    Field::Package,
    Field::Organization,
    Field::ContactName,
    Field::Email,
    Field::BusinessId,
    Field::Phone,
    Field::Participants,
    Field::Channels,
    Field::PreferredDates,
    Field::Location,
    Field::EInvoiceAddress,
    Field::EInvoiceOperator,
    Field::BillingReference,
    Field::Message,
    Field::Language,
];

/// Free texts where people type the same thing in different case.
const CASE_BLIND: [Field; 5] = [
    Field::Organization,
    Field::ContactName,
    Field::Location,
    Field::BillingReference,
    Field::InvoiceAddress,
];

impl NewOrder {
    /// A digest of the normalised content: two submissions of the same order have the same one.
    /// Used to recognise a double click or a browser resubmit that carries no idempotency key.
    pub fn fingerprint(&self) -> String {
        const SEP: char = '\u{1F}'; // never inside a field: control characters are refused
        let mut hasher = Sha256::new();
        let mut hash = |text: String| {
            hasher.update(text.as_bytes());
            hasher.update(SEP.to_string().as_bytes());
        };
        for field in FINGERPRINT_FIELDS {
            hash(self.normalised(field).unwrap_or_default());
        }
        // Fields added since are hashed after those, and only when given, so that earlier
        // orders keep their digest.
        for field in Field::order_values().filter(|f| !FINGERPRINT_FIELDS.contains(f)) {
            if let Some(value) = self.normalised(field) {
                hash(value);
            }
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A value as the fingerprint hashes it: inner runs of white space are one space (text is
    /// already NFC and trimmed), case aside where people type the same thing differently, an
    /// address in lower case, a list joined with commas.
    fn normalised(&self, field: Field) -> Option<String> {
        let folded = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(match self.value(field)? {
            FieldValue::List(items) => items.join(","),
            FieldValue::Count(count) => count.to_string(),
            FieldValue::Text(text) if field == Field::Email => text.to_ascii_lowercase(),
            FieldValue::Text(text) if CASE_BLIND.contains(&field) => folded(&text.to_lowercase()),
            FieldValue::Text(text) => folded(&text),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::test_orders::full_order;

    /// A digest stored in a dedupe record must stay the same across deploys.
    #[test]
    fn a_known_order_keeps_its_digest() {
        let mut order = full_order();
        order.invoice_address = Some("PL 60, 04301 Tuusula".into());
        // Fields added since are hashed only when given: an order without them keeps its digest.
        order.workshop_language = None;
        // The digest the code before `NewOrder::values` gave this order.
        let digest = "5eb92e75a33be0f454d7d15e34b26012d220b8a14523384050235ed045c091fa";
        assert_eq!(order.fingerprint(), digest);
    }
}
