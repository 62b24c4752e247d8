use std::sync::Arc;

use aws_config::{Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use lambda_http::http::HeaderMap;
use lambda_http::{Body, Response};
use serde_json::Value;
use url::Url;

use order_intake::config::Config;
use order_intake::domain::{
    BusinessId, EmailAddress, Language, Limits, LinkSigner, Phone, Quotas, Seller, WebOrigin,
};
use order_intake::email::{Mailer, RecordingMailer, SesMailer};
use order_intake::entry::{Function, Parts, compose, http_settings};
use order_intake::http::{handle, request_from_event_str};
use order_intake::intake::{
    BookingLinks, BookingSettings, Clock, DEFAULT_BACKOFF_SECONDS, DEFAULT_RETENTION_MONTHS,
    HandleReport, RetryEmails, system_clock,
};
use order_intake::store::table::{TableSpec, create_order_table};
use order_intake::store::{DynamoDbStore, MemoryStore, Store, Stores};

pub const SITE: &str = "https://www.some-tyopajat.fi";
pub const THANK_YOU: &str = "https://www.some-tyopajat.fi/kiitos";
pub const SENDER: &str = "tilaukset@some-tyopajat.example";
/// `ORGANIZER_EMAIL`: where a calendar's answer to an invitation goes.
pub const ORGANIZER: &str = "kouluttajat@some-tyopajat.example";

/// The date the event files were written for; handler tests run on it.
pub fn fixed_clock() -> Clock {
    Arc::new(|| "2026-11-26T10:00:00Z".parse::<Timestamp>().unwrap())
}

/// The function's configuration in the tests (as `config/test.env` has it, with made-up
/// secrets): these trainers and quotas. Every test function is built from one through the
/// production composition root (`entry::compose`).
pub fn config(trainers: Vec<EmailAddress>, quotas: Quotas) -> Config {
    Config {
        orders_table: "orders-test".into(),
        sender_email: EmailAddress::parse(SENDER).unwrap(),
        trainer_emails: trainers,
        allowed_origins: [SITE, "http://127.0.0.1:8080"]
            .map(|o| WebOrigin::parse(o).unwrap())
            .into(),
        thank_you_url: Some(Url::parse(THANK_YOU).unwrap()),
        seller: seller(),
        ses_configuration_set: None,
        warm_up_connections: false,
        metrics: false,
        limits: limits(quotas),
        retention_months: DEFAULT_RETENTION_MONTHS,
        retry_backoff_seconds: DEFAULT_BACKOFF_SECONDS,
        booking: booking_settings(),
        human_check: None,
        doors: order_intake::door::Doors::ByAlias,
        seal: seal(),
    }
}

/// The orders' seal as `config/test.env` has it (a made-up secret): what the tests' function
/// seals, `orders` run here verifies.
pub fn seal() -> order_intake::domain::OrderSeal {
    order_intake::domain::OrderSeal::new(TEST_SEAL_SECRET)
}

pub const TEST_SEAL_SECRET: &str = "test-only-order-seal-secret-0123456789abcdef";

/// The seller as `config/test.env` has it (made-up details).
pub fn seller() -> Seller {
    Seller {
        name: "Some-työpajat Oy".into(),
        business_id: BusinessId::parse("1234567-1").unwrap(),
        phone: Phone::parse("+358 40 123 4567").unwrap(),
        terms: std::collections::HashMap::from([
            (
                Language::Fi,
                "ESIMERKKI: Matkakulut Helsingin ulkopuolelle laskutetaan erikseen.".into(),
            ),
            (
                Language::Sv,
                "EXEMPEL: Resekostnader utanför Helsingfors faktureras separat.".into(),
            ),
            (
                Language::En,
                "EXAMPLE: Travel outside Helsinki is invoiced separately.".into(),
            ),
        ]),
        invoicing: None,
        email: None,
    }
}

pub fn trainers(tag: &str) -> Vec<EmailAddress> {
    vec![
        EmailAddress::parse(&format!("pilvi.nummi+{tag}@some-tyopajat.example")).unwrap(),
        EmailAddress::parse(&format!("jaana.pohjola+{tag}@some-tyopajat.example")).unwrap(),
    ]
}

pub fn read_event(name: &str) -> String {
    let path = format!("{}/events/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// SES's sample report `name` (events/ses-email-*.json) about `message_id` for `recipient`, its
/// tags naming the order `reference` and the email `kind` (`customer`, `trainer`).
pub fn ses_report(
    name: &str,
    (reference, kind): (&str, &str),
    message_id: &str,
    recipient: &str,
) -> Value {
    let text = read_event(name)
        .replace(
            "010f019a1b2c3d4e-5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c-000000",
            message_id,
        )
        .replace("anna.virtanen@tuusula.example", recipient);
    let mut event: Value = serde_json::from_str(&text).unwrap();
    let tags = &mut event["detail"]["mail"]["tags"];
    tags["order"] = serde_json::json!([reference]);
    tags["email"] = serde_json::json!([kind]);
    event
}

/// An event file with changes applied to its JSON.
pub fn event_with(name: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut event: Value = serde_json::from_str(&read_event(name)).unwrap();
    change(&mut event);
    event.to_string()
}

/// A v2 GET event for this path and query (`/orders/thanks?…`), as a browser following a
/// redirect sends it.
pub fn get_event(path_and_query: &str) -> String {
    request_event("GET", path_and_query)
}

/// A v2 POST event to another path, without a body.
pub fn post_to(path: &str) -> String {
    request_event("POST", path)
}

fn request_event(method: &str, path_and_query: &str) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    event_with("apigw-http-json-order", |e| {
        e["routeKey"] = Value::String(format!("{method} {path}"));
        e["rawPath"] = Value::String(path.to_owned());
        e["rawQueryString"] = Value::String(query.to_owned());
        e["requestContext"]["http"]["method"] = Value::String(method.to_owned());
        e["requestContext"]["http"]["path"] = Value::String(path.to_owned());
        e["requestContext"]["routeKey"] = Value::String(format!("{method} {path}"));
        e["headers"] = serde_json::json!({ "accept": "text/html", "host": "api.example" });
        e.as_object_mut().unwrap().remove("body");
    })
}

/// A v2 POST of a form to the booking page, from the page itself (its `Origin`) unless
/// `headers` say otherwise.
pub fn booking_post(body: &str, headers: Value) -> String {
    let mut event: Value = serde_json::from_str(&post_to("/booking")).unwrap();
    let mut all = serde_json::json!({
        "content-type": "application/x-www-form-urlencoded",
        "host": "api.example",
        "origin": PUBLIC_URL,
        "sec-fetch-site": "same-origin",
    });
    for (name, value) in headers.as_object().unwrap() {
        match value {
            Value::Null => all.as_object_mut().unwrap().remove(name),
            value => all
                .as_object_mut()
                .unwrap()
                .insert(name.clone(), value.clone()),
        };
    }
    event["headers"] = all;
    event["body"] = Value::String(body.to_owned());
    event.to_string()
}

/// The booking page's form as a browser posts it from the check step (`checked=1`): the
/// token, the sequence it was made from, and these fields. `unchecked_form` is the first post.
pub fn booking_form(token: &str, sequence: u32, fields: &[(&str, &str)]) -> String {
    let mut with_check = fields.to_vec();
    with_check.push(("checked", "1"));
    unchecked_form(token, sequence, &with_check)
}

/// The booking page's form as first posted, before the check step.
pub fn unchecked_form(token: &str, sequence: u32, fields: &[(&str, &str)]) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    body.append_pair("token", token)
        .append_pair("sequence", &sequence.to_string());
    for (name, value) in fields {
        body.append_pair(name, value);
    }
    body.finish()
}

/// The booking link in a trainers' email (its text part), as the path and query a GET sends.
pub fn booking_link(email_text: &str) -> String {
    let start = email_text
        .find(&format!("{PUBLIC_URL}/booking?token="))
        .unwrap_or_else(|| panic!("no booking link in: {email_text}"));
    let link = email_text[start..].split_whitespace().next().unwrap();
    link.trim_start_matches(PUBLIC_URL).to_owned()
}

/// A link's token, decoded from its query.
pub fn token_of(link: &str) -> String {
    let query = link.split_once('?').unwrap().1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "token")
        .unwrap()
        .1
        .into_owned()
}

