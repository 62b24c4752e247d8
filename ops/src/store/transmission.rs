//! Sending a document through the e-invoice operator, never twice: the document is marked
//! `sending` (a conditional write: not sent, and not `sending` or `unknown` already) before the
//! request; a clear answer records `sent` (as `sent_at`, so it prints as a copy from then on)
//! or `failed`; no clear answer leaves it `unknown`, which only a person ends, after looking in
//! the operator's portal (`orders document N --record sent|failed`). Each step is kept in the
//! document's history (`send_history`).

use aws_sdk_dynamodb::types::AttributeValue;

use super::DynamoDbOperatorStore;
use super::document::{SENT_AT_ATTRIBUTE, SENT_HOW_ATTRIBUTE, invoice_pk};
use order_intake::store::Result;
use order_intake::store::codec::{Item, s};
use order_intake::store::dynamodb::written;
use order_intake::store::item::ORDER_TABLE_PARTITION_KEY;

use super::send_step::{HISTORY_ATTRIBUTE, STATE_ATTRIBUTE, SendState, SendStep};

/// The states a step may follow: `None` for a document never sent through the operator.
pub(super) fn may_follow(state: SendState) -> &'static [Option<SendState>] {
    match state {
        SendState::Sending => &[None, Some(SendState::Failed)],
        SendState::Sent | SendState::Failed => {
            &[Some(SendState::Sending), Some(SendState::Unknown)]
        }
        SendState::Unknown => &[Some(SendState::Sending)],
    }
}

impl DynamoDbOperatorStore {
    /// Writes `step` if the document's state is one it may follow (and, for `sending`, the
    /// document is not sent by any way): `false` otherwise.
    pub(super) async fn write_send_step(&self, number: u32, step: &SendStep) -> Result<bool> {
        let entry = AttributeValue::M(Item::from([
            ("at".to_owned(), s(step.at.to_string())),
            ("state".to_owned(), s(step.state.as_str())),
            ("note".to_owned(), s(&step.note)),
        ]));
        let mut allowed = Vec::new();
        let mut update = (self.store.client().update_item())
            .table_name(self.store.table())
            .key(ORDER_TABLE_PARTITION_KEY, s(invoice_pk(number)))
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .expression_attribute_names("#state", STATE_ATTRIBUTE)
            .expression_attribute_names("#history", HISTORY_ATTRIBUTE)
            .expression_attribute_values(":state", s(step.state.as_str()))
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":one", AttributeValue::L(vec![entry]));
        for (i, from) in may_follow(step.state).iter().enumerate() {
            allowed.push(match from {
                None => "attribute_not_exists(#state)".to_owned(),
                Some(state) => {
                    update =
                        update.expression_attribute_values(format!(":from{i}"), s(state.as_str()));
                    format!("#state = :from{i}")
                }
            });
        }
        let mut set =
            "#state = :state, #history = list_append(if_not_exists(#history, :empty), :one)"
                .to_owned();
        let mut condition = format!("attribute_exists(#pk) AND ({})", allowed.join(" OR "));
        match step.state {
            SendState::Sending => {
                condition.push_str(" AND attribute_not_exists(#sent)");
                update = update.expression_attribute_names("#sent", SENT_AT_ATTRIBUTE);
            }
            SendState::Sent => {
                set.push_str(
                    ", #sent = if_not_exists(#sent, :at), #how = if_not_exists(#how, :how)",
                );
                update = update
                    .expression_attribute_names("#sent", SENT_AT_ATTRIBUTE)
                    .expression_attribute_names("#how", SENT_HOW_ATTRIBUTE)
                    .expression_attribute_values(":at", s(step.at.to_string()))
                    .expression_attribute_values(
                        ":how",
                        s(format!("through the operator: {}", step.note)),
                    );
            }
            SendState::Failed | SendState::Unknown => {}
        }
        let sent = update
            .update_expression(format!("SET {set}"))
            .condition_expression(condition)
            .send()
            .await;
        written(sent, |e| e.is_conditional_check_failed_exception())
    }
}
