//! The emails after a booking: to the customer in their language (the booking, a change, a
//! cancellation, the reminder) with the calendar invitation, and a short Finnish note of each to
//! the trainers, with a fresh link to the booking page.

use askama::Template;

use super::calendar::{Audience, BookingEmails, invitation, prepare};
use super::compose::render;
use super::rows::Row;
use super::{Email, Invitation};
use crate::domain::{Booking, BookingChange, FeeVat, Language, Order, fee_cents, format_amount};
use crate::texts::{TRAINER, cancellation_line, fee_vat_words, fill, package_name, texts, when};

pub(super) struct NoticeView<'a> {
    pub(super) lang: &'a str,
    pub(super) heading: String,
    pub(super) intro: Vec<String>,
    pub(super) rows: Vec<Row>,
    /// A button: its label and link (the booking page).
    pub(super) button: Option<(&'a str, String)>,
    pub(super) sections: Vec<(&'a str, String)>,
    pub(super) footer: Vec<&'a str>,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticeHtml<'a> {
    view: &'a NoticeView<'a>,
}

#[derive(Template)]
#[template(path = "notice.txt")]
struct NoticeText<'a> {
    view: &'a NoticeView<'a>,
}

fn row(label: &'static str, value: String) -> Row {
    (label, value, None)
}

pub(super) fn email(
    to: Vec<String>,
    reply_to: Vec<String>,
    subject: String,
    view: &NoticeView,
) -> Email {
    Email {
        to,
        reply_to,
        subject,
        text: render(&NoticeText { view }),
        html: render(&NoticeHtml { view }),
        invitation: None,
        tags: Vec::new(),
    }
}

fn with(mut email: Email, invitation: Invitation) -> Email {
    email.invitation = Some(invitation);
    email
}

/// The customer's booking email: booked, changed or cancelled, as the booking now stands.
pub fn booking_email(order: &Order, booking: &Booking, context: &BookingEmails) -> Email {
    let d = &order.details;
    let t = &texts(d.language).booking;
    let (subject, intro) = match booking.change() {
        BookingChange::Cancelled => (t.subject_cancelled, t.intro_cancelled),
        BookingChange::Booked => (t.subject_booked, t.intro_booked),
        BookingChange::Changed => (t.subject_changed, t.intro_changed),
    };
    customer_notice(order, booking, context, subject, intro)
}

/// The customer's reminder, with the invitation again (a calendar that lost it gets it back).
pub fn reminder_email(order: &Order, booking: &Booking, context: &BookingEmails) -> Email {
    let t = &texts(order.details.language).booking;
    customer_notice(
        order,
        booking,
        context,
        t.subject_reminder,
        t.intro_reminder,
    )
}

/// The customer's practical reminder on the working day before: the details and what to
/// prepare, with the invitation again.
pub fn practical_email(order: &Order, booking: &Booking, context: &BookingEmails) -> Email {
    let t = &texts(order.details.language).booking;
    customer_notice(
        order,
        booking,
        context,
        t.subject_practical,
        t.intro_practical,
    )
}

/// The booking as the customer reads it.
fn customer_rows(order: &Order, booking: &Booking) -> Vec<Row> {
    let d = &order.details;
    let (t, customer) = (&texts(d.language).booking, &texts(d.language).customer);
    let mut rows = vec![
        row(
            customer.package,
            package_name(d.package, d.language).to_owned(),
        ),
        row(t.when, when(booking.start, booking.end, d.language)),
        row(t.place, booking.place.clone()),
        row(t.trainers, booking.trainers.join(", ")),
        row(customer.reference, order.reference.to_string()),
    ];
    rows.extend(words_rows(booking, t.note, t.reason));
    rows.extend(fee_row(order, booking, d.language));
    rows
}

/// Whom to call to change the booked workshop, and what cancelling costs until when (as the
/// customer's page says it); none without the seller's phone (tests of other parts).
fn changes(order: &Order, booking: &Booking, context: &BookingEmails) -> Option<String> {
    let language = order.details.language;
    let t = &texts(language).booking;
    let phone = context.phone?;
    let net = order.price.net_cents;
    let cost = cancellation_line(context.terms, booking.start, net, context.now, language);
    Some(format!("{} {cost}", fill(t.changes, &[("phone", phone)])))
}

/// A cancellation's fee as recorded on the booking: the amount and its VAT, or none.
fn fee_row(order: &Order, booking: &Booking, language: Language) -> Option<Row> {
    let percent = booking.fee_percent.filter(|_| !booking.is_booked())?;
    let t = &texts(language).booking;
    let value = match percent {
        0 => t.fee_none.to_owned(),
        percent => {
            let amount = format_amount(fee_cents(order.price.net_cents, percent), language);
            // A fee recorded before its VAT was is the one the page showed with VAT on top.
            let vat = booking.fee_vat.unwrap_or(FeeVat::Taxable);
            let vat = fee_vat_words(vat, language);
            format!("{amount} {vat}")
        }
    };
    Some(row(t.fee, value))
}

/// The trainers' own words on a booking: their note, and a cancellation's reason.
fn words_rows(booking: &Booking, note: &'static str, reason: &'static str) -> Vec<Row> {
    let note = booking.note.clone().map(|text| row(note, text));
    let reason = (booking.reason.clone())
        .filter(|_| !booking.is_booked())
        .map(|text| row(reason, text));
    note.into_iter().chain(reason).collect()
}

fn customer_notice(
    order: &Order,
    booking: &Booking,
    context: &BookingEmails,
    subject: &str,
    intro: &str,
) -> Email {
    let d = &order.details;
    let (t, customer) = (&texts(d.language).booking, &texts(d.language).customer);
    let rows = customer_rows(order, booking);
    let mut sections = Vec::new();
    if booking.is_booked() {
        sections.push((t.prepare_heading, prepare(order)));
        if let Some(changes) = changes(order, booking, context) {
            sections.push((t.changes_heading, changes));
        }
    }
    let view = NoticeView {
        lang: d.language.code(),
        heading: subject.to_owned(),
        intro: vec![
            format!("{} {},", customer.greeting, d.contact_name),
            intro.to_owned(),
        ],
        rows,
        button: (context.customer_link.clone()).map(|link| (customer.page_link, link)),
        sections,
        footer: vec![
            t.reach,
            match booking.is_booked() {
                true => t.calendar_hint,
                false => t.calendar_hint_cancelled,
            },
            customer.closing,
            "Some-työpajat",
        ],
    };
    // The date is what the inbox list needs; the organisation is the customer's own.
    let when = when(booking.start, booking.end, d.language);
    let subject = format!("{subject}: {when} ({})", order.reference);
    let invitation = invitation(order, booking, context, Audience::Customer);
    with(
        email(
            vec![d.email.to_string()],
            context.trainers.iter().map(ToString::to_string).collect(),
            subject,
            &view,
        ),
        invitation,
    )
}

/// The trainers' note of a booking, a change or a cancellation, with the same event.
pub fn booking_note(
    order: &Order,
    booking: &Booking,
    context: &BookingEmails,
    link: Option<&str>,
) -> Email {
    let heading = match booking.change() {
        BookingChange::Cancelled => TRAINER.booking_cancelled,
        BookingChange::Booked => TRAINER.booking_booked,
        BookingChange::Changed => TRAINER.booking_changed,
    };
    trainer_notice(order, booking, context, heading, link)
}

/// The trainers' note on the working day before.
pub fn reminder_note(
    order: &Order,
    booking: &Booking,
    context: &BookingEmails,
    link: Option<&str>,
) -> Email {
    trainer_notice(order, booking, context, TRAINER.reminder_heading, link)
}

/// Whom the trainers call, in Finnish: the organisation, the contact (mailto) and phone (tel),
/// and the order's reference.
pub(super) fn contact_rows(order: &Order) -> Vec<Row> {
    let d = &order.details;
    let labels = &texts(Language::Fi).labels;
    let contact = Some(d.email.mailto_uri());
    let mut rows = vec![
        row(labels.organization, d.organization.clone()),
        (labels.contact_name, d.contact_name.clone(), contact),
    ];
    if let Some(phone) = &d.phone {
        rows.push((
            labels.phone,
            phone.as_str().to_owned(),
            Some(phone.tel_uri()),
        ));
    }
    rows.push(row(TRAINER.reference, order.reference.to_string()));
    rows
}

/// The booking as the trainers read it: the customer's contact, then the rest.
fn note_rows(order: &Order, booking: &Booking) -> Vec<Row> {
    let mut rows = vec![
        row(TRAINER.when, when(booking.start, booking.end, Language::Fi)),
        row(TRAINER.place, booking.place.clone()),
        row(TRAINER.trainers, booking.trainers.join(", ")),
    ];
    rows.extend(contact_rows(order));
    rows.extend(words_rows(booking, TRAINER.note, TRAINER.reason));
    rows.extend(fee_row(order, booking, Language::Fi));
    rows
}

fn trainer_notice(
    order: &Order,
    booking: &Booking,
    context: &BookingEmails,
    heading: &str,
    link: Option<&str>,
) -> Email {
    let d = &order.details;
    let rows = note_rows(order, booking);
    let subject = format!(
        "{heading}: {} – {} ({})",
        when(booking.start, booking.end, Language::Fi),
        d.organization,
        order.reference
    );
    let heading = format!("{heading}: {} – {}", d.package.short_name(), d.organization);
    let view = NoticeView {
        lang: "fi",
        heading: heading.clone(),
        intro: Vec::new(),
        rows,
        button: link.map(|url| (TRAINER.change_button, url.to_owned())),
        sections: Vec::new(),
        footer: vec![TRAINER.calendar_hint, TRAINER.reply_hint],
    };
    let invitation = invitation(order, booking, context, Audience::Trainers);
    with(
        email(
            context.trainers.iter().map(ToString::to_string).collect(),
            vec![d.email.to_string()],
            subject,
            &view,
        ),
        invitation,
    )
}
