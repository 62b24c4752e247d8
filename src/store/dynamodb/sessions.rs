//! Trainers' sign-ins and sessions (`Sessions`): a used sign-in nonce is an item of its own
//! (`signin#<nonce>`, put once), a session is `session#<hash of its id>`, and each trainer's
//! live sessions are listed on `trainer-sessions#<name>` (one attribute per session), which
//! `orders trainers` reads and a sign-out ends. Every item expires by TTL.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

use super::{DynamoDbStore, unavailable, written};
use crate::store::attribute::Attribute;
use crate::store::codec::{Item, n, number, s, text};
use crate::store::item::{ORDER_TABLE_PARTITION_KEY, ORDER_TABLE_TTL_ATTRIBUTE};
use crate::store::{Result, Sessions, TrainerSession};

/// One key of each of the sessions' key spaces, for the key-space test.
#[cfg(test)]
pub fn session_keys() -> (String, String, String) {
    (sign_in_key("n"), session_key("h"), list_key("Pilvi Nummi"))
}

fn sign_in_key(nonce: &str) -> String {
    format!("signin#{nonce}")
}

fn session_key(id_hash: &str) -> String {
    format!("session#{id_hash}")
}

fn list_key(trainer: &str) -> String {
    format!("trainer-sessions#{trainer}")
}

/// A session's attribute on its trainer's list.
fn entry_name(id_hash: &str) -> String {
    format!("s_{id_hash}")
}

fn seconds(item: &Item, attribute: &str) -> Option<Timestamp> {
    Timestamp::from_second(number(item, attribute)?).ok()
}

fn session_from(item: &Item, trainer: Option<&str>) -> Option<TrainerSession> {
    Some(TrainerSession {
        trainer: match trainer {
            Some(trainer) => trainer.to_owned(),
            None => text(item, Attribute::SessionTrainer.name())?.to_owned(),
        },
        device: text(item, Attribute::SessionDevice.name())?.to_owned(),
        created_at: seconds(item, Attribute::SessionStarted.name())?,
        last_used: seconds(item, Attribute::SessionLastUsed.name())?,
        expires_at: seconds(item, ORDER_TABLE_TTL_ATTRIBUTE)?,
    })
}

fn session_values(session: &TrainerSession) -> Item {
    Item::from([
        (
            Attribute::SessionDevice.name().to_owned(),
            s(&session.device),
        ),
        (
            Attribute::SessionStarted.name().to_owned(),
            n(session.created_at.as_second()),
        ),
        (
            Attribute::SessionLastUsed.name().to_owned(),
            n(session.last_used.as_second()),
        ),
        (
            ORDER_TABLE_TTL_ATTRIBUTE.to_owned(),
            n(session.expires_at.as_second()),
        ),
    ])
}

