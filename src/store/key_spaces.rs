//! The partition keys each role writes, as the `dynamodb:LeadingKeys` patterns of its IAM
//! policy in `infra/`: a test here holds every key the code makes to them, and
//! `tests/api/template_agreement.rs` holds the templates to these lists.

/// The function's: orders, dedupe records, the abuse counters and the breaker, the retention
/// run's monthly watermarks, and the trainers' used sign-in links, sessions and their lists
/// (which the operator's role never reads: `orders trainers` asks the function).
pub const FUNCTION_KEY_SPACES: [&str; 7] = [
    "order#*",
    "dedupe#*",
    "quota#*",
    "retention#*",
    "signin#*",
    "session#*",
    "trainer-sessions#*",
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
    use crate::domain::{BREAKER_KEY, Limits, QuotaKind, Quotas, Reference};
    use crate::store::DedupeKey;
    use crate::store::dynamodb::{WARM_UP_KEY, session_keys, watermark_key};
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
