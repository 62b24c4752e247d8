//! One door per kind of caller. The function is deployed with three aliases of the same
//! version: API Gateway invokes `web`, EventBridge's rules `events`, the operator's role only
//! `operator`. Each event kind is accepted only through its own alias, read from the ARN the
//! invocation named (`invoked_function_arn`), so whoever may invoke one alias cannot pass for
//! another caller: an operator cannot forge SES's reports or an HTTP request's source, and an
//! HTTP client cannot reach the operator's commands. The unqualified function and a bare
//! version are no door at all.

/// A door: the alias an invocation came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// HTTP requests (API Gateway, the cargo-lambda path's Function URL).
    Web,
    /// The retry run's schedule and SES's delivery reports (EventBridge).
    Events,
    /// `orders`' commands.
    Operator,
}

impl Door {
    pub const ALL: [Door; 3] = [Door::Web, Door::Events, Door::Operator];

    /// The alias's name.
    pub fn alias(self) -> &'static str {
        match self {
            Door::Web => "web",
            Door::Events => "events",
            Door::Operator => "operator",
        }
    }

    /// The door of `arn:aws:lambda:REGION:ACCOUNT:function:NAME:ALIAS`; `None` for the function
    /// itself, a version (`:7`, `:$LATEST`) or another alias.
    pub fn of_arn(arn: &str) -> Option<Door> {
        let parts: Vec<&str> = arn.split(':').collect();
        let ["arn", _, "lambda", _, _, "function", _, qualifier] = parts.as_slice() else {
            return None;
        };
        Door::ALL
            .into_iter()
            .find(|door| door.alias() == *qualifier)
    }
}

/// Which doors admit which events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Doors {
    /// Deployed: each kind of event only through its own alias.
    #[default]
    ByAlias,
    /// `DOORS=local`: every kind through any ARN, for `make dev` and the end-to-end run under
    /// `cargo lambda watch`, which names no alias. Configuration accepts it only with a
    /// loopback `PUBLIC_URL`.
    Local,
}

/// An event that came through another door than its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {kind} event is not accepted through {came}: only through the {expected} alias")]
pub struct WrongDoor {
    pub kind: &'static str,
    pub expected: &'static str,
    /// The alias it came through, `the function` or `a version`.
    pub came: String,
}

impl Doors {
    /// Whether an event of `kind`, whose door is `own`, is admitted through `arn`; a refusal
    /// is logged and counted (`EventsRefused` by door and kind).
    pub fn admit(self, own: Door, kind: &'static str, arn: &str) -> Result<(), WrongDoor> {
        let came = Door::of_arn(arn);
        if self == Doors::Local || came == Some(own) {
            return Ok(());
        }
        let came = match came {
            Some(door) => format!("the {} alias", door.alias()),
            None if arn.split(':').count() == 7 => "the function itself".to_owned(),
            None => "a version or unknown alias".to_owned(),
        };
        let refused = WrongDoor {
            kind,
            expected: own.alias(),
            came,
        };
        tracing::warn!(kind, door = own.alias(), came = %refused.came, "event refused: not its door");
        crate::measure::event_refused(own.alias(), kind);
        Err(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUNCTION: &str = "arn:aws:lambda:eu-north-1:123456789012:function:orders-order-intake";

    #[test]
    fn each_kind_passes_only_its_own_alias() {
        let kinds = [
            (Door::Web, "http"),
            (Door::Events, "scheduled"),
            (Door::Events, "email-report"),
            (Door::Operator, "operator"),
        ];
        for (own, kind) in kinds {
            for door in Door::ALL {
                let arn = format!("{FUNCTION}:{}", door.alias());
                let admitted = Doors::ByAlias.admit(own, kind, &arn);
                assert_eq!(admitted.is_ok(), door == own, "{kind} through {arn}");
            }
            for arn in [
                FUNCTION.to_owned(),
                format!("{FUNCTION}:7"),
                format!("{FUNCTION}:$LATEST"),
            ] {
                let refused = Doors::ByAlias.admit(own, kind, &arn).unwrap_err();
                assert_eq!(refused.expected, own.alias());
                assert!(!refused.came.contains("alias") || refused.came.contains("unknown"));
            }
            // Locally every ARN is the unqualified function's: DOORS=local lets all in.
            assert!(Doors::Local.admit(own, kind, FUNCTION).is_ok());
        }
    }

    #[test]
    fn only_a_lambda_function_s_alias_is_a_door() {
        assert_eq!(
            Door::of_arn(&format!("{FUNCTION}:operator")),
            Some(Door::Operator)
        );
        for arn in [
            "operator",
            "arn:aws:lambda:eu-north-1:123456789012:function:operator",
            "arn:aws:sns:eu-north-1:123456789012:function:x:operator",
            "arn:aws:lambda:eu-north-1:123456789012:function:x:operator:extra",
            "arn:aws:lambda:eu-north-1:123456789012:function:x:Operator",
        ] {
            assert_eq!(Door::of_arn(arn), None, "{arn}");
        }
    }
}
