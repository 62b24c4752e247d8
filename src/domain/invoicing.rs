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

/// Fields judged together.
const GROUPS: [&[Field]; 2] = [
    &[Field::EInvoiceAddress, Field::EInvoiceOperator],
    &[
        Field::BillingStreet,
        Field::BillingPostcode,
        Field::BillingTown,
    ],
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
    let order = judged(form, given, today)?;
    Ok(given
        .iter()
        .map(|(field, _)| {
            let stored = (order.value(*field)).and_then(|v| v.as_text().map(str::to_owned));
            (*field, stored)
        })
        .collect())
}

/// The order the form makes, its errors limited to what the given values touch: the given
/// fields and the ones that go with them (the address and its operator; the billing address's
/// three parts). An old inconsistency elsewhere does not block an unrelated correction
/// (`orders invoice` refuses it in its turn).
fn judged(
    mut form: OrderForm,
    given: &[(Field, String)],
    today: Date,
) -> Result<NewOrder, Vec<FieldError>> {
    let touched = |field: Field| {
        (given.iter()).any(|(g, _)| {
            *g == field
                || GROUPS
                    .iter()
                    .any(|group| group.contains(g) && group.contains(&field))
        })
    };
    let invoicing = |errors: Vec<FieldError>| -> Vec<FieldError> {
        (errors.into_iter())
            .filter(|e| INVOICING_FIELDS.contains(&e.field))
            .collect()
    };
    match NewOrder::parse(&form, today) {
        Ok(order) => Ok(order),
        Err(errors) => {
            let (relevant, untouched): (Vec<_>, Vec<_>) = invoicing(errors)
                .into_iter()
                .partition(|e| touched(e.field));
            if !relevant.is_empty() {
                return Err(relevant);
            }
            // Only values nobody touched failed: judge the given ones without them (and
            // without what goes with them).
            let group = |field: Field| {
                (GROUPS.iter().find(|group| group.contains(&field)))
                    .map_or(vec![field], |group| group.to_vec())
            };
            for field in untouched.iter().flat_map(|e| group(e.field)) {
                if let Slot::Text(slot) = form.slot(field) {
                    *slot = None;
                }
            }
            NewOrder::parse(&form, today).map_err(invoicing)
        }
    }
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
        // An address stored without its operator blocks no other correction, but a new
        // address needs its operator.
        let older =
            |field: Field| (field == Field::EInvoiceAddress).then(|| "003702012566".to_owned());
        let po = [(Field::PurchaseOrder, "PO-2".to_owned())];
        assert!(checked_invoicing("Tuusulan kunta", older, &po, date(2027, 1, 1)).is_ok());
        let address = [(Field::EInvoiceAddress, "003701577119".to_owned())];
        let errors = checked_invoicing("Tuusulan kunta", older, &address, date(2027, 1, 1));
        assert_eq!(errors.unwrap_err()[0].field, Field::EInvoiceOperator);
    }
}
