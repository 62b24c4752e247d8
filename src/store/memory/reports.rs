//! The in-memory store's `DeliveryReports`: SES's reports, the trainers told once.

use async_trait::async_trait;
use jiff::Timestamp;

use super::MemoryStore;
use crate::domain::{Delivery, EmailKind, Reference};
use crate::store::{DeliveryReports, OutcomeRecorded, RecipientReport, Result};

#[async_trait]
impl DeliveryReports for MemoryStore {
    async fn record_outcome(&self, report: RecipientReport<'_>) -> Result<OutcomeRecorded> {
        let mut state = self.available()?;
        // Found by the order and email the message's tags name, as the DynamoDB store does.
        let Some((reference, kind, recipients)) = (state.messages.get(report.message_id).cloned())
            .filter(|(reference, kind, _)| reference == report.reference && *kind == report.kind)
        else {
            return Ok(OutcomeRecorded::UnknownMessage);
        };
        let recipient = report.recipient.to_lowercase();
        if !recipients.contains(&recipient) {
            return Ok(OutcomeRecorded::UnknownMessage);
        }
        // Reports about an earlier send of a resent email no longer count.
        let current = match state
            .orders
            .get(reference.as_str())
            .and_then(|o| o.delivery(kind))
        {
            Some(Delivery::Sent {
                message_id: sent, ..
            }) => sent == report.message_id,
            _ => true,
        };
        let key = (report.message_id.to_owned(), recipient);
        if !current
            || state
                .outcomes
                .get(&key)
                .is_some_and(|known| *known >= report.outcome)
        {
            return Ok(OutcomeRecorded::Unchanged { reference, kind });
        }
        state.outcomes.insert(key, report.outcome);
        let reports = &mut state.order_mut(&reference)?.reports;
        match kind {
            EmailKind::Customer => reports.customer_outcome = Some(report.outcome),
            EmailKind::Booking => reports.booking_outcome = Some(report.outcome),
            _ => {}
        }
        Ok(OutcomeRecorded::Changed { reference, kind })
    }

    async fn set_check(&self, reference: &Reference, at: Option<Timestamp>) -> Result<()> {
        self.available()?.order_mut(reference)?.reports.check_at = at;
        Ok(())
    }

    async fn mark_told(
        &self,
        reference: &Reference,
        kind: EmailKind,
        _now: Timestamp,
    ) -> Result<bool> {
        let key = (reference.as_str().to_owned(), kind.as_str());
        Ok(self.available()?.told.insert(key))
    }

    async fn unmark_told(&self, reference: &Reference, kind: EmailKind) -> Result<()> {
        let key = (reference.as_str().to_owned(), kind.as_str());
        self.available()?.told.remove(&key);
        Ok(())
    }
}
