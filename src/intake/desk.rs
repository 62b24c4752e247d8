//! What operators ask the function to do (`orders resend`, `release`, `book`, `cancel`,
//! `fix-email`, `erase`, and `trainers` with its `sign-out`): the function sends every email
//! itself, from its own templates, and is the only writer of the address it mails to, so the
//! operators' policy needs no `ses:SendEmail`; it reads and ends trainers' sessions, which the
//! operators' role cannot read. A command arrives as a direct invocation (`{"operator": {…}}`)
//! through the function's `operator` alias (`door`), which only the operator policy may invoke.

use serde::{Deserialize, Serialize};

use super::{
    BY_OPERATOR, BookWorkshop, BookingAction, BookingError, BookingOutcome, Deadline,
    NamedOrderError, Release, Released, Resend, ResendError, SignInError, TrainerSignIn,
};
use crate::domain::{BookingForm, BookingProblem, EmailKind, Reference};

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

/// The operator's use cases in one place, for the function's operator event.
pub struct OperatorDesk {
    pub(super) resend: Resend,
    pub(super) release: Release,
    pub(super) book: BookWorkshop,
    pub(super) sign_in: TrainerSignIn,
    pub(super) orders: std::sync::Arc<dyn crate::store::Orders>,
    pub(super) corrections: std::sync::Arc<dyn crate::store::Corrections>,
    pub(super) retention: std::sync::Arc<dyn crate::store::Retention>,
    pub(super) clock: super::Clock,
}

/// Why a command could not be carried out at all (storage down): the invocation fails.
pub type DeskError = crate::store::StoreError;

impl OperatorDesk {
    #[tracing::instrument(name = "operator_command", skip_all)]
    pub async fn run(&self, command: OperatorCommand) -> Result<OperatorAnswer, DeskError> {
        let refused = |message: String| Ok(OperatorAnswer::Refused { message });
        let reference = match &command {
            OperatorCommand::Resend { reference, .. }
            | OperatorCommand::Release { reference }
            | OperatorCommand::Book { reference, .. }
            | OperatorCommand::Cancel { reference, .. }
            | OperatorCommand::RevokeCustomerLinks { reference }
            | OperatorCommand::FixEmail { reference, .. }
            | OperatorCommand::Erase { reference } => reference,
            OperatorCommand::Trainers => return self.sessions().await,
            OperatorCommand::SignOut { trainer } => {
                return match self.sign_in.sign_out(trainer).await {
                    Ok(sessions) => Ok(OperatorAnswer::SignedOut { sessions }),
                    Err(SignInError::Store(error)) => Err(error),
                    Err(_) => refused(format!("{trainer:?} is not one of TRAINERS")),
                };
            }
        };
        let Some(reference) = Reference::parse(reference) else {
            return refused(format!("{reference:?} is not an order reference"));
        };
        tracing::info!(reference = %reference, "operator command");
        self.order_command(&reference, command).await
    }

