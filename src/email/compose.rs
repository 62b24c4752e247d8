//! The two emails an order produces. Templates are compiled at build time by askama, which
//! escapes everything in the HTML parts.

use askama::Template;
use jiff::civil::Date;

use super::Email;
use crate::domain::{
    Delivery, EmailAddress, Field, Language, NewOrder, Order, format_amount, format_eur, helsinki,
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
    ordered: &'static str,
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
    closing: "Ystävällisin terveisin\nPilvi Nummi ja Jaana Pohjola\nSome-työpajat",
    ordered: "Tilauksesi tiedot – tarkista, että ne ovat oikein",
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
    next_steps: "Våra utbildare kontaktar dig inom två vardagar för att tillsammans med dig komma överens om tid, plats och vad utbildningen ska fokusera på. Fakturan skickas efter utbildningen.",
    reply: "Du kan svara på det här meddelandet, så når ditt svar utbildarna direkt. Nämn beställningsnumret om du ringer oss.",
    closing: "Med vänliga hälsningar\nPilvi Nummi och Jaana Pohjola\nSome-työpajat",
    ordered: "Dina uppgifter – kontrollera att de stämmer",
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
    closing: "Kind regards\nPilvi Nummi and Jaana Pohjola\nSome-työpajat",
    ordered: "Your details – please check that they are right",
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
        Language::En => date.strftime("%-d %B %Y").to_string(),
    }
}

/// A date as the trainers plan with it: the weekday first, `ti 3.3.2027`.
fn format_date_with_weekday(date: Date) -> String {
    let weekday = ["ma", "ti", "ke", "to", "pe", "la", "su"]
        [usize::from(date.weekday().to_monday_zero_offset().unsigned_abs())];
    format!("{weekday} {}", format_date(date, Language::Fi))
}

/// The language of the customer's emails, as a word.
fn language_name(language: Language) -> &'static str {
    language.pick("suomi", "ruotsi", "englanti")
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
    /// What the customer gave beyond the package, to check for typos; never the message.
    details: Vec<(&'static str, String)>,
}

