//! `orders set-invoicing`: corrects an order's invoicing details (a missing operator code, a
//! purchase order number that arrives later, the billing address) with the form's own rules,
//! plus the OVT address's link to the Y-tunnus, and logs each change on the order.

use std::io::Write;

use crate::store::OrderRecord;
use jiff::Timestamp;
use order_intake::domain::{Field, Language, checked_invoicing, helsinki};
use order_intake::store::Corrected;

use crate::cli::SetInvoicingArgs;
use crate::operators::{operator_name, ovt_problem};
use crate::{Operator, OpsError, parse_reference};

/// The fields `set-invoicing` corrects, in the form's order.
pub use order_intake::domain::INVOICING_FIELDS;

impl Operator {
    pub(crate) async fn set_invoicing(
        &self,
        asked: SetInvoicingArgs,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let reference = parse_reference(&asked.reference)?;
        let record = self.record(reference.as_str()).await?;
        let given = asked.values();
        if given.is_empty() {
            return Err(OpsError::Usage(
                "give at least one value to change (see orders set-invoicing --help)".to_owned(),
            ));
        }
        let values = checked(&record, &given, now)?;
        let ovt = value_after(&record, &values, Field::EInvoiceAddress);
        let business_id = value_after(&record, &values, Field::BusinessId);
        if let Some(problem) = ovt
            .as_deref()
            .and_then(|a| ovt_problem(a, business_id.as_deref()))
        {
            return Err(OpsError::Usage(problem));
        }
        let by = asked.by.clone().unwrap_or_else(operator_name_from_env);
        let changes = self
            .stores
            .corrections
            .set_invoicing(&reference, &values, &by, now, false)
            .await?;
        let Corrected::Changed(changes) = changes else {
            return Err(OpsError::NotFound(reference.to_string()));
        };
        tell_changes(&reference, &changes, out)?;
        if let Some(code) = value_after(&record, &values, Field::EInvoiceOperator)
            && operator_name(&code).is_none()
        {
            writeln!(
                out,
                "warning: {code} is not on the list of Finnish e-invoice operators (ops/src/operators.rs): check it with the customer"
            )?;
        }
        if let (Some(invoice), false) = (&record.invoice, changes.is_empty()) {
            writeln!(
                out,
                "note: invoice {} was issued with the old details; a copy printed now carries the new ones. To correct the issued invoice: orders credit {reference}, then orders invoice {reference} …",
                invoice.number
            )?;
        }
        Ok(())
    }
}

fn tell_changes(
    reference: &order_intake::domain::Reference,
    changes: &[order_intake::store::InvoicingChange],
    out: &mut dyn Write,
) -> Result<(), OpsError> {
    if changes.is_empty() {
        writeln!(
            out,
            "{reference}: nothing changed (the values were already so)"
        )?;
    }
    for change in changes {
        let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_owned());
        writeln!(
            out,
            "{reference}: {} {} → {}",
            change.field,
            shown(&change.old),
            shown(&change.new)
        )?;
    }
    Ok(())
}

/// The command's option for a field.
fn option(field: Field) -> &'static str {
    match field {
        Field::EInvoiceOperator => "operator",
        Field::BillingStreet => "street",
        Field::BillingPostcode => "postcode",
        Field::BillingTown => "town",
        Field::BusinessId => "business-id",
        Field::EInvoiceAddress => "einvoice-address",
        Field::BillingReference => "billing-reference",
        Field::PurchaseOrder => "purchase-order",
        _ => "invoice-address",
    }
}

/// Who made the change, for the order's log: `--by`, else the login name.
fn operator_name_from_env() -> String {
    ["ORDERS_OPERATOR", "USER", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A field's value once the changes are made.
fn value_after(
    record: &OrderRecord,
    values: &[(Field, Option<String>)],
    field: Field,
) -> Option<String> {
    match values.iter().find(|(f, _)| *f == field) {
        Some((_, value)) => value.clone(),
        None => record.text(field).map(str::to_owned),
    }
}

/// The asked values through the order form's rules, together with the order's other invoicing
/// details (the billing address is whole or absent): each as the form would store it, `None`
/// to remove. Refused with every problem, in English.
fn checked(
    record: &OrderRecord,
    given: &[(Field, String)],
    now: Timestamp,
) -> Result<Vec<(Field, Option<String>)>, OpsError> {
    let today = now.to_zoned_datetime(helsinki()).date();
    let organization = record.text(Field::Organization).unwrap_or("Tilaaja");
    let current = |field| record.text(field).map(str::to_owned);
    checked_invoicing(organization, current, given, today).map_err(|errors| {
        let problems: Vec<String> = (errors.iter())
            .map(|e| {
                let message = order_intake::i18n::field_message(e, Language::En);
                let problem = message.split_once(": ").map_or(&*message, |(_, p)| p);
                format!("--{}: {problem}", option(e.field))
            })
            .collect();
        OpsError::Usage(problems.join("; "))
    })
}
