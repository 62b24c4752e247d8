//! The customer page's invoicing section: a form with the order's invoicing details (or what
//! was posted, with the form's errors) until an invoice is issued; after that the details as
//! they stand, read-only, and whom to contact.

use crate::domain::{CUSTOMER_INVOICING_FIELDS, Field, FieldError, Order};
use crate::i18n;
use crate::texts::{label, texts};

/// One text input of the form.
pub(super) struct InvoicingInput {
    /// Its wire name, also its id.
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) value: String,
    pub(super) max: usize,
    pub(super) autocomplete: &'static str,
    pub(super) invalid: bool,
}

/// The section as the page shows it.
pub(super) struct InvoicingSection {
    /// Invoiced: why the details can no longer be changed here, and the details.
    pub(super) locked: Option<(&'static str, Vec<(&'static str, String)>)>,
    pub(super) inputs: Vec<InvoicingInput>,
    /// The form's errors, in the order's language.
    pub(super) errors: Vec<String>,
}

fn autocomplete(field: Field) -> &'static str {
    match field {
        Field::BillingStreet => "billing address-line1",
        Field::BillingPostcode => "billing postal-code",
        Field::BillingTown => "billing address-level2",
        _ => "off",
    }
}

/// The section for `order`: filled from `given` (what was posted) when there is any.
pub(super) fn invoicing_section(
    order: &Order,
    given: Option<&[(Field, String)]>,
    errors: &[FieldError],
) -> InvoicingSection {
    let language = order.details.language;
    let current = |field: Field| {
        let value = order.details.value(field);
        value.and_then(|v| v.as_text().map(str::to_owned))
    };
    if order.invoicing.current.is_some() {
        let rows = (CUSTOMER_INVOICING_FIELDS.iter())
            .map(|field| {
                let value = current(*field).unwrap_or_else(|| "–".to_owned());
                (label(*field, language), value)
            })
            .collect();
        let locked = texts(language).order_page.invoicing_locked;
        return InvoicingSection {
            locked: Some((locked, rows)),
            inputs: Vec::new(),
            errors: Vec::new(),
        };
    }
    let inputs = (CUSTOMER_INVOICING_FIELDS.iter())
        .map(|field| {
            let posted = given.and_then(|g| g.iter().find(|(f, _)| f == field));
            InvoicingInput {
                name: field.name(),
                label: label(*field, language),
                value: posted
                    .map_or_else(|| current(*field).unwrap_or_default(), |(_, v)| v.clone()),
                max: field.length().map_or(200, |l| l.max),
                autocomplete: autocomplete(*field),
                invalid: errors.iter().any(|e| e.field == *field),
            }
        })
        .collect();
    InvoicingSection {
        locked: None,
        inputs,
        errors: (errors.iter())
            .map(|e| i18n::field_message(e, language))
            .collect(),
    }
}