/// The structured details a customer gave, under their labels in the customer's language.
fn ordered_details(d: &NewOrder) -> Vec<(&'static str, String)> {
    let channels: Vec<&str> = d.channels.iter().map(|c| c.display_name()).collect();
    let fields = [
        (Field::ContactName, Some(d.contact_name.clone())),
        (Field::Email, Some(d.email.to_string())),
        (
            Field::Phone,
            d.phone.as_ref().map(|p| p.as_str().to_owned()),
        ),
        (Field::Participants, d.participants.map(|n| n.to_string())),
        (
            Field::Channels,
            Some(channels.join(", ")).filter(|c| !c.is_empty()),
        ),
        (Field::Location, d.location.clone()),
        (
            Field::BusinessId,
            d.business_id.as_ref().map(|b| b.as_str().to_owned()),
        ),
        (
            Field::EInvoiceAddress,
            d.einvoice_address.as_ref().map(|e| e.as_str().to_owned()),
        ),
        (
            Field::EInvoiceOperator,
            d.einvoice_operator.as_ref().map(|e| e.as_str().to_owned()),
        ),
        (Field::BillingReference, d.billing_reference.clone()),
    ];
    fields
        .into_iter()
        .filter_map(|(field, value)| Some((field.label(d.language), value?)))
        .collect()
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
        net: format_amount(order.price.net_cents, d.language),
        vat: format_amount(order.price.vat_cents, d.language),
        gross: format_amount(order.price.gross_cents, d.language),
        organization: d.organization.clone(),
        dates: d
            .preferred_dates
            .iter()
            .map(|date| format_date(*date, d.language))
            .collect(),
        details: ordered_details(d),
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

/// A label, its value, and where the value links to (`mailto:`, `tel:`), if anywhere.
type Row = (&'static str, String, Option<String>);

fn row(label: &'static str, value: String) -> Row {
    (label, value, None)
}

/// What the trainers read, laid out as label/value rows.
struct TrainerView<'a> {
    heading: &'a str,
    rows: &'a [Row],
    message: Option<&'a str>,
    /// The order's id, for a search in the logs: in a small footer.
    order_id: &'a str,
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
        order_id: &order.order_id,
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
pub(super) fn or_dash(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "–".to_owned())
}

/// What the trainers read, row by row: the order, then the customer's fields under their
/// Finnish labels, then when it came and its id.
fn trainer_rows(order: &Order) -> Vec<Row> {
    let d = &order.details;
    let package = format!(
        "{}, {}",
        d.package.name(Language::Fi),
        d.package.duration(Language::Fi)
    );
    let mut rows = vec![
        row("Tilausnumero", order.reference.to_string()),
        row(Field::Package.label(Language::Fi), package),
        row("Hinta (alv 0 %)", format_eur(order.price.net_cents)),
        row("Arvonlisävero 25,5 %", format_eur(order.price.vat_cents)),
        row("Yhteensä", format_eur(order.price.gross_cents)),
    ];
    if matches!(order.customer_email, Delivery::Held { .. }) {
        // Strangers are flooding the form: the customer has no confirmation yet.
        rows.push(row(
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
    rows.push(row("Vastaanotettu", received));
    rows
}

fn customer_rows(d: &NewOrder) -> Vec<Row> {
    let channels: Vec<&str> = d.channels.iter().map(|c| c.display_name()).collect();
    let dates: Vec<String> = (d.preferred_dates.iter())
        .map(|date| format_date_with_weekday(*date))
        .collect();
    let text = |value: &Option<String>| value.clone();
    let id = |value: Option<&str>| value.map(str::to_owned);
    let fields = [
        (Field::Organization, Some(d.organization.clone())),
        (
            Field::BusinessId,
            id(d.business_id.as_ref().map(|b| b.as_str())),
        ),
        (Field::ContactName, Some(d.contact_name.clone())),
        (Field::Email, Some(d.email.to_string())),
        (Field::Phone, id(d.phone.as_ref().map(|p| p.as_str()))),
        (Field::Participants, d.participants.map(|n| n.to_string())),
        (Field::Channels, Some(channels.join(", "))),
        (Field::PreferredDates, Some(dates.join(", "))),
        (Field::Location, text(&d.location)),
        (
            Field::EInvoiceAddress,
            id(d.einvoice_address.as_ref().map(|e| e.as_str())),
        ),
        (
            Field::EInvoiceOperator,
            id(d.einvoice_operator.as_ref().map(|e| e.as_str())),
        ),
        (Field::BillingReference, text(&d.billing_reference)),
        (Field::Language, Some(language_name(d.language).to_owned())),
    ];
    fields
        .into_iter()
        .map(|(field, value)| {
            let href = match field {
                Field::Email => Some(format!("mailto:{}", d.email)),
                Field::Phone => d
                    .phone
                    .as_ref()
                    .map(|p| format!("tel:{}", dialable(p.as_str()))),
                _ => None,
            };
            (field.label(Language::Fi), or_dash(value), href)
        })
        .collect()
}

/// A phone number as a `tel:` link wants it: `+` and digits only.
fn dialable(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

/// Rendering writes into a String; askama can only fail on a formatter error, which a String
/// never raises. An empty body would still be caught by SES, never silently sent.
pub(super) fn render(template: &impl Template) -> String {
    template.render().unwrap_or_default()
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderForm, Reference};

    fn order(language: &str) -> Order {
        let form = OrderForm {
            package: Some("some-haltuun".into()),
            organization: Some("Tuusulan kunta".into()),
            contact_name: Some("Anna Virtanen".into()),
            email: Some("anna@tuusula.example".into()),
            privacy_consent: Some("true".into()),
            phone: Some("+358 40 123 4567".into()),
            participants: Some("12".into()),
            einvoice_address: Some("003701577119".into()),
            preferred_dates: vec!["2027-03-02".into()],
            message: Some("Salainen viesti kouluttajille".into()),
            language: Some(language.into()),
            ..OrderForm::default()
        };
        let details = NewOrder::parse(&form, jiff::civil::date(2026, 11, 26)).unwrap();
        Order {
            order_id: "01900000-0000-7000-8000-000000000000".into(),
            reference: Reference::parse("K7Q4-M2XD").unwrap(),
            created_at: "2026-11-26T10:00:00Z".parse().unwrap(),
            price: details.package.price(),
            details,
            customer_email: Delivery::Failed { attempts: 0 },
            trainer_email: Delivery::Failed { attempts: 0 },
            reports: Default::default(),
        }
    }

    #[test]
    fn the_customer_sees_what_they_ordered_but_never_the_message() {
        let fi = customer_email(&order("fi"), &[]);
        for expected in [
            "003701577119",
            "Osallistujamäärä: 12",
            "1\u{a0}129,50\u{a0}€",
            "Pilvi Nummi",
        ] {
            assert!(fi.text.contains(expected), "{expected}: {}", fi.text);
        }
        assert!(!fi.text.contains("Salainen") && !fi.html.contains("Salainen"));
        let en = customer_email(&order("en"), &[]);
        for expected in ["€1,129.50", "2 March 2027"] {
            assert!(en.text.contains(expected), "{expected}: {}", en.text);
        }
    }

    #[test]
    fn the_trainers_can_call_write_and_plan_from_their_email() {
        let email = trainer_email(&order("sv"), &[]);
        assert!(email.html.contains(r#"href="mailto:anna@tuusula.example""#));
        assert!(email.html.contains(r#"href="tel:+358401234567""#));
        assert!(
            email.text.contains("Toivotut päivät: ti 2.3.2027"),
            "{}",
            email.text
        );
        assert!(email.text.contains("Kieli: ruotsi"));
        assert!(
            email
                .text
                .trim_end()
                .ends_with("Tilauksen tunniste: 01900000-0000-7000-8000-000000000000")
        );
    }
}
