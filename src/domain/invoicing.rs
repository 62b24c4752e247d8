//! Corrections of an order's invoicing details (`orders set-invoicing`, and the customer's own
//! page until an invoice is issued), under the order form's own rules: the given values are
//! judged together with the order's other invoicing details (the billing address is whole or
//! absent), as the form would judge them.

use jiff::civil::Date;

use super::{Field, FieldError, NewOrder, OrderForm, Slot};

/// The invoicing fields, in the form's order.
pub const INVOICING_FIELDS: [Field; 9] = [
    Field::BusinessId,
    Field::EInvoiceAddress,
    Field::EInvoiceOperator,
    Field::BillingReference,
    Field::PurchaseOrder,
    Field::BillingStreet,
    Field::BillingPostcode,
    Field::BillingTown,
    Field::InvoiceAddress,
];

/// What the customer corrects on their page: where and how the invoice goes, and the buyer's
/// references (the Y-tunnus and the invoicing email stay the operator's).
pub const CUSTOMER_INVOICING_FIELDS: [Field; 7] = [
    Field::PurchaseOrder,
    Field::BillingReference,
    Field::BillingStreet,
    Field::BillingPostcode,
    Field::BillingTown,
    Field::EInvoiceAddress,
    Field::EInvoiceOperator,
];

/// The given values (blank: remove) through the form's rules beside `current`'s other
/// invoicing details: each given field as the form would store it, `None` to remove; or the
/// form's errors for the invoicing fields.
pub fn checked_invoicing(
    organization: &str,
    current: impl Fn(Field) -> Option<String>,
    given: &[(Field, String)],
    today: Date,
) -> Result<Vec<(Field, Option<String>)>, Vec<FieldError>> {
    // The rest of a valid order, so that only the invoicing details are judged.
    let mut form = OrderForm {
        package: Some("somestartti".into()),
        organization: Some(organization.to_owned()),
        contact_name: Some("Tilaaja".into()),
        email: Some("laskutus@example.fi".into()),
        privacy_consent: Some("true".into()),
        language: Some("fi".into()),
        ..OrderForm::default()
    };
    for field in INVOICING_FIELDS {
        let value = match given.iter().find(|(f, _)| *f == field) {
            Some((_, value)) => Some(value.clone()),
            None => current(field),
        };
        if let Slot::Text(slot) = form.slot(field) {
            *slot = value;
        }
    }
    let order = NewOrder::parse(&form, today).map_err(|errors| {
        (errors.into_iter())
            .filter(|e| INVOICING_FIELDS.contains(&e.field))
            .collect::<Vec<_>>()
    })?;
    Ok(given
        .iter()
        .map(|(field, _)| {
            let stored = (order.value(*field)).and_then(|v| v.as_text().map(str::to_owned));
            (*field, stored)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn values_are_judged_with_the_rest_as_the_form_judges_them() {
        let none = |_: Field| None;
        let given = [
            (Field::PurchaseOrder, " PO-1234 ".to_owned()),
            (Field::BillingStreet, "Hallituskatu 2".to_owned()),
            (Field::BillingPostcode, "04300".to_owned()),
            (Field::BillingTown, "Tuusula".to_owned()),
        ];
        let checked = checked_invoicing("Tuusulan kunta", none, &given, date(2027, 1, 1)).unwrap();
        assert_eq!(checked[0], (Field::PurchaseOrder, Some("PO-1234".into())));
        // A street without the rest of the address is the form's error, on that field.
        let street = [(Field::BillingStreet, "Hallituskatu 2".to_owned())];
        let errors = checked_invoicing("Tuusulan kunta", none, &street, date(2027, 1, 1));
        assert!(errors.is_err());
        // Blank removes.
        let current = |field: Field| (field == Field::PurchaseOrder).then(|| "PO-1".to_owned());
        let blank = [(Field::PurchaseOrder, " ".to_owned())];
        let checked = checked_invoicing("Tuusulan kunta", current, &blank, date(2027, 1, 1));
        assert_eq!(checked.unwrap(), vec![(Field::PurchaseOrder, None)]);
    }
}
