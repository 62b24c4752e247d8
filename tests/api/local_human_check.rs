//! The human check through the real parts: Turnstile's siteverify call over HTTP (to a local
//! stub that answers as Cloudflare does), orders on DynamoDB Local, emails to the SES
//! emulator. Whatever the check says, the order is stored and the trainers told; only a pass
//! sends the customer's confirmation by itself. A trainer releases the others from the
//! booking page.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

use order_intake::human_check::{HumanCheck, Turnstile, TurnstileSettings};

use crate::helpers::*;

/// A siteverify that answers by the token: `pass…`, `fail`, `slow` (no answer in time),
/// `wrong-host`, `wrong-action`. As Cloudflare's, a token is single-use: validated again it is
/// `timeout-or-duplicate`, unless the request carries the first one's `idempotency_key` (which
/// must be a UUID), which gets the first answer again. Counts the calls and the duplicates.
struct Siteverify {
    url: Url,
    calls: Arc<AtomicUsize>,
    duplicates: Arc<AtomicUsize>,
}

/// Tokens validated so far, with the idempotency key and answer of their first validation.
type Used = Arc<std::sync::Mutex<std::collections::HashMap<String, (Option<String>, Value)>>>;

impl Siteverify {
    async fn start() -> Siteverify {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!(
            "http://{}/turnstile/v0/siteverify",
            listener.local_addr().unwrap()
        ))
        .unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let duplicates = Arc::new(AtomicUsize::new(0));
        let (counted, duplicated) = (calls.clone(), duplicates.clone());
        let used = Used::default();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let (used, duplicated) = (used.clone(), duplicated.clone());
                tokio::spawn(async move {
                    let body = read_request(&mut socket).await;
                    let answer = once_per_token(&body, &used, &duplicated);
                    if answer.is_null() {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                    let answer = answer.to_string();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                        answer.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        Siteverify {
            url,
            calls,
            duplicates,
        }
    }

    fn check(&self) -> Arc<dyn HumanCheck> {
        Arc::new(Turnstile::new(TurnstileSettings {
            secret: "1x0000000000000000000000000000000AA".into(),
            siteverify: self.url.clone(),
            hostnames: vec!["www.some-tyopajat.fi".into()],
            timeout: Duration::from_millis(700),
        }))
    }
}

/// The request's form body (headers read up to its Content-Length).
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = socket.read(&mut buffer).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&bytes);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = (head.lines())
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= length {
                return body.to_owned();
            }
        }
    }
    String::new()
}

/// Cloudflare's answer, a token once: a used one is a duplicate unless asked with the first
/// validation's idempotency key.
fn once_per_token(body: &str, used: &Used, duplicates: &AtomicUsize) -> Value {
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
    let key = form.get("idempotency_key").cloned();
    if let Some(key) = &key {
        assert!(
            uuid::Uuid::parse_str(key).is_ok(),
            "idempotency_key is not a UUID: {key}"
        );
    }
    let token = form.get("response").cloned().unwrap_or_default();
    let mut used = used.lock().unwrap();
    match used.get(&token) {
        Some((first_key, answer)) if key.is_some() && *first_key == key => answer.clone(),
        Some(_) => {
            duplicates.fetch_add(1, Ordering::SeqCst);
            json!({"success": false, "error-codes": ["timeout-or-duplicate"]})
        }
        None => {
            let answer = answer_for(body);
            used.insert(token, (key, answer.clone()));
            answer
        }
    }
}

/// Cloudflare's answer to a token; `null`: no answer at all.
fn answer_for(body: &str) -> Value {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert!(
        field("secret").is_some(),
        "siteverify without the secret: {body}"
    );
    let ok = |hostname: &str, action: &str| json!({"success": true, "hostname": hostname, "action": action, "error-codes": []});
    match field("response").as_deref() {
        Some(pass) if pass.starts_with("pass") => ok("www.some-tyopajat.fi", "order"),
        Some("wrong-host") => ok("evil.example", "order"),
        Some("wrong-action") => ok("www.some-tyopajat.fi", "login"),
        Some("slow") => Value::Null,
        _ => json!({"success": false, "error-codes": ["invalid-input-response"]}),
    }
}

async fn app_with(siteverify: &Siteverify) -> LocalApp {
    LocalApp::with(LocalOptions {
        human_check: Some(siteverify.check()),
        ..LocalOptions::default()
    })
    .await
}