/// A v2 POST /orders event with this body and content type (no Origin, like curl).
pub fn post_event(content_type: &str, body: &str) -> String {
    event_with("apigw-http-json-order", |e| {
        e["headers"] = serde_json::json!({ "content-type": content_type, "host": "api.example" });
        e["body"] = Value::String(body.to_owned());
    })
}

pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn error_fields(&self) -> Vec<(String, String)> {
        self.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

fn answer(response: Response<Body>) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = match response.into_body() {
        Body::Empty => String::new(),
        Body::Text(text) => text,
        Body::Binary(bytes) => String::from_utf8(bytes).unwrap(),
        _ => String::new(),
    };
    Answer {
        status,
        headers,
        body,
    }
}

pub const TEST_SECRET: &str = "a-test-secret-of-at-least-32-characters";
pub const BOOKING_SECRET: &str = "a-booking-link-secret-of-at-least-32-chars";
/// Where the function answers in the handler tests (the events' host): the booking links'.
pub const PUBLIC_URL: &str = "https://api.example";

/// Bookings as `config/test.env` has them, with links to `PUBLIC_URL`.
pub fn booking_settings() -> BookingSettings {
    BookingSettings {
        links: Some(BookingLinks::new(
            LinkSigner::new(BOOKING_SECRET),
            Some(&Url::parse(PUBLIC_URL).unwrap()),
        )),
        organizer: ORGANIZER.to_owned(),
        trainers: order_intake::domain::Trainer::parse_list(TRAINERS).unwrap(),
        ..BookingSettings::default()
    }
}

