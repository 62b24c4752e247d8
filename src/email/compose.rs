//! The two emails an order produces. Templates are compiled at build time by askama, which
//! escapes everything in the HTML parts.

use askama::Template;
use jiff::civil::Date;

use super::Email;
use crate::domain::{
    Delivery, EmailAddress, Field, Language, NewOrder, Order, Outcome, format_eur, helsinki,
};

/// Customer-facing texts in the customer's language.
struct CustomerTexts {
    subject: &'static str,
    greeting: &'static str,
    intro: &'static str,
    reference: &'static str,
    package: &'static str,
    duration: &'static str,
    net: &'static str,
    vat: &'static str,
    gross: &'static str,
    organization: &'static str,
    dates: &'static str,
    dates_open: &'static str,
    next_heading: &'static str,
    next_steps: &'static str,
    reply: &'static str,
    closing: &'static str,
}

const FI: CustomerTexts = CustomerTexts {
    subject: "Tilausvahvistus",
    greeting: "Hei",
    intro: "kiitos tilauksestasi! Olemme vastaanottaneet sen. Tässä on yhteenveto.",
    reference: "Tilausnumero",
    package: "Koulutus",
    duration: "Kesto",
    net: "Hinta (alv 0 %)",
    vat: "Arvonlisävero 25,5 %",
    gross: "Yhteensä",
    organization: "Organisaatio",
    dates: "Toivotut päivät",
    dates_open: "sovitaan yhdessä",
    next_heading: "Mitä seuraavaksi?",
    next_steps: "Kouluttajamme ottavat sinuun yhteyttä kahden arkipäivän kuluessa. Sovimme yhdessä koulutuksen ajankohdan, paikan ja sisällön painotukset. Lasku lähetetään koulutuksen jälkeen.",
    reply: "Voit vastata tähän viestiin, niin vastauksesi menee suoraan kouluttajille. Mainitse tilausnumero, jos soitat meille.",
    closing: "Ystävällisin terveisin\nSome-työpajat",
};

const SV: CustomerTexts = CustomerTexts {
    subject: "Beställningsbekräftelse",
    greeting: "Hej",
    intro: "tack för din beställning! Vi har tagit emot den. Här är en sammanfattning.",
    reference: "Beställningsnummer",
    package: "Utbildning",
    duration: "Längd",
    net: "Pris exkl. moms",
    vat: "Moms 25,5 %",
    gross: "Totalt",
    organization: "Organisation",
    dates: "Önskade datum",
    dates_open: "kommer vi överens om tillsammans",
    next_heading: "Vad händer härnäst?",
    next_steps: "Våra utbildare kontaktar dig inom två vardagar. Tillsammans kommer vi överens om tid, plats och innehållets tyngdpunkter. Fakturan skickas efter utbildningen.",
    reply: "Du kan svara på det här meddelandet, så når ditt svar utbildarna direkt. Nämn ordernumret om du ringer oss.",
    closing: "Med vänliga hälsningar\nSome-työpajat",
};

const EN: CustomerTexts = CustomerTexts {
    subject: "Order confirmation",
    greeting: "Hello",
    intro: "thank you for your order! We have received it. Here is a summary.",
    reference: "Order reference",
    package: "Workshop",
    duration: "Length",
    net: "Price (excl. VAT)",
    vat: "VAT 25.5%",
    gross: "Total",
    organization: "Organisation",
    dates: "Preferred dates",
    dates_open: "to be agreed together",
    next_heading: "What happens next?",
    next_steps: "Our trainers will contact you within two working days to agree on the date, the place and what to focus on. The invoice is sent after the workshop.",
    reply: "You can reply to this email and your answer goes straight to the trainers. Please quote the order reference if you call us.",
    closing: "Kind regards\nSome-työpajat",
};

fn texts(language: Language) -> &'static CustomerTexts {
    match language {
        Language::Fi => &FI,
        Language::Sv => &SV,
        Language::En => &EN,
    }
}

fn format_date(date: Date, language: Language) -> String {
    match language {
        Language::Fi | Language::Sv => format!("{}.{}.{}", date.day(), date.month(), date.year()),
        Language::En => date.to_string(),
    }
}

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerHtml<'a> {
    t: &'a CustomerTexts,
    lang: &'a str,
    view: &'a CustomerView,
}

#[derive(Template)]
#[template(path = "customer.txt")]
struct CustomerText<'a> {
    t: &'a CustomerTexts,
    view: &'a CustomerView,
}

struct CustomerView {
    contact_name: String,
    reference: String,
    package: String,
    duration: String,
    net: String,
    vat: String,
    gross: String,
    organization: String,
    dates: Vec<String>,
}

