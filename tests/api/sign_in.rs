//! The trainers' sign-in, over in-memory fakes: a booking link is no credential (a quoted or
//! forwarded one shows nothing and does nothing), a sign-in link goes only to a trainer's own
//! address, opens (GET) without being used up and signs in once (POST), and a sign-out ends
//! a lost phone's session.

use serde_json::json;

use crate::fixtures::BOOK;
use crate::helpers::*;
use order_intake::domain::Reference;
use order_intake::intake::ManualClock;
use order_intake::store::Orders;

/// An order placed on Monday 1 March 2027; the app, its reference and the trainers' link.
async fn ordered() -> (FakeApp, ManualClock, Reference, String) {
    let time = ManualClock::at("2027-03-01T08:00:00Z".parse().unwrap());
    let app = FakeApp::with_clock(time.clock());
    let mut order = order_json("anna.virtanen@tuusula.example");
    order["preferred_dates"] = json!(["2027-03-30"]);
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let reference = Reference::parse(answer.json()["reference"].as_str().unwrap()).unwrap();
    let notification = (app.mailer.sent().into_iter())
        .find(|e| e.to.iter().any(|to| to.starts_with("pilvi.nummi")))
        .unwrap();
    (app, time, reference, booking_link(&notification.text))
}

fn ask_for_link(token: &str, trainer: &str) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    body.append_pair("action", "request_sign_in")
        .append_pair("token", token)
        .append_pair("trainer", trainer);
    booking_post(&body.finish(), json!({}))
}

fn sign_in_post(token: &str, headers: serde_json::Value) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    body.append_pair("action", "sign_in")
        .append_pair("token", token);
    booking_post(&body.finish(), headers)
}

/// The sign-in link in the newest sign-in email, as path and query, and its token.
fn newest_sign_in_link(app: &FakeApp) -> (String, String) {
    let email = (app.mailer.sent().into_iter().rev())
        .find(|e| e.subject == "Kirjautuminen varaussivulle")
        .expect("a sign-in email");
    let start = email.text.find("/booking?signin=").unwrap();
    let path = email.text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let token = url::form_urlencoded::parse(path.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "signin")
        .unwrap()
        .1
        .into_owned();
    (path, token)
}

#[tokio::test]
async fn a_quoted_link_shows_no_order_data_does_nothing_and_mails_only_a_trainer() {
    let (app, _, reference, link) = ordered().await;
    let emails_before = app.mailer.sent().len();
    for _ in 0..2 {
        let page = app.send(&get_event(&link)).await;
        assert_eq!(page.status, 200);
        for personal in [
            "Tuusulan kunta",
            "Anna Virtanen",
            "anna.virtanen",
            "123 4567",
            "Rivi 1",
        ] {
            assert!(
                !page.body.contains(personal),
                "{personal} shown: {}",
                page.body
            );
        }
        assert!(page.body.contains("Kirjaudu varaussivulle"));
    }
    // Every action posted with the link alone: refused, nothing written or sent.
    let token = token_of(&link);
    for fields in [
        BOOK.to_vec(),
        vec![("action", "cancel"), ("reason", "Peruttu")],
        vec![("action", "release")],
    ] {
        let answer = app
            .send(&booking_post(&booking_form(&token, 0, &fields), json!({})))
            .await;
        assert_eq!(answer.status, 403, "{}", answer.body);
        assert!(!answer.body.contains("Tuusulan kunta"));
    }
    let order = app.store.load(&reference).await.unwrap().unwrap();
    assert_eq!(order.booking, None);
    assert_eq!(app.mailer.sent().len(), emails_before, "nothing sent");
    // Whoever holds the link can only have a trainer's own address mailed.
    let asked = app.send(&ask_for_link(&token, "1")).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let sent = app.mailer.sent();
    assert_eq!(sent.len(), emails_before + 1);
    let email = sent.last().unwrap();
    assert_eq!(email.to, ["jaana.pohjola@some-tyopajat.example"]);
    assert_eq!(email.reply_to, ["jaana.pohjola@some-tyopajat.example"]);
    assert!(!email.text.contains("Tuusulan kunta"), "{}", email.text);
    // A trainer who is not on the roster, and a source asking too often, are refused.
    assert_eq!(app.send(&ask_for_link(&token, "7")).await.status, 400);
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(app.send(&ask_for_link(&token, "0")).await.status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn a_sign_in_link_opens_without_being_used_and_signs_in_once_by_post() {
    let (app, time, _, link) = ordered().await;
    app.send(&ask_for_link(&token_of(&link), "0")).await;
    let (path, token) = newest_sign_in_link(&app);
    for _ in 0..2 {
        let page = app.send(&get_event(&path)).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Pilvi Nummi"), "{}", page.body);
    }
    let sessions = app.app.http.sign_in.sessions().await.unwrap();
    assert!(sessions.is_empty(), "opening it signed nobody in");
    // From another site: refused.
    let cross = sign_in_post(
        &token,
        json!({"origin": "https://evil.example", "sec-fetch-site": "cross-site"}),
    );
    assert_eq!(app.send(&cross).await.status, 403);
    let signed = app.send(&sign_in_post(&token, json!({}))).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let cookie = signed.header("set-cookie").unwrap().to_owned();
    assert!(cookie.starts_with("__Host-trainer="), "{cookie}");
    for attribute in [
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=7776000",
    ] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        signed
            .header("location")
            .unwrap()
            .contains("/booking?token="),
        "back to the order's page"
    );
    assert_eq!(
        app.send(&sign_in_post(&token, json!({}))).await.status,
        403,
        "once"
    );
    // Signed in: the page shows the order.
    let session = cookie.split(';').next().unwrap().to_owned();
    *app.session.lock().unwrap() = Some(session);
    let page = app.send(&get_event(&link)).await;
    assert!(page.body.contains("Tuusulan kunta"), "{}", page.body);
    let sessions = app.app.http.sign_in.sessions().await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].trainer, "Pilvi Nummi");
    // A link fifteen minutes old, and one made for another trainer, sign nobody in.
    *app.session.lock().unwrap() = None;
    app.send(&ask_for_link(&token_of(&link), "1")).await;
    let (_, stale) = newest_sign_in_link(&app);
    time.advance(15 * 60);
    assert_eq!(app.send(&sign_in_post(&stale, json!({}))).await.status, 403);
    let forged = token.replacen(".0.", ".1.", 1);
    assert_eq!(
        app.send(&sign_in_post(&forged, json!({}))).await.status,
        403
    );
}

#[tokio::test]
async fn a_sign_out_ends_a_lost_phone_s_session() {
    let (app, _, _, link) = ordered().await;
    app.sign_in_as(0, &link).await;
    let page = app.send(&get_event(&link)).await;
    assert!(page.body.contains("Tuusulan kunta"));
    assert_eq!(
        app.app.http.sign_in.sign_out("Pilvi Nummi").await.unwrap(),
        1
    );
    let page = app.send(&get_event(&link)).await;
    assert!(!page.body.contains("Tuusulan kunta"), "{}", page.body);
    assert!(page.body.contains("Kirjaudu varaussivulle"));
    assert!(app.app.http.sign_in.sessions().await.unwrap().is_empty());
}