/// The trainers of `config/test.env`, each with their own address.
pub const TRAINERS: &str = "Pilvi Nummi <pilvi.nummi@some-tyopajat.example>, Jaana Pohjola <jaana.pohjola@some-tyopajat.example>";

/// The production quotas, keyed with the test secret.
pub fn limits(quotas: Quotas) -> Limits {
    Limits::new(quotas, TEST_SECRET)
}

/// The one way tests build the function: this store and mailer, these trainers and clock, the
/// test settings and the default quotas.
pub fn build_app<S: Store + 'static>(
    store: Arc<S>,
    mailer: Arc<dyn Mailer>,
    trainers: Vec<EmailAddress>,
    clock: Clock,
) -> Function {
    build_app_with(store, mailer, trainers, clock, Quotas::default())
}

pub fn build_app_with<S: Store + 'static>(
    store: Arc<S>,
    mailer: Arc<dyn Mailer>,
    trainers: Vec<EmailAddress>,
    clock: Clock,
    quotas: Quotas,
) -> Function {
    let parts = Parts {
        stores: Stores::new(store),
        mailer,
        clock,
    };
    Function::from_config(&config(trainers, quotas), parts)
}

/// Whatever holds the function's handlers can be sent events as the Lambda runtime would send
/// them.
pub trait SendsEvents {
    fn app(&self) -> &Function;

    /// The session cookie this client's browser holds, if it signed in (`sign_in_as`).
    fn cookie(&self) -> Option<String> {
        None
    }

    async fn send(&self, event: &str) -> Answer {
        let event = match self.cookie() {
            Some(cookie) => with_cookie(event, &cookie),
            None => event.to_owned(),
        };
        let request = request_from_event_str(&event).expect("the event parses");
        answer(handle(&self.app().http, request).await)
    }

    /// The scheduled run's use case.
    fn retry(&self) -> &RetryEmails {
        &self.app().retry
    }

    /// The SES reports' use case.
    fn report(&self) -> &HandleReport {
        &self.app().report
    }
}

impl SendsEvents for Function {
    fn app(&self) -> &Function {
        self
    }
}

/// An event with the browser's cookie header (unless it has one).
fn with_cookie(event: &str, cookie: &str) -> String {
    let mut event: Value = serde_json::from_str(event).expect("an event is JSON");
    let headers = event["headers"]
        .as_object_mut()
        .expect("an event has headers");
    headers
        .entry("cookie")
        .or_insert_with(|| Value::String(cookie.to_owned()));
    event.to_string()
}

