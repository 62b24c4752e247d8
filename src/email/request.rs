//! The emails of the customer's actions on their page that change no booking: a request for
//! another date (what was asked; the booking stays as it is) and a correction of the invoicing
//! details (the details as they now stand). Each is a receipt to the customer in their
//! language with the link to their page, and a Finnish note to the trainers with the booking
//! page's link and the customer's contact.

use super::Email;
use super::booking::{NoticeView, contact_rows, email};
use super::rows::Row;
use crate::domain::{
    CUSTOMER_INVOICING_FIELDS, ChangeRequest, EmailAddress, Language, Order, format_eur,
};
use crate::texts::{TRAINER, date_with_weekday, label, texts, when};

/// What was asked, under the labels given.
fn asked(
    request: &ChangeRequest,
    language: Language,
    labels: (&'static str, &'static str),
) -> Vec<Row> {
    let dates: Vec<String> = (request.dates.iter())
        .map(|date| date_with_weekday(*date, language))
        .collect();
    let dates = (!dates.is_empty()).then(|| (labels.0, dates.join(", "), None));
    let message = (request.message.clone()).map(|message| (labels.1, message, None));
    dates.into_iter().chain(message).collect()
}

/// The order's invoicing details as they now stand, in `language` ("–" for none).
fn invoicing_rows(order: &Order, language: Language) -> Vec<Row> {
    (CUSTOMER_INVOICING_FIELDS.iter())
        .map(|field| {
            let value = order.details.value(*field);
            let value = value.as_ref().and_then(|v| v.as_text()).unwrap_or("–");
            (label(*field, language), value.to_owned(), None)
        })
        .collect()
}

