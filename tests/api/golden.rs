//! Golden files: every email an order can produce and the function's pages, in fi, sv and en,
//! written out whole (`tests/golden/<lang>.txt`) with what changes per run masked (the
//! reference, tokens, ids). A re-shape that changes no behaviour leaves them byte-identical;
//! a change that means to alter a text updates them with `UPDATE_GOLDEN=1 cargo test golden`
//! and shows the difference in review.

use serde_json::json;

use crate::fixtures::BOOK;
use crate::helpers::*;
use order_intake::email::Email;
use order_intake::intake::{Deadline, ManualClock};

/// The test's clock: it starts on Monday 1 March 2027, 10.00 in Helsinki.
fn start_clock() -> ManualClock {
    ManualClock::at("2027-03-01T08:00:00Z".parse().unwrap())
}

/// What the golden file holds, in the order it happened.
#[derive(Default)]
struct Transcript(String);

impl Transcript {
    fn emails(&mut self, step: &str, emails: &[Email]) {
        let mut emails = emails.to_vec();
        // Sent at once: their order is the scheduler's, not the code's.
        emails.sort_by(|a, b| (&a.to, &a.subject).cmp(&(&b.to, &b.subject)));
        for email in emails {
            self.0 += &format!(
                "=== email after {step}\nto: {:?}\nreply-to: {:?}\nsubject: {}\n--- text\n{}\n--- html\n{}\n",
                email.to, email.reply_to, email.subject, email.text, email.html
            );
            if let Some(invitation) = &email.invitation {
                self.0 += &format!(
                    "--- invitation {} ({})\n{}\n",
                    invitation.file_name,
                    invitation.method.as_str(),
                    invitation.calendar
                );
            }
        }
    }

    fn page(&mut self, step: &str, answer: &Answer) {
        self.0 += &format!(
            "=== page {step}: {}\n{}\n",
            answer.status,
            (answer.headers.get("location")).map_or(String::new(), |l| format!(
                "location: {}\n",
                l.to_str().unwrap()
            )),
        );
        self.0 += &answer.body;
        self.0 += "\n";
    }
}

/// The booking page as a trainer uses it, written into the transcript.
struct Booker<'a> {
    app: &'a FakeApp,
    token: &'a str,
    out: &'a mut Transcript,
    /// Emails already in the transcript.
    seen: usize,
}

impl Booker<'_> {
    /// A form posted from the page, then the emails it sent; `follow`: the page it redirects to
    /// is shown too.
    async fn post(&mut self, name: &str, fields: &[(&str, &str)], sequence: u32, follow: bool) {
        let form = booking_form(self.token, sequence, fields);
        let answer = self.app.send(&booking_post(&form, json!({}))).await;
        self.out.page(name, &answer);
        if let Some(location) = answer.headers.get("location").filter(|_| follow) {
            let path = format!("/{}", location.to_str().unwrap());
            let shown = self.app.send(&get_event(&path)).await;
            self.out.page(&format!("{name}, shown"), &shown);
        }
        self.sent(name);
    }

    /// The emails sent since the last step.
    fn sent(&mut self, step: &str) {
        let sent = self.app.mailer.sent();
        self.out.emails(step, &sent[self.seen..]);
        self.seen = sent.len();
    }
}

/// Masks what differs between runs: the reference, tokens, ids and message ids.
fn masked(text: &str, reference: &str) -> String {
    let mut text = text.replace(reference, "REFERENCE");
    let compact = reference.replace('-', "");
    if !compact.is_empty() {
        text = text.replace(&compact, "REFERENCECOMPACT");
    }
    let patterns = [
        (r"token=[A-Za-z0-9_\-.%]+", "token=TOKEN"),
        (r"signin=[A-Za-z0-9_\-.%]+", "signin=TOKEN"),
        (
            r#"name="token" value="[^"]+""#,
            r#"name="token" value="TOKEN""#,
        ),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "UUID",
        ),
        (r"recorded-[0-9]+", "MESSAGE-ID"),
    ];
    for (pattern, with) in patterns {
        text = regex_lite::Regex::new(pattern)
            .unwrap()
            .replace_all(&text, with)
            .into_owned();
    }
    text
}

/// A plain form's post from a browser without JavaScript: it asks for HTML.
fn browser_post(body: &str) -> String {
    event_with("apigw-http-json-order", |e| {
        e["headers"] = json!({
            "content-type": "application/x-www-form-urlencoded",
            "accept": "text/html",
            "host": "api.example",
        });
        e["body"] = serde_json::Value::String(body.to_owned());
    })
}

