//! An order's life after it is placed: what is stored, what the client is told, and where each
//! of its two emails stands.

use jiff::Timestamp;

use super::{NewOrder, Package, Price, Reference};

/// An order as stored: the validated fields plus what the server decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub order_id: String,
    pub reference: Reference,
    pub created_at: Timestamp,
    pub price: Price,
    pub details: NewOrder,
    pub customer_email: Delivery,
    pub trainer_email: Delivery,
    /// What SES has reported about the customer's confirmation.
    pub reports: Reports,
}

/// SES's reports about an order's confirmation, as far as the retry run needs them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reports {
    /// The confirmation's outcome for the customer, once SES reported one.
    pub customer_outcome: Option<Outcome>,
    /// After a transient bounce: when to look whether a delivery came after all, and tell the
    /// trainers if not.
    pub check_at: Option<Timestamp>,
}

impl Order {
    pub fn delivery(&self, kind: EmailKind) -> &Delivery {
        match kind {
            EmailKind::Customer => &self.customer_email,
            EmailKind::Trainer => &self.trainer_email,
        }
    }

    pub fn delivery_mut(&mut self, kind: EmailKind) -> &mut Delivery {
        match kind {
            EmailKind::Customer => &mut self.customer_email,
            EmailKind::Trainer => &mut self.trainer_email,
        }
    }

    /// When the retry sweeper should next look at this order; `None` once both emails are final.
    pub fn retry_at(&self) -> Option<Timestamp> {
        [
            self.customer_email.due_at(),
            self.trainer_email.due_at(),
            self.reports.check_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn receipt(&self) -> Receipt {
        Receipt {
            order_id: self.order_id.clone(),
            reference: self.reference.clone(),
            package: self.details.package,
            price: self.price,
            emails_sent: self.customer_email.is_sent() && self.trainer_email.is_sent(),
        }
    }
}

/// What a client is told about an order, new or replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub order_id: String,
    pub reference: Reference,
    pub package: Package,
    pub price: Price,
    pub emails_sent: bool,
}

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
}

impl Delivery {
    /// The status word of a sent email, as stored.
    pub const SENT_STATUS: &'static str = "sent";

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
            Delivery::Sent { .. } | Delivery::Failed { .. } | Delivery::Dropped => None,
        }
    }

    pub fn attempts(&self) -> u32 {
        match self {
            Delivery::Sending { attempts, .. }
            | Delivery::Pending { attempts, .. }
            | Delivery::Failed { attempts } => *attempts,
            Delivery::Sent { .. } | Delivery::Held { .. } | Delivery::Dropped => 0,
        }
    }

    /// The status word stored and shown: `sending`, `pending`, `sent`, `failed`, `held` or
    /// `dropped`.
    pub fn status(&self) -> &'static str {
        match self {
            Delivery::Sending { .. } => "sending",
            Delivery::Pending { .. } => "pending",
            Delivery::Sent { .. } => Delivery::SENT_STATUS,
            Delivery::Failed { .. } => "failed",
            Delivery::Held { .. } => "held",
            Delivery::Dropped => "dropped",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    Customer,
    Trainer,
}

impl EmailKind {
    pub const BOTH: [EmailKind; 2] = [EmailKind::Customer, EmailKind::Trainer];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Customer => "customer",
            EmailKind::Trainer => "trainer",
        }
    }
}

/// What became of a sent email for one recipient, as SES reports it later. Outcomes only move
/// up this order, so a report that arrives late (a delay after the delivery) or twice changes
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Delayed,
    /// Not (yet) delivered; an auto-reply also gives a transient bounce alongside a delivery.
    TransientBounce,
    Delivered,
    /// Permanently refused by the recipient's server.
    Bounced,
    /// Refused by SES itself (a virus, a rendering failure): never left.
    Rejected,
    /// Delivered, then marked as spam by the recipient.
    Complained,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delayed => "delayed",
            Outcome::TransientBounce => "transient_bounce",
            Outcome::Delivered => "delivered",
            Outcome::Bounced => "bounced",
            Outcome::Rejected => "rejected",
            Outcome::Complained => "complained",
        }
    }

    pub const ALL: [Outcome; 6] = [
        Outcome::Delayed,
        Outcome::TransientBounce,
        Outcome::Delivered,
        Outcome::Bounced,
        Outcome::Rejected,
        Outcome::Complained,
    ];

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// Its place in the order above: a stored outcome is replaced only by a higher one.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The email did not reach the person: somebody must be told.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Outcome::Bounced | Outcome::Rejected | Outcome::Complained
        )
    }
}
