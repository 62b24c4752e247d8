//! One contract per store capability, two stores: what the store traits (`Store`) promise holds
//! for the in-memory fake the handler tests use and for the DynamoDB store against DynamoDB
//! Local. Each scenario is a test of its own for each store (`store_contract!`), so one
//! failure hides no other. A rule the fake keeps and the real store does not (or the other way
//! round) fails here.

mod bookings;
mod corrections;
mod orders;
mod queue;
mod reports;
mod reputation;
mod retention;
mod sessions;

use std::sync::Arc;

use order_intake::domain::{EmailKind, Outcome, Reference};
use order_intake::store::{Claim, DynamoDbStore, MemoryStore, RecipientReport, Store};

use crate::fixtures::at;
use crate::helpers::LocalApp;

/// Each scenario (`async fn scenario(store: &dyn Store)` in the calling module) as a test of
/// the in-memory store (`memory::scenario`) and of the DynamoDB store on a fresh table of
/// DynamoDB Local (`dynamodb::scenario`).
macro_rules! store_contract {
    ($($scenario:ident),+ $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(crate::contract::memory_store().as_ref()).await;
                }
            )+
        }

        mod dynamodb {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(crate::contract::dynamodb_store().await.as_ref()).await;
                }
            )+
        }
    };
}
pub(crate) use store_contract;

pub fn memory_store() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new())
}

/// The DynamoDB store on a table of its own.
pub async fn dynamodb_store() -> Arc<dyn Store> {
    let app = LocalApp::start().await;
    Arc::new(DynamoDbStore::new(app.dynamodb.clone(), &app.table))
}

/// What SES reported at second `second` about a recipient of a confirmation, whose tags name
/// the order `reference`.
pub fn reported<'a>(
    reference: &'a Reference,
    message_id: &'a str,
    to: &'a str,
    outcome: Outcome,
    second: i64,
) -> RecipientReport<'a> {
    RecipientReport {
        reference,
        kind: EmailKind::Customer,
        message_id,
        recipient: to,
        outcome,
        at: at(second),
    }
}

/// A claim taken at second `from`, held until second `until`.
pub fn held(from: i64, until: i64) -> Claim {
    Claim {
        now: at(from),
        until: at(until),
    }
}
