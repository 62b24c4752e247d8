//! The partition keys each role writes, as the `dynamodb:LeadingKeys` patterns of its IAM
//! policy in `infra/`: a test here holds every key the code makes to them, and
//! `tests/api/template_agreement.rs` holds the templates to these lists.

/// The function's: orders, dedupe records, the abuse counters and the breaker, the retention
/// run's monthly watermarks, and the trainers' used sign-in links, sessions and their lists
/// (which the operator's role never reads: `orders trainers` asks the function), and the
/// marker of the one-time sealing of orders (`migration#seal`), which no operator may unset.
pub const FUNCTION_KEY_SPACES: [&str; 8] = [
    "order#*",
    "dedupe#*",
    "quota#*",
    "retention#*",
    "signin#*",
    "session#*",
    "trainer-sessions#*",
    "migration#*",
];

/// The operator's (`orders`): orders, invoices and credit notes, the invoice counter, the
/// retention watermarks and the breaker's reset.
pub const OPERATOR_KEY_SPACES: [&str; 5] = [
    "order#*",
    "invoice#*",
    "counter#*",
    "retention#*",
    "quota#breaker",
];

/// The attributes of an `order#` item the operator writes: the key, the invoicing details with
/// their change log (`orders set-invoicing`), and an invoice's or credit note's facts (`orders
/// invoice`, `orders credit`). The operator policy's `dynamodb:Attributes` on orders: nothing
/// the function mails from (the address, the names, the booking's texts) is in it, so the
/// function is their only writer (`orders fix-email` and `erase` are its commands).
pub fn operator_order_attributes() -> Vec<&'static str> {
    use super::attribute::{
        CREDIT_ATTRIBUTES, INVOICE_ATTRIBUTES, INVOICE_NUMBERS_ATTRIBUTE,
        INVOICE_SUMMARY_ATTRIBUTES, INVOICING_CHANGES_ATTRIBUTE,
    };
    let mut names = vec![
        super::item::ORDER_TABLE_PARTITION_KEY,
        INVOICING_CHANGES_ATTRIBUTE,
        INVOICE_NUMBERS_ATTRIBUTE,
    ];
    names.extend(crate::domain::INVOICING_FIELDS.map(crate::domain::Field::name));
    names.extend(INVOICE_ATTRIBUTES);
    names.extend(INVOICE_SUMMARY_ATTRIBUTES);
    names.extend(CREDIT_ATTRIBUTES);
    names
}

/// Whether one of the IAM patterns (`prefix*`, or an exact key) lets a role write `key`.
pub fn allowed(patterns: &[&str], key: &str) -> bool {
    patterns
        .iter()
        .any(|pattern| match pattern.strip_suffix('*') {
            Some(prefix) => key.starts_with(prefix),
            None => key == *pattern,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_writes_nothing_the_function_mails_from() {
        use crate::domain::Field;
        let written = operator_order_attributes();
        let mailed = [
            Field::Email,
            Field::ContactName,
            Field::Organization,
            Field::Phone,
            Field::Message,
        ]
        .map(Field::name);
        for name in mailed
            .iter()
            .chain(&["booking_place", "booking_note", "booking_reason"])
        {
            assert!(!written.contains(name), "the operator may write {name}");
        }
        assert!(written.contains(&"purchase_order") && written.contains(&"invoice_number"));
    }
    use crate::domain::{BREAKER_KEY, Limits, QuotaKind, Quotas, Reference};
    use crate::store::DedupeKey;
    use crate::store::dynamodb::{SEALED_ALL_KEY, WARM_UP_KEY, session_keys, watermark_key};
    use crate::store::item::{dedupe_pk, order_pk};

    #[test]
    fn every_key_the_code_writes_is_in_its_role_s_key_spaces() {
        let now = jiff::Timestamp::now();
        let order = order_pk(&Reference::random());
        let dedupe = dedupe_pk(&DedupeKey {
            id: "key#abc".into(),
            fingerprint: "f".into(),
            expires_at: now,
        });
        let limits = Limits::new(Quotas::default(), "a-test-secret-of-at-least-32-characters");
        let kinds = [
            QuotaKind::Source,
            QuotaKind::Mailbox,
            QuotaKind::TrainerNotifications,
            QuotaKind::Marked,
            QuotaKind::Digest,
        ];
        let quotas = (kinds.into_iter().chain(QuotaKind::CEILINGS))
            .map(|kind| limits.counter(kind, "x", now).key)
            .collect::<Vec<_>>();
        let watermark = watermark_key("2026-12");
        let (sign_in, session, list) = session_keys();
        let function = [
            &order,
            &dedupe,
            &watermark,
            WARM_UP_KEY,
            BREAKER_KEY,
            &sign_in,
            &session,
            &list,
            SEALED_ALL_KEY,
        ];
        for key in function
            .into_iter()
            .chain(quotas.iter().map(String::as_str))
        {
            assert!(
                allowed(&FUNCTION_KEY_SPACES, key),
                "the function writes {key}"
            );
        }
        // The operator's own keys (invoices, their counter) are checked in ops/src/store.
        for key in [&order, &watermark, BREAKER_KEY] {
            assert!(
                allowed(&OPERATOR_KEY_SPACES, key),
                "the operator writes {key}"
            );
        }
        assert!(!allowed(&OPERATOR_KEY_SPACES, &dedupe));
        for key in [&sign_in, &session, &list] {
            assert!(
                !allowed(&OPERATOR_KEY_SPACES, key),
                "the operator reads no {key}"
            );
        }
    }
}
