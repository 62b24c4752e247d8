//! An order item as the operator sees it (`orders list`, `show`, `export`, `subject-access`):
//! every stored field, read leniently, so that an erased order, or one this version could not
//! load as an `Order`, is still shown as it is.

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use std::collections::BTreeMap;

use order_intake::store::InvoicingChange;

use order_intake::domain::{Booking, EmailKind, Field, FieldValue, Reference, ValueKind};
use order_intake::store::attribute::{
    Attribute, EmailAttribute, INVOICE_ATTRIBUTES, INVOICE_NUMBERS_ATTRIBUTE,
    INVOICING_CHANGES_ATTRIBUTE,
};
use order_intake::store::codec::{Item, n, number, s, text};
use order_intake::store::item::{ERASED_AT_ATTRIBUTE, field_value, reference_of};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderRecord {
    pub reference: String,
    pub order_id: Option<String>,
    pub created_at: Timestamp,
    /// The customer's values as stored, under their wire names (`null` or `[]` when absent).
    #[serde(flatten)]
    pub values: RecordValues,
    pub net_cents: Option<i64>,
    pub vat_rate_percent: Option<String>,
    pub vat_cents: Option<i64>,
    pub gross_cents: Option<i64>,
    pub currency: Option<String>,
    /// Every email of the order by kind: the confirmation and the trainers' notification
    /// always, the booking's emails and reminders that exist. In JSON as `customer_email`,
    /// `trainer_email` and `booking_emails` (by kind's name), the shape exports have had.
    #[serde(flatten, serialize_with = "emails_as_fields")]
    pub emails: BTreeMap<EmailKind, EmailRecord>,
    /// The workshop's booked date, once there is one.
    pub booking: Option<Booking>,
    pub erased_at: Option<Timestamp>,
    /// The order's current invoice (`orders invoice`): none before the first, nor after a
    /// credit note until it is invoiced again.
    pub invoice: Option<InvoiceRecord>,
    /// Every invoice and credit note made for it, in order of issue.
    pub invoice_numbers: Vec<u32>,
    /// Corrections to its invoicing details (`orders set-invoicing`), oldest first.
    pub invoicing_changes: Vec<InvoicingChange>,
    /// What operators did through the function (`fix-email`, `resend`, …), oldest first.
    pub operator_actions: Vec<order_intake::domain::OperatorAction>,
}

/// An order item's customer values, read leniently by their attributes' shapes: whatever is
/// there is shown, even a value the domain would no longer accept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordValues(BTreeMap<Field, FieldValue>);

impl RecordValues {
    pub fn from_item(item: &Item) -> RecordValues {
        RecordValues(
            Field::order_values()
                .filter_map(|field| Some((field, field_value(item, field)?)))
                .collect(),
        )
    }

    pub fn get(&self, field: Field) -> Option<&FieldValue> {
        self.0.get(&field)
    }

    /// A text value (`None` when absent or not a text).
    pub fn text(&self, field: Field) -> Option<&str> {
        self.get(field).and_then(FieldValue::as_text)
    }

    /// Each value, in `Field::order_values` order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &FieldValue)> {
        Field::order_values().filter_map(|field| Some((field, self.get(field)?)))
    }

    pub fn set(&mut self, field: Field, value: FieldValue) {
        self.0.insert(field, value);
    }
}

impl Serialize for RecordValues {
    /// Every field of an order, absent ones as `null` (a list as `[]`), so that each exported
    /// order has the same keys.
    fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = to.serialize_map(Some(Field::ALL.len() - Field::REQUEST_ONLY.len()))?;
        for field in Field::order_values() {
            match (self.get(field), field.value_kind()) {
                (Some(value), _) => map.serialize_entry(field.name(), value)?,
                (None, ValueKind::List) => map.serialize_entry(field.name(), &[] as &[String])?,
                (None, _) => map.serialize_entry(field.name(), &None::<String>)?,
            }
        }
        map.end()
    }
}