/// The confirmation to the customer, in their language; replies go to the trainers.
pub fn customer_email(order: &Order, trainers: &[EmailAddress]) -> Email {
    let d = &order.details;
    let t = texts(d.language);
    let view = CustomerView {
        contact_name: d.contact_name.clone(),
        reference: order.reference.to_string(),
        package: d.package.name(d.language).to_owned(),
        duration: d.package.duration(d.language).to_owned(),
        net: format_eur(order.price.net_cents),
        vat: format_eur(order.price.vat_cents),
        gross: format_eur(order.price.gross_cents),
        organization: d.organization.clone(),
        dates: d
            .preferred_dates
            .iter()
            .map(|date| format_date(*date, d.language))
            .collect(),
    };
    Email {
        to: vec![d.email.to_string()],
        reply_to: trainers.iter().map(ToString::to_string).collect(),
        subject: format!(
            "{}: {} ({})",
            t.subject,
            d.package.name(d.language),
            order.reference
        ),
        text: render(&CustomerText { t, view: &view }),
        html: render(&CustomerHtml {
            t,
            lang: d.language.code(),
            view: &view,
        }),
    }
}

/// What the trainers read, laid out as label/value rows.
struct TrainerView<'a> {
    heading: &'a str,
    rows: &'a [(&'static str, String)],
    message: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "trainer.html")]
struct TrainerHtml<'a> {
    view: &'a TrainerView<'a>,
}

#[derive(Template)]
#[template(path = "trainer.txt")]
struct TrainerText<'a> {
    view: &'a TrainerView<'a>,
}

/// The notification to the trainers, in Finnish; replying reaches the customer.
pub fn trainer_email(order: &Order, trainers: &[EmailAddress]) -> Email {
    let d = &order.details;
    let rows = trainer_rows(order);
    let heading = format!(
        "Uusi tilaus: {} – {}",
        d.package.short_name(),
        d.organization
    );
    let view = TrainerView {
        heading: &heading,
        rows: &rows,
        message: d.message.as_deref(),
    };
    Email {
        to: trainers.iter().map(ToString::to_string).collect(),
        reply_to: vec![d.email.to_string()],
        subject: format!("{heading} ({})", order.reference),
        text: render(&TrainerText { view: &view }),
        html: render(&TrainerHtml { view: &view }),
    }
}

/// The value, or a dash for what the customer left out.
fn or_dash(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "–".to_owned())
}

/// What the trainers read, row by row: the order, then the customer's fields under their
/// Finnish labels, then when it came and its id.
fn trainer_rows(order: &Order) -> Vec<(&'static str, String)> {
    let d = &order.details;
    let package = format!(
        "{}, {}",
        d.package.name(Language::Fi),
        d.package.duration(Language::Fi)
    );
    let mut rows = vec![
        ("Tilausnumero", order.reference.to_string()),
        (Field::Package.label(Language::Fi), package),
        ("Hinta (alv 0 %)", format_eur(order.price.net_cents)),
        ("Arvonlisävero 25,5 %", format_eur(order.price.vat_cents)),
        ("Yhteensä", format_eur(order.price.gross_cents)),
    ];
    if matches!(order.customer_email, Delivery::Held { .. }) {
        // Strangers are flooding the form: the customer has no confirmation yet.
        rows.push((
            "Asiakkaan vahvistus",
            "EI VIELÄ LÄHETETTY – tilauksia on tullut tunnin aikana poikkeuksellisen paljon. \
             Vahvistus lähtee, kun tunnin raja sallii, tai jää lähettämättä vuorokauden \
             kuluttua: vastaa asiakkaalle itse."
                .to_owned(),
        ));
    }
    rows.extend(customer_rows(d));
    let received = order.created_at.to_zoned_datetime(helsinki());
    let received = received.strftime("%-d.%-m.%Y klo %H.%M").to_string();
    rows.push(("Vastaanotettu", received));
    rows.push(("Tilauksen tunniste", order.order_id.clone()));
    rows
}

fn customer_rows(d: &NewOrder) -> Vec<(&'static str, String)> {
    let channels: Vec<&str> = d.channels.iter().map(|c| c.display_name()).collect();
    let dates: Vec<String> = d
        .preferred_dates
        .iter()
        .map(|date| format_date(*date, Language::Fi))
        .collect();
    let fields = [
        (Field::Organization, Some(d.organization.clone())),
        (
            Field::BusinessId,
            d.business_id.as_ref().map(|b| b.as_str().to_owned()),
        ),
        (Field::ContactName, Some(d.contact_name.clone())),
        (Field::Email, Some(d.email.to_string())),
        (
            Field::Phone,
            d.phone.as_ref().map(|p| p.as_str().to_owned()),
        ),
        (Field::Participants, d.participants.map(|n| n.to_string())),
        (Field::Channels, Some(channels.join(", "))),
        (Field::PreferredDates, Some(dates.join(", "))),
        (Field::Location, d.location.clone()),
        (
            Field::EInvoiceAddress,
            d.einvoice_address.as_ref().map(|e| e.as_str().to_owned()),
        ),
        (
            Field::EInvoiceOperator,
            d.einvoice_operator.as_ref().map(|e| e.as_str().to_owned()),
        ),
        (Field::BillingReference, d.billing_reference.clone()),
        (Field::Language, Some(d.language.code().to_owned())),
    ];
    fields
        .into_iter()
        .map(|(field, value)| (field.label(Language::Fi), or_dash(value)))
        .collect()
}

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

/// Rendering writes into a String; askama can only fail on a formatter error, which a String
/// never raises. An empty body would still be caught by SES, never silently sent.
fn render(template: &impl Template) -> String {
    template.render().unwrap_or_default()
}