/// The handler over in-memory fakes.
pub struct FakeApp {
    pub app: Function,
    pub store: Arc<MemoryStore>,
    pub mailer: Arc<RecordingMailer>,
    /// The session cookie, once signed in.
    pub session: std::sync::Mutex<Option<String>>,
}

impl FakeApp {
    pub fn new() -> FakeApp {
        FakeApp::with_clock(fixed_clock())
    }

    pub fn with_clock(clock: Clock) -> FakeApp {
        let store = Arc::new(MemoryStore::new());
        let mailer = Arc::new(RecordingMailer::new());
        let app = build_app(store.clone(), mailer.clone(), trainers("fake"), clock);
        FakeApp {
            app,
            store,
            mailer,
            session: std::sync::Mutex::new(None),
        }
    }

    /// Signs in as the roster's `trainer` the way a trainer does: from the booking `link`'s
    /// page, the emailed sign-in link, its page's button. The app then sends the cookie.
    pub async fn sign_in_as(&self, trainer: usize, link: &str) -> String {
        let token = token_of(link);
        ask_for_sign_in(self, &token, trainer).await;
        let email = (self.mailer.sent().into_iter().rev())
            .find(|e| e.subject == "Kirjautuminen varaussivulle")
            .expect("a sign-in email");
        let cookie = sign_in_with(self, &email.text).await;
        *self.session.lock().unwrap() = Some(cookie.clone());
        cookie
    }

    /// Places an order, then changes its customer's address in the store as someone with the
    /// table's keys but not the function's seal would: its seal no longer verifies.
    pub async fn place_broken_order(&self, email: &str) -> order_intake::domain::Reference {
        use order_intake::store::{Corrections, Orders};
        let order = order_json(email).to_string();
        let placed = self.send(&post_event("application/json", &order)).await;
        let reference = placed.json()["reference"].as_str().unwrap().to_owned();
        let reference = order_intake::domain::Reference::parse(&reference).unwrap();
        let mut order = self.store.load(&reference).await.unwrap().unwrap();
        order.details.email = EmailAddress::parse("toinen@kunta.example").unwrap();
        let seal = order.seal.clone();
        let action = order_intake::domain::OperatorAction::new(Timestamp::now(), "x", "console");
        let written = self.store.fix_email(&order, seal.as_deref(), &action).await;
        assert!(written.unwrap(), "the address changed under the old seal");
        reference
    }
}

/// Asks the booking page (as the link's holder) to mail the roster's `trainer` a sign-in link.
pub async fn ask_for_sign_in(app: &impl SendsEvents, token: &str, trainer: usize) {
    let mut asked = url::form_urlencoded::Serializer::new(String::new());
    asked
        .append_pair("action", "request_sign_in")
        .append_pair("token", token)
        .append_pair("trainer", &trainer.to_string());
    let sent = app
        .send(&booking_post(&asked.finish(), serde_json::json!({})))
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
}

