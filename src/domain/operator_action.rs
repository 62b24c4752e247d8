//! What operators did to an order through the function (`orders fix-email`, `resend`, …): who,
//! what, when, kept on the order and shown by `orders show`.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who an operator says they are: at most this many characters are kept.
pub const MAX_OPERATOR_NAME: usize = 64;

/// The action of `orders fix-email`.
pub const FIX_EMAIL_ACTION: &str = "fix-email";

/// One operator's action on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorAction {
    pub at: Timestamp,
    /// The operator as `orders` names them (`ORDERS_OPERATOR`, else the login name): what the
    /// operator's command says, beside CloudTrail's record of the credential that invoked.
    pub by: String,
    /// The command (`fix-email`, `resend customer`, `book`, …); never an address or a text.
    pub what: String,
}

impl OperatorAction {
    pub fn new(at: Timestamp, by: &str, what: impl Into<String>) -> OperatorAction {
        OperatorAction {
            at,
            by: operator_name(by),
            what: what.into(),
        }
    }
}

/// The name as kept: printable, trimmed, at most `MAX_OPERATOR_NAME` characters; `operator`
/// when none is left.
fn operator_name(by: &str) -> String {
    let name: String = (by.chars())
        .filter(|c| !c.is_control())
        .take(MAX_OPERATOR_NAME)
        .collect::<String>()
        .trim()
        .to_owned();
    if name.is_empty() {
        "operator".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operator_s_name_is_kept_printable_and_short() {
        assert_eq!(operator_name(" pilvi\n"), "pilvi");
        assert_eq!(operator_name("\u{7}"), "operator");
        assert_eq!(operator_name(&"x".repeat(100)).len(), MAX_OPERATOR_NAME);
    }
}