/// One order's whole life in `language`: the form post, the trainers' page, a booking, a
/// change, the reminders, a cancellation, a plain form's thank-you page and error page.
async fn transcript(language: &str) -> String {
    let time = start_clock();
    let app = FakeApp::with_clock(time.clock());
    let mut out = Transcript::default();
    let mut order = order_json("anna.virtanen@tuusula.example");
    order["preferred_dates"] = json!(["2027-03-30", "2027-04-06"]);
    order["language"] = json!(language);
    let answer = app
        .send(&post_event("application/json", &order.to_string()))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let reference = answer.json()["reference"].as_str().unwrap().to_owned();
    let sent = app.mailer.sent();
    out.emails("the order", &sent);
    let trainers = (sent.iter())
        .find(|e| e.to.iter().any(|to| to.starts_with("pilvi.nummi")))
        .expect("the trainers' email");
    let link = booking_link(&trainers.text);
    let token = token_of(&link);
    // The customer's own page, from the link in their confirmation.
    let confirmation = (sent.iter()).find(|e| e.to[0].starts_with("anna")).unwrap();
    let start = confirmation.text.find("/order?token=").unwrap();
    let page = confirmation.text[start..]
        .split_whitespace()
        .next()
        .unwrap();
    let page = page.to_owned();
    out.page("the customer's page", &app.send(&get_event(&page)).await);
    // Without a session the link shows only the sign-in; the trainer signs in from the email.
    out.page(
        "booking link, signed out",
        &app.send(&get_event(&link)).await,
    );
    let before_sign_in = app.mailer.sent().len();
    app.sign_in_as(0, &link).await;
    out.emails("the sign-in", &app.mailer.sent()[before_sign_in..]);
    out.page("booking, before", &app.send(&get_event(&link)).await);

    let mut booker = Booker {
        app: &app,
        token: &token,
        out: &mut out,
        seen: app.mailer.sent().len(),
    };
    booker.post("a booking", &BOOK, 0, true).await;
    (booker.out).page(
        "the customer's page, booked",
        &app.send(&get_event(&page)).await,
    );
    // The customer asks for another date (check step, then sent); the trainers' change answers.
    let asked = [
        ("action", "request"),
        ("date", "2027-04-06"),
        ("message", "Valtuusto kokoontuu 30.3."),
    ];
    let customer_token = token_of(&page);
    let post = |fields: &[(&str, &str)]| {
        crate::customer_page::page_post(&customer_token, 1, fields, json!({}))
    };
    (booker.out).page("a request, checked", &app.send(&post(&asked)).await);
    let mut confirmed = asked.to_vec();
    confirmed.push(("checked", "1"));
    app.send(&post(&confirmed)).await;
    booker.sent("a request");
    // The customer corrects the invoicing details: the check step, then both told.
    let corrected = [("action", "invoicing"), ("purchase_order", "PO-2027-15")];
    (booker.out).page("invoicing, checked", &app.send(&post(&corrected)).await);
    let mut confirmed = corrected.to_vec();
    confirmed.push(("checked", "1"));
    app.send(&post(&confirmed)).await;
    booker.sent("invoicing details");
    (booker.out).page(
        "booking, with a request",
        &app.send(&get_event(&link)).await,
    );
    let mut changed = BOOK.to_vec();
    changed[1] = ("date", "2027-04-06");
    booker.post("a change", &changed, 1, true).await;
    let mistakes = [("action", "book"), ("date", "x")];
    booker
        .post("a form with mistakes", &mistakes, 2, true)
        .await;
    time.set("2027-04-05T06:00:00Z".parse().unwrap());
    app.retry()
        .retry_due_within(50, Deadline::none())
        .await
        .unwrap();
    booker.sent("the reminders' run");
    let cancel = [("action", "cancel"), ("reason", "Sairastuminen")];
    booker.post("a cancellation", &cancel, 2, false).await;

    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("package", "somestartti"),
        ("organization", "Keravan kaupunki"),
        ("contact_name", "Matti Meikäläinen"),
        ("email", "matti@kerava.example"),
        ("privacy_consent", "on"),
        ("preferred_dates", "2027-04-13"),
        ("participants", "8"),
        ("language", language),
    ] {
        form.append_pair(name, value);
    }
    let plain = app.send(&browser_post(&form.finish())).await;
    out.page("a plain form's post", &plain);
    let refused = app
        .send(&browser_post(&format!(
            "package=x&email=nobody&language={language}"
        )))
        .await;
    out.page("a plain form with mistakes", &refused);
    out.page(
        "thank-you",
        &app.send(&get_event(&format!(
            "/orders/thanks?reference={reference}&lang={language}"
        )))
        .await,
    );
    let mut text = masked(&out.0, &reference);
    if let Some(plain_reference) = (plain.headers.get("location"))
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.split("reference=").nth(1))
        .map(|r| r.split('&').next().unwrap().to_owned())
    {
        text = masked(&text, &plain_reference);
    }
    text
}

#[tokio::test]
async fn every_email_and_page_matches_its_golden_file() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    for language in ["fi", "sv", "en"] {
        let now = transcript(language).await;
        let path = folder.join(format!("{language}.txt"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(&path, &now).unwrap();
            continue;
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: write it with UPDATE_GOLDEN=1 cargo test golden",
                path.display()
            )
        });
        if golden != now {
            let line = (golden.lines().zip(now.lines()))
                .position(|(a, b)| a != b)
                .unwrap_or(golden.lines().count().min(now.lines().count()));
            panic!(
                "{language}: differs from {} at line {}:\n golden: {:?}\n now:    {:?}\n(a change meant to alter a text: UPDATE_GOLDEN=1 cargo test golden, and review the diff)",
                path.display(),
                line + 1,
                golden.lines().nth(line),
                now.lines().nth(line)
            );
        }
    }
}
