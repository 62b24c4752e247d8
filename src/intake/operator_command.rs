//! An operator's command as `orders` sends it to the function's operator alias, and the
//! function's answer (`desk`).

use serde::{Deserialize, Serialize};

use crate::domain::{BookingForm, BookingProblem, EmailKind};

/// One operator's command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum OperatorCommand {
    /// Send one of an order's emails again (`EmailKind::as_str`).
    Resend { reference: String, email: String },
    /// Send a confirmation that waits for a person.
    Release { reference: String },
    /// Book or change the workshop over the booking at `expected` (0: none).
    Book {
        reference: String,
        expected: u32,
        form: BookingForm,
    },
    Cancel {
        reference: String,
        expected: u32,
        reason: String,
    },
    /// The trainers' live sessions (`orders trainers`): the operator's role cannot read them.
    Trainers,
    /// Ends all of a trainer's sessions (`orders trainers sign-out NAME`: a lost phone).
    SignOut { trainer: String },
    /// Every customer link of the order sent so far opens nothing (`orders customer-link
    /// revoke REF`); the next customer email carries a new one.
    RevokeCustomerLinks { reference: String },
    /// The customer's address replaced (`orders fix-email`): the function is the only writer
    /// of what it mails.
    FixEmail { reference: String, address: String },
    /// The order's personal data erased (`orders erase`).
    Erase { reference: String },
    /// A reminder of its overdue invoice `invoice`, with `open_cents` open (`orders remind`).
    Remind {
        reference: String,
        invoice: u32,
        open_cents: i64,
    },
}

impl OperatorCommand {
    /// The command's name, in logs, metrics and the operator log.
    pub fn name(&self) -> &'static str {
        match self {
            OperatorCommand::Resend { .. } => "resend",
            OperatorCommand::Release { .. } => "release",
            OperatorCommand::Book { .. } => "book",
            OperatorCommand::Cancel { .. } => "cancel",
            OperatorCommand::Trainers => "trainers",
            OperatorCommand::SignOut { .. } => "sign-out",
            OperatorCommand::RevokeCustomerLinks { .. } => "revoke-customer-links",
            OperatorCommand::FixEmail { .. } => crate::domain::FIX_EMAIL_ACTION,
            OperatorCommand::Erase { .. } => "erase",
            OperatorCommand::Remind { .. } => "remind",
        }
    }

    /// What the order's operator log says of it: the name, and which email a resend sent
    /// (never an address or a text).
    pub(super) fn action(&self) -> String {
        match self {
            OperatorCommand::Resend { email, .. } => match EmailKind::parse(email) {
                Some(kind) => format!("resend {}", kind.as_str()),
                None => "resend".to_owned(),
            },
            OperatorCommand::Remind { invoice, .. } => format!("remind {invoice}"),
            command => command.name().to_owned(),
        }
    }

    /// Whether it emails the customer or the trainers (the day's operator limits count it).
    pub(super) fn mails(&self) -> bool {
        matches!(
            self,
            OperatorCommand::Resend { .. }
                | OperatorCommand::Release { .. }
                | OperatorCommand::Book { .. }
                | OperatorCommand::Cancel { .. }
                | OperatorCommand::Remind { .. }
        )
    }
}

/// What an erasure did, as the operator's terminal shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureLine {
    pub reference: String,
    pub removed: Vec<String>,
    pub dropped: Vec<String>,
    pub messages_scrubbed: u32,
    pub already_erased: bool,
}

impl From<crate::store::Erasure> for ErasureLine {
    fn from(erasure: crate::store::Erasure) -> Self {
        let owned = |names: Vec<&str>| names.into_iter().map(str::to_owned).collect();
        ErasureLine {
            reference: erasure.reference.to_string(),
            removed: owned(erasure.removed),
            dropped: owned(erasure.dropped),
            messages_scrubbed: erasure.messages_scrubbed,
            already_erased: erasure.already_erased,
        }
    }
}

/// One live session, as `orders trainers` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLine {
    pub trainer: String,
    pub device: String,
    pub started: String,
    pub last_used: String,
}

/// What a command did, for the operator's terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum OperatorAnswer {
    /// The email was tried: its state now (`sent`, or `pending` for the retry run).
    Sent { status: String },
    /// Nothing was waiting (its status then): nothing sent.
    NotWaiting { status: String },
    /// The booking was written: its two emails' states.
    Booked {
        booking_email: String,
        booking_note: String,
    },
    /// Someone changed the booking first: nothing written.
    Conflict,
    /// The form has mistakes: nothing written.
    Invalid { problems: Vec<BookingProblem> },
    /// Refused (no such order, erased, being sent now, …): the reason.
    Refused { message: String },
    /// The trainers' live sessions.
    Sessions { sessions: Vec<SessionLine> },
    /// A trainer's sessions ended: how many were live.
    SignedOut { sessions: u32 },
    /// The order's customer links were revoked: their new generation.
    Revoked { generation: u32 },
    /// The customer's address was replaced.
    EmailFixed,
    /// The order's personal data was erased.
    Erased { erasure: ErasureLine },
}

impl OperatorAnswer {
    /// Whether the command did something to the order (its operator log records it).
    pub(super) fn acted(&self) -> bool {
        !matches!(
            self,
            OperatorAnswer::Refused { .. }
                | OperatorAnswer::Invalid { .. }
                | OperatorAnswer::Conflict
                | OperatorAnswer::NotWaiting { .. }
        )
    }
}