/// Follows a sign-in email's link: its page (GET), then its button (POST); the cookie set.
pub async fn sign_in_with(app: &impl SendsEvents, email_text: &str) -> String {
    let start = email_text
        .find(&format!("{PUBLIC_URL}/booking?signin="))
        .unwrap_or_else(|| panic!("no sign-in link in: {email_text}"));
    let link = email_text[start..].split_whitespace().next().unwrap();
    let path = link.trim_start_matches(PUBLIC_URL);
    let page = app.send(&get_event(path)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let signin = url::form_urlencoded::parse(path.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "signin")
        .unwrap()
        .1
        .into_owned();
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    body.append_pair("action", "sign_in")
        .append_pair("token", &signin);
    let signed = app
        .send(&booking_post(&body.finish(), serde_json::json!({})))
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let set = signed.header("set-cookie").expect("a session cookie");
    set.split(';').next().unwrap().to_owned()
}

impl SendsEvents for FakeApp {
    fn app(&self) -> &Function {
        &self.app
    }

    fn cookie(&self) -> Option<String> {
        self.session.lock().unwrap().clone()
    }
}

// ---- Local services -------------------------------------------------------------------------

pub fn dynamodb_endpoint() -> String {
    std::env::var("TEST_DYNAMODB_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8100".into())
}

pub fn ses_endpoint() -> String {
    std::env::var("TEST_SES_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8105".into())
}

/// A port where nothing listens: a service that is down.
pub const DOWN: &str = "http://127.0.0.1:9";

async fn require(service: &str, url: &str) {
    if reqwest::get(url).await.is_err() {
        panic!(
            "{service} is not running at {url}. Start the test services with `make services-test` \
             (or run everything with `make test`); set TEST_DYNAMODB_ENDPOINT / TEST_SES_ENDPOINT \
             to use others."
        );
    }
}

/// The function's own SDK settings (its HTTPS client and retries), pointed at `endpoint`.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    order_intake::aws::sdk_config_loader()
        .region(Region::new("eu-north-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "tests"))
        .endpoint_url(endpoint)
        .load()
        .await
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// The handler with the real SDK clients, on a fresh table of its own.
pub struct LocalApp {
    pub store: Arc<DynamoDbStore>,
    pub app: Function,
    pub table: String,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub tag: String,
    /// The session cookie, once signed in.
    pub session: std::sync::Mutex<Option<String>>,
}

pub struct LocalOptions {
    pub dynamodb: String,
    pub ses: String,
    pub clock: Clock,
    /// Use this table (another app's) instead of a new one.
    pub table: Option<String>,
    pub quotas: Quotas,
    pub tag: Option<String>,
    /// Turnstile (against a local stub), or none.
    pub human_check: Option<Arc<dyn order_intake::human_check::HumanCheck>>,
}

impl Default for LocalOptions {
    fn default() -> Self {
        LocalOptions {
            dynamodb: dynamodb_endpoint(),
            ses: ses_endpoint(),
            clock: system_clock(),
            table: None,
            tag: None,
            quotas: Quotas::default(),
            human_check: None,
        }
    }
}

/// The real time, `seconds` later: for retries whose backoff or claim must have run out.
pub fn clock_ahead(seconds: i64) -> Clock {
    Arc::new(move || {
        Timestamp::now()
            .checked_add(jiff::Span::new().seconds(seconds))
            .unwrap()
    })
}

impl LocalApp {
    pub async fn start() -> LocalApp {
        LocalApp::with(LocalOptions::default()).await
    }

    pub async fn with(options: LocalOptions) -> LocalApp {
        require("DynamoDB Local", &dynamodb_endpoint()).await;
        require(
            "The SES emulator",
            &format!("{}/health-check", ses_endpoint()),
        )
        .await;
        let table = options.table.clone().unwrap_or_else(|| unique("orders"));
        let tag = options.tag.clone().unwrap_or_else(|| unique("t"));
        // The table is made on the running DynamoDB Local even when the app is pointed elsewhere.
        let admin = order_intake::aws::dynamodb_client(&sdk_config(&dynamodb_endpoint()).await);
        let spec =
            TableSpec::from_repository_template().expect("infra/template.yaml has OrdersTable");
        create_order_table(&admin, &table, &spec)
            .await
            .expect("table created");
        let dynamodb = order_intake::aws::dynamodb_client(&sdk_config(&options.dynamodb).await);
        let ses = order_intake::aws::ses_client(&sdk_config(&options.ses).await);
        let store = Arc::new(DynamoDbStore::new(dynamodb, &table));
        let mailer: Arc<dyn Mailer> = Arc::new(SesMailer::new(ses, SENDER, None));
        let config = config(trainers(&tag), options.quotas);
        let parts = Parts {
            stores: Stores::new(store.clone()),
            mailer,
            clock: options.clock.clone(),
        };
        let mut wiring = compose(&config, parts);
        if let Some(check) = options.human_check {
            wiring = wiring.with_human_check(check);
        }
        let app = Function::new(&wiring, http_settings(&config));
        LocalApp {
            store,
            app,
            table,
            dynamodb: admin,
            tag,
            session: std::sync::Mutex::new(None),
        }
    }

    /// Signs in as the roster's `trainer` from the booking `link`'s page, with the sign-in
    /// email the SES emulator keeps (the one back to this link's order).
    pub async fn sign_in_as(&self, trainer: usize, link: &str) -> String {
        let token = token_of(link);
        let reference = token
            .split('.')
            .nth(2)
            .expect("a token names its order")
            .to_owned();
        ask_for_sign_in(self, &token, trainer).await;
        // Sent to the trainer's own address: not this app's tag, but this order's token.
        let store: Value = reqwest::get(format!("{}/store", ses_endpoint()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let emails = store["emails"].as_array().cloned().unwrap_or_default();
        let email = (emails.iter().rev())
            .filter(|e| e["subject"] == "Kirjautuminen varaussivulle")
            .find_map(|e| {
                let text = e["body"]["text"].as_str()?;
                text.contains(&format!(".signin.{reference}."))
                    .then(|| text.to_owned())
            })
            .expect("a sign-in email for this order");
        let cookie = sign_in_with(self, &email).await;
        *self.session.lock().unwrap() = Some(cookie.clone());
        cookie
    }

    /// Another app on this one's table and addresses, with other services or another clock.
    /// Another app on this one's table and services, its clock `seconds` ahead.
    pub async fn ahead(&self, seconds: i64) -> LocalApp {
        let clock = clock_ahead(seconds);
        self.sibling(LocalOptions {
            clock,
            ..LocalOptions::default()
        })
        .await
    }

    pub async fn sibling(&self, options: LocalOptions) -> LocalApp {
        LocalApp::with(LocalOptions {
            table: Some(self.table.clone()),
            tag: Some(self.tag.clone()),
            ..options
        })
        .await
    }

    /// Posts this JSON as an order, like curl would (no Origin).
    pub async fn post_json(&self, order: &Value) -> Answer {
        self.send(&post_event("application/json", &order.to_string()))
            .await
    }

    /// A customer address unique to this test, so its emails can be told apart in the emulator.
    pub fn customer(&self) -> String {
        format!("anna.virtanen+{}@tuusula.example", self.tag)
    }

    pub async fn items(&self) -> Vec<std::collections::HashMap<String, AttributeValue>> {
        let mut pages = self
            .dynamodb
            .scan()
            .table_name(&self.table)
            .consistent_read(true)
            .into_paginator()
            .items()
            .send();
        let mut items = Vec::new();
        while let Some(item) = pages.next().await {
            items.push(item.unwrap());
        }
        items
    }

    pub async fn orders(&self) -> Vec<std::collections::HashMap<String, AttributeValue>> {
        self.items()
            .await
            .into_iter()
            .filter(|i| {
                i.get("kind")
                    .and_then(|k| k.as_s().ok())
                    .map(String::as_str)
                    == Some("order")
            })
            .collect()
    }

    /// Emails in the SES emulator to or from this test's addresses.
    pub async fn emails(&self) -> Vec<Value> {
        let store: Value = reqwest::get(format!("{}/store", ses_endpoint()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        store["emails"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e.to_string().contains(&self.tag))
            .cloned()
            .collect()
    }
}

impl SendsEvents for LocalApp {
    fn app(&self) -> &Function {
        &self.app
    }

    fn cookie(&self) -> Option<String> {
        self.session.lock().unwrap().clone()
    }
}

/// A valid JSON order from `email`, with dates relative to today so it never goes stale.
pub fn order_json(email: &str) -> Value {
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(order_intake::domain::helsinki())
        .date();
    serde_json::json!({
        "package": "some-haltuun",
        "organization": "Tuusulan kunta",
        "contact_name": "Anna Virtanen",
        "email": email,
        "privacy_consent": true,
        "business_id": "0201256-6",
        "phone": "+358 40 123 4567",
        "participants": 12,
        "channels": ["facebook", "instagram"],
        "preferred_dates": [today.checked_add(jiff::Span::new().days(30)).unwrap().to_string()],
        "location": "Kunnantalo",
        "einvoice_address": "003701577119",
        "einvoice_operator": "003703575029",
        "billing_reference": "Viestintä",
        "message": "Rivi 1\nRivi 2",
        "language": "fi",
    })
}

pub fn s<'a>(item: &'a std::collections::HashMap<String, AttributeValue>, name: &str) -> &'a str {
    item.get(name)
        .unwrap_or_else(|| panic!("item has no {name}"))
        .as_s()
        .unwrap()
}