/// What an invoice is made with, chosen by the person who makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceTerms {
    pub invoice_date: Date,
    pub delivery_date: Date,
    pub due_days: u32,
}

/// An invoice as stored on its order: enough to print the same invoice again, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct InvoiceRecord {
    pub number: u32,
    pub invoice_date: Date,
    pub delivery_date: Date,
    pub due_days: u32,
    pub due_date: Date,
    /// Finvoice's MessageIdentifier.
    pub message_id: String,
    /// Finvoice's MessageTimeStamp: when the invoice was made, to the second.
    pub made_at: Timestamp,
}

impl InvoiceRecord {
    pub fn new(
        reference: &Reference,
        number: u32,
        terms: &InvoiceTerms,
        now: Timestamp,
    ) -> InvoiceRecord {
        let due_date = terms
            .invoice_date
            .checked_add(jiff::Span::new().days(i64::from(terms.due_days)))
            .unwrap_or(terms.invoice_date);
        InvoiceRecord {
            number,
            invoice_date: terms.invoice_date,
            delivery_date: terms.delivery_date,
            due_days: terms.due_days,
            due_date,
            message_id: format!("{number}-{reference}"),
            made_at: Timestamp::from_second(now.as_second()).unwrap_or(now),
        }
    }

    /// The terms it was made with, to tell a repeat from a different request.
    pub fn terms(&self) -> InvoiceTerms {
        InvoiceTerms {
            invoice_date: self.invoice_date,
            delivery_date: self.delivery_date,
            due_days: self.due_days,
        }
    }

    pub fn attributes(&self) -> Vec<(&'static str, AttributeValue)> {
        let [number, date, delivered, days, due, message, made] = INVOICE_ATTRIBUTES;
        vec![
            (number, n(self.number)),
            (date, s(self.invoice_date.to_string())),
            (delivered, s(self.delivery_date.to_string())),
            (days, n(self.due_days)),
            (due, s(self.due_date.to_string())),
            (message, s(&self.message_id)),
            (made, s(self.made_at.to_string())),
        ]
    }

    pub fn from_item(item: &Item) -> Option<InvoiceRecord> {
        let [number_at, date, delivered, days, due, message, made] = INVOICE_ATTRIBUTES;
        let day = |name: &str| text(item, name)?.parse::<Date>().ok();
        Some(InvoiceRecord {
            number: u32::try_from(number(item, number_at)?).ok()?,
            invoice_date: day(date)?,
            delivery_date: day(delivered)?,
            due_days: u32::try_from(number(item, days)?).ok()?,
            due_date: day(due)?,
            message_id: owned(item, message)?,
            made_at: timestamp(item, made)?,
        })
    }
}

/// What an item without one of its first emails reads as.
static NO_EMAIL: EmailRecord = EmailRecord {
    status: None,
    attempts: None,
    due_at: None,
    drop_at: None,
    sent_at: None,
    message_id: None,
    message_ids: Vec::new(),
    outcomes: Vec::new(),
    told_at: None,
    check_at: None,
};

/// The emails as the JSON of `export` and `subject-access` has always had them.
fn emails_as_fields<S: serde::Serializer>(
    emails: &BTreeMap<EmailKind, EmailRecord>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let booking: BTreeMap<&str, &EmailRecord> = (emails.iter())
        .filter(|(kind, _)| !EmailKind::BOTH.contains(kind))
        .map(|(kind, record)| (kind.as_str(), record))
        .collect();
    let mut map = serializer.serialize_map(Some(3))?;
    map.serialize_entry("customer_email", &emails.get(&EmailKind::Customer))?;
    map.serialize_entry("trainer_email", &emails.get(&EmailKind::Trainer))?;
    map.serialize_entry("booking_emails", &booking)?;
    map.end()
}