/// Where a receipt's replies go, as its footer says.
enum Replies<'a> {
    Trainers(&'a [EmailAddress]),
    /// Whoever answers about invoices (`SELLER_EMAIL`).
    Invoicing(&'a EmailAddress),
}

/// A receipt to the customer, in their language: `subject` as its heading, `intro`, `rows` and
/// the order's reference, the link to their page.
fn receipt(
    order: &Order,
    (subject, intro): (&str, &str),
    mut rows: Vec<Row>,
    replies: Replies,
    customer_link: Option<String>,
) -> Email {
    let d = &order.details;
    let (booking, customer) = (&texts(d.language).booking, &texts(d.language).customer);
    rows.push((customer.reference, order.reference.to_string(), None));
    let (reply_to, reach) = match replies {
        Replies::Trainers(trainers) => (
            trainers.iter().map(ToString::to_string).collect(),
            booking.reach,
        ),
        Replies::Invoicing(address) => (
            vec![address.to_string()],
            texts(d.language).order_page.reminder_reach,
        ),
    };
    let view = NoticeView {
        lang: d.language.code(),
        heading: subject.to_owned(),
        intro: vec![
            format!("{} {},", customer.greeting, d.contact_name),
            intro.to_owned(),
        ],
        rows,
        button: customer_link.map(|link| (customer.page_link, link)),
        sections: Vec::new(),
        footer: vec![reach, customer.closing, "Some-työpajat"],
    };
    let subject = format!("{subject} ({})", order.reference);
    email(vec![d.email.to_string()], reply_to, subject, &view)
}

/// A note to the trainers, in Finnish: `heading`, `hint`, `rows` then whom to call, and the
/// booking page's link; replies go to the customer.
fn note(
    order: &Order,
    (heading, hint): (String, &str),
    mut rows: Vec<Row>,
    trainers: &[EmailAddress],
    link: Option<&str>,
) -> Email {
    rows.extend(contact_rows(order));
    let view = NoticeView {
        lang: "fi",
        heading: heading.clone(),
        intro: vec![hint.to_owned()],
        rows,
        button: link.map(|url| (TRAINER.change_button, url.to_owned())),
        sections: Vec::new(),
        footer: vec![TRAINER.reply_hint],
    };
    let subject = format!("{heading} ({})", order.reference);
    let to = trainers.iter().map(ToString::to_string).collect();
    email(to, vec![order.details.email.to_string()], subject, &view)
}

/// The customer's receipt of their request.
pub fn request_receipt(
    order: &Order,
    request: &ChangeRequest,
    trainers: &[EmailAddress],
    customer_link: Option<String>,
) -> Email {
    let t = &texts(order.details.language).order_page;
    let rows = asked(
        request,
        order.details.language,
        (t.request_dates, t.request_message_label),
    );
    receipt(
        order,
        (t.subject_request, t.intro_request),
        rows,
        Replies::Trainers(trainers),
        customer_link,
    )
}

/// The trainers' note of a request: the booking as it stands and what was asked.
pub fn request_note(
    order: &Order,
    request: &ChangeRequest,
    trainers: &[EmailAddress],
    link: Option<&str>,
) -> Email {
    let current = match order.booking.as_ref().filter(|b| b.is_booked()) {
        Some(booking) => when(booking.start, booking.end, Language::Fi),
        None => TRAINER.request_unbooked.to_owned(),
    };
    let mut rows = vec![(TRAINER.request_current, current, None)];
    rows.extend(asked(
        request,
        Language::Fi,
        (TRAINER.request_dates, TRAINER.request_message),
    ));
    let d = &order.details;
    let heading = format!(
        "{}: {} – {}",
        TRAINER.request_heading,
        d.package.short_name(),
        d.organization
    );
    note(order, (heading, TRAINER.request_hint), rows, trainers, link)
}

/// The customer's receipt of their correction of the invoicing details.
pub fn invoicing_receipt(
    order: &Order,
    trainers: &[EmailAddress],
    customer_link: Option<String>,
) -> Email {
    let t = &texts(order.details.language).order_page;
    let rows = invoicing_rows(order, order.details.language);
    receipt(
        order,
        (t.subject_invoicing, t.intro_invoicing),
        rows,
        Replies::Trainers(trainers),
        customer_link,
    )
}

/// A reminder of an overdue invoice to the customer, in their language: the invoice, its
/// viitenumero, what is open, the due date and the new one. Where to pay is the invoice's own
/// account (the reminder names none: nobody but the invoice says where money goes). Replies go
/// to `invoice_questions` (`SELLER_EMAIL`) when it is set, else to the trainers.
pub fn payment_reminder(
    order: &Order,
    trainers: &[EmailAddress],
    invoice_questions: Option<&EmailAddress>,
    customer_link: Option<String>,
) -> Option<Email> {
    let reminder = order.payment_reminder.as_ref()?;
    let language = order.details.language;
    let t = &texts(language).order_page;
    let rows = vec![
        (t.reminder_invoice, reminder.invoice.to_string(), None),
        (t.reminder_reference, reminder.reference_number(), None),
        (t.reminder_open, format_eur(reminder.open_cents), None),
        (
            t.reminder_due,
            date_with_weekday(reminder.due_date, language),
            None,
        ),
        (
            t.reminder_new_due,
            date_with_weekday(reminder.new_due_date, language),
            None,
        ),
    ];
    let subject = format!("{} {}", t.subject_payment_reminder, reminder.invoice);
    Some(receipt(
        order,
        (&subject, t.intro_payment_reminder),
        rows,
        invoice_questions.map_or(Replies::Trainers(trainers), Replies::Invoicing),
        customer_link,
    ))
}

/// The trainers' note of the customer's correction: the invoicing details as they now stand.
pub fn invoicing_note(order: &Order, trainers: &[EmailAddress], link: Option<&str>) -> Email {
    let rows = invoicing_rows(order, Language::Fi);
    let heading = format!(
        "{}: {}",
        TRAINER.invoicing_heading, order.details.organization
    );
    note(
        order,
        (heading, TRAINER.invoicing_hint),
        rows,
        trainers,
        link,
    )
}
