//! A document's sending through the e-invoice operator as its item keeps it: the state
//! (`send_state`) and each step (`send_history`); `transmission.rs` writes them.

use jiff::Timestamp;
use serde::Serialize;

use order_intake::store::codec::{Item, map_list, text};

pub(super) const STATE_ATTRIBUTE: &str = "send_state";
pub(super) const HISTORY_ATTRIBUTE: &str = "send_history";

/// Where a document's send through the operator stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SendState {
    Sending,
    Sent,
    Failed,
    /// The request went and no clear answer came: a person checks the operator's portal.
    Unknown,
}

impl SendState {
    pub fn as_str(self) -> &'static str {
        match self {
            SendState::Sending => "sending",
            SendState::Sent => "sent",
            SendState::Failed => "failed",
            SendState::Unknown => "unknown",
        }
    }

    fn parse(text: &str) -> Option<SendState> {
        [
            SendState::Sending,
            SendState::Sent,
            SendState::Failed,
            SendState::Unknown,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One step of a document's sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SendStep {
    pub at: Timestamp,
    pub state: SendState,
    /// The operator's id for it, or its reason, or who recorded it.
    pub note: String,
}

/// The steps on a document's item, oldest first.
pub(super) fn send_history(item: &Item) -> Vec<SendStep> {
    map_list(item, HISTORY_ATTRIBUTE, |entry| {
        Some(SendStep {
            at: text(entry, "at")?.parse().ok()?,
            state: SendState::parse(text(entry, "state")?)?,
            note: text(entry, "note").unwrap_or_default().to_owned(),
        })
    })
}
