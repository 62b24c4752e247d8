//! What operators' commands leave on an order: its operator log (`domain::OperatorAction`) ⇄
//! its `operator_actions` attribute, a list of `{at, by, what}` maps, oldest first; and the
//! latest payment reminder (`domain::PaymentReminder`) ⇄ its `payment_reminder` map.

use aws_sdk_dynamodb::types::AttributeValue;

use super::attribute::Attribute;
use super::codec::{Item, map_list, s, text};
use super::codec::{n, number};
use crate::domain::{OperatorAction, PaymentReminder};

/// One action as a list element.
pub fn operator_action_value(action: &OperatorAction) -> AttributeValue {
    AttributeValue::M(
        [
            ("at".to_owned(), s(action.at.to_string())),
            ("by".to_owned(), s(&action.by)),
            ("what".to_owned(), s(&action.what)),
        ]
        .into(),
    )
}

/// The order's log; an entry this code cannot read is left out.
pub fn operator_actions_from_item(item: &Item) -> Vec<OperatorAction> {
    map_list(item, Attribute::OperatorActions.name(), |entry| {
        Some(OperatorAction {
            at: text(entry, "at")?.parse().ok()?,
            by: text(entry, "by")?.to_owned(),
            what: text(entry, "what")?.to_owned(),
        })
    })
}

/// The reminder as a map attribute.
pub fn payment_reminder_value(reminder: &PaymentReminder) -> AttributeValue {
    AttributeValue::M(
        [
            ("invoice".to_owned(), n(reminder.invoice)),
            ("open_cents".to_owned(), n(reminder.open_cents)),
            ("due_date".to_owned(), s(reminder.due_date.to_string())),
            (
                "new_due_date".to_owned(),
                s(reminder.new_due_date.to_string()),
            ),
            ("at".to_owned(), s(reminder.at.to_string())),
        ]
        .into(),
    )
}

/// The order's latest reminder; `None` without one (or one this code cannot read).
pub fn payment_reminder_from_item(item: &Item) -> Option<PaymentReminder> {
    let map = item.get(Attribute::PaymentReminder.name())?.as_m().ok()?;
    Some(PaymentReminder {
        invoice: number(map, "invoice")?.try_into().ok()?,
        open_cents: number(map, "open_cents")?,
        due_date: text(map, "due_date")?.parse().ok()?,
        new_due_date: text(map, "new_due_date")?.parse().ok()?,
        at: text(map, "at")?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operator_action_reads_back_as_written() {
        let action = OperatorAction::new(jiff::Timestamp::UNIX_EPOCH, "pilvi", "fix-email");
        let item = Item::from([(
            Attribute::OperatorActions.name().to_owned(),
            AttributeValue::L(vec![operator_action_value(&action), s("junk")]),
        )]);
        assert_eq!(operator_actions_from_item(&item), vec![action]);
    }
}
