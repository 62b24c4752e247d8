//! What operators ask the function to do (`orders resend`, `release`, `book`, `cancel`,
//! `fix-email`, `erase`, and `trainers` with its `sign-out`): the function sends every email
//! itself, from its own templates, and is the only writer of the address it mails to, so the
//! operators' policy needs no `ses:SendEmail`; it reads and ends trainers' sessions, which the
//! operators' role cannot read. A command arrives as a direct invocation (`{"operator": {…}}`)
//! through the function's `operator` alias (`door`), which only the operator policy may invoke.

pub use super::operator_command::{ErasureLine, OperatorAnswer, OperatorCommand, SessionLine};
use super::resend::sealed_order;
use super::{
    BY_OPERATOR, BookWorkshop, BookingAction, BookingError, BookingOutcome, Deadline,
    NamedOrderError, Release, Released, RemindError, Resend, ResendError, SignInError,
    TrainerSignIn,
};
use crate::domain::{EmailKind, OperatorAction, QuotaKind, Reference};

/// The operator's use cases in one place, for the function's operator event.
pub struct OperatorDesk {
    pub(super) resend: Resend,
    pub(super) release: Release,
    pub(super) book: BookWorkshop,
    pub(super) sign_in: TrainerSignIn,
    pub(super) remind: super::RemindPayment,
    pub(super) orders: std::sync::Arc<dyn crate::store::Orders>,
    pub(super) corrections: std::sync::Arc<dyn crate::store::Corrections>,
    pub(super) retention: std::sync::Arc<dyn crate::store::Retention>,
    pub(super) counters: super::counters::Counters,
    pub(super) clock: super::Clock,
}

/// Why a command could not be carried out at all (storage down): the invocation fails.
pub type DeskError = crate::store::StoreError;

impl OperatorDesk {
    /// Carries out `command` for the operator `by` (who `orders` says they are: the order's
    /// operator log keeps it).
    #[tracing::instrument(name = "operator_command", skip_all)]
    pub async fn run(
        &self,
        command: OperatorCommand,
        by: &str,
    ) -> Result<OperatorAnswer, DeskError> {
        let refused = |message: String| Ok(OperatorAnswer::Refused { message });
        let reference = match &command {
            OperatorCommand::Resend { reference, .. }
            | OperatorCommand::Release { reference }
            | OperatorCommand::Book { reference, .. }
            | OperatorCommand::Cancel { reference, .. }
            | OperatorCommand::RevokeCustomerLinks { reference }
            | OperatorCommand::FixEmail { reference, .. }
            | OperatorCommand::Remind { reference, .. }
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
        self.act_on_order(&reference, command, by).await
    }

    /// An order's command within the day's operator emails, logged on the order and counted.
    async fn act_on_order(
        &self,
        reference: &Reference,
        command: OperatorCommand,
        by: &str,
    ) -> Result<OperatorAnswer, DeskError> {
        tracing::info!(reference = %reference, command = command.name(), "operator command");
        let action = OperatorAction::new((self.clock)(), by, command.action());
        let mailing = command.mails().then(|| command.name());
        if let Some(name) = mailing
            && let Some(refusal) = self.take_operator_mail(reference, name).await?
        {
            return Ok(refusal);
        }
        // These two log the action in their own write.
        let logged = matches!(
            command,
            OperatorCommand::FixEmail { .. } | OperatorCommand::Remind { .. }
        );
        let answer = self.order_command(reference, command, &action).await?;
        if !answer.acted() {
            return Ok(answer);
        }
        if !logged {
            (self.corrections)
                .log_operator_action(reference, &action)
                .await?;
        }
        if let Some(name) = mailing {
            let order = self.orders.load(reference).await.ok().flatten();
            crate::measure::operator_mail(name, order.is_some_and(|o| o.address_fixed()));
        }
        Ok(answer)
    }

    /// One of the day's operator emails to this order and to all: `Some` refusal when either is
    /// used up (counted: `OperatorMailsRefused`, alarmed).
    async fn take_operator_mail(
        &self,
        reference: &Reference,
        name: &'static str,
    ) -> Result<Option<OperatorAnswer>, DeskError> {
        let now = (self.clock)();
        let limits = &self.counters.limits;
        for (kind, identity) in [
            (QuotaKind::OperatorMails, reference.as_str()),
            (QuotaKind::OperatorMailsAll, "all"),
        ] {
            let counter = limits.counter(kind, identity, now);
            if !self.counters.quotas.take_quota(&counter).await? {
                crate::measure::operator_mail_refused(name);
                tracing::warn!(reference = %reference, command = name, limit = counter.limit, "operator email refused: the day's limit is used up");
                let whose = match kind {
                    QuotaKind::OperatorMails => format!("order {reference}"),
                    _ => "all orders together".to_owned(),
                };
                let message = format!(
                    "the day's {} operator emails to {whose} are used up (OPERATOR_MAILS_PER_ORDER_PER_DAY, OPERATOR_MAILS_PER_DAY); try again tomorrow",
                    counter.limit
                );
                return Ok(Some(OperatorAnswer::Refused { message }));
            }
        }
        Ok(None)
    }

    async fn order_command(
        &self,
        reference: &Reference,
        command: OperatorCommand,
        action: &OperatorAction,
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
            OperatorCommand::Erase { .. } => self.erase(&reference).await,
            OperatorCommand::FixEmail { address, .. } => {
                self.fix_email(&reference, &address, action).await
            }
            OperatorCommand::Remind {
                invoice,
                open_cents,
                ..
            } => self.remind(&reference, invoice, open_cents, action).await,
            // Answered before the reference is read.
            OperatorCommand::Trainers | OperatorCommand::SignOut { .. } => {
                refused("not an order's command".into())
            }
        }
    }