/// One email's state and what is known of its history.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EmailRecord {
    pub status: Option<String>,
    pub attempts: Option<i64>,
    /// When it is next tried (pending, held) or the sender's claim runs out (sending).
    pub due_at: Option<Timestamp>,
    pub drop_at: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    pub message_id: Option<String>,
    /// Every message it was sent as, resends included.
    pub message_ids: Vec<String>,
    /// What SES reported, per recipient in the order sent.
    pub outcomes: Vec<RecipientOutcome>,
    /// When a person was told that it did not arrive.
    pub told_at: Option<Timestamp>,
    /// After a transient bounce: when the retry run looks again.
    pub check_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecipientOutcome {
    /// The recipient's place in the message's recipients (0 is the first).
    pub recipient: usize,
    pub outcome: String,
    pub at: Option<Timestamp>,
}

/// How many recipients' outcomes are looked for: the customer's email has one, the trainers'
/// as many as there are trainers.
const MAX_RECIPIENTS: usize = 10;

fn owned(item: &Item, name: &str) -> Option<String> {
    text(item, name).map(str::to_owned)
}

fn strings(item: &Item, name: &str) -> Vec<String> {
    match item.get(name) {
        Some(value) => match (value.as_l(), value.as_ss()) {
            (Ok(list), _) => list.iter().filter_map(|v| v.as_s().ok().cloned()).collect(),
            (_, Ok(set)) => {
                let mut set = set.clone();
                set.sort();
                set
            }
            _ => Vec::new(),
        },
        None => Vec::new(),
    }
}

fn seconds(item: &Item, name: &str) -> Option<Timestamp> {
    Timestamp::from_second(number(item, name)?).ok()
}

fn timestamp(item: &Item, name: &str) -> Option<Timestamp> {
    text(item, name)?.parse().ok()
}

impl EmailRecord {
    fn from_item(item: &Item, kind: EmailKind) -> EmailRecord {
        let name = |attribute: EmailAttribute| attribute.of(kind);
        let outcomes = (0..MAX_RECIPIENTS)
            .filter_map(|place| {
                Some(RecipientOutcome {
                    recipient: place,
                    outcome: owned(item, &name(EmailAttribute::Outcome(place)))?,
                    at: timestamp(item, &name(EmailAttribute::OutcomeAt(place))),
                })
            })
            .collect();
        EmailRecord {
            status: owned(item, &name(EmailAttribute::Status)),
            attempts: number(item, &name(EmailAttribute::Attempts)),
            due_at: seconds(item, &name(EmailAttribute::DueAt)),
            drop_at: seconds(item, &name(EmailAttribute::DropAt)),
            sent_at: timestamp(item, &name(EmailAttribute::SentAt)),
            message_id: owned(item, &name(EmailAttribute::MessageId)),
            message_ids: strings(item, &name(EmailAttribute::MessageIds)),
            outcomes,
            told_at: timestamp(item, &name(EmailAttribute::ToldAt)),
            check_at: seconds(item, &name(EmailAttribute::CheckAt)),
        }
    }

    /// The state an operator filters by: SES's report when there is one (delivered, bounced,
    /// …), else the sending state (sent, pending, held, failed, …).
    pub fn state(&self) -> &str {
        self.outcomes
            .iter()
            .map(|o| o.outcome.as_str())
            .next()
            .or(self.status.as_deref())
            .unwrap_or("-")
    }
}

/// A list of numbers (empty when absent).
fn numbers(item: &Item, name: &str) -> Vec<u32> {
    let list = item.get(name).and_then(|value| value.as_l().ok());
    (list.into_iter().flatten())
        .filter_map(|value| value.as_n().ok()?.parse().ok())
        .collect()
}

