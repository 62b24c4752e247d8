//! What a cancelled insert transaction means, from DynamoDB's cancellation reasons.

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;

/// What a cancelled insert transaction (order put, dedupe put, then one update per quota
/// counter) means, from its reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cancelled {
    /// The dedupe record is live: this submission was seen before.
    SeenBefore,
    /// The quota counter at this place in the list is at its limit.
    OverQuota(usize),
    /// The order's random reference is taken.
    ReferenceTaken,
    /// Another transaction held the same items.
    Conflict,
    /// Anything else (throttling, validation): storage unavailable for this order.
    Other,
}

pub(super) fn cancelled(error: &TransactWriteItemsError) -> Option<Cancelled> {
    let TransactWriteItemsError::TransactionCanceledException(cancelled) = error else {
        return None;
    };
    let codes: Vec<Option<&str>> = cancelled
        .cancellation_reasons()
        .iter()
        .map(|r| r.code())
        .collect();
    let failed = |index: usize, code: &str| codes.get(index).copied().flatten() == Some(code);
    let over_quota = (2..codes.len()).find(|i| failed(*i, "ConditionalCheckFailed"));
    Some(if failed(1, "ConditionalCheckFailed") {
        Cancelled::SeenBefore
    } else if let Some(index) = over_quota {
        Cancelled::OverQuota(index - 2)
    } else if failed(0, "ConditionalCheckFailed") {
        Cancelled::ReferenceTaken
    } else if codes
        .iter()
        .flatten()
        .any(|code| *code == "TransactionConflict")
    {
        Cancelled::Conflict
    } else {
        Cancelled::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::CancellationReason;
    use aws_sdk_dynamodb::types::error::TransactionCanceledException;

    /// The service error a cancelled transaction with these reasons (order put, dedupe put) is.
    fn cancelled_with(codes: impl AsRef<[&'static str]>) -> TransactWriteItemsError {
        let reasons = codes
            .as_ref()
            .iter()
            .map(|code| CancellationReason::builder().code(*code).build())
            .collect();
        TransactWriteItemsError::TransactionCanceledException(
            TransactionCanceledException::builder()
                .set_cancellation_reasons(Some(reasons))
                .build(),
        )
    }

    #[test]
    fn each_cancellation_reason_means_what_the_insert_says() {
        let cases = [
            (["None", "ConditionalCheckFailed"], Cancelled::SeenBefore),
            (
                ["ConditionalCheckFailed", "ConditionalCheckFailed"],
                Cancelled::SeenBefore,
            ),
            (
                ["ConditionalCheckFailed", "None"],
                Cancelled::ReferenceTaken,
            ),
            (["TransactionConflict", "None"], Cancelled::Conflict),
            (["None", "TransactionConflict"], Cancelled::Conflict),
            (["ThrottlingError", "None"], Cancelled::Other),
            (["ValidationError", "ValidationError"], Cancelled::Other),
        ];
        let quota = [
            (
                &["None", "None", "None", "ConditionalCheckFailed"][..],
                Cancelled::OverQuota(1),
            ),
            (
                &["None", "None", "ConditionalCheckFailed", "None"][..],
                Cancelled::OverQuota(0),
            ),
            (
                &["ConditionalCheckFailed", "None", "ConditionalCheckFailed"][..],
                Cancelled::OverQuota(0),
            ),
            (
                &["None", "ConditionalCheckFailed", "ConditionalCheckFailed"][..],
                Cancelled::SeenBefore,
            ),
        ];
        for (codes, expected) in quota {
            assert_eq!(
                cancelled(&cancelled_with(codes)),
                Some(expected),
                "{codes:?}"
            );
        }
        for (codes, expected) in cases {
            assert_eq!(
                cancelled(&cancelled_with(codes)),
                Some(expected),
                "{codes:?}"
            );
        }
        let other = TransactWriteItemsError::unhandled(std::io::Error::other("boom"));
        assert_eq!(cancelled(&other), None);
    }
}
