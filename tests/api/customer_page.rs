//! The customer's own page of their order, opened by the signed link in every customer email:
//! it shows where the order stands and changes nothing; a link that is not this order's
//! customer link, or no longer valid, shows nothing of any order.

use serde_json::json;

use crate::fixtures::BOOK;
use crate::helpers::*;
use order_intake::domain::{LinkPurpose, LinkSigner, Reference};
use order_intake::email::Email;
use order_intake::intake::{ManualClock, OperatorAnswer, OperatorCommand};
use order_intake::store::{Orders, Retention};

const CUSTOMER: &str = "anna.virtanen@tuusula.example";

/// An order placed on 1 March 2027: the app, its clock, the reference, the customer's link
/// from the confirmation and the trainers' booking link (a trainer signed in).
async fn ordered() -> (FakeApp, ManualClock, Reference, String, String) {
    let time = ManualClock::at("2027-03-01T08:00:00Z".parse().unwrap());
    let app = FakeApp::with_clock(time.clock());
    let mut order = order_json(CUSTOMER);
    order["preferred_dates"] = json!(["2027-03-30"]);
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let reference = Reference::parse(answer.json()["reference"].as_str().unwrap()).unwrap();
    let sent = app.mailer.sent();
    let confirmation = customer_emails(&sent).remove(0);
    let link = customer_link(&confirmation);
    let trainers = sent.iter().find(|e| e.to[0].starts_with("pilvi")).unwrap();
    let booking = booking_link(&trainers.text);
    app.sign_in_as(0, &booking).await;
    (app, time, reference, link, booking)
}

fn customer_emails(sent: &[Email]) -> Vec<Email> {
    (sent.iter())
        .filter(|e| e.to == [CUSTOMER])
        .cloned()
        .collect()
}

/// The customer link in an email's text, as the path and query a GET sends; the HTML has it too.
fn customer_link(email: &Email) -> String {
    let start = (email.text)
        .find(&format!("{PUBLIC_URL}/order?token="))
        .unwrap_or_else(|| panic!("no customer link in: {}", email.text));
    let link = email.text[start..].split_whitespace().next().unwrap();
    let path = link.trim_start_matches(PUBLIC_URL).to_owned();
    assert!(
        email.html.contains(&path.replace('&', "&amp;")),
        "{}",
        email.html
    );
    path
}

