//! Where one of an order's emails stands (`Delivery`), and its state by name
//! (`DeliveryStatus`).

use jiff::Timestamp;

/// Where one email stands.
///
/// `Sending` is a claim: its holder (the request that stored the order, or the retry sweeper
/// that claimed it) may send until `until`; after that, for example after a crash, the sweeper
/// may claim it again. Claims are conditional writes, so two senders never hold the same email.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Sending {
        attempts: u32,
        until: Timestamp,
    },
    Pending {
        attempts: u32,
        next_attempt_at: Timestamp,
    },
    Sent {
        message_id: String,
        sent_at: Timestamp,
    },
    /// Given up after `attempts` (or at once, for a message SES refuses outright).
    Failed {
        attempts: u32,
    },
    /// A customer confirmation over the hourly ceiling: the retry run sends it at
    /// `next_attempt_at` if a window has room then, and drops it at `drop_at`.
    Held {
        next_attempt_at: Timestamp,
        drop_at: Timestamp,
    },
    /// A held confirmation that never found room: not sent, and never will be.
    Dropped,
    /// A customer confirmation of an order whose sender the human check did not pass (no
    /// JavaScript, the widget failed, Cloudflare unreachable, or a bot): it waits, with no due
    /// time, until a trainer releases it or books the order, or an operator runs
    /// `orders release`.
    Unverified,
}

impl Delivery {
    /// The status word of a sent email, as stored.
    pub const SENT_STATUS: &'static str = DeliveryStatus::Sent.as_str();

    pub fn is_sent(&self) -> bool {
        matches!(self, Delivery::Sent { .. })
    }

    /// Sent, given up or dropped: nothing more will happen to it.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Delivery::Sent { .. } | Delivery::Failed { .. } | Delivery::Dropped
        )
    }

    /// When the sweeper may (re)claim it.
    pub fn due_at(&self) -> Option<Timestamp> {
        match self {
            Delivery::Sending { until, .. } => Some(*until),
            Delivery::Pending {
                next_attempt_at, ..
            }
            | Delivery::Held {
                next_attempt_at, ..
            } => Some(*next_attempt_at),
            Delivery::Sent { .. }
            | Delivery::Failed { .. }
            | Delivery::Dropped
            | Delivery::Unverified => None,
        }
    }

    /// A confirmation that waits for a person: held over a ceiling or by the breaker, or
    /// unverified. Releasing it sends it at once.
    pub fn is_waiting(&self) -> bool {
        matches!(self, Delivery::Held { .. } | Delivery::Unverified)
    }

    pub fn attempts(&self) -> u32 {
        match self {
            Delivery::Sending { attempts, .. }
            | Delivery::Pending { attempts, .. }
            | Delivery::Failed { attempts } => *attempts,
            Delivery::Sent { .. }
            | Delivery::Held { .. }
            | Delivery::Dropped
            | Delivery::Unverified => 0,
        }
    }

    /// The status word stored and shown: `sending`, `pending`, `sent`, `failed`, `held`,
    /// `dropped` or `unverified`.
    /// Its state without the state's data.
    pub fn state(&self) -> DeliveryStatus {
        match self {
            Delivery::Sending { .. } => DeliveryStatus::Sending,
            Delivery::Pending { .. } => DeliveryStatus::Pending,
            Delivery::Sent { .. } => DeliveryStatus::Sent,
            Delivery::Failed { .. } => DeliveryStatus::Failed,
            Delivery::Held { .. } => DeliveryStatus::Held,
            Delivery::Dropped => DeliveryStatus::Dropped,
            Delivery::Unverified => DeliveryStatus::Unverified,
        }
    }

    /// Its state as stored, logged and counted.
    pub fn status(&self) -> &'static str {
        self.state().as_str()
    }
}

/// An email's state by name: one string form each, the store's, the logs' and the metrics'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Sending,
    Pending,
    Sent,
    Failed,
    Held,
    Dropped,
    Unverified,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 7] = [
        DeliveryStatus::Sending,
        DeliveryStatus::Pending,
        DeliveryStatus::Sent,
        DeliveryStatus::Failed,
        DeliveryStatus::Held,
        DeliveryStatus::Dropped,
        DeliveryStatus::Unverified,
    ];

    /// The states in which an email may still be sent.
    pub const UNSENT: [DeliveryStatus; 4] = [
        DeliveryStatus::Sending,
        DeliveryStatus::Pending,
        DeliveryStatus::Held,
        DeliveryStatus::Unverified,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Held => "held",
            DeliveryStatus::Dropped => "dropped",
            DeliveryStatus::Unverified => "unverified",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}