#[async_trait]
impl Sessions for DynamoDbStore {
    async fn use_sign_in(&self, nonce: &str, expires_at: Timestamp) -> Result<bool> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item(ORDER_TABLE_PARTITION_KEY, s(sign_in_key(nonce)))
            .item(Attribute::Kind.name(), s("sign-in"))
            .item(ORDER_TABLE_TTL_ATTRIBUTE, n(expires_at.as_second()))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
            .send()
            .await;
        written(put, |e| e.is_conditional_check_failed_exception())
    }

    async fn start_session(&self, id_hash: &str, session: &TrainerSession) -> Result<()> {
        let mut item = session_values(session);
        item.insert(
            ORDER_TABLE_PARTITION_KEY.to_owned(),
            s(session_key(id_hash)),
        );
        item.insert(Attribute::Kind.name().to_owned(), s("session"));
        item.insert(
            Attribute::SessionTrainer.name().to_owned(),
            s(&session.trainer),
        );
        (self.client.put_item().table_name(&self.table))
            .set_item(Some(item))
            .send()
            .await
            .map_err(unavailable)?;
        let listed = AttributeValue::M(session_values(session));
        (self.client.update_item().table_name(&self.table))
            .key(ORDER_TABLE_PARTITION_KEY, s(list_key(&session.trainer)))
            .update_expression("SET #entry = :entry, #kind = :kind, #expires = :expires")
            .expression_attribute_names("#entry", entry_name(id_hash))
            .expression_attribute_names("#kind", Attribute::Kind.name())
            .expression_attribute_names("#expires", ORDER_TABLE_TTL_ATTRIBUTE)
            .expression_attribute_values(":entry", listed)
            .expression_attribute_values(":kind", s("trainer-sessions"))
            .expression_attribute_values(":expires", n(session.expires_at.as_second()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> Result<Option<TrainerSession>> {
        let item = self.get(session_key(id_hash)).await?;
        Ok(item.as_ref().and_then(|item| session_from(item, None)))
    }

    async fn touch_session(
        &self,
        id_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let touched = (self.client.update_item().table_name(&self.table))
            .key(ORDER_TABLE_PARTITION_KEY, s(session_key(id_hash)))
            .update_expression("SET #used = :now, #expires = :expires")
            .condition_expression("#expires > :now")
            .expression_attribute_names("#used", Attribute::SessionLastUsed.name())
            .expression_attribute_names("#expires", ORDER_TABLE_TTL_ATTRIBUTE)
            .expression_attribute_values(":now", n(now.as_second()))
            .expression_attribute_values(":expires", n(expires_at.as_second()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        let trainer = match touched {
            Ok(output) => (output.attributes)
                .and_then(|item| Some(text(&item, Attribute::SessionTrainer.name())?.to_owned())),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                None
            }
            Err(error) => return Err(unavailable(error)),
        };
        let Some(trainer) = trainer else {
            return Ok(());
        };
        // The list shows the last use too; a session signed out meanwhile is not listed again.
        let listed = (self.client.update_item().table_name(&self.table))
            .key(ORDER_TABLE_PARTITION_KEY, s(list_key(&trainer)))
            .update_expression(
                "SET #entry.#used = :now, #entry.#expires = :expires, #top = :expires",
            )
            .condition_expression("attribute_exists(#entry)")
            .expression_attribute_names("#entry", entry_name(id_hash))
            .expression_attribute_names("#used", Attribute::SessionLastUsed.name())
            .expression_attribute_names("#expires", ORDER_TABLE_TTL_ATTRIBUTE)
            .expression_attribute_names("#top", ORDER_TABLE_TTL_ATTRIBUTE)
            .expression_attribute_values(":now", n(now.as_second()))
            .expression_attribute_values(":expires", n(expires_at.as_second()))
            .send()
            .await;
        written(listed, |e| e.is_conditional_check_failed_exception())?;
        Ok(())
    }

    async fn sessions_of(&self, trainer: &str, now: Timestamp) -> Result<Vec<TrainerSession>> {
        let Some(list) = self.get(list_key(trainer)).await? else {
            return Ok(Vec::new());
        };
        let mut live: Vec<TrainerSession> = (list.iter())
            .filter(|(name, _)| name.starts_with("s_"))
            .filter_map(|(_, value)| session_from(value.as_m().ok()?, Some(trainer)))
            .filter(|session| session.expires_at > now)
            .collect();
        live.sort_by_key(|session| session.created_at);
        Ok(live)
    }

    async fn sign_out(&self, trainer: &str, now: Timestamp) -> Result<u32> {
        let Some(list) = self.get(list_key(trainer)).await? else {
            return Ok(0);
        };
        let hashes: Vec<&str> = (list.keys())
            .filter_map(|name| name.strip_prefix("s_"))
            .collect();
        let mut ended = 0;
        for hash in &hashes {
            let end = (self.client.update_item().table_name(&self.table))
                .key(ORDER_TABLE_PARTITION_KEY, s(session_key(hash)))
                .update_expression("SET #expires = :now")
                .condition_expression("attribute_exists(#pk) AND #expires > :now")
                .expression_attribute_names("#pk", ORDER_TABLE_PARTITION_KEY)
                .expression_attribute_names("#expires", ORDER_TABLE_TTL_ATTRIBUTE)
                .expression_attribute_values(":now", n(now.as_second()))
                .send()
                .await;
            ended += u32::from(written(end, |e| e.is_conditional_check_failed_exception())?);
        }
        if !hashes.is_empty() {
            let mut update = (self.client.update_item().table_name(&self.table))
                .key(ORDER_TABLE_PARTITION_KEY, s(list_key(trainer)));
            let mut names = Vec::new();
            for (i, hash) in hashes.iter().enumerate() {
                let name = format!("#s{i}");
                update = update.expression_attribute_names(&name, entry_name(hash));
                names.push(name);
            }
            update
                .update_expression(format!("REMOVE {}", names.join(", ")))
                .send()
                .await
                .map_err(unavailable)?;
        }
        Ok(ended)
    }
}
