//! `orders set-invoicing`: corrects an order's invoicing details (a missing operator code, a
//! purchase order number that arrives later, the billing address) with the form's own rules,
//! (well-formed routing, an address with its operator), warns about an operator not on the list
//! or an OVT code of another Y-tunnus, and logs each change on the order.

use std::io::Write;

use crate::store::OrderRecord;
use jiff::Timestamp;
use order_intake::domain::{Field, Language, checked_invoicing, helsinki, routing_flags};
use order_intake::store::Corrected;

use crate::cli::SetInvoicingArgs;
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
        let after = |field| value_after(&record, &values, field);
        let (address, operator) = (
            after(Field::EInvoiceAddress),
            after(Field::EInvoiceOperator),
        );
        let business_id = after(Field::BusinessId);
        for flag in routing_flags(
            address.as_deref(),
            operator.as_deref(),
            business_id.as_deref(),
        ) {
            writeln!(out, "warning: {}", flag.english())?;
        }
        if let (Some(invoice), false) = (&record.invoice, changes.is_empty()) {
            writeln!(
                out,
                "note: invoice {} keeps the details it was issued with; to correct it, credit it and invoice again: orders credit {reference}, then orders invoice {reference} …",
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