/// A form post from the website, with this token (or none) and a customer address of its own.
fn form_post(app: &LocalApp, who: &str, token: Option<&str>, key: &str) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    body.append_pair("package", "somestartti")
        .append_pair("organization", "Tuusulan kunta")
        .append_pair("contact_name", "Anna Virtanen")
        .append_pair("email", &format!("{who}+{}@tuusula.example", app.tag))
        .append_pair("privacy_consent", "on")
        .append_pair("idempotency_key", key);
    if let Some(token) = token {
        body.append_pair("cf-turnstile-response", token);
    }
    post_event("application/x-www-form-urlencoded", &body.finish())
}

/// The emulator's emails of this app to addresses containing `to`.
async fn emails_to(app: &LocalApp, to: &str) -> Vec<Value> {
    (app.emails().await.into_iter())
        .filter(|e| e["destination"]["to"].to_string().contains(to))
        .collect()
}

/// A post sent twice with its used token (a double click, a browser's retry): siteverify is
/// asked with the same idempotency key and answers as the first time, so the replay is a
/// duplicate answered with the stored order (200, as openapi.yaml says), not a failed check;
/// another submission with that token is refused as Cloudflare refuses a used one.
#[tokio::test]
async fn a_replayed_post_with_its_used_token_is_a_duplicate_not_a_failed_check() {
    let siteverify = Siteverify::start().await;
    let app = app_with(&siteverify).await;
    let key = unique("key");
    let first = app
        .send(&form_post(&app, "twice", Some("pass-once"), &key))
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    let orders = app.orders().await;
    assert_eq!(orders.len(), 1);
    assert_eq!(s(&orders[0], "customer_email_status"), "sent");
    let replay = app
        .send(&form_post(&app, "twice", Some("pass-once"), &key))
        .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.json()["reference"], first.json()["reference"]);
    assert_eq!(app.orders().await.len(), 1, "no second order");
    assert_eq!(siteverify.calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        siteverify.duplicates.load(Ordering::SeqCst),
        0,
        "the same answer again"
    );
    // Another submission (another idempotency key) with the used token: refused by siteverify.
    let other = app
        .send(&form_post(&app, "other", Some("pass-once"), &unique("key")))
        .await;
    assert_eq!(other.status, 201);
    assert_eq!(siteverify.duplicates.load(Ordering::SeqCst), 1);
    let statuses: Vec<String> = (app.orders().await.iter())
        .map(|o| s(o, "customer_email_status").to_owned())
        .collect();
    assert!(statuses.contains(&"unverified".to_owned()), "{statuses:?}");
}

#[tokio::test]
async fn only_a_passed_check_sends_the_confirmation_and_every_order_is_stored() {
    let siteverify = Siteverify::start().await;
    let app = app_with(&siteverify).await;
    let cases = [
        ("pass", Some("pass"), "sent"),
        ("fail", Some("fail"), "unverified"),
        ("slow", Some("slow"), "unverified"),
        ("wronghost", Some("wrong-host"), "unverified"),
        ("wrongaction", Some("wrong-action"), "unverified"),
        ("none", None, "unverified"),
        ("junk", Some("<script>"), "unverified"),
    ];
    for (who, token, status) in cases {
        let answer = app.send(&form_post(&app, who, token, &unique("key"))).await;
        assert_eq!(answer.status, 201, "{who}: {}", answer.body);
        assert_eq!(
            answer.json()["email_status"],
            // Honest: a confirmation that waits for a person says so.
            if status == "sent" { "sent" } else { "waiting" },
            "{who}"
        );
        let to_customer = emails_to(&app, &format!("{who}+")).await;
        assert_eq!(to_customer.len(), usize::from(status == "sent"), "{who}");
    }
    let orders = app.orders().await;
    assert_eq!(orders.len(), cases.len());
    let mut statuses: Vec<&str> = orders
        .iter()
        .map(|o| s(o, "customer_email_status"))
        .collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [
            "sent",
            "unverified",
            "unverified",
            "unverified",
            "unverified",
            "unverified",
            "unverified"
        ]
    );
    // No token, or one that cannot be a token, never reaches Cloudflare.
    assert_eq!(siteverify.calls.load(Ordering::SeqCst), 5);
    // The trainers hear of every order, and of the confirmations that wait.
    let trainers = emails_to(&app, "pilvi.nummi").await;
    assert_eq!(trainers.len(), cases.len());
    let waiting = (trainers.iter())
        .filter(|e| {
            e["body"]["text"]
                .as_str()
                .unwrap()
                .contains("ihmistarkistus ei mennyt läpi")
        })
        .count();
    assert_eq!(waiting, cases.len() - 1);
}

