//! The emails of the customer's actions on their page that change no booking: a request for
//! another date (what was asked; the booking stays as it is) and a correction of the invoicing
//! details (the details as they now stand). Each is a receipt to the customer in their
//! language with the link to their page, and a Finnish note to the trainers with the booking
//! page's link and the customer's contact.

use super::Email;
use super::booking::{NoticeView, email};
use super::rows::Row;
use crate::domain::{CUSTOMER_INVOICING_FIELDS, ChangeRequest, EmailAddress, Language, Order};
use crate::texts::{TRAINER, date_with_weekday, label, texts, when};

fn dates(request: &ChangeRequest, language: Language) -> Option<String> {
    let dates: Vec<String> = (request.dates.iter())
        .map(|date| date_with_weekday(*date, language))
        .collect();
    (!dates.is_empty()).then(|| dates.join(", "))
}

/// What was asked, under the labels given.
fn asked(
    request: &ChangeRequest,
    language: Language,
    labels: (&'static str, &'static str),
) -> Vec<Row> {
    let dates = dates(request, language).map(|dates| (labels.0, dates, None));
    let message = (request.message.clone()).map(|message| (labels.1, message, None));
    dates.into_iter().chain(message).collect()
}

/// The customer's receipt of their request.
pub fn request_receipt(
    order: &Order,
    request: &ChangeRequest,
    trainers: &[EmailAddress],
    customer_link: Option<String>,
) -> Email {
    let d = &order.details;
    let (t, customer) = (&texts(d.language).order_page, &texts(d.language).customer);
    let mut rows = asked(
        request,
        d.language,
        (t.request_dates, t.request_message_label),
    );
    rows.push((customer.reference, order.reference.to_string(), None));
    let view = NoticeView {
        lang: d.language.code(),
        heading: t.subject_request.to_owned(),
        intro: vec![
            format!("{} {},", customer.greeting, d.contact_name),
            t.intro_request.to_owned(),
        ],
        rows,
        button: customer_link.map(|link| (customer.page_link, link)),
        sections: Vec::new(),
        footer: vec![
            texts(d.language).booking.reach,
            customer.closing,
            "Some-työpajat",
        ],
    };
    let subject = format!("{} ({})", t.subject_request, order.reference);
    email(
        vec![d.email.to_string()],
        trainers.iter().map(ToString::to_string).collect(),
        subject,
        &view,
    )
}

/// The trainers' note of a request: the booking as it stands, what was asked, whom to call.
pub fn request_note(
    order: &Order,
    request: &ChangeRequest,
    trainers: &[EmailAddress],
    link: Option<&str>,
) -> Email {
    let d = &order.details;
    let labels = &texts(Language::Fi).labels;
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
    rows.push((labels.organization, d.organization.clone(), None));
    rows.push((
        labels.contact_name,
        d.contact_name.clone(),
        Some(d.email.mailto_uri()),
    ));
    if let Some(phone) = &d.phone {
        rows.push((
            labels.phone,
            phone.as_str().to_owned(),
            Some(phone.tel_uri()),
        ));
    }
    rows.push((TRAINER.reference, order.reference.to_string(), None));
    let heading = format!(
        "{}: {} – {}",
        TRAINER.request_heading,
        d.package.short_name(),
        d.organization
    );
    let view = NoticeView {
        lang: "fi",
        heading: heading.clone(),
        intro: vec![TRAINER.request_hint.to_owned()],
        rows,
        button: link.map(|url| (TRAINER.change_button, url.to_owned())),
        sections: Vec::new(),
        footer: vec![TRAINER.reply_hint],
    };
    let subject = format!("{heading} ({})", order.reference);
    email(
        trainers.iter().map(ToString::to_string).collect(),
        vec![d.email.to_string()],
        subject,
        &view,
    )
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

/// The customer's receipt of their correction of the invoicing details.
pub fn invoicing_receipt(
    order: &Order,
    trainers: &[EmailAddress],
    customer_link: Option<String>,
) -> Email {
    let d = &order.details;
    let (t, customer) = (&texts(d.language).order_page, &texts(d.language).customer);
    let mut rows = invoicing_rows(order, d.language);
    rows.push((customer.reference, order.reference.to_string(), None));
    let view = NoticeView {
        lang: d.language.code(),
        heading: t.subject_invoicing.to_owned(),
        intro: vec![
            format!("{} {},", customer.greeting, d.contact_name),
            t.intro_invoicing.to_owned(),
        ],
        rows,
        button: customer_link.map(|link| (customer.page_link, link)),
        sections: Vec::new(),
        footer: vec![customer.closing, "Some-työpajat"],
    };
    let subject = format!("{} ({})", t.subject_invoicing, order.reference);
    email(
        vec![d.email.to_string()],
        trainers.iter().map(ToString::to_string).collect(),
        subject,
        &view,
    )
}

/// The trainers' note of the customer's correction: the invoicing details as they now stand.
pub fn invoicing_note(order: &Order, trainers: &[EmailAddress], link: Option<&str>) -> Email {
    let d = &order.details;
    let labels = &texts(Language::Fi).labels;
    let mut rows = invoicing_rows(order, Language::Fi);
    rows.push((labels.organization, d.organization.clone(), None));
    let contact = Some(d.email.mailto_uri());
    rows.push((labels.contact_name, d.contact_name.clone(), contact));
    rows.push((TRAINER.reference, order.reference.to_string(), None));
    let heading = format!("{}: {}", TRAINER.invoicing_heading, d.organization);
    let view = NoticeView {
        lang: "fi",
        heading: heading.clone(),
        intro: vec![TRAINER.invoicing_hint.to_owned()],
        rows,
        button: link.map(|url| (TRAINER.change_button, url.to_owned())),
        sections: Vec::new(),
        footer: vec![TRAINER.reply_hint],
    };
    let subject = format!("{heading} ({})", order.reference);
    email(
        trainers.iter().map(ToString::to_string).collect(),
        vec![d.email.to_string()],
        subject,
        &view,
    )
}
