//! The trainers' alerts: a customer's confirmation did not arrive; the reputation breaker
//! stopped automatic confirmations.

use askama::Template;

use super::Email;
use super::booking::{NoticeView, email};
use super::compose::render;
use super::rows::or_dash;
use crate::domain::{EmailAddress, EmailKind, Field, Language, Order, Outcome};
use crate::texts::TRAINER;

/// What the undelivered alert says, for both its parts.
struct UndeliveredView<'a> {
    heading: &'a str,
    rows: &'a [(&'static str, String)],
    call: &'static str,
    /// What the customer is now missing, and what to tell them.
    advice: &'static str,
    /// The booking page's button: its label and link.
    booking_link: Option<(&'static str, &'a str)>,
}

#[derive(Template)]
#[template(path = "undelivered.txt")]
struct UndeliveredText<'a> {
    view: &'a UndeliveredView<'a>,
}

#[derive(Template)]
#[template(path = "undelivered.html")]
struct UndeliveredHtml<'a> {
    view: &'a UndeliveredView<'a>,
}

/// The booking page's button: to book, or once booked, to change or cancel.
fn button(order: &Order) -> &'static str {
    match order.booking {
        Some(_) => TRAINER.change_button,
        None => TRAINER.book_button,
    }
}

/// What happened to the confirmation, and what to do about it: a complaint is no typo in the
/// address, so call and send nothing more.
fn what_happened(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Bounced => (TRAINER.undelivered_bounced, TRAINER.undelivered_call),
        Outcome::Rejected => (TRAINER.undelivered_rejected, TRAINER.undelivered_call),
        Outcome::Complained => (
            TRAINER.undelivered_complained,
            TRAINER.undelivered_call_complained,
        ),
        Outcome::TransientBounce | Outcome::Delayed | Outcome::Delivered => {
            (TRAINER.undelivered_other, TRAINER.undelivered_call)
        }
    }
}

/// Which email did not arrive: the confirmation, or the booking's email with its invitation.
fn which(kind: EmailKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        EmailKind::Booking => (
            TRAINER.undelivered_booking_heading,
            TRAINER.undelivered_booking_address,
            TRAINER.undelivered_booking_advice,
        ),
        _ => (
            TRAINER.undelivered_heading,
            TRAINER.undelivered_address,
            TRAINER.undelivered_advice,
        ),
    }
}

/// One short email to the trainers, in Finnish: the customer's confirmation (or booking email,
/// `kind`) did not arrive at `address`, and what to do about it; with a fresh link to the
/// order's booking page.
pub fn undelivered_alert(
    order: &Order,
    kind: EmailKind,
    address: &str,
    outcome: Outcome,
    trainers: &[EmailAddress],
    booking_link: Option<&str>,
) -> Email {
    let d = &order.details;
    let (what, call) = what_happened(outcome);
    let (heading, address_label, advice) = which(kind);
    let phone = d.phone.as_ref().map(|p| p.as_str().to_owned());
    let rows = vec![
        (TRAINER.reference, order.reference.to_string()),
        (
            crate::texts::label(Field::Organization, Language::Fi),
            d.organization.clone(),
        ),
        (
            crate::texts::label(Field::ContactName, Language::Fi),
            d.contact_name.clone(),
        ),
        (address_label, address.to_owned()),
        (TRAINER.undelivered_what, what.to_owned()),
        (
            crate::texts::label(Field::Phone, Language::Fi),
            or_dash(phone),
        ),
    ];
    let heading = format!("{heading}: {} – {}", order.reference, d.organization);
    let booking_link = booking_link.map(|link| (button(order), link));
    let view = UndeliveredView {
        heading: &heading,
        rows: &rows,
        call,
        advice,
        booking_link,
    };
    Email {
        to: trainers.iter().map(ToString::to_string).collect(),
        reply_to: trainers.iter().map(ToString::to_string).collect(),
        subject: heading.clone(),
        text: render(&UndeliveredText { view: &view }),
        html: render(&UndeliveredHtml { view: &view }),
        invitation: None,
        tags: Vec::new(),
    }
}

/// The trainers told once, in Finnish, that automatic confirmations stopped: what happened and
/// what to do (orders still arrive; release the real ones from their booking pages).
pub fn breaker_alert(
    trainers: &[EmailAddress],
    bounces: u32,
    complaints: u32,
    quiet_hours: u32,
) -> Email {
    let counts = crate::texts::fill(
        TRAINER.breaker_counts,
        &[
            ("bounces", &bounces.to_string()),
            ("complaints", &complaints.to_string()),
        ],
    );
    let view = NoticeView {
        lang: "fi",
        heading: TRAINER.breaker_heading.to_owned(),
        intro: vec![counts, TRAINER.breaker_what.to_owned()],
        rows: Vec::new(),
        button: None,
        sections: vec![(
            TRAINER.breaker_todo_heading,
            crate::texts::fill(TRAINER.breaker_todo, &[("hours", &quiet_hours.to_string())]),
        )],
        footer: Vec::new(),
    };
    let to: Vec<String> = trainers.iter().map(ToString::to_string).collect();
    email(to.clone(), to, TRAINER.breaker_heading.to_owned(), &view)
}

/// The trainers' hourly digest, in Finnish: over the hour's limit of notifications, the orders
/// that came, by reference and workshop (never their text: strangers wrote it), each with its
/// booking page (where a waiting confirmation is sent).
pub fn trainer_digest(trainers: &[EmailAddress], orders: &[(&Order, Option<String>)]) -> Email {
    // One row an order: the workshop, its reference and when, linked to its booking page.
    let rows: Vec<super::rows::Row> = (orders.iter())
        .map(|(order, link)| {
            let received = order
                .created_at
                .to_zoned_datetime(crate::domain::helsinki());
            let package = crate::texts::package_name(order.details.package, Language::Fi);
            let line = format!(
                "{}, {}",
                order.reference,
                crate::texts::received_at(received)
            );
            (package, line, link.clone())
        })
        .collect();
    let count = rows.len().to_string();
    let heading = crate::texts::fill(TRAINER.digest_heading, &[("count", &count)]);
    let view = NoticeView {
        lang: "fi",
        heading: heading.clone(),
        intro: vec![TRAINER.digest_intro.to_owned()],
        rows,
        button: None,
        sections: Vec::new(),
        footer: Vec::new(),
    };
    let to: Vec<String> = trainers.iter().map(ToString::to_string).collect();
    email(to.clone(), to, heading, &view)
}

/// A trainer's one-time sign-in link to the booking page, to their own address only, in Finnish.
pub fn sign_in_email(trainer: &crate::domain::Trainer, link: &str) -> Email {
    let view = NoticeView {
        lang: "fi",
        heading: TRAINER.sign_in_heading.to_owned(),
        intro: vec![crate::texts::fill(
            TRAINER.sign_in_intro,
            &[("name", &trainer.name)],
        )],
        rows: Vec::new(),
        button: Some((TRAINER.sign_in_button, link.to_owned())),
        sections: Vec::new(),
        footer: vec![TRAINER.sign_in_footer],
    };
    let to = vec![trainer.email.to_string()];
    email(to.clone(), to, TRAINER.sign_in_heading.to_owned(), &view)
}