#[tokio::test]
async fn a_trainer_releases_a_waiting_confirmation_once_and_a_replay_needs_no_new_token() {
    let siteverify = Siteverify::start().await;
    let app = app_with(&siteverify).await;
    let post = form_post(&app, "anna", None, &unique("key"));
    let first = app.send(&post).await;
    assert_eq!(first.status, 201, "{}", first.body);
    // The same submission again (a double click, a retry): the stored answer, no new token.
    let replay = app.send(&post).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.json()["reference"], first.json()["reference"]);
    assert_eq!(app.orders().await.len(), 1);

    let trainers = emails_to(&app, "pilvi.nummi").await;
    assert_eq!(trainers.len(), 1);
    let link = booking_link(trainers[0]["body"]["text"].as_str().unwrap());
    app.sign_in_as(0, &link).await;
    let page = app.send(&get_event(&link)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Lähetä vahvistus asiakkaalle"),
        "{}",
        page.body
    );
    assert!(emails_to(&app, "anna+").await.is_empty(), "GET only shows");

    let release = booking_post(
        &booking_form(&token_of(&link), 0, &[("action", "release")]),
        json!({}),
    );
    let released = app.send(&release).await;
    assert_eq!(released.status, 303, "{}", released.body);
    assert!(
        released
            .header("location")
            .unwrap()
            .contains("done=released")
    );
    assert_eq!(emails_to(&app, "anna+").await.len(), 1);
    assert_eq!(s(&app.orders().await[0], "customer_email_status"), "sent");

    // Pressed again (or the page reloaded): nothing waits, nothing is sent.
    let again = app.send(&release).await;
    assert!(
        again
            .header("location")
            .unwrap()
            .contains("done=not_waiting")
    );
    assert_eq!(emails_to(&app, "anna+").await.len(), 1);
}

#[tokio::test]
async fn booking_an_unverified_order_sends_its_confirmation_with_the_invitation() {
    let siteverify = Siteverify::start().await;
    let app = app_with(&siteverify).await;
    let answer = app
        .send(&form_post(&app, "bea", Some("fail"), &unique("key")))
        .await;
    assert_eq!(answer.status, 201);
    let trainers = emails_to(&app, "pilvi.nummi").await;
    let link = booking_link(trainers[0]["body"]["text"].as_str().unwrap());
    app.sign_in_as(0, &link).await;
    let token = token_of(&link);
    let book = [
        ("action", "book"),
        ("other_date", "2027-03-30"),
        ("start", "9.00"),
        ("end", "11.00"),
        ("place", "Kunnantalo"),
        ("trainer", "Pilvi Nummi"),
    ];
    let booked = app
        .send(&booking_post(&booking_form(&token, 0, &book), json!({})))
        .await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    let to_customer = emails_to(&app, "bea+").await;
    assert_eq!(to_customer.len(), 2, "the confirmation and the booking");
    assert_eq!(s(&app.orders().await[0], "customer_email_status"), "sent");
}

/// A plain form's order whose confirmation waits for a person lands on a thank-you page that
/// says so, not that a confirmation is on its way.
#[tokio::test]
async fn a_waiting_confirmation_is_said_honestly_on_the_thank_you_page() {
    let siteverify = Siteverify::start().await;
    let app = app_with(&siteverify).await;
    let mut event: Value =
        serde_json::from_str(&form_post(&app, "plain", None, &unique("key"))).unwrap();
    event["headers"]["accept"] = Value::String("text/html".into());
    let answer = app.send(&event.to_string()).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let location = answer.header("location").unwrap().to_owned();
    // The configured thank-you page gets it too; the function's own reads it.
    let query = location.split_once('?').unwrap().1;
    assert!(query.ends_with("&waiting=1"), "{location}");
    let page = app
        .send(&get_event(&format!("/orders/thanks?{query}")))
        .await;
    assert!(
        page.body.contains("Kouluttaja tarkistaa sen"),
        "{}",
        page.body
    );
    let sent_query = query.trim_end_matches("&waiting=1");
    let sent = app
        .send(&get_event(&format!("/orders/thanks?{sent_query}")))
        .await;
    assert!(
        sent.body.contains("lähetämme vahvistuksen"),
        "{}",
        sent.body
    );
}
