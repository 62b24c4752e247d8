//! The customer's values in the emails, walked from `NewOrder::value` in each email's order:
//! what each email names first is listed here, and any other value (a field added later) follows
//! in the form's order, so a new field reaches both emails without a change here.

use super::rows::{Row, or_dash};
use crate::domain::{Field, Language, NewOrder, Phone, routing_flags};
use crate::texts::{TRAINER, date_with_weekday, language_name};

/// The customer's email: under "your details", these first, then the rest in the form's order
/// (the business id, the invoicing details); the others have places of their own.
const CUSTOMER_FIRST: [Field; 6] = [
    Field::ContactName,
    Field::Email,
    Field::Phone,
    Field::Participants,
    Field::Channels,
    Field::Location,
];
const CUSTOMER_ELSEWHERE: [Field; 5] = [
    Field::Package,
    Field::Organization,
    Field::PreferredDates,
    Field::Message,
    Field::Language,
];

/// The trainers' email, ordered for acting (#27): whom to call and in which language, when and
/// what they want; then the rest (the invoicing details) in the form's order. A row for each
/// value, a dash for what was left out; the message has a place of its own.
const TRAINER_FIRST: [Field; 11] = [
    Field::Organization,
    Field::ContactName,
    Field::Phone,
    Field::Email,
    Field::Language,
    Field::WorkshopLanguage,
    Field::PreferredDates,
    Field::Package,
    Field::Participants,
    Field::Location,
    Field::Channels,
];
const TRAINER_ELSEWHERE: [Field; 1] = [Field::Message];

/// `first`, then every other order value not shown `elsewhere`, in the form's order.
fn arranged(first: &[Field], elsewhere: &[Field]) -> Vec<Field> {
    let rest =
        Field::order_values().filter(|field| !first.contains(field) && !elsewhere.contains(field));
    first.iter().copied().chain(rest).collect()
}

/// A value as a person reading `reader` reads it: channels by their names, dates with their
/// weekdays, a language by its name; the rest as given.
fn readable(d: &NewOrder, field: Field, reader: Language) -> Option<String> {
    let joined = |items: Vec<String>| Some(items.join(", ")).filter(|text| !text.is_empty());
    match field {
        Field::Channels => joined(d.channels.iter().map(|c| c.display_name().into()).collect()),
        Field::PreferredDates => joined(
            d.preferred_dates
                .iter()
                .map(|date| date_with_weekday(*date, reader))
                .collect(),
        ),
        Field::Language => Some(language_name(d.language, reader).to_owned()),
        Field::WorkshopLanguage => Some(language_name(d.workshop_language?, reader).to_owned()),
        _ => d.value(field).map(|value| value.joined()),
    }
}

/// The structured details a customer gave, under their labels in the customer's language.
pub fn customer_details(d: &NewOrder) -> Vec<(&'static str, String)> {
    (arranged(&CUSTOMER_FIRST, &CUSTOMER_ELSEWHERE).into_iter())
        .filter_map(|field| {
            Some((
                crate::texts::label(field, d.language),
                readable(d, field, d.language)?,
            ))
        })
        .collect()
}

/// The customer's values as the trainers' rows, under their Finnish labels: whom and what
/// (`TRAINER_FIRST`), then apart the invoicing details; the email and the phone number link to
/// writing and calling.
pub(super) fn trainer_rows(d: &NewOrder) -> (Vec<Row>, Vec<Row>) {
    let mut rows: Vec<Row> = (arranged(&TRAINER_FIRST, &TRAINER_ELSEWHERE).into_iter())
        .map(|field| {
            let href = match field {
                Field::Email => Some(d.email.mailto_uri()),
                Field::Phone => d.phone.as_ref().map(Phone::tel_uri),
                _ => None,
            };
            let (label, value) = match field {
                // The language they speak with the trainers, not the one the workshop is in.
                Field::Language => (TRAINER.language, readable(d, field, Language::Fi)),
                // Its short name and length: `Some haltuun, puoli päivää (4 tuntia)`.
                Field::Package => (
                    crate::texts::label(field, Language::Fi),
                    Some(format!(
                        "{}, {}",
                        d.package.short_name(),
                        crate::texts::package_duration(d.package, Language::Fi)
                    )),
                ),
                _ => (
                    crate::texts::label(field, Language::Fi),
                    readable(d, field, Language::Fi),
                ),
            };
            (label, or_dash(value), href)
        })
        .collect();
    let mut invoicing = rows.split_off(TRAINER_FIRST.len());
    // Accepted, but worth a look before the invoice goes (an unknown operator, an OVT code of
    // another Y-tunnus).
    let text = |id: Option<&crate::domain::EInvoiceId>| id.map(|id| id.as_str().to_owned());
    let flags = routing_flags(
        text(d.einvoice_address.as_ref()).as_deref(),
        text(d.einvoice_operator.as_ref()).as_deref(),
        d.business_id.as_ref().map(|id| id.as_str()),
    );
    for flag in flags {
        invoicing.push((TRAINER.invoicing_check, flag.finnish(), None));
    }
    (rows, invoicing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_email_shows_every_order_value_once() {
        for (first, elsewhere) in [
            (&CUSTOMER_FIRST[..], &CUSTOMER_ELSEWHERE[..]),
            (&TRAINER_FIRST[..], &TRAINER_ELSEWHERE[..]),
        ] {
            let mut shown = arranged(first, elsewhere);
            shown.extend(elsewhere);
            assert_eq!(shown.len(), Field::order_values().count(), "each once");
            shown.sort();
            let mut every = Field::order_values().collect::<Vec<_>>();
            every.sort();
            assert_eq!(shown, every);
        }
    }
}