#[tokio::test]
async fn the_confirmation_s_link_shows_the_order_and_changes_nothing() {
    let (app, _, reference, link, _) = ordered().await;
    let stored = app.store.load(&reference).await.unwrap();
    let emails = app.mailer.sent().len();
    for _ in 0..2 {
        let page = app.send(&get_event(&link)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        for words in [
            reference.as_str(),
            "Tilaus vastaanotettu ma\u{a0}1.3.2027.",
            "Tilausvahvistus on lähetetty",
            "Päivää ei ole vielä sovittu",
            "Tuusulan kunta",
            r#"href="tel:+358401234567""#,
        ] {
            assert!(page.body.contains(words), "{words}: {}", page.body);
        }
        // Before a booking: nothing to cancel, another date to ask for (a POST, after a check).
        assert!(!page.body.contains(r#"value="cancel""#));
        assert!(page.body.contains(r#"<form method="post" action="order""#));
        assert!(page.body.contains(r#"value="request""#));
        assert!(!page.body.contains("<script"));
        let policy = page.header("content-security-policy").unwrap();
        assert!(policy.contains("default-src 'none'"), "{policy}");
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    }
    assert_eq!(app.store.load(&reference).await.unwrap(), stored);
    assert_eq!(app.mailer.sent().len(), emails, "looking sends nothing");
    let posted = app.send(&post_to(&link)).await;
    assert_eq!(
        posted.status, 403,
        "a post not from the page itself: {}",
        posted.body
    );
}

#[tokio::test]
async fn once_booked_the_page_shows_the_day_and_offers_the_invitation() {
    let (app, _, _, link, booking) = ordered().await;
    let calendar = link.replace("/order?", "/order/calendar.ics?");
    let before = app.send(&get_event(&calendar)).await;
    assert_eq!(before.status, 404, "nothing booked yet: {}", before.body);
    let token = token_of(&booking);
    let answer = app
        .send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let booked = customer_emails(&app.mailer.sent()).pop().unwrap();
    assert!(booked.subject.starts_with("Koulutus on varattu"));
    let from_booking_email = customer_link(&booked);
    for link in [&link, &from_booking_email] {
        let page = app.send(&get_event(link)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body
                .contains("Koulutus on varattu: ti\u{a0}30.3.2027 klo 9.00–13.00, Kunnantalo"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("order/calendar.ics?token="),
            "{}",
            page.body
        );
    }
    let file = app.send(&get_event(&calendar)).await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert_eq!(
        file.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert_eq!(
        file.header("content-disposition"),
        Some("attachment; filename=\"kutsu.ics\"")
    );
    assert!(file.body.contains("METHOD:REQUEST") && file.body.contains("SEQUENCE:1"));
}

#[tokio::test]
async fn other_links_and_links_no_longer_valid_show_nothing_of_any_order() {
    let (app, time, reference, link, booking) = ordered().await;
    let token = token_of(&link);
    let now = "2027-03-01T08:00:00Z".parse().unwrap();
    let other = Reference::parse("ABCD-EFGH").unwrap();
    let signer = LinkSigner::new(BOOKING_SECRET);
    let tampered = format!("{}x", &token[..token.len() - 1]);
    let refused = [
        format!("/order?token={}", urlencode(&tampered)),
        format!("/order?token={}", urlencode(&token_of(&booking))),
        format!(
            "/order?token={}",
            urlencode(&signer.sign(LinkPurpose::Customer, &other, now))
        ),
        format!(
            "/order?token={}",
            urlencode(
                &LinkSigner::new("another-secret-of-thirty-two-chars!!").sign(
                    LinkPurpose::Customer,
                    &reference,
                    now
                )
            )
        ),
        "/order".to_owned(),
        link.replace("/order?", "/booking?"),
    ];
    for path in &refused {
        let page = app.send(&get_event(path)).await;
        assert_ne!(page.status, 200, "{path}: {}", page.body);
        for private in ["Tuusulan kunta", "Anna Virtanen", reference.as_str()] {
            assert!(!page.body.contains(private), "{path}: {private}");
        }
    }
    // Unbooked, the link lasts 396 days from the order; then it shows nothing.
    time.advance(396 * 86_400);
    let expired = app.send(&get_event(&link)).await;
    assert_eq!(expired.status, 403, "{}", expired.body);
    assert!(
        expired.body.contains("Linkki ei avaudu"),
        "{}",
        expired.body
    );
    // A revoked link shows nothing; the next customer email carries one that opens.
    time.set(now);
    let revoked = (app.app.desk)
        .run(
            OperatorCommand::RevokeCustomerLinks {
                reference: reference.to_string(),
            },
            "orders",
        )
        .await
        .unwrap();
    assert_eq!(revoked, OperatorAnswer::Revoked { generation: 1 });
    let old = app.send(&get_event(&link)).await;
    assert_eq!(old.status, 403, "{}", old.body);
    assert!(!old.body.contains("Tuusulan kunta"));
    let resent = (app.app.desk)
        .run(
            OperatorCommand::Resend {
                reference: reference.to_string(),
                email: "customer".into(),
            },
            "orders",
        )
        .await
        .unwrap();
    assert!(matches!(resent, OperatorAnswer::Sent { .. }), "{resent:?}");
    let fresh = customer_link(&customer_emails(&app.mailer.sent()).pop().unwrap());
    assert_ne!(fresh, link);
    assert_eq!(app.send(&get_event(&fresh)).await.status, 200);
    // An erased order's link shows nothing either.
    time.set(now);
    app.store.erase(&reference, now).await.unwrap();
    let erased = app.send(&get_event(&link)).await;
    assert_eq!(erased.status, 403, "{}", erased.body);
    assert!(!erased.body.contains("Tuusulan kunta"));
}

fn urlencode(token: &str) -> String {
    url::form_urlencoded::byte_serialize(token.as_bytes()).collect()
}

/// A POST of the page's cancel form, from the page itself unless `headers` say otherwise.
fn cancel_post(token: &str, sequence: u32, checked: bool, headers: serde_json::Value) -> String {
    let fee = checked.then_some("0");
    cancel_post_with_fee(token, sequence, fee, headers)
}

/// The cancel form's POST; with the check step's fee, its confirmation.
fn cancel_post_with_fee(
    token: &str,
    sequence: u32,
    confirmed_fee: Option<&str>,
    headers: serde_json::Value,
) -> String {
    let mut fields = vec![("action", "cancel"), ("reason", "Valtuuston kokous")];
    if let Some(fee) = confirmed_fee {
        fields.extend([("checked", "1"), ("fee_percent", fee)]);
    }
    page_post(token, sequence, &fields, headers)
}

/// A POST of the page's fields, from the page itself unless `headers` say otherwise.
pub(crate) fn page_post(
    token: &str,
    sequence: u32,
    fields: &[(&str, &str)],
    headers: serde_json::Value,
) -> String {
    let body = unchecked_form(token, sequence, fields);
    let mut event: serde_json::Value = serde_json::from_str(&booking_post(&body, headers)).unwrap();
    event["rawPath"] = json!("/order");
    event["requestContext"]["http"]["path"] = json!("/order");
    event["routeKey"] = json!("POST /order");
    event.to_string()
}

/// Books the order for Tuesday 30 March 2027 (free cancellation through 16 March).
async fn booked(app: &FakeApp, booking: &str) {
    let token = token_of(booking);
    let answer = app
        .send(&booking_post(&booking_form(&token, 0, &BOOK), json!({})))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
}

#[tokio::test]
async fn the_customer_cancels_in_time_free_of_charge_after_a_check_step() {
    let (app, _, reference, link, booking) = ordered().await;
    booked(&app, &booking).await;
    let page = app.send(&get_event(&link)).await;
    for words in [
        "Peruuta koulutus",
        "Peruutus on maksuton ti\u{a0}16.3.2027 asti. Sen jälkeen peruutuksesta laskutetaan 450,00\u{a0}€ (ei arvonlisäveroa).",
    ] {
        assert!(page.body.contains(words), "{words}: {}", page.body);
    }
    let token = token_of(&link);
    let sent = app.mailer.sent().len();
    let check = app.send(&cancel_post(&token, 1, false, json!({}))).await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert!(
        check.body.contains("Peruutus on maksuton."),
        "{}",
        check.body
    );
    assert!(check.body.contains(r#"name="checked" value="1""#));
    assert!(
        stored(&app, &reference).await.booking.unwrap().is_booked(),
        "the check writes nothing"
    );
    assert_eq!(app.mailer.sent().len(), sent, "and sends nothing");
    let done = app.send(&cancel_post(&token, 1, true, json!({}))).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let location = done.header("location").unwrap();
    assert!(location.starts_with("order?token=") && location.ends_with("done=cancelled"));
    let booking = stored(&app, &reference).await.booking.unwrap();
    assert_eq!(
        (
            booking.is_booked(),
            booking.fee_percent,
            booking.fee_vat,
            booking.changed_by.as_str()
        ),
        (false, Some(0), None, "customer")
    );
    assert_eq!(booking.reason.as_deref(), Some("Valtuuston kokous"));
    // The customer and the trainers get the cancellation, the same event one sequence on.
    let cancels: Vec<_> = (app.mailer.sent()[sent..].iter())
        .filter_map(|e| e.invitation.clone())
        .collect();
    assert_eq!(cancels.len(), 2);
    assert!(
        cancels
            .iter()
            .all(|i| i.calendar.contains("METHOD:CANCEL") && i.calendar.contains("SEQUENCE:2"))
    );
    let email = customer_emails(&app.mailer.sent()).pop().unwrap();
    assert!(
        email.text.contains("Peruutusmaksu: Ei peruutusmaksua"),
        "{}",
        email.text
    );
    let after = app.send(&get_event(&format!("/{location}"))).await;
    assert!(
        after.body.contains("Peruutus on tallennettu"),
        "{}",
        after.body
    );
    assert!(after.body.contains("Koulutus on peruttu."));
    assert!(
        !after.body.contains(r#"value="cancel""#),
        "nothing left to cancel"
    );
}

#[tokio::test]
async fn a_late_cancellation_shows_and_records_the_terms_fee_and_none_after_the_start() {
    let (app, time, reference, link, booking) = ordered().await;
    booked(&app, &booking).await;
    let token = token_of(&link);
    // Wednesday 17 March 2027 in Helsinki: past the free days.
    time.set("2027-03-17T08:00:00Z".parse().unwrap());
    let check = app.send(&cancel_post(&token, 1, false, json!({}))).await;
    assert!(
        check.body.contains("Peruutuksesta laskutetaan 50 % hinnasta eli 450,00\u{a0}€ (ei arvonlisäveroa), koska maksuton peruutusaika päättyi ti\u{a0}16.3.2027."),
        "{}",
        check.body
    );
    // From another site: refused, nothing written.
    let cross = app
        .send(&cancel_post(
            &token,
            1,
            true,
            json!({"sec-fetch-site": "cross-site", "origin": "https://evil.example"}),
        ))
        .await;
    assert_eq!(cross.status, 403, "{}", cross.body);
    assert!(stored(&app, &reference).await.booking.unwrap().is_booked());
    // Once started, the page offers neither cancelling nor another date (the invoicing
    // details stay correctable until the invoice), and a post is refused.
    time.set("2027-03-30T07:00:00Z".parse().unwrap());
    let page = app.send(&get_event(&link)).await;
    for action in ["cancel", "request"] {
        let field = format!(r#"name="action" value="{action}""#);
        assert!(!page.body.contains(&field), "{action}: {}", page.body);
    }
    assert!(page.body.contains(r#"value="invoicing""#), "{}", page.body);
    let late = (app.send(&cancel_post_with_fee(&token, 1, Some("50"), json!({})))).await;
    assert_eq!(late.status, 422, "{}", late.body);
    assert!(
        late.body.contains("Koulutus on jo alkanut"),
        "{}",
        late.body
    );
    assert!(stored(&app, &reference).await.booking.unwrap().is_booked());
    // The day before, it is cancelled with the fee on it, and the email says so.
    time.set("2027-03-29T08:00:00Z".parse().unwrap());
    let done = (app.send(&cancel_post_with_fee(&token, 1, Some("50"), json!({})))).await;
    assert_eq!(done.status, 303, "{}", done.body);
    // The fee with its VAT as the page stated it: what `orders invoice` bills.
    let booking = stored(&app, &reference).await.booking.unwrap();
    assert_eq!(
        (booking.fee_percent, booking.fee_vat),
        (Some(50), Some(order_intake::domain::FeeVat::Outside))
    );
    let email = customer_emails(&app.mailer.sent()).pop().unwrap();
    assert!(
        email
            .text
            .contains("Peruutusmaksu: 450,00\u{a0}€ (ei arvonlisäveroa)"),
        "{}",
        email.text
    );
}

async fn stored(app: &FakeApp, reference: &Reference) -> order_intake::domain::Order {
    app.store.load(reference).await.unwrap().unwrap()
}

/// The page's posts count against a counter of their own per source: 30 an hour, then 429
/// with nothing done; orders from that source are not affected.
#[tokio::test]
async fn posts_to_the_page_are_limited_per_source() {
    let (app, _, reference, link, booking) = ordered().await;
    booked(&app, &booking).await;
    let token = token_of(&link);
    for _ in 0..order_intake::domain::PAGE_POSTS_PER_SOURCE_PER_HOUR {
        let check = app.send(&cancel_post(&token, 1, false, json!({}))).await;
        assert_eq!(check.status, 200, "{}", check.body);
    }
    let over = app.send(&cancel_post(&token, 1, true, json!({}))).await;
    assert_eq!(over.status, 429, "{}", over.body);
    assert!(over.body.contains("Liian monta yritystä"), "{}", over.body);
    assert!(stored(&app, &reference).await.booking.unwrap().is_booked());
    let mut order = order_json("toinen@tuusula.example");
    order["organization"] = json!("Tuusulan kunta, tekninen toimi");
    order["preferred_dates"] = json!(["2027-03-30"]);
    let again = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(again.status, 201, "{}", again.body);
}

/// The page's request for another date: a check step that writes and sends nothing, then the
/// request on the order beside the booking (left as it is), the customer's receipt and the
/// trainers' note with their link; both pages show it until the trainers change the booking.
#[tokio::test]
async fn asking_for_another_date_tells_both_and_leaves_the_booking_until_the_trainers_act() {
    let (app, _, reference, link, booking) = ordered().await;
    booked(&app, &booking).await;
    let page = app.send(&get_event(&link)).await;
    for words in [
        "Pyydä toista päivää",
        r#"<input type="date" id="date1" name="date" min="2027-03-02">"#,
        r#"<label for="date3">Toivottu päivä 3 (valinnainen)</label>"#,
    ] {
        assert!(page.body.contains(words), "{words}: {}", page.body);
    }
    let token = token_of(&link);
    let sent = app.mailer.sent().len();
    let asked = [
        ("action", "request"),
        ("date", "2027-04-13"),
        ("date", ""),
        ("date", "2027-04-20"),
        ("message", "Valtuusto kokoontuu 30.3."),
    ];
    let check = app.send(&page_post(&token, 1, &asked, json!({}))).await;
    assert_eq!(check.status, 200, "{}", check.body);
    for words in [
        "Toivotut päivät: ti\u{a0}13.4.2027, ti\u{a0}20.4.2027.",
        r#"name="date" value="2027-04-20""#,
        r#"name="checked" value="1""#,
    ] {
        assert!(check.body.contains(words), "{words}: {}", check.body);
    }
    assert_eq!(
        stored(&app, &reference).await.change_request,
        None,
        "the check writes nothing"
    );
    assert_eq!(app.mailer.sent().len(), sent, "and sends nothing");

    let mut confirmed = asked.to_vec();
    confirmed.push(("checked", "1"));
    let done = app.send(&page_post(&token, 1, &confirmed, json!({}))).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done.header("location").unwrap().ends_with("done=requested"));
    let order = stored(&app, &reference).await;
    let request = order
        .change_request
        .clone()
        .expect("the request is on the order");
    assert_eq!(request.dates.len(), 2);
    assert_eq!(
        request.message.as_deref(),
        Some("Valtuusto kokoontuu 30.3.")
    );
    let booking_now = order.booking.unwrap();
    assert_eq!(
        (booking_now.sequence, booking_now.is_booked()),
        (1, true),
        "the booking stays"
    );

    let emails = app.mailer.sent()[sent..].to_vec();
    assert_eq!(emails.len(), 2, "{emails:#?}");
    let receipt = emails.iter().find(|e| e.to == [CUSTOMER]).unwrap();
    assert!(
        receipt.subject.starts_with("Pyyntösi toisesta päivästä"),
        "{}",
        receipt.subject
    );
    assert!(
        receipt
            .text
            .contains("ti\u{a0}13.4.2027, ti\u{a0}20.4.2027"),
        "{}",
        receipt.text
    );
    assert!(
        receipt.text.contains("/order?token="),
        "the customer's own link"
    );
    assert!(
        !receipt.text.contains("/booking?"),
        "never the trainers' link: {}",
        receipt.text
    );
    let note = emails
        .iter()
        .find(|e| e.to[0].starts_with("pilvi"))
        .unwrap();
    assert!(
        note.subject.starts_with("Asiakas pyytää toista päivää"),
        "{}",
        note.subject
    );
    assert!(note.text.contains("/booking?token="), "{}", note.text);
    assert!(
        note.text
            .contains("Nykyinen varaus: ti\u{a0}30.3.2027 klo 9.00"),
        "{}",
        note.text
    );
    assert!(note.text.contains("Valtuusto kokoontuu 30.3."));
    assert_eq!(note.reply_to, [CUSTOMER]);

    let page = app
        .send(&get_event(&format!("{link}&done=requested")))
        .await;
    for words in [
        "Pyyntö on lähetetty kouluttajille",
        "Pyysit toista päivää ma\u{a0}1.3.2027.",
    ] {
        assert!(page.body.contains(words), "{words}: {}", page.body);
    }
    let trainers_page = app.send(&get_event(&booking)).await;
    for words in [
        "Asiakas pyysi toista päivää 1.3.2027 klo 10.00.",
        "Toivotut päivät: ti\u{a0}13.4.2027, ti\u{a0}20.4.2027.",
        r#"value="2027-04-13""#,
    ] {
        assert!(
            trainers_page.body.contains(words),
            "{words}: {}",
            trainers_page.body
        );
    }
    // The trainers move it: the request is answered and gone from both pages.
    let mut moved = BOOK.to_vec();
    moved[1] = ("date", "2027-04-13");
    let answer = app
        .send(&booking_post(
            &booking_form(&token_of(&booking), 1, &moved),
            json!({}),
        ))
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert_eq!(stored(&app, &reference).await.change_request, None);
    let page = app.send(&get_event(&link)).await;
    assert!(!page.body.contains("Pyysit toista päivää"), "{}", page.body);
}

/// Nothing is asked with wrong fields, over a booking changed meanwhile, or once the workshop
/// has started (then the form is gone too).
#[tokio::test]
async fn a_request_is_refused_when_wrong_stale_or_after_the_start() {
    let (app, time, reference, link, booking) = ordered().await;
    booked(&app, &booking).await;
    let token = token_of(&link);
    let sent = app.mailer.sent().len();
    for (fields, status, words) in [
        (
            vec![("action", "request"), ("message", " ")],
            422,
            "Anna vähintään yksi päivä tai viesti.",
        ),
        (
            vec![("action", "request"), ("message", "katso www.example.com")],
            422,
            "eikä linkkejä",
        ),
        (
            vec![("action", "request"), ("date", "2027-03-01")],
            422,
            "Päivien pitää olla tulevia",
        ),
    ] {
        let answer = app.send(&page_post(&token, 1, &fields, json!({}))).await;
        assert_eq!(answer.status, status, "{fields:?}: {}", answer.body);
        assert!(answer.body.contains(words), "{words}: {}", answer.body);
    }
    let asked = [
        ("action", "request"),
        ("date", "2027-04-13"),
        ("checked", "1"),
    ];
    let stale = app.send(&page_post(&token, 0, &asked, json!({}))).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    let cross_site = app
        .send(&page_post(
            &token,
            1,
            &asked,
            json!({"origin": "https://evil.example", "sec-fetch-site": null}),
        ))
        .await;
    assert_eq!(cross_site.status, 403, "{}", cross_site.body);
    time.set("2027-03-30T07:00:00Z".parse().unwrap());
    let started = app.send(&page_post(&token, 1, &asked, json!({}))).await;
    assert_eq!(started.status, 422, "{}", started.body);
    assert!(
        started.body.contains("Koulutus on jo alkanut"),
        "{}",
        started.body
    );
    assert!(
        !started.body.contains(r#"value="request""#),
        "no form after the start"
    );
    assert_eq!(stored(&app, &reference).await.change_request, None);
    assert_eq!(app.mailer.sent().len(), sent, "nothing sent");
}

/// The invoicing details on the page: a form filled with the order's, a check step listing each
/// change, then the operator's own correction (logged by `customer`) and both told; the form's
/// rules with each mistake by its field and the posted values kept; nothing when nothing changes.
#[tokio::test]
async fn the_customer_corrects_the_invoicing_details_after_a_check_step() {
    let (app, _, reference, link, _) = ordered().await;
    let page = app.send(&get_event(&link)).await;
    for words in [
        "Laskutustiedot",
        r#"name="purchase_order" value="""#,
        r#"name="billing_reference" value="Viestintä""#,
        r#"name="einvoice_address" value="003701577119""#,
    ] {
        assert!(page.body.contains(words), "{words}: {}", page.body);
    }
    let token = token_of(&link);
    let sent = app.mailer.sent().len();
    let corrected = [
        ("action", "invoicing"),
        ("purchase_order", " PO-2027-15 "),
        ("billing_reference", "Viestintä"),
    ];
    let check = app.send(&page_post(&token, 0, &corrected, json!({}))).await;
    assert_eq!(check.status, 200, "{}", check.body);
    for words in [
        "Ostotilausnumero (PO): – → PO-2027-15",
        r#"name="purchase_order" value=" PO-2027-15 ""#,
        r#"name="checked" value="1""#,
    ] {
        assert!(check.body.contains(words), "{words}: {}", check.body);
    }
    assert!(
        !check.body.contains("Viestintä →"),
        "unchanged fields are not listed"
    );
    let stored_po = |order: &order_intake::domain::Order| {
        let value = order
            .details
            .value(order_intake::domain::Field::PurchaseOrder);
        value.and_then(|v| v.as_text().map(str::to_owned))
    };
    assert_eq!(
        stored_po(&stored(&app, &reference).await),
        None,
        "the check writes nothing"
    );
    assert_eq!(app.mailer.sent().len(), sent, "and sends nothing");

    let mut confirmed = corrected.to_vec();
    confirmed.push(("checked", "1"));
    let done = app.send(&page_post(&token, 0, &confirmed, json!({}))).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done.header("location").unwrap().ends_with("done=invoicing"));
    assert_eq!(
        stored_po(&stored(&app, &reference).await).as_deref(),
        Some("PO-2027-15")
    );
    let log = app.store.invoicing_changes(&reference);
    assert_eq!(
        log.iter()
            .map(|c| (c.by.as_str(), c.field.as_str(), c.new.as_deref()))
            .collect::<Vec<_>>(),
        [("customer", "purchase_order", Some("PO-2027-15"))]
    );
    let emails = app.mailer.sent()[sent..].to_vec();
    assert_eq!(emails.len(), 2, "{emails:#?}");
    let receipt = emails.iter().find(|e| e.to == [CUSTOMER]).unwrap();
    assert!(
        receipt.subject.starts_with("Laskutustietosi on päivitetty"),
        "{}",
        receipt.subject
    );
    assert!(receipt.text.contains("PO-2027-15") && receipt.text.contains("/order?token="));
    let note = emails
        .iter()
        .find(|e| e.to[0].starts_with("pilvi"))
        .unwrap();
    assert!(
        note.subject
            .starts_with("Asiakas korjasi laskutustiedot: Tuusulan kunta"),
        "{}",
        note.subject
    );
    assert!(note.text.contains("PO-2027-15") && note.text.contains("/booking?token="));

    // The same again: nothing changes, nothing is sent.
    let again = app.send(&page_post(&token, 0, &confirmed, json!({}))).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(
        again.body.contains("Laskutustiedot olivat jo nämä"),
        "{}",
        again.body
    );
    // A half address and a malformed postcode: the form's errors, by their fields, kept.
    let wrong = [
        ("action", "invoicing"),
        ("billing_street", "Hallituskatu 2"),
        ("billing_postcode", "043"),
        ("checked", "1"),
    ];
    let refused = app.send(&page_post(&token, 0, &wrong, json!({}))).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for words in [
        "Laskutustietoja ei tallennettu.",
        r#"name="billing_postcode" value="043" maxlength="5" autocomplete="billing postal-code" aria-invalid="true""#,
    ] {
        assert!(refused.body.contains(words), "{words}: {}", refused.body);
    }
    assert_eq!(app.mailer.sent().len(), sent + 2, "nothing more sent");
}

/// The check step said "free" just before midnight; confirmed just after, when the free days
/// had ended: nothing is cancelled, the check step comes again with today's fee, and what is
/// charged is what the customer then confirms.
#[tokio::test]
async fn a_cancellation_checked_before_midnight_and_confirmed_after_is_checked_again() {
    let (app, time, reference, link, booking) = ordered().await;
    booked(&app, &booking).await;
    let token = token_of(&link);
    // Tuesday 16 March 2027 at 23.59 in Helsinki (UTC+2): the last free day.
    time.set("2027-03-16T21:59:00Z".parse().unwrap());
    let check = app.send(&cancel_post(&token, 1, false, json!({}))).await;
    assert!(
        check.body.contains("Peruutus on maksuton."),
        "{}",
        check.body
    );
    assert!(
        check.body.contains(r#"name="fee_percent" value="0""#),
        "{}",
        check.body
    );
    let sent = app.mailer.sent().len();
    time.set("2027-03-16T22:01:00Z".parse().unwrap());
    let again = app.send(&cancel_post(&token, 1, true, json!({}))).await;
    assert_eq!(again.status, 200, "{}", again.body);
    for words in [
        "Maksuton peruutusaika päättyi sillä välin",
        "Peruutuksesta laskutetaan 50 % hinnasta eli 450,00\u{a0}€ (ei arvonlisäveroa)",
        r#"name="fee_percent" value="50""#,
    ] {
        assert!(again.body.contains(words), "{words}: {}", again.body);
    }
    assert!(
        stored(&app, &reference).await.booking.unwrap().is_booked(),
        "nothing cancelled"
    );
    assert_eq!(app.mailer.sent().len(), sent, "nothing sent");
    let done = (app.send(&cancel_post_with_fee(&token, 1, Some("50"), json!({})))).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        stored(&app, &reference).await.booking.unwrap().fee_percent,
        Some(50)
    );
}

/// Mail scanners open every link: each link in each email the customer got through the order's
/// life (confirmation, booking, request, invoicing, reminders, cancellation), fetched twice
/// with GET, changes nothing and sends nothing.
#[tokio::test]
async fn every_link_in_every_customer_email_fetched_twice_changes_nothing() {
    let (app, time, reference, link, booking) = ordered().await;
    booked(&app, &booking).await;
    let token = token_of(&link);
    let request = [
        ("action", "request"),
        ("date", "2027-04-13"),
        ("checked", "1"),
    ];
    app.send(&page_post(&token, 1, &request, json!({}))).await;
    let invoicing = [
        ("action", "invoicing"),
        ("purchase_order", "PO-9"),
        ("checked", "1"),
    ];
    app.send(&page_post(&token, 0, &invoicing, json!({}))).await;
    time.set("2027-03-25T07:00:00Z".parse().unwrap());
    app.retry()
        .retry_due_within(50, order_intake::intake::Deadline::none())
        .await
        .unwrap();
    let fee = (app.send(&cancel_post_with_fee(&token, 1, Some("50"), json!({})))).await;
    assert_eq!(fee.status, 303, "{}", fee.body);
    let emails = customer_emails(&app.mailer.sent());
    let subjects: Vec<&str> = emails.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(emails.len(), 7, "{subjects:?}");
    let before = stored(&app, &reference).await;
    let sent = app.mailer.sent().len();
    let links: Vec<String> = (emails.iter())
        .flat_map(|e| {
            let text = e.text.clone();
            (text.split_whitespace())
                .filter(|word| word.starts_with(PUBLIC_URL))
                .map(|word| word.trim_start_matches(PUBLIC_URL).to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(links.len() >= emails.len(), "{links:?}");
    for link in &links {
        for _ in 0..2 {
            let answer = app.send(&get_event(link)).await;
            assert_eq!(answer.status, 200, "{link}: {}", answer.body);
        }
    }
    assert_eq!(stored(&app, &reference).await, before, "nothing changed");
    assert_eq!(app.mailer.sent().len(), sent, "nothing sent");
}

/// A leaked link's holder, from however many addresses, gets at most
/// `ORDER_ACTIONS_PER_DAY` emailing actions on one order a day: then 429, nothing written or sent.
#[tokio::test]
async fn an_order_s_emailing_actions_are_limited_per_day_whatever_the_source() {
    use order_intake::domain::ORDER_ACTIONS_PER_DAY;
    let (app, _, reference, link, booking) = ordered().await;
    booked(&app, &booking).await;
    let token = token_of(&link);
    let sent = app.mailer.sent().len();
    for day in 0..ORDER_ACTIONS_PER_DAY {
        let wish = format!("2027-04-{:02}", 10 + day);
        let asked = [
            ("action", "request"),
            ("date", wish.as_str()),
            ("checked", "1"),
        ];
        let mut event: serde_json::Value =
            serde_json::from_str(&page_post(&token, 1, &asked, json!({}))).unwrap();
        event["requestContext"]["http"]["sourceIp"] = json!(format!("198.51.100.{day}"));
        let done = app.send(&event.to_string()).await;
        assert_eq!(done.status, 303, "{day}: {}", done.body);
    }
    assert_eq!(
        app.mailer.sent().len(),
        sent + 2 * ORDER_ACTIONS_PER_DAY as usize
    );
    let before = stored(&app, &reference).await.change_request;
    let more = [
        ("action", "invoicing"),
        ("purchase_order", "PO-1"),
        ("checked", "1"),
    ];
    let refused = app.send(&page_post(&token, 0, &more, json!({}))).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(refused.body.contains("ennen huomista"), "{}", refused.body);
    assert_eq!(
        stored(&app, &reference).await.change_request,
        before,
        "nothing written"
    );
    assert!(app.store.invoicing_changes(&reference).is_empty());
    assert_eq!(
        app.mailer.sent().len(),
        sent + 2 * ORDER_ACTIONS_PER_DAY as usize,
        "nothing sent"
    );
}
