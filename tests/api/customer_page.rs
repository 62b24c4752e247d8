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
            "Tilaus vastaanotettu ma 1.3.2027.",
            "Tilausvahvistus on lähetetty",
            "Päivää ei ole vielä sovittu",
            "Tuusulan kunta",
            r#"href="tel:+358401234567""#,
        ] {
            assert!(page.body.contains(words), "{words}: {}", page.body);
        }
        assert!(!page.body.contains("<form"), "GET only shows");
        assert!(!page.body.contains("<script"));
        let policy = page.header("content-security-policy").unwrap();
        assert!(policy.contains("default-src 'none'"), "{policy}");
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    }
    assert_eq!(app.store.load(&reference).await.unwrap(), stored);
    assert_eq!(app.mailer.sent().len(), emails, "looking sends nothing");
    let posted = app.send(&post_to(&link)).await;
    assert_eq!(posted.status, 405);
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
                .contains("Koulutus on varattu: ti 30.3.2027 klo 9.00–13.00, Kunnantalo"),
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
        .run(OperatorCommand::RevokeCustomerLinks {
            reference: reference.to_string(),
        })
        .await
        .unwrap();
    assert_eq!(revoked, OperatorAnswer::Revoked { generation: 1 });
    let old = app.send(&get_event(&link)).await;
    assert_eq!(old.status, 403, "{}", old.body);
    assert!(!old.body.contains("Tuusulan kunta"));
    let resent = (app.app.desk)
        .run(OperatorCommand::Resend {
            reference: reference.to_string(),
            email: "customer".into(),
        })
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
