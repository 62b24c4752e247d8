//! The customer's corrections of their invoicing details from their own page, until an invoice
//! is issued: the form's rules (`checked_invoicing`), the operator's `set_invoicing` and change
//! log (by `customer`, only while no invoice is current), then a receipt to the customer and a
//! note to the trainers with the details as they now stand.

use jiff::Timestamp;

use super::{BY_CUSTOMER, CustomerPage, CustomerPageError, Deadline};
use crate::domain::{
    CUSTOMER_INVOICING_FIELDS, EmailKind, Field, FieldError, Order, checked_invoicing, helsinki,
};
use crate::store::{Corrected, InvoicingChange};

/// One field's change: its old and new value (`None`: none).
pub type FieldChange = (Field, Option<String>, Option<String>);

/// What correcting the invoicing details did (or would do, at the check step).
#[derive(Debug, Clone, PartialEq)]
pub enum InvoicingOutcome {
    /// Saved (and the customer and the trainers told): the changes made.
    Done(Vec<InvoicingChange>),
    /// The values were already so: nothing written or sent.
    Unchanged,
    /// An invoice is current: the details are the invoice's now.
    Invoiced,
    Invalid(Vec<FieldError>),
}

impl CustomerPage {
    /// What correcting would change (the page's check step), or why not. Nothing is written.
    pub async fn check_invoicing(
        &self,
        token: &str,
        given: &[(Field, String)],
    ) -> Result<Result<(Order, Vec<FieldChange>), InvoicingOutcome>, CustomerPageError> {
        let order = self.show(token).await?;
        let changes = match self.invoicing_changes(&order, given) {
            Ok(changes) if changes.is_empty() => Err(InvoicingOutcome::Unchanged),
            other => other,
        };
        Ok(changes.map(|changes| (order, changes)))
    }

    /// Saves the corrections, as the operator's `set-invoicing` does (by `customer`), while no
    /// invoice is current, and tells the customer and the trainers.
    pub async fn correct_invoicing(
        &self,
        token: &str,
        given: &[(Field, String)],
        deadline: Deadline,
    ) -> Result<InvoicingOutcome, CustomerPageError> {
        let order = self.show(token).await?;
        let now = self.now();
        match self.invoicing_changes(&order, given) {
            Err(outcome) => return Ok(outcome),
            Ok(changes) if changes.is_empty() => return Ok(InvoicingOutcome::Unchanged),
            Ok(_) => {}
        }
        self.take_action(&order).await?;
        let values = self.values(&order, given, now).unwrap_or_default();
        let reference = &order.reference;
        let made = match (self.corrections)
            .set_invoicing(reference, &values, BY_CUSTOMER, now, true)
            .await?
        {
            Corrected::Changed(made) if made.is_empty() => return Ok(InvoicingOutcome::Unchanged),
            Corrected::Changed(made) => made,
            Corrected::Invoiced => return Ok(InvoicingOutcome::Invoiced),
            Corrected::NoOrder => return Err(CustomerPageError::NotFound(reference.clone())),
        };
        let fields: Vec<&str> = made.iter().map(|change| change.field.as_str()).collect();
        tracing::info!(order_id = %order.order_id, ?fields, "invoicing details corrected by the customer");
        // The order as it now stands, for the emails (as written: the form's values), their
        // claims written before they go.
        let mut order = order;
        if let Some(details) = order.details.with_texts(&values) {
            order.details = details;
        }
        self.claim_pair(&mut order, EmailKind::INVOICING, now)
            .await?;
        self.book.queue.record_attempts(&order, &[]).await?;
        self.send_claimed(&mut order, EmailKind::INVOICING, deadline)
            .await;
        Ok(InvoicingOutcome::Done(made))
    }

    /// The changes `given` makes to the order's invoicing details, or why not.
    fn invoicing_changes(
        &self,
        order: &Order,
        given: &[(Field, String)],
    ) -> Result<Vec<FieldChange>, InvoicingOutcome> {
        if order.invoicing.current.is_some() {
            return Err(InvoicingOutcome::Invoiced);
        }
        let values = self.values(order, given, self.now())?;
        let current = |field: Field| order.details.value(field)?.as_text().map(str::to_owned);
        Ok((values.into_iter())
            .filter(|(field, new)| current(*field) != *new)
            .map(|(field, new)| (field, current(field), new))
            .collect())
    }

    /// The customer's fields (only theirs) through the form's rules.
    fn values(
        &self,
        order: &Order,
        given: &[(Field, String)],
        now: Timestamp,
    ) -> Result<Vec<(Field, Option<String>)>, InvoicingOutcome> {
        let given: Vec<(Field, String)> = (given.iter())
            .filter(|(field, _)| CUSTOMER_INVOICING_FIELDS.contains(field))
            .cloned()
            .collect();
        let today = helsinki().to_datetime(now).date();
        let current = |field: Field| order.details.value(field)?.as_text().map(str::to_owned);
        checked_invoicing(&order.details.organization, current, &given, today)
            .map_err(InvoicingOutcome::Invalid)
    }
}