    /// The customer's new address, written with the order's new seal over the one read, and
    /// logged; refused on an order whose seal does not verify (it would seal what someone else
    /// wrote).
    async fn fix_email(
        &self,
        reference: &Reference,
        address: &str,
        action: &OperatorAction,
    ) -> Result<OperatorAnswer, DeskError> {
        let refused = |message: String| Ok(OperatorAnswer::Refused { message });
        let Some(email) = crate::domain::EmailAddress::parse(address) else {
            return refused(format!("{address:?} is not an email address"));
        };
        let sender = &self.resend.sender;
        let mut order = match sealed_order(&*self.orders, sender, reference, "fix-email").await {
            Ok(order) => order,
            Err(NamedOrderError::Store(error)) => return Err(error),
            Err(error @ NamedOrderError::Sealed(_)) => return refused(error.to_string()),
            Err(_) => return refused(format!("no order {reference} (or it is erased)")),
        };
        let seen = order.seal.take();
        order.details.email = email;
        sender.seal(&mut order);
        Ok(
            match (self.corrections)
                .fix_email(&order, seen.as_deref(), action)
                .await?
            {
                true => {
                    tracing::info!(reference = %reference, "customer address replaced");
                    OperatorAnswer::EmailFixed
                }
                false => OperatorAnswer::Refused {
                    message: format!(
                        "order {reference} was erased or changed meanwhile: nothing written; try again"
                    ),
                },
            },
        )
    }

    async fn remind(
        &self,
        reference: &Reference,
        invoice: u32,
        open_cents: i64,
        action: &OperatorAction,
    ) -> Result<OperatorAnswer, DeskError> {
        let reminded = self.remind.remind(reference, invoice, open_cents, action);
        match reminded.await {
            Ok(delivery) => Ok(sent(delivery.status())),
            Err(RemindError::Order(NamedOrderError::Store(error))) => Err(error),
            Err(error) => Ok(OperatorAnswer::Refused {
                message: error.to_string(),
            }),
        }
    }

    async fn erase(&self, reference: &Reference) -> Result<OperatorAnswer, DeskError> {
        let erased = self.retention.erase(reference, (self.clock)()).await?;
        Ok(match erased {
            Some(erasure) => OperatorAnswer::Erased {
                erasure: erasure.into(),
            },
            None => OperatorAnswer::Refused {
                message: format!("no order {reference}"),
            },
        })
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
