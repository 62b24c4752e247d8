//! `orders trainers [sign-out NAME]`: the trainers' sessions, listed and ended by the function
//! (an operator event), since the operator's role cannot read them; and `orders customer-link
//! revoke REF`, the customer links' generation moved on by the function (its own store call).

use std::io::Write;

use order_intake::intake::{OperatorAnswer, OperatorCommand};

use crate::cli::{CustomerLinkAction, TrainersAction};
use crate::operator::refusal;
use crate::{Operator, OpsError};

impl Operator {
    pub(crate) async fn trainers(
        &self,
        action: Option<TrainersAction>,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let desk = self.desk("trainers")?;
        let command = match &action {
            None => OperatorCommand::Trainers,
            Some(TrainersAction::SignOut { name }) => OperatorCommand::SignOut {
                trainer: name.clone(),
            },
        };
        match desk.run(command).await? {
            OperatorAnswer::Sessions { sessions } if sessions.is_empty() => {
                writeln!(out, "no trainer is signed in on any device")?;
            }
            OperatorAnswer::Sessions { sessions } => {
                for s in sessions {
                    writeln!(
                        out,
                        "{}\t{}\tsigned in {}\tlast used {}",
                        s.trainer, s.device, s.started, s.last_used
                    )?;
                }
            }
            OperatorAnswer::SignedOut { sessions } => {
                let name = match &action {
                    Some(TrainersAction::SignOut { name }) => name.as_str(),
                    None => "",
                };
                writeln!(
                    out,
                    "{name}: {sessions} session(s) ended; they sign in again from the booking page"
                )?;
            }
            other => return Err(refusal(other)),
        }
        Ok(())
    }

    pub(crate) async fn customer_link(
        &self,
        action: CustomerLinkAction,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let desk = self.desk("customer-link")?;
        let CustomerLinkAction::Revoke { reference } = action;
        let command = OperatorCommand::RevokeCustomerLinks {
            reference: reference.clone(),
        };
        match desk.run(command).await? {
            OperatorAnswer::Revoked { .. } => writeln!(
                out,
                "{reference}: the customer's links sent so far open nothing; the next customer email carries a new one"
            )?,
            other => return Err(refusal(other)),
        }
        Ok(())
    }
}