    async fn order_command(
        &self,
        reference: &Reference,
        command: OperatorCommand,
    ) -> Result<OperatorAnswer, DeskError> {
        let refused = |message: String| Ok(OperatorAnswer::Refused { message });
        let reference = reference.clone();
        match command {
            OperatorCommand::Resend { email, .. } => {
                let Some(kind) = EmailKind::parse(&email) else {
                    return refused(format!("{email:?} is not one of an order's emails"));
                };
                match self.resend.resend(&reference, kind).await {
                    Ok(delivery) => Ok(sent(delivery.status())),
                    Err(ResendError::Store(error)) => Err(error),
                    Err(error) => refused(error.to_string()),
                }
            }
            OperatorCommand::Release { .. } => {
                match self.release.release(&reference, BY_OPERATOR).await {
                    Ok(Released::Sent(delivery)) => Ok(sent(delivery.status())),
                    Ok(Released::NotWaiting(status)) => Ok(OperatorAnswer::NotWaiting {
                        status: status.to_owned(),
                    }),
                    Err(NamedOrderError::Store(error)) => Err(error),
                    Err(error) => refused(error.to_string()),
                }
            }
            OperatorCommand::Book { expected, form, .. } => {
                self.booking(&reference, expected, BookingAction::Book(form))
                    .await
            }
            OperatorCommand::Cancel {
                expected, reason, ..
            } => {
                let action = BookingAction::Cancel { reason };
                self.booking(&reference, expected, action).await
            }
            OperatorCommand::RevokeCustomerLinks { .. } => self.revoke(&reference).await,
            OperatorCommand::FixEmail { address, .. } => self.fix_email(&reference, &address).await,
            OperatorCommand::Erase { .. } => {
                let erased = self.retention.erase(&reference, (self.clock)()).await?;
                Ok(match erased {
                    Some(erasure) => OperatorAnswer::Erased {
                        erasure: erasure.into(),
                    },
                    None => OperatorAnswer::Refused {
                        message: format!("no order {reference}"),
                    },
                })
            }
            // Answered before the reference is read.
            OperatorCommand::Trainers | OperatorCommand::SignOut { .. } => {
                refused("not an order's command".into())
            }
        }
    }

    async fn fix_email(
        &self,
        reference: &Reference,
        address: &str,
    ) -> Result<OperatorAnswer, DeskError> {
        let Some(email) = crate::domain::EmailAddress::parse(address) else {
            return Ok(OperatorAnswer::Refused {
                message: format!("{address:?} is not an email address"),
            });
        };
        Ok(
            match self
                .corrections
                .set_customer_email(reference, &email)
                .await?
            {
                true => {
                    tracing::info!(reference = %reference, "customer address replaced");
                    OperatorAnswer::EmailFixed
                }
                false => OperatorAnswer::Refused {
                    message: format!("no order {reference} (or it is erased)"),
                },
            },
        )
    }

    async fn revoke(&self, reference: &Reference) -> Result<OperatorAnswer, DeskError> {
        Ok(match self.orders.revoke_customer_links(reference).await? {
            Some(generation) => {
                tracing::info!(reference = %reference, generation, "customer links revoked");
                OperatorAnswer::Revoked { generation }
            }
            None => OperatorAnswer::Refused {
                message: format!("no order {reference}, or it is erased"),
            },
        })
    }

    async fn sessions(&self) -> Result<OperatorAnswer, DeskError> {
        let time = |at: jiff::Timestamp| at.strftime("%Y-%m-%d %H:%M UTC").to_string();
        let sessions = (self.sign_in.sessions().await?.into_iter())
            .map(|s| SessionLine {
                trainer: s.trainer,
                device: s.device,
                started: time(s.created_at),
                last_used: time(s.last_used),
            })
            .collect();
        Ok(OperatorAnswer::Sessions { sessions })
    }

    async fn booking(
        &self,
        reference: &Reference,
        expected: u32,
        action: BookingAction,
    ) -> Result<OperatorAnswer, DeskError> {
        let acted = (self.book)
            .act(reference, expected, action, BY_OPERATOR, Deadline::none())
            .await;
        Ok(match acted {
            Ok(BookingOutcome::Done(order)) => {
                let status = |kind| order.delivery(kind).map_or("-", |d| d.status()).to_owned();
                OperatorAnswer::Booked {
                    booking_email: status(EmailKind::Booking),
                    booking_note: status(EmailKind::BookingNote),
                }
            }
            Ok(BookingOutcome::Conflict(_)) => OperatorAnswer::Conflict,
            Ok(BookingOutcome::Invalid(problems)) => OperatorAnswer::Invalid { problems },
            Err(BookingError::Store(error)) => return Err(error),
            Err(error) => OperatorAnswer::Refused {
                message: error.to_string(),
            },
        })
    }
}

fn sent(status: &str) -> OperatorAnswer {
    OperatorAnswer::Sent {
        status: status.to_owned(),
    }
}