impl OrderRecord {
    /// `None` for an item that is not an order (dedupe records, counters, invoices).
    pub fn from_item(item: &Item) -> Option<OrderRecord> {
        let reference = reference_of(item)?;
        Some(OrderRecord {
            reference: reference.to_string(),
            order_id: owned(item, Attribute::OrderId.name()),
            created_at: timestamp(item, Attribute::CreatedAt.name())?,
            values: RecordValues::from_item(item),
            net_cents: number(item, Attribute::NetCents.name()),
            vat_rate_percent: owned(item, Attribute::VatRatePercent.name()),
            vat_cents: number(item, Attribute::VatCents.name()),
            gross_cents: number(item, Attribute::GrossCents.name()),
            currency: owned(item, Attribute::Currency.name()),
            emails: (EmailKind::ALL.into_iter())
                .map(|kind| (kind, EmailRecord::from_item(item, kind)))
                .filter(|(kind, record)| EmailKind::BOTH.contains(kind) || record.status.is_some())
                .collect(),
            booking: order_intake::store::booking_item::booking_from_item(item),
            erased_at: timestamp(item, ERASED_AT_ATTRIBUTE),
            invoice: InvoiceRecord::from_item(item),
            invoice_numbers: numbers(item, INVOICE_NUMBERS_ATTRIBUTE),
            invoicing_changes: (item.get(INVOICING_CHANGES_ATTRIBUTE))
                .and_then(|list| list.as_l().ok())
                .map(|list| {
                    list.iter()
                        .filter_map(InvoicingChange::from_attribute)
                        .collect()
                })
                .unwrap_or_default(),
            operator_actions: order_intake::store::operator_item::operator_actions_from_item(item),
        })
    }

    /// One of the customer's text values as stored.
    pub fn text(&self, field: Field) -> Option<&str> {
        self.values.text(field)
    }

    /// One email's record; `None` for a booking email the order does not have.
    pub fn email(&self, kind: EmailKind) -> Option<&EmailRecord> {
        self.emails.get(&kind)
    }

    /// The customer's confirmation (an empty record for an item without one).
    pub fn customer_email(&self) -> &EmailRecord {
        self.emails.get(&EmailKind::Customer).unwrap_or(&NO_EMAIL)
    }

    /// The trainers' notification (an empty record for an item without one).
    pub fn trainer_email(&self) -> &EmailRecord {
        self.emails.get(&EmailKind::Trainer).unwrap_or(&NO_EMAIL)
    }

    /// The booking's emails and reminders that exist, with their kinds.
    pub fn booking_emails(&self) -> impl Iterator<Item = (EmailKind, &EmailRecord)> {
        (self.emails.iter())
            .filter(|(kind, _)| !EmailKind::BOTH.contains(kind))
            .map(|(kind, record)| (*kind, record))
    }

    /// Whether this order is about that address (compared as SES and people do: ignoring case):
    /// as the customer's email, or as the invoicing address when that is an email address.
    pub fn is_about(&self, address: &str) -> bool {
        let address = address.trim().to_lowercase();
        [Field::Email, Field::InvoiceAddress]
            .into_iter()
            .filter_map(|field| self.values.text(field))
            .any(|value| value.trim().to_lowercase() == address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use order_intake::store::item::ORDER_TABLE_PARTITION_KEY;
    use std::collections::HashMap;

    #[test]
    fn an_order_is_about_its_customer_and_an_invoicing_email_address() {
        let item: Item = HashMap::from([
            (ORDER_TABLE_PARTITION_KEY.to_owned(), s("order#K7M2-QX9P")),
            (
                Attribute::CreatedAt.name().to_owned(),
                s("2026-11-26T10:00:00Z"),
            ),
            (
                Field::Email.name().to_owned(),
                s("Anna.Virtanen@tuusula.example"),
            ),
            (
                Field::InvoiceAddress.name().to_owned(),
                s("laskut@tuusula.example"),
            ),
        ]);
        let record = OrderRecord::from_item(&item).unwrap();
        assert!(record.is_about(" anna.virtanen@TUUSULA.example"));
        assert!(record.is_about("LASKUT@tuusula.example"));
        assert!(!record.is_about("tuusula.example"));
    }
}
