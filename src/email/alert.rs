//! The trainers' alert when a customer's confirmation did not arrive.

use askama::Template;

use super::Email;
use super::compose::{or_dash, render};
use crate::domain::{EmailAddress, Field, Language, Order, Outcome};

#[derive(Template)]
#[template(path = "undelivered.txt")]
struct UndeliveredText<'a> {
    heading: &'a str,
    rows: &'a [(&'static str, String)],
}

#[derive(Template)]
#[template(path = "undelivered.html")]
struct UndeliveredHtml<'a> {
    heading: &'a str,
    rows: &'a [(&'static str, String)],
}

/// One short email to the trainers, in Finnish: the customer's confirmation did not arrive at
/// `address`, and what to do about it.
pub fn undelivered_alert(
    order: &Order,
    address: &str,
    outcome: Outcome,
    trainers: &[EmailAddress],
) -> Email {
    let d = &order.details;
    let what = match outcome {
        Outcome::Bounced => "osoite ei ota vastaan postia (pysyvä palautus)",
        Outcome::Rejected => "sähköpostipalvelu hylkäsi viestin, eikä sitä lähetetty",
        Outcome::Complained => "vastaanottaja merkitsi vahvistuksen roskapostiksi",
        Outcome::TransientBounce | Outcome::Delayed | Outcome::Delivered => {
            "viesti ei ole mennyt perille"
        }
    };
    let phone = d.phone.as_ref().map(|p| p.as_str().to_owned());
    let rows = vec![
        ("Tilausnumero", order.reference.to_string()),
        (
            Field::Organization.label(Language::Fi),
            d.organization.clone(),
        ),
        (
            Field::ContactName.label(Language::Fi),
            d.contact_name.clone(),
        ),
        ("Osoite, johon vahvistus ei mennyt", address.to_owned()),
        ("Mitä tapahtui", what.to_owned()),
        (Field::Phone.label(Language::Fi), or_dash(phone)),
    ];
    let heading = format!(
        "Vahvistus ei mennyt perille: {} – {}",
        order.reference, d.organization
    );
    Email {
        to: trainers.iter().map(ToString::to_string).collect(),
        reply_to: trainers.iter().map(ToString::to_string).collect(),
        subject: heading.clone(),
        text: render(&UndeliveredText {
            heading: &heading,
            rows: &rows,
        }),
        html: render(&UndeliveredHtml {
            heading: &heading,
            rows: &rows,
        }),
    }
}
