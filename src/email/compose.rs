//! The two emails an order produces. Templates are compiled at build time by askama, which
//! escapes everything in the HTML parts.

use askama::Template;

use super::Email;
use super::details::{customer_details, trainer_rows};
use super::rows::Row;
use crate::domain::{
    CancellationTerms, Delivery, EmailAddress, Language, Order, Seller, format_amount, format_eur,
    helsinki, working_days_after,
};
use crate::texts::{CustomerEmail, TRAINER, date_with_weekday, fill, texts};

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerHtml<'a> {
    t: &'a CustomerEmail,
    lang: &'a str,
    view: &'a CustomerView,
}

#[derive(Template)]
#[template(path = "customer.txt")]
struct CustomerText<'a> {
    t: &'a CustomerEmail,
    view: &'a CustomerView,
}

struct CustomerView {
    contact_name: String,
    reference: String,
    package: String,
    /// The name in two parts, the second never broken (`haltuun -koulutus`): no line of a
    /// phone's screen starts with the hyphen.
    package_lines: (String, String),
    duration: String,
    net: String,
    vat: String,
    gross: String,
    organization: String,
    dates: Vec<String>,
    next_steps: String,
    /// Whether the customer wrote to the trainers: the email says it arrived, never what it said.
    message_forwarded: bool,
    /// What the customer gave beyond the package, to check for typos; never the message.
    details: Vec<(&'static str, String)>,
    /// The customer's own page of the order (none until `PUBLIC_URL` is set).
    page: Option<String>,
    /// How to call, the terms and the seller's line; absent where no seller is configured
    /// (unit tests of other parts).
    seller: Option<SellerView>,
}

struct SellerView {
    name: String,
    call: String,
    terms: String,
    line: String,
}

fn seller_view(
    seller: &Seller,
    t: &CustomerEmail,
    language: Language,
    cancellation: CancellationTerms,
) -> SellerView {
    let phone = seller.phone.as_str();
    SellerView {
        name: seller.name.clone(),
        call: fill(t.call, &[("phone", phone)]),
        terms: format!(
            "{} {}",
            crate::texts::cancellation_terms(cancellation, language),
            seller.terms_in(language)
        ),
        line: fill(
            t.seller_line,
            &[
                ("seller", &seller.name),
                ("business_id", seller.business_id.as_str()),
                ("phone", phone),
            ],
        ),
    }
}

/// The confirmation to the customer, in their language; replies go to the trainers.
pub fn customer_email(
    order: &Order,
    trainers: &[EmailAddress],
    seller: Option<&Seller>,
    page: Option<&str>,
    cancellation: CancellationTerms,
) -> Email {
    let d = &order.details;
    let t = &texts(d.language).customer;
    let view = CustomerView {
        contact_name: d.contact_name.clone(),
        reference: order.reference.to_string(),
        package: crate::texts::package_name(d.package, d.language).to_owned(),
        package_lines: unbroken_tail(crate::texts::package_name(d.package, d.language)),
        duration: crate::texts::package_duration(d.package, d.language).to_owned(),
        net: format_amount(order.price.net_cents, d.language),
        vat: format_amount(order.price.vat_cents, d.language),
        gross: format_amount(order.price.gross_cents, d.language),
        organization: d.organization.clone(),
        dates: d
            .preferred_dates
            .iter()
            .map(|date| date_with_weekday(*date, d.language))
            .collect(),
        next_steps: fill(
            t.next_steps,
            &[("due_days", &crate::domain::PAYMENT_TERM_DAYS.to_string())],
        ),
        message_forwarded: d.message.is_some(),
        details: customer_details(d),
        page: page.map(str::to_owned),
        seller: seller.map(|seller| seller_view(seller, t, d.language, cancellation)),
    };
    Email {
        to: vec![d.email.to_string()],
        reply_to: trainers.iter().map(ToString::to_string).collect(),
        subject: format!(
            "{}: {} ({})",
            t.subject,
            crate::texts::package_name(d.package, d.language),
            order.reference
        ),
        text: render(&CustomerText { t, view: &view }),
        html: render(&CustomerHtml {
            t,
            lang: d.language.code(),
            view: &view,
        }),
        invitation: None,
        tags: Vec::new(),
    }
}

/// A name split before its last two words when the last is a hyphenated suffix
/// (`Puolen päivän some ` + `haltuun -koulutus`); otherwise the whole name and nothing.
fn unbroken_tail(name: &str) -> (String, String) {
    let mut words = name.rsplitn(3, ' ');
    match (words.next(), words.next(), words.next()) {
        (Some(last), Some(before), rest) if last.starts_with('-') => (
            rest.map_or(String::new(), |rest| format!("{rest} ")),
            format!("{before} {last}"),
        ),
        _ => (name.to_owned(), String::new()),
    }
}

fn row(label: &'static str, value: String) -> Row {
    (label, value, None)
}

/// What the trainers read, laid out as label/value rows.
struct TrainerView<'a> {
    t: &'static crate::texts::TrainerTexts,
    heading: &'a str,
    /// Whom to call or write to, and what they want: read first, on a phone.
    rows: &'a [Row],
    message: Option<&'a str>,
    /// Invoicing details, prices, reference and time: last.
    invoicing: &'a [Row],
    /// The order's id, for a search in the logs: in a small footer.
    order_id: &'a str,
    /// The booking page, signed for this order (absent where no link secret is configured).
    booking_link: Option<&'a str>,
    book_hint: String,
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

/// The notification to the trainers, in Finnish; replying reaches the customer. `booking_link`
/// opens the booking page for this order.
pub fn trainer_email(
    order: &Order,
    trainers: &[EmailAddress],
    booking_link: Option<&str>,
) -> Email {
    let d = &order.details;
    let (rows, invoicing) = order_rows(order);
    let heading = format!(
        "{}: {} – {}",
        TRAINER.new_order,
        d.package.short_name(),
        d.organization
    );
    let view = TrainerView {
        t: &TRAINER,
        heading: &heading,
        rows: &rows,
        message: d.message.as_deref(),
        invoicing: &invoicing,
        order_id: &order.order_id,
        booking_link,
        book_hint: fill(
            TRAINER.book_hint,
            &[("days", &crate::domain::LINK_VALID_DAYS.to_string())],
        ),
    };
    Email {
        to: trainers.iter().map(ToString::to_string).collect(),
        reply_to: vec![d.email.to_string()],
        subject: format!("{heading} ({})", order.reference),
        text: render(&TrainerText { view: &view }),
        html: render(&TrainerHtml { view: &view }),
        invitation: None,
        tags: Vec::new(),
    }
}

/// What the trainers read, row by row, ordered for acting on a phone: by when to call (the
/// customer was promised a call within two working days; only when there is a number to call),
/// whether the confirmation waits, the customer and what they want; then, apart, the invoicing
/// details, the prices, the reference and when it came.
fn order_rows(order: &Order) -> (Vec<Row>, Vec<Row>) {
    let d = &order.details;
    let received = order.created_at.to_zoned_datetime(helsinki());
    let call_by = working_days_after(received.date(), CALL_WITHIN_WORKING_DAYS);
    let mut rows = Vec::new();
    if d.phone.is_some() {
        rows.push(row(
            TRAINER.call_by,
            date_with_weekday(call_by, Language::Fi),
        ));
    }
    let waiting = match order.customer_email() {
        // Strangers are flooding the form: the customer has no confirmation yet.
        Delivery::Held { .. } => Some(TRAINER.confirmation_held),
        // Nobody showed a person sent it: a trainer decides.
        Delivery::Unverified => Some(TRAINER.confirmation_unverified),
        _ => None,
    };
    if let Some(waiting) = waiting {
        rows.push(row(TRAINER.confirmation, waiting.to_owned()));
    }
    let (contact, mut invoicing) = trainer_rows(d);
    rows.extend(contact);
    invoicing.extend([
        row(TRAINER.price_net, format_eur(order.price.net_cents)),
        row(TRAINER.price_vat, format_eur(order.price.vat_cents)),
        row(TRAINER.price_gross, format_eur(order.price.gross_cents)),
        row(TRAINER.reference, order.reference.to_string()),
    ]);
    let received = crate::texts::received_at(received);
    invoicing.push(row(TRAINER.received, received));
    (rows, invoicing)
}

/// The customer email's promise: the trainers call within two working days.
const CALL_WITHIN_WORKING_DAYS: u32 = 2;

/// Rendering writes into a String; askama can only fail on a formatter error, which a String
/// never raises. An empty body would still be caught by SES, never silently sent.
pub(super) fn render(template: &impl Template) -> String {
    template.render().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BusinessId, NewOrder, OrderForm, Phone, Reference};

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
            einvoice_operator: Some("003721291126".into()),
            invoice_address: Some("laskut@tuusula.example".into()),
            billing_street: Some("PL 60".into()),
            billing_postcode: Some("04301".into()),
            billing_town: Some("Tuusula".into()),
            purchase_order: Some("PO-123".into()),
            preferred_dates: vec!["2027-03-02".into()],
            message: Some("Salainen viesti kouluttajille".into()),
            language: Some(language.into()),
            workshop_language: Some("en".into()),
            ..OrderForm::default()
        };
        let details = NewOrder::parse(&form, jiff::civil::date(2026, 11, 26)).unwrap();
        let placed = "2026-11-26T10:00:00Z".parse().unwrap();
        Order {
            order_id: "01900000-0000-7000-8000-000000000000".into(),
            reference: Reference::parse("K7Q4-M2XD").unwrap(),
            ..Order::placed(details, placed, Delivery::Failed { attempts: 0 })
        }
    }

    fn seller() -> Seller {
        Seller {
            name: "Some-työpajat Oy".into(),
            business_id: BusinessId::parse("1234567-1").unwrap(),
            phone: Phone::parse("+358 40 765 4321").unwrap(),
            terms: std::collections::HashMap::from([
                (Language::Fi, "Peruutus maksutta 14 päivää ennen.".into()),
                (Language::Sv, "Avbokning utan kostnad 14 dagar före.".into()),
                (Language::En, "Free cancellation 14 days before.".into()),
            ]),
            invoicing: None,
            email: None,
        }
    }

    #[test]
    fn the_customer_email_names_the_seller_its_phone_and_the_terms_in_the_customers_language() {
        let sv = customer_email(
            &order("sv"),
            &[],
            Some(&seller()),
            None,
            CancellationTerms::default(),
        );
        for expected in [
            // The cancellation sentence from the terms as data, then the seller's own terms.
            "Villkor\nAvbokningen är avgiftsfri senast 14 dagar före utbildningen. Därefter faktureras 50 % av priset (ingen moms). Avbokning utan kostnad 14 dagar före.",
            "Du når oss också per telefon på +358 40 765 4321",
            "Some-työpajat Oy · FO-nummer 1234567-1 · tfn +358 40 765 4321",
            "Pilvi Nummi, forskare i sociala medier",
            "Jaana Pohjola, bloggare och aktiv på sociala medier",
        ] {
            assert!(sv.text.contains(expected), "{expected}: {}", sv.text);
        }
        assert!(sv.html.contains("Avbokning utan kostnad"));
        assert!(!sv.text.contains("Peruutus") && !sv.text.contains("Free cancellation"));
        let without = customer_email(&order("fi"), &[], None, None, CancellationTerms::default());
        assert!(!without.text.contains("Ehdot"), "{}", without.text);
    }

    #[test]
    fn the_customer_sees_what_they_ordered_but_never_the_message() {
        let fi = customer_email(
            &order("fi"),
            &[],
            Some(&seller()),
            None,
            CancellationTerms::default(),
        );
        for expected in [
            "003701577119",
            "Osallistujamäärä: 12",
            "1\u{a0}129,50\u{a0}€",
            "Pilvi Nummi, some‑tutkija ja kaavoitusarkkitehti",
            "Laskutusosoite: PL 60",
            "Postinumero: 04301",
            "Postitoimipaikka: Tuusula",
            "Ostotilausnumero (PO): PO-123",
            "Laskun lähetysosoite: laskut@tuusula.example",
        ] {
            assert!(fi.text.contains(expected), "{expected}: {}", fi.text);
        }
        assert!(!fi.text.contains("Salainen") && !fi.html.contains("Salainen"));
        assert!(fi.text.contains("Viestisi on välitetty kouluttajille."));
        assert!(fi.text.contains("Toivotut päivät: ti\u{a0}2.3.2027"));
        assert!(fi.text.contains("maksuaika 14 päivää netto"));
        assert!(fi.text.contains("Koulutuksen kieli: englanti"));
        let en = customer_email(
            &order("en"),
            &[],
            Some(&seller()),
            None,
            CancellationTerms::default(),
        );
        for expected in [
            "€1,129.50",
            "Tuesday\u{a0}2 March 2027",
            "Language of the workshop: English",
        ] {
            assert!(en.text.contains(expected), "{expected}: {}", en.text);
        }
    }

    #[test]
    fn routing_worth_a_look_is_flagged_to_the_trainers_and_well_known_routing_is_not() {
        let plain = trainer_email(&order("fi"), &[], None);
        assert!(!plain.text.contains("Tarkista:"), "{}", plain.text);
        let mut unlisted = order("fi");
        unlisted.details.einvoice_operator = crate::domain::EInvoiceId::parse("003712345671");
        let flagged = trainer_email(&unlisted, &[], None);
        assert!(
            flagged.text.contains(
                "Tarkista: Välittäjätunnus 003712345671 ei ole tunnettujen operaattoreiden listalla."
            ),
            "{}",
            flagged.text
        );
    }

    #[test]
    fn the_trainers_can_call_write_and_plan_from_their_email() {
        let email = trainer_email(
            &order("sv"),
            &[],
            Some("https://api.example/booking?token=t"),
        );
        assert!(email.html.contains(r#"href="mailto:anna@tuusula.example""#));
        assert!(email.html.contains(r#"href="tel:+358401234567""#));
        assert!(
            email.text.contains("Toivotut päivät: ti\u{a0}2.3.2027"),
            "{}",
            email.text
        );
        assert!(email.text.contains("Asiointikieli: ruotsi"));
        assert!(email.text.contains("Koulutuksen kieli: englanti"));
        // Ordered for acting: by when to call (Thursday 26.11.2026, two working days), whom,
        // what; the prices after.
        let at = |words: &str| {
            (email.text.find(words)).unwrap_or_else(|| panic!("{words}: {}", email.text))
        };
        assert!(email.text.contains("Soita viimeistään: ma\u{a0}30.11.2026"));
        assert!(at("Soita viimeistään") < at("Organisaatio"));
        assert!(at("Yhteyshenkilö") < at("Asiointikieli"));
        assert!(at("Asiointikieli") < at("Toivotut päivät"));
        assert!(at("Toivotut päivät") < at("Hinta (alv 0 %)"));
        // On a phone: the action first, then whom to call, the message, invoicing last.
        assert!(at("Sovi päivä asiakkaan kanssa") < at("Soita viimeistään"));
        assert!(at("Viesti:") < at("Y-tunnus"));
        let mut silent = order("sv");
        silent.details.phone = None;
        let email = trainer_email(&silent, &[], None);
        assert!(!email.text.contains("Soita viimeistään"), "{}", email.text);
        assert!(
            email
                .text
                .contains("Koulutus: Some haltuun, puoli päivää (4 tuntia)")
        );
        assert!(email.text.contains("Lisää toinen kouluttaja kopioksi"));
        assert!(
            email
                .text
                .trim_end()
                .ends_with("Tilauksen tunniste: 01900000-0000-7000-8000-000000000000")
        );
    }

    /// A capital after the greeting, as in every language we write (not the German habit):
    /// each paragraph of every customer email starts with one.
    #[test]
    fn no_customer_paragraph_starts_in_lower_case() {
        for language in Language::ALL {
            let email = customer_email(
                &order(language.code()),
                &[],
                Some(&seller()),
                None,
                CancellationTerms::default(),
            );
            for paragraph in email.text.split("\n\n") {
                let first = paragraph.trim_start().chars().next();
                assert!(
                    !first.is_some_and(char::is_lowercase),
                    "{language:?}: {paragraph:?}"
                );
            }
            let after_greeting = email.text.split_once(",\n\n").map(|(_, rest)| rest);
            assert!(
                after_greeting.is_some_and(|rest| rest.starts_with(char::is_uppercase)),
                "{language:?}: {}",
                email.text
            );
        }
    }

    #[test]
    fn a_hyphenated_suffix_stays_with_the_word_before_it() {
        assert_eq!(
            unbroken_tail("Puolen päivän some haltuun -koulutus"),
            ("Puolen päivän some ".into(), "haltuun -koulutus".into())
        );
        assert_eq!(
            unbroken_tail("Kahden tunnin somestartti"),
            ("Kahden tunnin somestartti".into(), String::new())
        );
        let fi = customer_email(&order("fi"), &[], None, None, CancellationTerms::default());
        assert!(
            fi.html
                .contains("some <span style=\"white-space:nowrap;\">haltuun -koulutus</span>")
        );
    }
}
