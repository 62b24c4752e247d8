//! The `orders` binary against DynamoDB Local and the SES emulator (`make services-test`, or
//! `make test`), configured as an operator's shell would be: only environment variables.

// Amounts in cents are written euros_cents: `1_129_50` is 1 129,50 €.
#![allow(clippy::inconsistent_digit_grouping)]

use std::collections::HashMap;
use std::process::{Command, Output};
use std::sync::Arc;

use aws_config::{Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::{Timestamp, ToSpan};
use order_intake::domain::{
    Delivery, EmailKind, Field, NewOrder, Order, OrderForm, OrderSeal, Outcome, Reference, helsinki,
};
use order_intake::store::dynamodb::BY_MONTH_INDEX;
use order_intake::store::item::order_month;
use order_intake::store::table::{TableSpec, create_order_table};
use order_intake::store::{
    DedupeKey, DeliveryReports, DynamoDbStore, EmailQueue, Insert, Orders, RecipientReport,
    SentMessage,
};

use order_ops::store::{DynamoDbOperatorStore, Listings};

fn dynamodb_endpoint() -> String {
    std::env::var("TEST_DYNAMODB_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8100".into())
}

fn ses_endpoint() -> String {
    std::env::var("TEST_SES_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8105".into())
}

async fn require(service: &str, url: &str) {
    if reqwest::get(url).await.is_err() {
        panic!(
            "{service} is not running at {url}. Start the test services with `make services-test` \
             (or run everything with `make test`)."
        );
    }
}

async fn sdk_config(endpoint: &str) -> SdkConfig {
    order_intake::aws::sdk_config_loader()
        .region(Region::new("eu-north-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "tests"))
        .endpoint_url(endpoint)
        .load()
        .await
}

struct Table {
    name: String,
    client: aws_sdk_dynamodb::Client,
    store: Arc<DynamoDbStore>,
}

impl Table {
    /// The operator's reads of this table.
    fn listings(&self) -> DynamoDbOperatorStore {
        DynamoDbOperatorStore::new((*self.store).clone())
    }
}

async fn fresh_table() -> Table {
    require("DynamoDB Local", &dynamodb_endpoint()).await;
    require(
        "The SES emulator",
        &format!("{}/health-check", ses_endpoint()),
    )
    .await;
    let name = format!("orders-ops-{}", uuid::Uuid::now_v7().simple());
    let client = order_intake::aws::dynamodb_client(&sdk_config(&dynamodb_endpoint()).await);
    let spec = TableSpec::from_repository_template().unwrap();
    create_order_table(&client, &name, &spec).await.unwrap();
    let store = Arc::new(DynamoDbStore::new(client.clone(), &name));
    Table {
        name,
        client,
        store,
    }
}

const SENDER: &str = "tilaukset@some-tyopajat.example";
const TRAINERS: &str = "pilvi.nummi@some-tyopajat.example,jaana.pohjola@some-tyopajat.example";

/// When the invoiced test orders were placed: before the days they are delivered on.
fn ordered() -> Timestamp {
    "2026-11-02T08:00:00Z".parse().unwrap()
}

/// The seller's made-up details, as `config/dev.env` has them.
const SELLER: [(&str, &str); 15] = [
    ("SELLER_PHONE", "+358 40 123 4567"),
    ("TERMS_FI", "ESIMERKKI: ehdot"),
    ("TERMS_SV", "EXEMPEL: villkor"),
    ("TERMS_EN", "EXAMPLE: terms"),
    ("SELLER_NAME", "Some-työpajat Oy (esimerkki)"),
    ("SELLER_BUSINESS_ID", "1234567-1"),
    ("SELLER_VAT_NUMBER", "FI12345671"),
    ("SELLER_STREET", "Esimerkkikatu 1"),
    ("SELLER_POSTCODE", "00100"),
    ("SELLER_TOWN", "Helsinki"),
    ("SELLER_IBAN", "FI2112345600000785"),
    ("SELLER_BIC", "NDEAFIHH"),
    ("SELLER_EINVOICE_ADDRESS", "003712345671"),
    ("SELLER_EINVOICE_OPERATOR", "003721291126"),
    ("SELLER_EMAIL", "laskutus@some-tyopajat.example"),
];

/// The function's seal as `config/test.env` has it (a made-up secret).
const SEAL_SECRET: &str = "test-only-order-seal-secret-0123456789abcdef";

/// The command as an operator runs it: configuration and credentials from the environment.
fn orders(table: &Table, args: &[&str]) -> Output {
    let output = run_orders(&table.name, args);
    assert!(
        output.status.success(),
        "orders {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The command, whatever its exit status.
fn run_orders(table: &str, args: &[&str]) -> Output {
    run_orders_with(table, args, &[])
}

/// The command with configuration of its own besides.
fn run_orders_with(table: &str, args: &[&str], extra: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orders"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ORDERS_TABLE", table)
        .envs(SELLER)
        .env("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint())
        .env("AWS_ENDPOINT_URL_SESV2", ses_endpoint())
        .env("AWS_REGION", "eu-north-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        // No profile files of the machine running the tests.
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("SENDER_EMAIL", SENDER)
        .env("TRAINER_EMAILS", TRAINERS)
        .env(
            "BOOKING_LINK_SECRET",
            "test-only-booking-link-secret-0123456789abcdef",
        )
        .env("PUBLIC_URL", "http://127.0.0.1:9100")
        .env("ORDER_SEAL_SECRET", SEAL_SECRET)
        .env("ORDERS_OPERATOR", "jaana")
        .env(
            "TRAINERS",
            "Pilvi Nummi <pilvi.nummi@some-tyopajat.example>, Jaana Pohjola <jaana.pohjola@some-tyopajat.example>",
        )
        .envs(extra.iter().copied())
        .output()
        .expect("the orders binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn details(n: usize, email: &str) -> NewOrder {
    let form = OrderForm {
        package: Some(
            if n.is_multiple_of(3) {
                "some-haltuun"
            } else {
                "somestartti"
            }
            .into(),
        ),
        organization: Some(format!("Kunta {n}")),
        contact_name: Some(format!("Anna Virtanen {n}")),
        email: Some(email.into()),
        privacy_consent: Some("true".into()),
        business_id: Some("0201256-6".into()),
        phone: Some("+358 40 123 4567".into()),
        participants: Some("12".into()),
        location: Some("Kunnantalo, Tuusula".into()),
        einvoice_address: Some("003702012566".into()),
        einvoice_operator: Some("003721291126".into()),
        billing_reference: Some(format!("Hanke {n}")),
        purchase_order: Some(format!("PO-{n}")),
        billing_street: Some("PL 60".into()),
        billing_postcode: Some("04301".into()),
        billing_town: Some("Tuusula".into()),
        message: Some("Toivomme esimerkkejä kaavoituksesta.".into()),
        ..OrderForm::default()
    };
    NewOrder::parse(&form, jiff::civil::date(2026, 1, 1)).unwrap()
}

fn sent(n: usize) -> Delivery {
    Delivery::Sent {
        message_id: format!("m-{n}-{}", uuid::Uuid::now_v7().simple()),
        sent_at: "2026-06-01T10:00:00Z".parse().unwrap(),
    }
}

/// Stores an order as the function would have, created at `at`.
async fn seed(
    store: &DynamoDbStore,
    n: usize,
    at: Timestamp,
    email: &str,
    customer: Delivery,
) -> Order {
    store_order(store, details(n, email), at, customer).await
}

/// Stores these details as an order created at `at`, both emails in the given state.
async fn store_order(
    store: &DynamoDbStore,
    details: NewOrder,
    at: Timestamp,
    customer: Delivery,
) -> Order {
    store_order_as(store, Reference::random(), details, at, customer).await
}

/// The same, under a reference of the caller's choosing.
async fn store_order_as(
    store: &DynamoDbStore,
    reference: Reference,
    details: NewOrder,
    at: Timestamp,
    customer: Delivery,
) -> Order {
    let mut order = Order {
        reference,
        ..Order::placed(details, at, customer)
    };
    order.set_delivery(EmailKind::Trainer, sent(0));
    // As the function stores it: sealed, so that `orders` run here may send from it.
    OrderSeal::new(SEAL_SECRET).seal(&mut order);
    let dedupe = DedupeKey {
        id: format!("key#{}", uuid::Uuid::now_v7().simple()),
        fingerprint: order.reference.to_string(),
        expires_at: at.checked_add(24.hours()).unwrap(),
    };
    let inserted = store.insert(&order, &dedupe, &[], at).await.unwrap();
    assert_eq!(inserted, Insert::Created);
    order
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn months_of_orders_are_listed_filtered_and_exported_for_a_spreadsheet() {
    let table = fresh_table().await;
    // 300 orders, one every 12 hours from 1 June 2026 (Helsinki): five months. Every 7th
    // customer email failed.
    let start: Timestamp = "2026-05-31T21:00:00Z".parse().unwrap();
    // Sixteen at a time: DynamoDB Local, cold and on a busy machine, times out under hundreds.
    let mut all: Vec<Order> = Vec::new();
    for batch in (0..300_usize).collect::<Vec<_>>().chunks(16) {
        let mut tasks = tokio::task::JoinSet::new();
        for &n in batch {
            let store = table.store.clone();
            let at = start.checked_add((n as i64 * 12).hours()).unwrap();
            let customer = if n.is_multiple_of(7) {
                Delivery::Failed { attempts: 8 }
            } else {
                sent(n)
            };
            tasks
                .spawn(async move { seed(&store, n, at, "tilaaja@kunta.example", customer).await });
        }
        all.extend(tasks.join_all().await);
    }
    all.sort_by_key(|o| std::cmp::Reverse(o.created_at));
    let month = |o: &&Order| order_month(o.created_at);
    let july: Vec<&Order> = all.iter().filter(|o| month(o) == "2026-07").collect();

    // A month, newest first, with a count line.
    let listed = stdout(&orders(&table, &["list", "--month", "2026-07"]));
    let rows: Vec<&str> = listed
        .lines()
        .skip(1)
        .filter(|l| !l.contains(" orders, "))
        .collect();
    assert_eq!(rows.len(), july.len(), "{listed}");
    assert!(
        rows[0].starts_with(july[0].reference.as_str()),
        "newest first: {listed}"
    );
    assert!(listed.contains(&format!("{} orders, 2026-07-01 – 2026-07-31", july.len())));

    // A range across a month boundary, filtered by state.
    let (since, until) = ("2026-06-25", "2026-07-05");
    let in_range = |o: &&Order| {
        let day = o
            .created_at
            .to_zoned_datetime(helsinki())
            .date()
            .to_string();
        day.as_str() >= since && day.as_str() <= until
    };
    let failed: Vec<&Order> = all
        .iter()
        .filter(in_range)
        .filter(|o| matches!(o.customer_email(), Delivery::Failed { .. }))
        .collect();
    assert!(!failed.is_empty());
    let listed = stdout(&orders(
        &table,
        &[
            "list", "--since", since, "--until", until, "--status", "failed",
        ],
    ));
    for order in &failed {
        assert!(listed.contains(order.reference.as_str()), "{listed}");
    }
    assert!(
        listed.contains(&format!("{} orders,", failed.len())),
        "{listed}"
    );

    // CSV for Excel (BOM, `;`, decimal comma) that Python's csv reads back with exact amounts.
    let august: Vec<&Order> = all.iter().filter(|o| month(o) == "2026-08").collect();
    let csv = orders(&table, &["export", "--format", "csv", "--month", "2026-08"]).stdout;
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with a byte-order mark"
    );
    let path = std::env::temp_dir().join(format!("{}.csv", table.name));
    std::fs::write(&path, &csv).unwrap();
    let python = Command::new("python3")
        .args(["-c", "import csv, json, sys\nwith open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n    print(json.dumps(list(csv.DictReader(f, delimiter=';'))))", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        python.status.success(),
        "{}",
        String::from_utf8_lossy(&python.stderr)
    );
    let rows: Vec<HashMap<String, String>> = serde_json::from_slice(&python.stdout).unwrap();
    assert_eq!(rows.len(), august.len());
    let cents = |text: &str| -> i64 { text.replace(',', "").parse().unwrap() };
    for (row, order) in rows.iter().zip(&august) {
        assert_eq!(row["reference"], order.reference.as_str());
        assert_eq!(cents(&row["net_eur"]), order.price.net_cents);
        assert_eq!(cents(&row["vat_eur"]), order.price.vat_cents);
        assert_eq!(cents(&row["gross_eur"]), order.price.gross_cents);
        assert!(
            ["627,50", "1129,50"].contains(&row["gross_eur"].as_str()),
            "{row:?}"
        );
        assert_eq!(row["vat_percent"], "25,5");
        // A leading + would be a formula in Excel.
        assert_eq!(row["phone"], "'+358 40 123 4567");
        assert_eq!(row["organization"], order.details.organization);
    }
    std::fs::remove_file(path).unwrap();

    // JSON for scripts: the same orders.
    let json = stdout(&orders(
        &table,
        &["export", "--format", "json", "--month", "2026-08"],
    ));
    let exported: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let references: Vec<&str> = exported
        .iter()
        .map(|o| o["reference"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = august.iter().map(|o| o.reference.as_str()).collect();
    assert_eq!(references, expected);

    // One order in full.
    let shown = stdout(&orders(
        &table,
        &["show", &july[0].reference.to_string().to_lowercase()],
    ));
    assert!(shown.contains(&july[0].details.organization), "{shown}");
    assert!(shown.contains("Customer's confirmation: "), "{shown}");
    assert!(
        shown.contains("627,50 €") || shown.contains("1129,50 €"),
        "{shown}"
    );
}

/// The item as stored and as the by-month index holds it.
async fn stored_copies(table: &Table, order: &Order) -> Vec<HashMap<String, AttributeValue>> {
    let item = table
        .client
        .get_item()
        .table_name(&table.name)
        .key(
            "pk",
            AttributeValue::S(format!("order#{}", order.reference)),
        )
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let indexed = table
        .client
        .query()
        .table_name(&table.name)
        .index_name(BY_MONTH_INDEX)
        .key_condition_expression("order_month = :m")
        .expression_attribute_values(":m", AttributeValue::S(order_month(order.created_at)))
        .send()
        .await
        .unwrap();
    let in_index = indexed
        .items()
        .iter()
        .find(|i| i.get("pk") == item.get("pk"))
        .cloned()
        .expect("the order is in the by-month index");
    vec![item, in_index]
}

async fn ses_emails() -> Vec<serde_json::Value> {
    let store: serde_json::Value = reqwest::get(format!("{}/store", ses_endpoint()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    store["emails"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn an_operator_fixes_an_address_resends_and_erases_a_person_s_data() {
    let table = fresh_table().await;
    let tag = uuid::Uuid::now_v7().simple().to_string();
    let person = format!("anna.{tag}@kunta.example");
    let now = Timestamp::now();
    let first = seed(
        &table.store,
        1,
        now.checked_sub((40 * 24).hours()).unwrap(),
        &person,
        sent(1),
    )
    .await;
    let bounced = seed(
        &table.store,
        2,
        now.checked_sub(48.hours()).unwrap(),
        &person.to_uppercase(),
        sent(2),
    )
    .await;
    let other = seed(
        &table.store,
        3,
        now.checked_sub(24.hours()).unwrap(),
        "toinen@kunta.example",
        sent(3),
    )
    .await;
    // SES said the second order's confirmation bounced.
    let Delivery::Sent { message_id, .. } = bounced.customer_email() else {
        unreachable!()
    };
    let recipient = bounced.details.email.to_string();
    table
        .store
        .record_delivery(
            &bounced.reference,
            EmailKind::Customer,
            bounced.customer_email(),
            Some(&SentMessage {
                sent_at: jiff::Timestamp::now(),
                kind: EmailKind::Customer,
                message_id: message_id.into(),
                recipients: vec![recipient.clone()],
            }),
        )
        .await
        .unwrap();
    table
        .store
        .record_outcome(RecipientReport {
            reference: &bounced.reference,
            kind: EmailKind::Customer,
            message_id,
            recipient: &recipient,
            outcome: Outcome::Bounced,
            at: now,
        })
        .await
        .unwrap();
    let listed = stdout(&orders(&table, &["list", "--status", "bounced"]));
    assert!(
        listed.contains(bounced.reference.as_str()) && listed.contains("1 orders,"),
        "{listed}"
    );

    // Everything held about the address, whatever its case.
    let access: serde_json::Value =
        serde_json::from_slice(&orders(&table, &["subject-access", "--email", &person]).stdout)
            .unwrap();
    let found: Vec<&str> = access["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        found,
        [bounced.reference.as_str(), first.reference.as_str()]
    );
    assert_eq!(
        access["orders"][0]["customer_email"]["outcomes"][0]["outcome"],
        "bounced"
    );

    // The trainers learn the right address: fix it and send the confirmation again.
    let fixed = format!("anna.virtanen.{tag}@kunta.example");
    orders(&table, &["fix-email", bounced.reference.as_str(), &fixed]);
    let resent = stdout(&orders(
        &table,
        &["resend", bounced.reference.as_str(), "customer"],
    ));
    assert!(resent.contains("customer email sent"), "{resent}");
    let record = table
        .listings()
        .order_record(&bounced.reference)
        .await
        .unwrap()
        .unwrap();
    let new_id = record.customer_email().message_id.clone().unwrap();
    assert_ne!(&new_id, message_id);
    assert!(
        record.customer_email().outcomes.is_empty(),
        "the old bounce no longer counts"
    );
    // Both sends' ids stay on the email: a late report about the first still finds it (and
    // no longer counts).
    assert_eq!(record.customer_email().message_ids.len(), 2);
    assert!(record.customer_email().message_ids.contains(&new_id));
    let emails = ses_emails().await;
    let to_fixed = emails
        .iter()
        .filter(|e| e["destination"]["to"].to_string().contains(&fixed))
        .count();
    assert_eq!(to_fixed, 1, "one confirmation to the fixed address");
    // Who did what, on the order (the operator's name from ORDERS_OPERATOR).
    let shown = stdout(&orders(&table, &["show", bounced.reference.as_str()]));
    let log: Vec<&str> = (shown.lines())
        .filter(|l| l.starts_with("Operator"))
        .collect();
    assert_eq!(log.len(), 2, "{shown}");
    assert!(log[0].contains("fix-email (jaana, "), "{shown}");
    assert!(log[1].contains("resend customer (jaana, "), "{shown}");

    // Erase one order by reference and the rest of the person's by address.
    let erased = stdout(&orders(&table, &["erase", bounced.reference.as_str()]));
    assert!(
        erased.contains("removed contact_name, email, phone, location, message"),
        "{erased}"
    );
    let erased = stdout(&orders(&table, &["erase", "--email", &person]));
    assert!(
        erased.contains(first.reference.as_str()) && erased.contains("1 order(s) erased"),
        "{erased}"
    );
    for order in [&first, &bounced] {
        for copy in stored_copies(&table, order).await {
            // Never invoiced: its invoicing texts, which can name a person, go too.
            for field in Field::PERSONAL.into_iter().chain([Field::BillingReference]) {
                assert!(
                    !copy.contains_key(field.name()),
                    "{} left in {}",
                    field.name(),
                    order.reference
                );
            }
            // What bookkeeping needs stays.
            for kept in [
                "organization",
                "business_id",
                "einvoice_address",
                "einvoice_operator",
                "billing_street",
                "gross_cents",
                "package",
                "created_at",
                "erased_at",
            ] {
                assert!(
                    copy.contains_key(kept),
                    "{kept} kept in {}",
                    order.reference
                );
            }
        }
    }
    let erased = table
        .client
        .get_item()
        .table_name(&table.name)
        .key(
            "pk",
            AttributeValue::S(format!("order#{}", bounced.reference)),
        )
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert!(
        !erased.contains_key("customer_email_recipients"),
        "the order forgot where its confirmation {new_id} went"
    );
    let access: serde_json::Value =
        serde_json::from_slice(&orders(&table, &["subject-access", "--email", &person]).stdout)
            .unwrap();
    assert_eq!(access["orders"].as_array().unwrap().len(), 0);
    let untouched = table
        .listings()
        .order_record(&other.reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.text(Field::Email), Some("toinen@kunta.example"));
    let shown = stdout(&orders(&table, &["show", bounced.reference.as_str()]));
    assert!(
        shown.contains("Erased at") && !shown.contains(&fixed),
        "{shown}"
    );
}

// ---- Invoices ------------------------------------------------------------------------------

/// `orders invoice`: the XML, and the reference numbers it told the operator.
fn invoice(table: &Table, reference: &Reference, delivered: &str) -> (Vec<u8>, String) {
    let output = orders(
        table,
        &["invoice", reference.as_str(), "--delivered", delivered],
    );
    (output.stdout, String::from_utf8(output.stderr).unwrap())
}

/// `orders invoice` refused: why, as it told the operator.
fn invoice_refused(table: &Table, reference: &str) -> String {
    let refused = run_orders(
        &table.name,
        &["invoice", reference, "--delivered", "2026-11-20"],
    );
    assert!(!refused.status.success(), "invoiced {reference}");
    String::from_utf8(refused.stderr).unwrap()
}

/// The invoice through tests/finvoice_check.py: the official XSD, py-viitenumero, python-stdnum.
fn checked(table: &Table, xml: &[u8], notes: &str) -> serde_json::Value {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let python = format!("{root}/.tools/venv-invoice/bin/python");
    assert!(
        std::path::Path::new(&python).exists(),
        "the Finvoice checks' tools are missing: run scripts/install-tools.sh test (make test does)"
    );
    let path = std::env::temp_dir().join(format!(
        "{}-{}.xml",
        table.name,
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::write(&path, xml).unwrap();
    // A credit note has no payment to refer to: no RF form to check.
    let rf = (notes.split("from abroad: ").nth(1)).map(|rf| rf.trim_end().trim_end_matches(')'));
    let output = Command::new(python)
        .arg(format!("{root}/tests/finvoice_check.py"))
        .arg(path.to_str().unwrap())
        .args(rf)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn both_packages_make_a_valid_finvoice_with_exact_totals_once_per_order() {
    let table = fresh_table().await;
    let now = ordered();
    let start = seed(&table.store, 1, now, "tilaaja@kunta.example", sent(1)).await;
    let half_day = seed(&table.store, 3, now, "tilaaja@kunta.example", sent(3)).await;
    let mut first = String::new();
    for (order, totals) in [
        (&start, ["500,00", "127,50", "627,50"]),
        (&half_day, ["900,00", "229,50", "1129,50"]),
    ] {
        let (xml, notes) = invoice(&table, &order.reference, "2026-11-20");
        if order.reference == start.reference {
            first = notes.clone();
        }
        let fields = checked(&table, &xml, &notes);
        assert_eq!(
            [&fields["net"], &fields["vat"], &fields["gross"]],
            totals.map(serde_json::Value::from).each_ref()
        );
        assert_eq!(fields["instructed"], totals[2]);
        // The buyer's purchase order where purchase-to-pay matches; ours as the seller's.
        assert_eq!(
            fields["order_identifier"],
            order.details.purchase_order.clone().unwrap()
        );
        assert_eq!(fields["seller_reference"], order.reference.as_str());
        assert_eq!(
            fields["buyer_address"],
            serde_json::json!(["PL 60", "04301", "Tuusula", "FI"])
        );
        assert_eq!(
            [
                &fields["type_code"],
                &fields["type_code_un"],
                &fields["origin"]
            ],
            ["INV01", "380", "Original"]
                .map(serde_json::Value::from)
                .each_ref()
        );
        assert_eq!(fields["rows"][0]["position"], "1");
        assert_eq!(fields["rows"][0]["unit_un"], "C62");
        assert_eq!(
            fields["buyer_reference"],
            order.details.billing_reference.clone().unwrap()
        );
        assert_eq!(fields["to_identifier"], "003702012566");
        assert_eq!(fields["delivery_date"], "20261120");
        // EN 16931 and the municipalities' instructions: SEPA transfer, OVT schemes, both
        // parties' OVT as their unit, our contact, late interest and the complaint period.
        assert_eq!(fields["payment_means"], "58");
        assert_eq!(fields["schemes"], serde_json::json!(["0037", "0037"]));
        assert_eq!(
            fields["units"],
            serde_json::json!(["003712345671", "003702012566"])
        );
        assert_eq!(
            fields["seller_contact"],
            serde_json::json!(["+358 40 123 4567", "laskutus@some-tyopajat.example"])
        );
        assert_eq!(fields["late_interest"], "Viivästyskorko korkolain mukaan");
        assert!(fields["free_text"].as_str().unwrap().contains("8 päivän"));
        assert_eq!(fields["buyer_contact"], order.details.contact_name);
        // Again before it is recorded as sent (a retry after a lost answer): the original
        // again, byte for byte, said so; once recorded as sent, a copy; with other terms:
        // refused.
        let (again, note) = invoice(&table, &order.reference, "2026-11-20");
        assert!(
            note.contains("already issued on")
                && note.contains("its original, not recorded as sent"),
            "{note}"
        );
        assert_eq!(again, xml);
        let number = fields["invoice_number"].as_str().unwrap();
        let recorded = stdout(&orders(&table, &["document", number, "--record", "sent"]));
        assert!(recorded.contains("recorded as sent by hand"), "{recorded}");
        let twice = stdout(&orders(&table, &["document", number, "--record", "sent"]));
        assert!(twice.contains("nothing changed"), "{twice}");
        let (copy, note) = invoice(&table, &order.reference, "2026-11-20");
        let copy = String::from_utf8(copy).unwrap();
        assert!(note.contains("this is a copy"), "{note}");
        assert_eq!(
            copy.replace("<OriginCode>Copy<", "<OriginCode>Original<")
                .into_bytes(),
            xml
        );
        let other = run_orders(
            &table.name,
            &[
                "invoice",
                order.reference.as_str(),
                "--delivered",
                "2026-11-21",
            ],
        );
        assert!(!other.status.success());
        let why = String::from_utf8_lossy(&other.stderr);
        assert!(why.contains("orders credit"), "{why}");
    }
    assert!(first.starts_with("invoice 1000 for "), "{first}");
    assert!(
        first.contains("viitenumero 10003 (from abroad: RF68 1000 3)"),
        "{first}"
    );
    // The export carries the invoice's number and date.
    let csv = String::from_utf8(
        orders(
            &table,
            &["export", "--since", "2026-01-01", "--until", "2027-12-31"],
        )
        .stdout,
    )
    .unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains(";invoice_number;invoice_date;booking_state;")
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with(start.reference.as_str()) && l.contains(";1000;")),
        "{csv}"
    );
}

#[tokio::test]
async fn the_series_start_is_read_before_the_first_invoice_only() {
    let table = fresh_table().await;
    let first = seed(&table.store, 1, ordered(), "tilaaja@kunta.example", sent(1)).await;
    let second = seed(&table.store, 2, ordered(), "tilaaja@kunta.example", sent(2)).await;
    let start = [("INVOICE_NUMBER_START", "5000")];
    let invoice_from = |order: &Order| {
        let args = [
            "invoice",
            order.reference.as_str(),
            "--delivered",
            "2026-11-20",
        ];
        run_orders_with(&table.name, &args, &start)
    };
    let made = invoice_from(&first);
    let notes = String::from_utf8_lossy(&made.stderr);
    assert!(notes.starts_with("invoice 5000 for "), "{notes}");
    // Set still, once the series exists: refused, and nothing numbered.
    let refused = invoice_from(&second);
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && why.contains("the series is at 5000"),
        "{why}"
    );
    let (_, notes) = invoice(&table, &second.reference, "2026-11-20");
    assert!(notes.starts_with("invoice 5001 for "), "{notes}");
}

#[tokio::test]
async fn twenty_orders_invoiced_at_once_then_credited_and_invoiced_at_once_leave_no_gaps() {
    let table = fresh_table().await;
    let mut references = Vec::new();
    for n in 0..30 {
        references.push(
            seed(&table.store, n, ordered(), "tilaaja@kunta.example", sent(n))
                .await
                .reference,
        );
    }
    let invoice = |reference: &Reference| {
        let args = ["invoice", reference.as_str(), "--delivered", "2026-11-20"];
        args.map(str::to_owned).to_vec()
    };
    let first: Vec<_> = references[..20].iter().map(invoice).collect();
    assert_eq!(
        numbers_taken(&table, first).await,
        (1000..1020).collect::<Vec<u32>>()
    );
    // Ten credit notes and ten new invoices at once: one series, still without gaps.
    let credits =
        (references[..10].iter()).map(|reference| vec!["credit".to_owned(), reference.to_string()]);
    let mixed = credits
        .chain(references[20..].iter().map(invoice))
        .collect();
    assert_eq!(
        numbers_taken(&table, mixed).await,
        (1020..1040).collect::<Vec<u32>>()
    );
}

/// Runs the commands at once; the numbers their notes report, sorted.
async fn numbers_taken(table: &Table, commands: Vec<Vec<String>>) -> Vec<u32> {
    let mut runs = tokio::task::JoinSet::new();
    for args in commands {
        let name = table.name.clone();
        runs.spawn_blocking(move || {
            run_orders(&name, &args.iter().map(String::as_str).collect::<Vec<_>>())
        });
    }
    let mut numbers: Vec<u32> = (runs.join_all().await.iter())
        .map(|output| {
            let notes = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "{notes}");
            // "invoice 1000 for …", "credit note 1020 for invoice 1003 of …"
            notes
                .split_whitespace()
                .find_map(|word| word.parse().ok())
                .unwrap()
        })
        .collect();
    numbers.sort();
    numbers
}

#[tokio::test]
async fn an_order_with_nowhere_to_send_an_invoice_is_refused_and_an_erased_one_still_invoices() {
    let table = fresh_table().await;
    let mut details = details(5, "tilaaja@kunta.example");
    details.einvoice_address = None;
    details.einvoice_operator = None;
    details.billing_address = None;
    let at = ordered();
    let nowhere = store_order(&table.store, details, at, sent(5)).await;
    let refused = run_orders(
        &table.name,
        &[
            "invoice",
            nowhere.reference.as_str(),
            "--delivered",
            "2026-11-20",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("no billing address, which an invoice must carry")
    );

    let erased = seed(&table.store, 6, at, "tilaaja@kunta.example", sent(6)).await;
    orders(&table, &["erase", erased.reference.as_str()]);
    let (xml, notes) = invoice(&table, &erased.reference, "2026-11-20");
    let fields = checked(&table, &xml, &notes);
    assert_eq!(
        fields["buyer_contact"],
        serde_json::Value::Null,
        "no name left to put on it"
    );
    assert_eq!(
        fields["invoice_number"], "1000",
        "the refused order took no number"
    );
}

#[tokio::test]
async fn an_order_without_e_invoicing_gets_a_printable_invoice_for_its_invoicing_address() {
    let table = fresh_table().await;
    let mut details = details(9, "tilaaja@kunta.example");
    details.einvoice_address = None;
    details.einvoice_operator = None;
    details.invoice_address = Some("Kunta 9, Ostolaskut, PL 60, 04301 Tuusula".into());
    let order = store_order(&table.store, details, ordered(), sent(9)).await;
    let (html, notes) = invoice(&table, &order.reference, "2026-11-20");
    let html = String::from_utf8(html).unwrap();
    assert!(
        notes.contains("printable HTML") && notes.contains("Ostolaskut, PL 60"),
        "{notes}"
    );
    let number: u32 = notes.split_whitespace().nth(1).unwrap().parse().unwrap();
    let viite = order_ops::invoice::reference_number(number);
    for expected in [
        "<h1>LASKU</h1>",
        "Kunta 9<br>Y-tunnus 0201256-6<br>Anna Virtanen 9<br>PL 60<br>04301 Tuusula",
        "<th>Tilausnumero</th><td>PO-9</td>",
        &format!("<td>{number}</td>"),
        &format!("<td>{}</td>", order_ops::invoice::grouped(&viite)),
        "FI21 1234 5600 0007 85",
        "Y-tunnus 0201256-6",
        "Hanke 9",
        // The invoice's recipient as the buyer's scanning service needs it on the invoice.
        "<strong>Laskun vastaanottaja</strong><br>Kunta 9, Ostolaskut, PL 60, 04301 Tuusula",
        "Puh. +358 40 123 4567<br>laskutus@some-tyopajat.example",
        "Viivästyskorko korkolain mukaan. Huomautukset laskusta 8 päivän kuluessa.",
    ] {
        assert!(html.contains(expected), "{expected} missing: {html}");
    }
    // The virtual bar code pays exactly this invoice: the account, the sum, the reference.
    let code = html
        .split(r#"<p class="barcode">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a virtual bar code");
    let gross = order.price.gross_cents;
    assert_eq!(code.len(), 54);
    assert_eq!(&code[1..17], "2112345600000785");
    assert_eq!(code[17..25].parse::<i64>().unwrap(), gross);
    assert_eq!(code[28..48].trim_start_matches('0'), viite);

    // Asked again, the same invoice, no new number: the original until it is recorded as
    // sent, a copy marked so after.
    let (again, _) = invoice(&table, &order.reference, "2026-11-20");
    assert_eq!(String::from_utf8(again).unwrap(), html);
    orders(
        &table,
        &["document", &number.to_string(), "--record", "sent"],
    );
    let (copy, _) = invoice(&table, &order.reference, "2026-11-20");
    let copy = String::from_utf8(copy).unwrap();
    assert!(copy.contains("<h1>LASKU – KOPIO</h1>"), "{copy}");
    assert_eq!(
        copy.replace("<h1>LASKU – KOPIO</h1>", "<h1>LASKU</h1>"),
        html
    );
}

/// A booking as the booking page would have written it, for days already past.
async fn booked_for(table: &Table, order: &Order, day: jiff::civil::Date) {
    use order_intake::domain::{Booking, BookingState};
    use order_intake::store::{Booked, Bookings};
    let mut booked = order.clone();
    booked.booking = Some(Booking {
        state: BookingState::Booked,
        start: day.at(9, 0, 0, 0),
        end: day.at(11, 0, 0, 0),
        place: "Kunnantalo".into(),
        trainers: vec!["Pilvi Nummi".into()],
        note: None,
        reason: None,
        sequence: 1,
        changed_at: Timestamp::now(),
        changed_by: "orders".into(),
        fee_percent: None,
        fee_vat: None,
    });
    let seen = booked.seal.clone();
    OrderSeal::new(SEAL_SECRET).seal(&mut booked);
    let stored = table.store.book(&booked, 0, seen.as_deref()).await;
    assert_eq!(stored.unwrap(), Booked::Stored);
}

#[tokio::test]
async fn an_operator_books_lists_and_cancels_a_workshop_and_invoices_its_booked_day() {
    let table = fresh_table().await;
    let tag = uuid::Uuid::now_v7().simple().to_string();
    let email = format!("anna.virtanen+{tag}@tuusula.example");
    let order = seed(&table.store, 3, Timestamp::now(), &email, sent(1)).await;
    let reference = order.reference.as_str();
    let day = Timestamp::now().to_zoned_datetime(helsinki()).date() + 20.days();
    let date = day.to_string();
    let out = stdout(&orders(
        &table,
        &[
            "book",
            reference,
            "--date",
            &date,
            "--trainer",
            "Pilvi Nummi",
            "--trainer",
            "Jaana Pohjola",
        ],
    ));
    assert!(
        out.contains("booked") && out.contains("klo 9.00–13.00"),
        "{out}"
    );
    assert!(out.contains("booking email sent"), "{out}");
    let emails: Vec<_> = (ses_emails().await.into_iter())
        .filter(|e| e["destination"]["to"].to_string().contains(&tag))
        .collect();
    assert_eq!(
        emails.len(),
        1,
        "the booking email (the order was seeded without one)"
    );
    // The invitation inline and as a file (raw MIME).
    assert_eq!(emails[0]["attachments"].as_array().map(Vec::len), Some(2));
    let upcoming = stdout(&orders(&table, &["upcoming"]));
    assert!(
        upcoming.contains(reference) && upcoming.contains("Kunta 3"),
        "{upcoming}"
    );
    assert!(
        upcoming.contains("Kunnantalo, Tuusula"),
        "the order's place by default: {upcoming}"
    );
    let shown = stdout(&orders(&table, &["show", reference]));
    assert!(shown.contains("Booking: booked (change 1)"), "{shown}");
    let listed = stdout(&orders(&table, &["list"]));
    assert!(listed.contains("klo 9.00–13.00"), "{listed}");

    // Not yet held: no invoice, with or without a --delivered (no invented tax point); the
    // refusal says from when.
    for args in [
        &["invoice", reference][..],
        &["invoice", reference, "--delivered", "2026-11-20"],
    ] {
        let early = run_orders(&table.name, args);
        let why = String::from_utf8_lossy(&early.stderr);
        assert!(!early.status.success(), "{args:?}");
        assert!(
            why.contains("not yet held: invoice it on or after 2"),
            "{args:?}: {why}"
        );
    }

    let out = stdout(&orders(&table, &["resend", reference, "booking"]));
    assert!(out.contains("booking email sent"), "{out}");

    let out = stdout(&orders(
        &table,
        &["cancel", reference, "--reason", "Tila varattu"],
    ));
    assert!(out.contains("cancelled"), "{out}");
    assert!(stdout(&orders(&table, &["upcoming"])).contains("no coming bookings"));
    let refused = run_orders(
        &table.name,
        &[
            "book",
            reference,
            "--date",
            "2020-01-01",
            "--trainer",
            "Mallory",
        ],
    );
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("--date is in the past") && why.contains("TRAINERS"),
        "{why}"
    );

    // A workshop booked for a day now past is invoiced for that day.
    let held = seed(
        &table.store,
        6,
        Timestamp::now().checked_sub(240.hours()).unwrap(),
        &email,
        sent(2),
    )
    .await;
    let nothing = run_orders(
        &table.name,
        &["resend", held.reference.as_str(), "reminder"],
    );
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("no booking that stands"));
    let past = Timestamp::now().to_zoned_datetime(helsinki()).date() - 3.days();
    booked_for(&table, &held, past).await;
    let output = orders(&table, &["invoice", held.reference.as_str()]);
    let xml = String::from_utf8(output.stdout).unwrap();
    assert!(
        xml.contains(&past.strftime("%Y%m%d").to_string()),
        "the booked day as delivered"
    );
    // Another day than the booked one: invoiced as told, with a warning.
    orders(&table, &["credit", held.reference.as_str()]);
    let other_day = (past + 1.days()).to_string();
    let output = orders(
        &table,
        &[
            "invoice",
            held.reference.as_str(),
            "--delivered",
            &other_day,
        ],
    );
    let notes = String::from_utf8_lossy(&output.stderr);
    assert!(
        notes.contains(&format!(
            "warning: the workshop was booked for {past}, and --delivered says {other_day}"
        )),
        "{notes}"
    );
}

#[tokio::test]
async fn an_operator_releases_waiting_confirmations_once_each() {
    let table = fresh_table().await;
    let tag = uuid::Uuid::now_v7().simple().to_string();
    let now = Timestamp::now();
    let unverified = seed(
        &table.store,
        1,
        now,
        &format!("u.{tag}@kunta.example"),
        Delivery::Unverified,
    )
    .await;
    let held = Delivery::Held {
        next_attempt_at: now.checked_add(1.hours()).unwrap(),
        drop_at: now.checked_add(24.hours()).unwrap(),
    };
    let held = seed(
        &table.store,
        2,
        now,
        &format!("h.{tag}@kunta.example"),
        held,
    )
    .await;
    let done = seed(
        &table.store,
        3,
        now,
        &format!("s.{tag}@kunta.example"),
        sent(3),
    )
    .await;
    let references = [&unverified, &held, &done].map(|o| o.reference.to_string());
    let listed = stdout(&orders(&table, &["list", "--status", "unverified"]));
    assert!(listed.contains(&references[0]), "{listed}");
    assert!(!listed.contains(&references[1]), "{listed}");

    let args: Vec<&str> = ["release"]
        .into_iter()
        .chain(references.iter().map(String::as_str))
        .collect();
    let released = stdout(&orders(&table, &args));
    assert!(
        released.contains(&format!("{}: confirmation sent", references[0])),
        "{released}"
    );
    assert!(
        released.contains(&format!("{}: confirmation sent", references[1])),
        "{released}"
    );
    assert!(
        released.contains(&format!(
            "{}: nothing to release (confirmation sent)",
            references[2]
        )),
        "{released}"
    );
    let to = |who: &str| {
        let address = format!("{who}.{tag}@kunta.example");
        move |emails: &[serde_json::Value]| {
            emails
                .iter()
                .filter(|e| e.to_string().contains(&address))
                .count()
        }
    };
    let emails = ses_emails().await;
    assert_eq!(
        (to("u")(&emails), to("h")(&emails), to("s")(&emails)),
        (1, 1, 0)
    );
    for order in [&unverified, &held] {
        let stored = table.store.load(&order.reference).await.unwrap().unwrap();
        assert!(
            stored.customer_email().is_sent(),
            "{:?}",
            stored.customer_email()
        );
    }

    // Again: nothing waits, nothing is sent twice.
    let again = stdout(&orders(&table, &args[..2]));
    assert!(
        again.contains("nothing to release (confirmation sent)"),
        "{again}"
    );
    assert_eq!(to("u")(&ses_emails().await), 1);
}

#[tokio::test]
async fn an_operator_sees_and_resets_the_reputation_breaker() {
    use order_intake::domain::Strike;
    use order_intake::store::Reputation;
    let table = fresh_table().await;
    let status = stdout(&orders(&table, &["breaker", "status"]));
    assert!(status.contains("breaker: closed"), "{status}");
    let now = Timestamp::now();
    for network in ["a", "b", "c"] {
        table
            .store
            .strike(Strike::Bounce, network, now)
            .await
            .unwrap();
    }
    let until = now + jiff::SignedDuration::from_hours(12);
    assert!(table.store.trip(now, until).await.unwrap());
    let status = stdout(&orders(&table, &["breaker", "status"]));
    assert!(status.contains("breaker: TRIPPED"), "{status}");
    assert!(status.contains("ends by itself at"), "{status}");
    assert!(
        status.contains("3 bounced, 0 complained, from 3 networks"),
        "{status}"
    );
    let reset = stdout(&orders(&table, &["breaker", "reset"]));
    assert!(reset.contains("breaker reset"), "{reset}");
    assert!(reset.contains("breaker: closed"), "{reset}");
    assert!(reset.contains("0 bounced, 0 complained"), "{reset}");
    assert!(
        !table
            .store
            .breaker()
            .await
            .unwrap()
            .is_tripped(Timestamp::now())
    );
}

/// `orders ledger` as a file, read back by tests/ledger_check.py (Python's csv, openpyxl).
fn ledger(table: &Table, month: &str, format: &str) -> serde_json::Value {
    let output = orders(table, &["ledger", "--month", month, "--format", format]);
    read_back(table, &output.stdout, format)
}

/// A ledger or journal file through tests/ledger_check.py (Python's csv, openpyxl).
fn read_back(table: &Table, file: &[u8], format: &str) -> serde_json::Value {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let path = std::env::temp_dir().join(format!(
        "{}-{}.{format}",
        table.name,
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::write(&path, file).unwrap();
    let read = Command::new(format!("{root}/.tools/venv-invoice/bin/python"))
        .args([
            &format!("{root}/tests/ledger_check.py"),
            path.to_str().unwrap(),
        ])
        .output()
        .expect("the invoicing checks' tools: run scripts/install-tools.sh test (make test does)");
    std::fs::remove_file(&path).unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    serde_json::from_slice(&read.stdout).unwrap()
}

#[tokio::test]
async fn an_invoice_is_credited_and_invoiced_again_with_travel_and_the_month_shows_all_three() {
    let table = fresh_table().await;
    let order = seed(&table.store, 1, ordered(), "tilaaja@kunta.example", sent(1)).await;
    let reference = order.reference.as_str();
    let (xml, notes) = invoice(&table, &order.reference, "2026-11-20");
    assert_eq!(checked(&table, &xml, &notes)["invoice_number"], "1000");
    // The order records it for the customer's page: number, dates, amount, channel.
    let invoiced = table
        .store
        .load(&order.reference)
        .await
        .unwrap()
        .unwrap()
        .invoicing;
    let current = invoiced.current.expect("the current invoice on the order");
    assert_eq!(
        (
            current.number,
            current.gross_cents,
            current.channel,
            current.reference_number()
        ),
        (
            1000,
            Some(62750),
            Some(order_intake::domain::InvoiceChannel::EInvoice),
            "10003".to_owned()
        )
    );
    assert_eq!(invoiced.credited, None);

    // The credit note: the next number, the original's rows negated, nothing to pay.
    let credit = orders(&table, &["credit", reference]);
    let note = String::from_utf8(credit.stderr.clone()).unwrap();
    assert!(
        note.starts_with("credit note 1001 for invoice 1000 of "),
        "{note}"
    );
    let fields = checked_document(&table, &credit.stdout);
    assert_eq!(
        [
            &fields["type_code"],
            &fields["type_code_un"],
            &fields["original_number"]
        ],
        ["INV02", "381", "1000"]
            .map(serde_json::Value::from)
            .each_ref()
    );
    assert_eq!(fields["original_reference"][0], "1000");
    assert_eq!(fields["original_reference"][1], fields["original_date"]);
    assert_eq!(
        [&fields["net"], &fields["vat"], &fields["gross"]],
        ["-500,00", "-127,50", "-627,50"]
            .map(serde_json::Value::from)
            .each_ref()
    );
    assert_eq!(fields["rows"][0]["quantity"], "-1");
    let credited = table
        .store
        .load(&order.reference)
        .await
        .unwrap()
        .unwrap()
        .invoicing;
    assert_eq!(
        credited.current, None,
        "no invoice current after its credit note"
    );
    let note = credited.credited.expect("the credit note on the order");
    assert_eq!((note.number, note.original), (1001, 1000));
    // Again (a retry after a lost answer): nothing new, the same credit note printed again.
    let again = orders(&table, &["credit", reference]);
    let why = String::from_utf8_lossy(&again.stderr);
    assert!(
        why.contains("no current invoice to credit")
            && why.contains("credit note 1001 of invoice 1000"),
        "{why}"
    );
    assert_eq!(again.stdout, credit.stdout);

    // Invoiced again, with travel costs: two rows, each with its VAT, totals to the cent.
    let travel = orders(
        &table,
        &[
            "invoice",
            &reference.to_lowercase().replace('-', ""),
            "--delivered",
            "2026-11-20",
            "--travel",
            "Matkakulut Helsinki–Tuusula 20.11.=120,33",
        ],
    );
    let notes = String::from_utf8(travel.stderr.clone()).unwrap();
    let fields = checked(&table, &travel.stdout, &notes);
    assert_eq!(fields["invoice_number"], "1002");
    let again = table
        .store
        .load(&order.reference)
        .await
        .unwrap()
        .unwrap()
        .invoicing;
    assert_eq!(
        again.current.map(|c| (c.number, c.gross_cents)),
        Some((1002, Some(77851)))
    );
    // 120,33 × 25,5 % = 30,684 → 30,68.
    assert_eq!(
        [&fields["net"], &fields["vat"], &fields["gross"]],
        ["620,33", "158,18", "778,51"]
            .map(serde_json::Value::from)
            .each_ref()
    );
    assert_eq!(fields["rows"][1]["article"], "matkakulut");
    assert_eq!(fields["rows"][1]["position"], "2");

    // The month's ledger, by invoice date, in CSV and in a workbook, read back to the cent.
    let month = Timestamp::now()
        .to_zoned_datetime(helsinki())
        .strftime("%Y-%m")
        .to_string();
    let csv = ledger(&table, &month, "csv");
    let rows: Vec<_> = csv["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["number"].as_str().unwrap().to_owned(),
                row["gross_eur"].as_i64().unwrap(),
                row["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("1000".to_owned(), 627_50, "credited by 1001".to_owned()),
            ("1001".to_owned(), -627_50, "credit note".to_owned()),
            ("1002".to_owned(), 778_51, "open".to_owned()),
        ]
    );
    assert_eq!(csv["rows"][0]["business_id"], "0201256-6");
    assert_eq!(csv["rows"][1]["credits"], "1000");
    assert_eq!(csv["rows"][2]["reference_number"], "10029");
    let xlsx = ledger(&table, &month, "xlsx");
    assert_eq!(
        xlsx["rows"], csv["rows"],
        "the workbook says what the CSV says"
    );
    for (column, types) in [
        ("business_id", "s"),
        ("number", "s"),
        ("gross_eur", "n"),
        ("vat_percent", "n"),
        ("invoice_date", "d"),
    ] {
        assert_eq!(
            xlsx["types"][column],
            serde_json::json!([types]),
            "{column}"
        );
    }

    // The month's journal for the accounting software: each document balanced, the receivable
    // debited, sales per article with its VAT code, VAT credited; a credit note the other way.
    let journal = orders(&table, &["journal", "--month", &month]);
    let journal = read_back(&table, &journal.stdout, "csv");
    let rows: Vec<(String, String, i64, String, String)> = journal["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let text = |name: &str| row[name].as_str().unwrap().to_owned();
            (
                text("tositenumero"),
                text("tili"),
                row["summa"].as_i64().unwrap(),
                text("alv_koodi"),
                text("artikkeli"),
            )
        })
        .collect();
    let row = |n: &str, account: &str, cents: i64, code: &str, article: &str| {
        (
            n.to_owned(),
            account.to_owned(),
            cents,
            code.to_owned(),
            article.to_owned(),
        )
    };
    assert_eq!(
        rows,
        [
            row("1000", "1700", 627_50, "", ""),
            row("1000", "3000", -500_00, "KOMY", "somestartti"),
            row("1000", "2939", -127_50, "", "alv"),
            row("1001", "1700", -627_50, "", ""),
            row("1001", "3000", 500_00, "KOMY", "somestartti"),
            row("1001", "2939", 127_50, "", "alv"),
            row("1002", "1700", 778_51, "", ""),
            row("1002", "3000", -120_33, "KOMY", "matkakulut"),
            row("1002", "3000", -500_00, "KOMY", "somestartti"),
            row("1002", "2939", -158_18, "", "alv"),
        ]
    );
    assert_eq!(journal["rows"][1]["alv_prosentti"], "25,5");
    assert_eq!(journal["rows"][0]["tila"], "credited by 1001");

    // The month's report: invoiced, credited, and what the VAT return takes.
    let report = stdout(&orders(&table, &["report", "--month", &month]));
    for expected in [
        "Invoiced (2 documents, by invoice date)",
        "Credited (1 documents, by invoice date)",
        "matkakulut",
        "Unpaid invoices of the period (less their credit notes and the payments imported; all of them: orders receivables): 1, 778,51 €",
    ] {
        assert!(report.contains(expected), "{expected}: {report}");
    }
}

/// `orders document NUMBER`: its stdout and notes.
fn document(table: &Table, args: &[&str]) -> (Vec<u8>, String) {
    let output = orders(table, &[&["document"][..], args].concat());
    (output.stdout, String::from_utf8(output.stderr).unwrap())
}

#[tokio::test]
async fn an_issued_invoice_stays_as_issued_when_its_order_changes_and_its_credit_note_matches_it() {
    let table = fresh_table().await;
    let order = seed(&table.store, 1, ordered(), "tilaaja@kunta.example", sent(1)).await;
    let reference = order.reference.as_str();
    let (xml, notes) = invoice(&table, &order.reference, "2026-11-20");
    let issued = checked(&table, &xml, &notes);
    let old_po = order.details.purchase_order.clone().unwrap();
    assert_eq!(issued["order_identifier"], old_po.as_str());
    // Accounts payable: "wrong PO, and send it to our other address and unit".
    orders(
        &table,
        &[
            "set-invoicing",
            reference,
            "--purchase-order",
            "PO-NEW-9",
            "--street",
            "Hallintokatu 2",
            "--postcode",
            "04300",
            "--town",
            "Tuusula",
            "--einvoice-address",
            "00370201256699",
        ],
    );
    // The invoice by its number: byte for byte the original, the order's new details nowhere.
    let (reprint, note) = document(&table, &["1000"]);
    assert_eq!(reprint, xml, "document 1000 prints as issued");
    assert!(
        note.contains("invoice 1000 of ") && note.contains("its original"),
        "{note}"
    );
    let (html, _) = document(&table, &["1000", "--format", "html"]);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains(&old_po) && !html.contains("PO-NEW-9") && html.contains("PL 60"));
    // The credit note carries the original's details and refers to it.
    let credit = orders(&table, &["credit", reference]);
    let credited = checked_document(&table, &credit.stdout);
    for field in [
        "order_identifier",
        "to_identifier",
        "buyer_address",
        "buyer_reference",
        "buyer_contact",
    ] {
        assert_eq!(credited[field], issued[field], "{field}");
    }
    assert_eq!(credited["original_reference"][0], "1000");
    // The new invoice the new ones.
    let (new_xml, notes) = invoice(&table, &order.reference, "2026-11-20");
    let new = checked(&table, &new_xml, &notes);
    assert_eq!(new["invoice_number"], "1002");
    assert_eq!(new["order_identifier"], "PO-NEW-9");
    assert_eq!(new["to_identifier"], "00370201256699");
    assert_eq!(
        new["buyer_address"],
        serde_json::json!(["Hallintokatu 2", "04300", "Tuusula", "FI"])
    );
    // Erasure leaves the vouchers as issued, the contact included (KPL 2:10 §).
    orders(&table, &["erase", reference]);
    let (after, _) = document(&table, &["1002"]);
    assert_eq!(after, new_xml);
    let (credit_again, _) = document(&table, &["1001"]);
    assert_eq!(credit_again, credit.stdout);
    let unknown = run_orders(&table.name, &["document", "1003"]);
    assert!(!unknown.status.success());
    let wrong = run_orders(&table.name, &["document", "1000", "--format", "finvoice"]);
    assert!(wrong.status.success(), "an e-invoice prints as Finvoice");
}

#[tokio::test]
async fn a_document_stored_before_documents_kept_their_parties_is_frozen_once_from_its_order() {
    let table = fresh_table().await;
    let order = seed(&table.store, 3, ordered(), "tilaaja@kunta.example", sent(3)).await;
    let (xml, notes) = invoice(&table, &order.reference, "2026-11-20");
    checked(&table, &xml, &notes);
    // As an earlier version stored it: the document without its parties.
    let key = ("pk", AttributeValue::S("invoice#1000".to_owned()));
    let item = table
        .client
        .get_item()
        .table_name(&table.name)
        .key(key.0, key.1.clone())
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let mut stored: serde_json::Value =
        serde_json::from_str(item["document"].as_s().unwrap()).unwrap();
    assert!(
        stored["parties"].is_object(),
        "a new document keeps its parties"
    );
    stored.as_object_mut().unwrap().remove("parties");
    table
        .client
        .update_item()
        .table_name(&table.name)
        .key(key.0, key.1.clone())
        .update_expression("SET #d = :d")
        .expression_attribute_names("#d", "document")
        .expression_attribute_values(":d", AttributeValue::S(stored.to_string()))
        .send()
        .await
        .unwrap();
    let (reprint, note) = document(&table, &["1000"]);
    assert!(
        note.contains("kept from its order after it was issued"),
        "{note}"
    );
    let fields = checked(&table, &reprint, "");
    assert_eq!(fields["invoice_number"], "1000");
    assert_eq!(
        fields["buyer_address"],
        serde_json::json!(["PL 60", "04301", "Tuusula", "FI"])
    );
    let item = table
        .client
        .get_item()
        .table_name(&table.name)
        .key(key.0, key.1)
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let frozen: serde_json::Value = serde_json::from_str(item["document"].as_s().unwrap()).unwrap();
    assert_eq!(frozen["parties"]["backfilled"], true);
    // Frozen once: the order's later changes no longer reach it.
    orders(
        &table,
        &[
            "set-invoicing",
            order.reference.as_str(),
            "--street",
            "Toinen katu 5",
        ],
    );
    let (again, _) = document(&table, &["1000"]);
    assert_eq!(again, reprint);
}

/// The operator in this process, its clock stopped at `clock`: documents dated as a
/// bookkeeper's months would date them.
fn operator_at(table: &Table, clock: fn() -> Timestamp) -> order_ops::Operator {
    let lookup = |name: &str| {
        (SELLER.iter().find(|(n, _)| *n == name))
            .map(|(_, v)| (*v).to_owned())
            .or_else(|| (name == "ORDERS_TABLE").then(|| table.name.clone()))
    };
    order_ops::Operator {
        stores: order_ops::store::OperatorStores::dynamodb((*table.store).clone()),
        desk: None,
        retention_months: 24,
        seller: order_ops::OpsConfig::from_lookup(lookup).unwrap().seller,
        first_invoice_number: None,
        accounts: order_ops::accounts::Accounts::default(),
        documents_dir: None,
        apix: Ok(None),
        ssm: None,
        clock,
    }
}

/// One command of `operator`: its stdout.
async fn run_at(operator: &order_ops::Operator, args: &[&str]) -> String {
    use clap::Parser;
    let cli = order_ops::Cli::try_parse_from([&["orders"][..], args].concat()).unwrap();
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    let done = operator.run(cli.command, &mut out, &mut notes).await;
    assert!(done.is_ok(), "{args:?}: {done:?}");
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn vat_is_reported_by_month_of_supply_across_a_month_boundary() {
    let table = fresh_table().await;
    let ordered = "2027-01-10T08:00:00Z".parse().unwrap();
    let january = seed(&table.store, 1, ordered, "tilaaja@kunta.example", sent(1)).await;
    let february = seed(&table.store, 3, ordered, "tilaaja@kunta.example", sent(3)).await;
    fn feb_2() -> Timestamp {
        "2027-02-02T10:00:00Z".parse().unwrap()
    }
    fn apr_1() -> Timestamp {
        "2027-04-01T10:00:00Z".parse().unwrap()
    }
    fn may_1() -> Timestamp {
        "2027-05-01T10:00:00Z".parse().unwrap()
    }
    let issuing = operator_at(&table, feb_2);
    // Held on 31 January, invoiced on 2 February: January's VAT.
    let jan = january.reference.as_str();
    run_at(&issuing, &["invoice", jan, "--delivered", "2027-01-31"]).await;
    let feb = february.reference.as_str();
    run_at(&issuing, &["invoice", feb, "--delivered", "2027-02-01"]).await;
    // Credited in April: deducted in April, not in February.
    run_at(&operator_at(&table, apr_1), &["credit", feb]).await;
    let reporting = operator_at(&table, may_1);
    let vat = |report: &str| {
        (report.lines())
            .find(|l| l.starts_with("  25,5 %: taxable sales"))
            .unwrap_or("none")
            .to_owned()
    };
    // Each phrase the report must say.
    let says = |report: &str, phrases: &[&str]| {
        for phrase in phrases {
            assert!(report.contains(phrase), "{phrase}: {report}");
        }
    };
    let month = run_at(&reporting, &["report", "--month", "2027-01"]).await;
    assert!(
        month.starts_with("Month 2027-01-01 – 2027-01-31"),
        "{month}"
    );
    assert_eq!(
        vat(&month),
        "  25,5 %: taxable sales 500,00 €, VAT 127,50 €"
    );
    says(
        &month,
        &[
            "by month of supply (suoriteperuste)",
            "This tool's sales only",
            "1000 ",
            "invoiced after the period, counted here",
            "Invoiced (0 documents, by invoice date)",
        ],
    );
    let month = run_at(&reporting, &["report", "--month", "2027-02"]).await;
    assert_eq!(
        vat(&month),
        "  25,5 %: taxable sales 900,00 €, VAT 229,50 €"
    );
    says(
        &month,
        &[
            "supplied before the period, not counted here",
            "Invoiced (2 documents, by invoice date)",
        ],
    );
    let quarter = run_at(&reporting, &["report", "--quarter", "2027Q1"]).await;
    assert!(
        quarter.starts_with("Quarter 2027-01-01 – 2027-03-31"),
        "{quarter}"
    );
    assert_eq!(
        vat(&quarter),
        "  25,5 %: taxable sales 1400,00 €, VAT 357,00 €"
    );
    let second = run_at(&reporting, &["report", "--quarter", "2027Q2"]).await;
    assert_eq!(
        vat(&second),
        "  25,5 %: taxable sales -900,00 €, VAT -229,50 €"
    );
    let year = run_at(&reporting, &["report", "--year", "2027"]).await;
    assert_eq!(vat(&year), "  25,5 %: taxable sales 500,00 €, VAT 127,50 €");
}

/// A document on its own (a credit note) through tests/finvoice_check.py.
fn checked_document(table: &Table, xml: &[u8]) -> serde_json::Value {
    checked(table, xml, "")
}

#[tokio::test]
async fn invoicing_details_are_corrected_with_the_form_s_rules_and_logged() {
    let table = fresh_table().await;
    let mut details = details(4, "tilaaja@kunta.example");
    details.billing_address = None;
    details.einvoice_operator = None;
    let order = store_order(&table.store, details, ordered(), sent(4)).await;
    let reference = order.reference.as_str();
    // No billing address: no invoice, and the refusal says how to add one.
    let why = invoice_refused(&table, reference);
    assert!(
        why.contains("no billing address") && why.contains("orders set-invoicing"),
        "{why}"
    );

    // An OVT address must carry the Y-tunnus's digits; a bad postcode is the form's error.
    for (args, expected) in [
        // The order has an address and no operator: a new address still needs its operator.
        (
            vec!["--einvoice-address", "003712345671"],
            "--operator: Enter the e-invoice operator's intermediator ID too, so that the invoice can travel",
        ),
        (
            vec!["--operator", "003799999999"],
            "--operator: Enter the operator's intermediator ID",
        ),
        (
            vec![
                "--street",
                "PL 60",
                "--postcode",
                "4301",
                "--town",
                "Tuusula",
            ],
            "--postcode: Enter a postcode of five digits",
        ),
        (
            vec!["--street", "PL 60"],
            "--postcode: Enter the postcode for the invoice",
        ),
    ] {
        let refused = run_orders(
            &table.name,
            &[&["set-invoicing", reference][..], &args].concat(),
        );
        let why = String::from_utf8_lossy(&refused.stderr);
        assert!(
            !refused.status.success() && why.contains(expected),
            "{args:?}: {why}"
        );
    }
    let set = stdout(&orders(
        &table,
        &[
            "set-invoicing",
            reference,
            "--street",
            "PL 60",
            "--postcode",
            "04301",
            "--town",
            "Tuusula",
            "--operator",
            "003799999992",
            "--einvoice-address",
            "003712345671",
            "--purchase-order",
            "PO-77",
            "--by",
            "bookkeeper",
        ],
    ));
    assert!(set.contains("billing_postcode - → 04301"), "{set}");
    // Well-formed but worth a look: accepted, and said.
    assert!(
        set.contains("warning: operator code 003799999992 is not on the list"),
        "{set}"
    );
    assert!(
        set.contains("warning: e-invoice address 003712345671 is an OVT code of another Y-tunnus"),
        "{set}"
    );
    let shown = stdout(&orders(&table, &["show", reference]));
    assert!(
        shown.contains("Check") && shown.contains("003799999992 is not on the list"),
        "{shown}"
    );
    let item = table
        .client
        .get_item()
        .table_name(&table.name)
        .key("pk", AttributeValue::S(format!("order#{reference}")))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let log = item["invoicing_changes"].as_l().unwrap();
    assert_eq!(log.len(), 6);
    let operator = log[1].as_m().unwrap();
    assert_eq!(operator["field"].as_s().unwrap(), "einvoice_operator");
    assert_eq!(operator["by"].as_s().unwrap(), "bookkeeper");
    assert!(!operator.contains_key("old") && operator["new"].as_s().unwrap() == "003799999992");
    // Now it invoices, with the corrected details.
    let (xml, notes) = invoice(&table, &order.reference, "2026-11-20");
    let fields = checked(&table, &xml, &notes);
    assert_eq!(fields["order_identifier"], "PO-77");

    // An address stored without its operator (an order older than the rule) never goes on
    // paper: refused, saying how to fix it.
    let mut older = self::details(6, "tilaaja@kunta.example");
    older.einvoice_operator = None;
    let older = store_order(&table.store, older, ordered(), sent(6)).await;
    let older = older.reference.as_str();
    let why = invoice_refused(&table, older);
    assert!(
        why.contains("has an e-invoice address and no operator")
            && why.contains(&format!("orders set-invoicing {older} --operator")),
        "{why}"
    );

    // The delivery day is sane: not in the future, not before the order.
    let other = seed(&table.store, 5, ordered(), "tilaaja@kunta.example", sent(5)).await;
    for (day, expected) in [
        ("2099-01-01", "in the future"),
        ("2026-10-01", "before the order"),
    ] {
        let refused = run_orders(
            &table.name,
            &["invoice", other.reference.as_str(), "--delivered", day],
        );
        let why = String::from_utf8_lossy(&refused.stderr);
        assert!(
            !refused.status.success() && why.contains(expected),
            "{day}: {why}"
        );
    }
}

#[tokio::test]
async fn a_late_cancellation_is_invoiced_as_the_terms_fee() {
    let table = fresh_table().await;
    let order = seed(&table.store, 2, ordered(), "tilaaja@kunta.example", sent(2)).await;
    let reference = order.reference.as_str();
    let refused = run_orders(
        &table.name,
        &[
            "invoice",
            reference,
            "--fee-percent",
            "50",
            "--delivered",
            "2026-11-20",
        ],
    );
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("no cancelled booking"), "{why}");
    let day = Timestamp::now().to_zoned_datetime(helsinki()).date() + 10.days();
    orders(
        &table,
        &[
            "book",
            reference,
            "--date",
            &day.to_string(),
            "--trainer",
            "Pilvi Nummi",
        ],
    );
    orders(
        &table,
        &["cancel", reference, "--reason", "Kunnanvaltuuston kokous"],
    );
    let fee = orders(&table, &["invoice", reference, "--fee-percent", "50"]);
    let notes = String::from_utf8(fee.stderr.clone()).unwrap();
    let fields = checked(&table, &fee.stdout, &notes);
    // Half of 500,00 €, its VAT, on the day it was cancelled.
    assert_eq!(
        [&fields["net"], &fields["vat"], &fields["gross"]],
        ["250,00", "63,75", "313,75"]
            .map(serde_json::Value::from)
            .each_ref()
    );
    assert_eq!(fields["rows"][0]["article"], "peruutusmaksu");
    let today = Timestamp::now().to_zoned_datetime(helsinki()).date();
    assert_eq!(
        fields["delivery_date"],
        today.strftime("%Y%m%d").to_string()
    );
}

/// RUNBOOK.md's invoicing transcript, run as written: each `$` line through `sh` with `orders`
/// on the PATH, in a scratch directory, its output (stdout and stderr, in order) compared
/// line by line with the lines under it (`…` matches anything).
#[tokio::test]
async fn the_runbook_s_invoicing_transcript_runs_as_written() {
    let table = fresh_table().await;
    let mut details = details(1, "tilaaja@kunta.example");
    (details.billing_address, details.purchase_order) = (None, None);
    details.organization = "Tuusulan kunta".to_owned();
    let reference = Reference::parse("K7M2-QX9P").unwrap();
    store_order_as(&table.store, reference, details, ordered(), sent(1)).await;
    let dir = run_transcript(&table, "A sale from invoice to ledger", &[]);
    // What the transcript wrote is valid Finvoice.
    for file in ["lasku-1000.xml", "hyvityslasku-1001.xml", "lasku-1002.xml"] {
        let xml = std::fs::read(dir.join("laskut").join(file)).unwrap();
        checked(&table, &xml, "");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs RUNBOOK.md's transcript after `marker` as written: each `$` line through `sh` with
/// `orders` on the PATH, in a scratch directory holding the set-up's `orders.env` and `files`
/// (name, content), its output (stdout and stderr, in order) compared line by line with the
/// lines under it (`…` matches anything). The directory, for what the commands wrote.
fn run_transcript(table: &Table, marker: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    run_transcript_with(table, marker, files, &[])
}

/// The same with settings of its own in `orders.env` besides the set-up's.
fn run_transcript_with(
    table: &Table,
    marker: &str,
    files: &[(&str, &str)],
    settings: &[(&str, &str)],
) -> std::path::PathBuf {
    let runbook =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../RUNBOOK.md")).unwrap();
    let block = runbook
        .split(marker)
        .nth(1)
        .and_then(|rest| rest.split("```console\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("RUNBOOK.md has the transcript after {marker:?}"));
    let dir = std::env::temp_dir().join(format!("runbook-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    // The operator's one configuration file, as the RUNBOOK's set-up writes it.
    let settings: String = (SELLER.iter())
        .chain(&[("ORDERS_DOCUMENTS", "laskut")])
        .chain(settings)
        .map(|(name, value)| format!("{name}=\"{value}\"\n"))
        .collect();
    std::fs::write(dir.join("orders.env"), settings).unwrap();
    for (name, content) in files {
        std::fs::write(dir.join(name), content).unwrap();
    }
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_orders"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut actual = String::new();
    for command in block.lines().filter_map(|line| line.strip_prefix("$ ")) {
        let output = Command::new("sh")
            .args(["-c", &format!("exec 2>&1; {command}")])
            .current_dir(&dir)
            .env_clear()
            .env("PATH", &path)
            .env("ORDERS_TABLE", &table.name)
            .env("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint())
            .env("AWS_REGION", "eu-north-1")
            .env("AWS_ACCESS_KEY_ID", "local")
            .env("AWS_SECRET_ACCESS_KEY", "local")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .output()
            .unwrap();
        actual.push_str(&format!("$ {command}\n"));
        let text = String::from_utf8(output.stdout).unwrap();
        for line in text.trim_start_matches('\u{feff}').lines() {
            actual.push_str(line.trim_end_matches('\r'));
            actual.push('\n');
        }
    }
    let expected: Vec<&str> = block.lines().collect();
    let got: Vec<&str> = actual.lines().collect();
    let matches = |want: &str, line: &str| {
        let mut rest = line;
        let parts: Vec<&str> = want.split('…').collect();
        parts
            .iter()
            .enumerate()
            .all(|(i, part)| match rest.find(part) {
                Some(at) if i > 0 || at == 0 => {
                    rest = &rest[at + part.len()..];
                    true
                }
                _ => false,
            })
            && (want.ends_with('…') || rest.is_empty())
    };
    let same = expected.len() == got.len() && expected.iter().zip(&got).all(|(w, l)| matches(w, l));
    assert!(
        same,
        "RUNBOOK.md's transcript differs from what runs:\n{actual}"
    );
    dir
}

/// Read units of one query of a month's orders up to the cutoff, summed over its pages.
async fn read_units(table: &Table, month: &str, after_ms: i64, cutoff_ms: i64) -> f64 {
    use aws_sdk_dynamodb::types::ReturnConsumedCapacity;
    let mut pages = table
        .client
        .query()
        .table_name(&table.name)
        .index_name("by-month")
        .key_condition_expression("order_month = :m AND created_ms BETWEEN :a AND :c")
        .expression_attribute_values(":m", AttributeValue::S(month.to_owned()))
        .expression_attribute_values(":a", AttributeValue::N(after_ms.to_string()))
        .expression_attribute_values(":c", AttributeValue::N(cutoff_ms.to_string()))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .into_paginator()
        .send();
    let mut units = 0.0;
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        units += page
            .consumed_capacity()
            .and_then(|c| c.capacity_units())
            .unwrap_or(0.0);
    }
    units
}

/// The retention run reads a month's erased orders once, not every five minutes: the month's
/// watermark moves past them, and the next run's query starts after it.
#[tokio::test]
async fn the_retention_run_reads_erased_orders_once() {
    use order_intake::store::Retention;
    let table = fresh_table().await;
    let start: Timestamp = "2024-01-10T08:00:00Z".parse().unwrap();
    let mut orders = Vec::new();
    for n in 0..60 {
        let at = start.checked_add((n as i64 * 10).minutes()).unwrap();
        orders.push(seed(&table.store, n, at, "tilaaja@kunta.example", sent(n)).await);
    }
    // The oldest 55 were erased by earlier runs; the newest five are due.
    for order in &orders[..55] {
        table
            .store
            .erase(&order.reference, Timestamp::now())
            .await
            .unwrap();
    }
    let cutoff: Timestamp = "2024-02-01T00:00:00Z".parse().unwrap();
    let due = table.store.due_for_erasure(cutoff, 25).await.unwrap();
    let expected: Vec<_> = orders[55..].iter().map(|o| o.reference.clone()).collect();
    assert_eq!(due, expected);
    let mark = table
        .client
        .get_item()
        .table_name(&table.name)
        .key("pk", AttributeValue::S("retention#2024-01".into()))
        .send()
        .await
        .unwrap()
        .item
        .expect("the month's watermark");
    let through: i64 = mark["last"].as_n().unwrap().parse().unwrap();
    assert_eq!(through, orders[54].created_at.as_millisecond());
    // Asked again, the same five, read from after the watermark only.
    assert_eq!(
        table.store.due_for_erasure(cutoff, 25).await.unwrap(),
        expected
    );
    let whole = read_units(&table, "2024-01", 0, cutoff.as_millisecond()).await;
    let after = read_units(&table, "2024-01", through + 1, cutoff.as_millisecond()).await;
    println!(
        "retention query of the month: {whole} read units before the watermark, {after} after"
    );
    assert!(after * 5.0 < whole, "{after} vs {whole}");
}

/// `orders trainers` lists the trainers' sessions (through the operator desk, which the
/// deployed command reaches by invoking the function) and `sign-out` ends a lost phone's.
#[tokio::test]
async fn an_operator_lists_the_trainers_sessions_and_signs_one_out() {
    use order_intake::store::{Sessions, TrainerSession};
    let table = fresh_table().await;
    let empty = stdout(&orders(&table, &["trainers"]));
    assert!(empty.contains("no trainer is signed in"), "{empty}");
    let now = Timestamp::now();
    let session = TrainerSession {
        trainer: "Pilvi Nummi".into(),
        device: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)".into(),
        created_at: now,
        last_used: now,
        expires_at: now.checked_add(24.hours()).unwrap(),
    };
    table.store.start_session("a-hash", &session).await.unwrap();
    let listed = stdout(&orders(&table, &["trainers"]));
    assert!(
        listed.contains("Pilvi Nummi") && listed.contains("iPhone"),
        "{listed}"
    );
    let ended = stdout(&orders(&table, &["trainers", "sign-out", "Pilvi Nummi"]));
    assert!(ended.contains("1 session(s) ended"), "{ended}");
    let after = stdout(&orders(&table, &["trainers"]));
    assert!(after.contains("no trainer is signed in"), "{after}");
    let unknown = run_orders(&table.name, &["trainers", "sign-out", "Nobody"]);
    assert!(!unknown.status.success());
}

/// `orders customer-link revoke` moves the order's customer links on a generation, through the
/// function (an operator event); an unknown order is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_operator_revokes_an_order_s_customer_links() {
    use order_intake::store::Orders;
    let table = fresh_table().await;
    let now = Timestamp::now();
    let order = seed(&table.store, 1, now, "tilaaja@kunta.example", sent(1)).await;
    let reference = order.reference.to_string();
    let revoked = stdout(&orders(&table, &["customer-link", "revoke", &reference]));
    assert!(revoked.contains("open nothing"), "{revoked}");
    let stored = table.store.load(&order.reference).await.unwrap().unwrap();
    assert_eq!(stored.customer_link_generation, 1);
    let unknown = run_orders(&table.name, &["customer-link", "revoke", "ABCD-EFGH"]);
    assert!(!unknown.status.success());
}

/// A cancellation on the customer's page records the terms' fee on the booking: `orders
/// invoice` bills exactly that without being told; one free of charge has nothing to bill.
/// The order's booking as the customer's own cancellation records it: its fee and VAT.
async fn cancelled_by_customer(
    table: &Table,
    order: &Order,
    day: jiff::civil::Date,
    fee_percent: u32,
    fee_vat: Option<order_intake::domain::FeeVat>,
) {
    use order_intake::domain::{Booking, BookingState};
    use order_intake::store::{Booked, Bookings};
    let mut cancelled = order.clone();
    cancelled.booking = Some(Booking {
        state: BookingState::Cancelled,
        start: day.at(9, 0, 0, 0),
        end: day.at(11, 0, 0, 0),
        place: "Kunnantalo".into(),
        trainers: vec!["Pilvi Nummi".into()],
        note: None,
        reason: Some("Peruttu tilaajan pyynnöstä.".into()),
        sequence: 2,
        changed_at: Timestamp::now(),
        changed_by: "customer".into(),
        fee_percent: Some(fee_percent),
        fee_vat,
    });
    let seen = cancelled.seal.clone();
    OrderSeal::new(SEAL_SECRET).seal(&mut cancelled);
    let stored = table.store.book(&cancelled, 0, seen.as_deref()).await;
    assert_eq!(stored.unwrap(), Booked::Stored);
}

#[tokio::test]
async fn to_invoice_lists_held_workshops_and_charged_cancellations_not_yet_invoiced() {
    let table = fresh_table().await;
    let today = Timestamp::now().to_zoned_datetime(helsinki()).date();
    let seeded = |n| seed(&table.store, n, ordered(), "tilaaja@kunta.example", sent(n));
    let held = seeded(1).await;
    booked_for(&table, &held, today - 2.days()).await;
    let coming = seeded(2).await;
    booked_for(&table, &coming, today + 10.days()).await;
    let invoiced = seeded(3).await;
    booked_for(&table, &invoiced, today - 3.days()).await;
    orders(&table, &["invoice", invoiced.reference.as_str()]);
    let mut cancellations = Vec::new();
    for (n, fee_percent) in [(4, 50), (5, 0)] {
        let order = seeded(n).await;
        cancelled_by_customer(&table, &order, today + 3.days(), fee_percent, None).await;
        cancellations.push(order);
    }
    let listed = stdout(&orders(&table, &["to-invoice"]));
    let line = |order: &Order| {
        listed
            .lines()
            .find(|l| l.starts_with(order.reference.as_str()))
            .map(str::to_owned)
    };
    assert!(
        line(&held).is_some_and(|l| l.ends_with(&format!("held {}", today - 2.days()))),
        "{listed}"
    );
    assert!(
        line(&cancellations[0])
            .is_some_and(|l| l.ends_with(&format!("cancelled {today}, fee 50 %"))),
        "{listed}"
    );
    for not_owed in [&coming, &invoiced, &cancellations[1]] {
        assert_eq!(line(not_owed), None, "{listed}");
    }
    assert!(listed.contains("2 to invoice"), "{listed}");
    // Invoiced, it leaves the list; credited, it comes back to be invoiced again.
    orders(&table, &["invoice", held.reference.as_str()]);
    assert!(stdout(&orders(&table, &["to-invoice"])).contains("1 to invoice"));
    orders(&table, &["credit", held.reference.as_str()]);
    let listed = stdout(&orders(&table, &["to-invoice"]));
    assert!(
        listed.contains("invoice it again") && listed.contains("2 to invoice"),
        "{listed}"
    );
}

#[tokio::test]
async fn the_fee_recorded_at_the_customer_s_cancellation_is_what_is_invoiced() {
    let table = fresh_table().await;
    let day = Timestamp::now().to_zoned_datetime(helsinki()).date() + 3.days();
    use order_intake::domain::FeeVat;
    // The fee as the page stated it: with VAT on top, as compensation outside VAT, or (recorded
    // before its VAT was) as the page then said, with VAT.
    for (fee_percent, fee_vat, billed) in [
        (
            50,
            Some(FeeVat::Taxable),
            Some(["250,00", "63,75", "313,75"]),
        ),
        (
            50,
            Some(FeeVat::Outside),
            Some(["250,00", "0,00", "250,00"]),
        ),
        (50, None, Some(["250,00", "63,75", "313,75"])),
        (0, None, None),
    ] {
        let order = seed(&table.store, 2, ordered(), "tilaaja@kunta.example", sent(2)).await;
        cancelled_by_customer(&table, &order, day, fee_percent, fee_vat).await;
        let reference = order.reference.as_str();
        match billed {
            Some(amounts) => {
                let outside = fee_vat == Some(FeeVat::Outside);
                if outside {
                    // EN 16931: nothing taxable beside a row outside VAT's scope.
                    let travel = run_orders(
                        &table.name,
                        &["invoice", reference, "--travel", "Matka=10,00"],
                    );
                    assert!(
                        String::from_utf8_lossy(&travel.stderr).contains("invoiced on its own"),
                        "{travel:?}"
                    );
                }
                let fee = orders(&table, &["invoice", reference]);
                let notes = String::from_utf8(fee.stderr.clone()).unwrap();
                let fields = checked(&table, &fee.stdout, &notes);
                assert_eq!(
                    [&fields["net"], &fields["vat"], &fields["gross"]],
                    amounts.map(serde_json::Value::from).each_ref()
                );
                assert_eq!(fields["rows"][0]["article"], "peruutusmaksu");
                let code = if outside { "O" } else { "S" };
                assert_eq!(fields["rows"][0]["vat_code"], code);
                assert_eq!(
                    notes.contains("predates the fee's recorded VAT"),
                    fee_vat.is_none(),
                    "{notes}"
                );
                let number = fields["invoice_number"].as_str().unwrap();
                let html = orders(&table, &["document", number, "--format", "html"]);
                let html = String::from_utf8(html.stdout).unwrap();
                assert_eq!(html.contains("Ei alv:n alainen"), outside, "{html}");
                // The journal books it with its VAT code; a fee outside VAT has no VAT row.
                let month = Timestamp::now()
                    .to_zoned_datetime(helsinki())
                    .strftime("%Y-%m")
                    .to_string();
                let journal = orders(&table, &["journal", "--month", &month]);
                let journal = read_back(&table, &journal.stdout, "csv");
                let booked: Vec<(String, i64, String)> = (journal["rows"].as_array().unwrap())
                    .iter()
                    .filter(|row| row["tositenumero"] == number)
                    .map(|row| {
                        let text = |name: &str| row[name].as_str().unwrap().to_owned();
                        (
                            text("tili"),
                            row["summa"].as_i64().unwrap(),
                            text("alv_koodi"),
                        )
                    })
                    .collect();
                let (vat_code, vat_rows) = if outside { ("NONE", 2) } else { ("KOMY", 3) };
                assert_eq!(booked.len(), vat_rows, "{booked:?}");
                assert_eq!(booked[1], ("3000".to_owned(), -250_00, vat_code.to_owned()));
            }
            None => {
                let refused = run_orders(&table.name, &["invoice", reference]);
                let why = String::from_utf8_lossy(&refused.stderr);
                assert!(
                    !refused.status.success() && why.contains("free of charge"),
                    "{why}"
                );
            }
        }
    }
}

/// The gross of a Finvoice's rows, by row.
fn row_names(fields: &serde_json::Value) -> Vec<String> {
    (fields["rows"].as_array().unwrap().iter())
        .map(|row| row["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_agreed_price_a_discount_partial_credits_and_a_whole_credit_keep_one_series() {
    let table = fresh_table().await;
    let order = seed(&table.store, 1, ordered(), "tilaaja@kunta.example", sent(1)).await;
    let reference = order.reference.as_str();
    // Accounts payable's framework price, a discount and travel, each reason on its row.
    let invoiced = orders(
        &table,
        &[
            "invoice",
            reference,
            "--delivered",
            "2026-11-20",
            "--price",
            "Puitesopimus 2027=450,00",
            "--discount",
            "Kuntien yhteishankinta=50,00",
            "--travel",
            "Matkakulut Helsinki–Tuusula=120,00",
        ],
    );
    let notes = String::from_utf8(invoiced.stderr).unwrap();
    let fields = checked(&table, &invoiced.stdout, &notes);
    assert_eq!(
        row_names(&fields),
        [
            "Kahden tunnin somestartti, sovittu hinta: Puitesopimus 2027",
            "Matkakulut Helsinki–Tuusula",
            "Alennus: Kuntien yhteishankinta",
        ]
    );
    assert_eq!(fields["rows"][2]["quantity"], "-1");
    assert_eq!(
        [&fields["net"], &fields["vat"], &fields["gross"]],
        ["520,00", "132,60", "652,60"]
            .map(serde_json::Value::from)
            .each_ref()
    );
    let too_much = run_orders(
        &table.name,
        &["credit", reference, "--amount", "Liikaa=600,00"],
    );
    assert!(
        String::from_utf8_lossy(&too_much.stderr).contains("652,60 € left to credit"),
        "{too_much:?}"
    );
    for wrong in [
        &["--rows", "4"][..],
        &["--rows", "1,1"],
        &["--rows", "1", "--amount", "x=1,00"],
        &["--amount", "=1,00"],
    ] {
        let refused = run_orders(&table.name, &[&["credit", reference][..], wrong].concat());
        assert!(!refused.status.success(), "{wrong:?} was accepted");
    }

    // A partial credit by amount leaves the invoice current with less to pay; asked again, the
    // same note.
    let partly = orders(
        &table,
        &[
            "credit",
            reference,
            "--amount",
            "Osa matkasta peruttiin=20,00",
        ],
    );
    let note = String::from_utf8(partly.stderr.clone()).unwrap();
    assert!(
        note.starts_with("credit note 1001 for invoice 1000 of ")
            && note.contains("invoice 1000 stays current with 627,50 € to pay"),
        "{note}"
    );
    let credit = checked_document(&table, &partly.stdout);
    assert_eq!(
        (&credit["original_number"], &credit["gross"]),
        (&"1000".into(), &"-25,10".into())
    );
    assert_eq!(row_names(&credit), ["Hyvitys: Osa matkasta peruttiin"]);
    let again = orders(
        &table,
        &[
            "credit",
            reference,
            "--amount",
            "Osa matkasta peruttiin=20,00",
        ],
    );
    assert_eq!(again.stdout, partly.stdout, "a retry prints the same note");
    assert!(String::from_utf8_lossy(&again.stderr).contains("was already made"));
    // A partial credit of a chosen row.
    let row = orders(&table, &["credit", reference, "--rows", "2"]);
    let by_row = checked_document(&table, &row.stdout);
    assert_eq!(
        (row_names(&by_row), &by_row["gross"]),
        (
            vec!["Matkakulut Helsinki–Tuusula".to_owned()],
            &"-150,60".into()
        )
    );
    let ledger_states = |ledger: serde_json::Value| -> Vec<(String, String)> {
        (ledger["rows"].as_array().unwrap().iter())
            .map(|r| {
                (
                    r["number"].as_str().unwrap().to_owned(),
                    r["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    // The documents' month: their invoice date's, today's.
    let today = Timestamp::now()
        .to_zoned_datetime(helsinki())
        .strftime("%Y-%m")
        .to_string();
    assert_eq!(
        ledger_states(ledger(&table, &today, "csv"))[0],
        (
            "1000".to_owned(),
            "partly credited by 1001, 1002".to_owned()
        )
    );
    let report = stdout(&orders(&table, &["report", "--month", &today]));
    assert!(report.contains("Unpaid invoices of the period (less their credit notes and the payments imported; all of them: orders receivables): 1, 476,90 €"), "{report}");

    // The whole credit takes what is left: the invoice's rows, the partial credits given back.
    let whole = orders(&table, &["credit", reference]);
    let whole_note = String::from_utf8(whole.stderr.clone()).unwrap();
    assert!(
        whole_note.starts_with("credit note 1003 for invoice 1000 of ")
            && whole_note.contains("-476,90 €; the order can be invoiced again"),
        "{whole_note}"
    );
    let whole = checked_document(&table, &whole.stdout);
    assert_eq!(whole["gross"], "-476,90");
    assert_eq!(
        row_names(&whole)[3..],
        [
            "Hyvitetty jo hyvityslaskulla 1001: Hyvitys: Osa matkasta peruttiin",
            "Hyvitetty jo hyvityslaskulla 1002: Matkakulut Helsinki–Tuusula",
        ]
    );
    // Invoiced again, at the order's price, the next number.
    let (xml, notes) = invoice(&table, &order.reference, "2026-11-20");
    let new = checked(&table, &xml, &notes);
    assert_eq!(
        (&new["invoice_number"], &new["gross"]),
        (&"1004".into(), &"627,50".into())
    );
    let states = ledger_states(ledger(&table, &today, "csv"));
    assert_eq!(
        states
            .iter()
            .map(|(n, s)| format!("{n} {s}"))
            .collect::<Vec<_>>(),
        [
            "1000 credited by 1003",
            "1001 credit note",
            "1002 credit note",
            "1003 credit note",
            "1004 open"
        ]
    );
}

/// A command's stdout with the no-break spaces amounts print between thousands made plain.
async fn run(operator: &order_ops::Operator, args: &[&str]) -> String {
    run_at(operator, args)
        .await
        .replace(['\u{a0}', '\u{202f}'], " ")
}

/// The bank's files matched to invoices (#42): a camt.054 of reference payments (a viitenumero,
/// an RF reference, a reference only in the message, an unknown one), imported twice, then a
/// camt.053 statement paying a credited invoice and another in one batch; what is owed and what
/// is overdue before and after, on fixed days.
#[tokio::test]
async fn payments_from_the_bank_s_files_are_matched_once_and_what_is_owed_is_listed() {
    let table = fresh_table().await;
    let ordered = "2026-12-01T08:00:00Z".parse().unwrap();
    let mut references = Vec::new();
    for n in [1, 2, 4] {
        let order = seed(&table.store, n, ordered, "tilaaja@kunta.example", sent(n)).await;
        references.push(order.reference.to_string());
    }
    fn dec_10() -> Timestamp {
        "2026-12-10T10:00:00Z".parse().unwrap()
    }
    fn jan_5() -> Timestamp {
        "2027-01-05T10:00:00Z".parse().unwrap()
    }
    fn feb_2() -> Timestamp {
        "2027-02-02T10:00:00Z".parse().unwrap()
    }
    let issuing = operator_at(&table, dec_10);
    for (i, reference) in references.iter().enumerate() {
        let mut args = vec!["invoice", reference, "--delivered", "2026-12-05"];
        if i == 2 {
            args.extend(["--travel", "Matkakulut Helsinki–Tuusula=120,00"]);
        }
        run_at(&issuing, &args).await;
    }
    run_at(&issuing, &["credit", &references[1]]).await;
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    let notification = format!("{data}camt054-viitemaksut.xml");
    let statement = format!("{data}camt053-tiliote.xml");

    let january = operator_at(&table, jan_5);
    let owed = run(&january, &["receivables"]).await;
    assert!(
        owed.contains("open: 2 invoice(s), 1 405,60 €; overdue: 2, 1 405,60 €"),
        "{owed}"
    );
    assert!(
        owed.contains("1000     ") && owed.contains("12 days"),
        "{owed}"
    );
    let imported = run(&january, &["payments", "import", &notification]).await;
    let lines: Vec<&str> = imported.lines().collect();
    assert_eq!(lines.len(), 5, "{imported}");
    assert!(
        lines[0].ends_with("invoice 1000: partly paid, 327,50 € left"),
        "{imported}"
    );
    assert!(lines[1].ends_with("invoice 1000: paid"), "{imported}");
    assert!(
        lines[2].ends_with("invoice 1000: overpaid by 10,00 €"),
        "{imported}"
    );
    assert!(
        lines[3].contains("UNMATCHED: reference \"99998\" names no invoice; ESIMERKKI OY"),
        "{imported}"
    );
    assert_eq!(
        lines[4],
        "4 payments: 3 recorded, 0 imported before, 1 unmatched (for a person: RUNBOOK.md, \"Payments\"), 0 refunds owed"
    );
    let again = run(&january, &["payments", "import", &notification]).await;
    assert!(
        again.contains("4 payments: 0 recorded, 3 imported before, 1 unmatched"),
        "{again}"
    );
    assert!(again.contains("invoice 1000: overpaid by 10,00 € (imported before: nothing changed)"));
    let invoices = table.listings();
    use order_ops::store::{Invoices, PaymentState};
    let first = invoices.issued_invoice(1000).await.unwrap().unwrap();
    assert_eq!(first.after_issue.payments.len(), 3, "each once");
    assert_eq!(first.payment_state(), PaymentState::Overpaid(1000));
    let month = run(&january, &["report", "--month", "2027-01"]).await;
    for said in [
        "(maksuperuste, for a cash-basis VAT return; payments imported with orders payments import): 3, 637,50 €",
        "  25,5 %: VAT in what was received 127,50 €",
        "  paid over what was billed (owed back or set off; no sale): 10,00 €",
    ] {
        assert!(month.contains(said), "{said}: {month}");
    }
    let ledger = run(&january, &["ledger", "--month", "2026-12"]).await;
    let first = ledger.lines().nth(1).unwrap();
    assert!(
        first.ends_with(";637,50;2027-01-04;open, overpaid by 10,00 €"),
        "{ledger}"
    );
    let overdue = run(&january, &["overdue", "--days", "7"]).await;
    assert!(
        overdue.contains("1002     ") && !overdue.contains("1000     "),
        "{overdue}"
    );
    assert!(
        overdue.contains("open: 1 invoice(s), 778,10 €; overdue: 1, 778,10 €"),
        "{overdue}"
    );

    let february = operator_at(&table, feb_2);
    let batch = run(&february, &["payments", "import", &statement]).await;
    assert!(
        batch.contains("invoice 1001: credited, yet paid: refund of 627,50 € owed"),
        "{batch}"
    );
    assert!(batch.contains("invoice 1002: paid"), "{batch}");
    assert!(
        batch.contains("2 payments: 2 recorded, 0 imported before, 0 unmatched"),
        "{batch}"
    );
    assert!(batch.contains("1 refunds owed"), "{batch}");
    let owed = run(&february, &["receivables"]).await;
    assert!(!owed.contains("1002     "), "paid: {owed}");
    assert!(
        owed.contains("-627,50 €  Kunta 2 (credited, yet paid"),
        "{owed}"
    );
    assert!(
        owed.contains("-10,00 €  Kunta 1 (overpaid by 10,00 €)"),
        "{owed}"
    );
    // The credited invoice's payment returned: more than it was refused, then all of it.
    use clap::Parser;
    let too_much = [
        "payments",
        "refund",
        "1001",
        "--amount",
        "700",
        "--date",
        "2027-02-03",
    ];
    let refused = order_ops::Cli::try_parse_from(std::iter::once("orders").chain(too_much));
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    let error = (february.run(refused.unwrap().command, &mut out, &mut notes)).await;
    let error = error.unwrap_err().to_string().replace('\u{a0}', " ");
    assert!(
        error.contains("owes 627,50 € back, not 700,00 €"),
        "{error}"
    );
    let back = [
        "payments",
        "refund",
        "1001",
        "--amount",
        "627,50",
        "--date",
        "2027-02-03",
    ];
    let refunded = run(&february, &back).await;
    assert!(
        refunded.contains("invoice 1001: credited, paid and refunded (recorded)"),
        "{refunded}"
    );
    let owed = run(&february, &["receivables"]).await;
    assert!(!owed.contains("Kunta 2"), "settled: {owed}");
    let not_camt = format!("{data}../operator.rs");
    let refused = order_ops::Cli::try_parse_from(["orders", "payments", "import", &not_camt]);
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    let error = february
        .run(refused.unwrap().command, &mut out, &mut notes)
        .await;
    assert!(format!("{error:?}").contains("not XML"), "{error:?}");
}

/// RUNBOOK.md's payments transcript, run as written on an invoice issued today, with the bank's
/// sample file (`tests/data/camt054-viitemaksut.xml`) as the bookkeeper downloads it.
#[tokio::test]
async fn the_runbook_s_payments_transcript_runs_as_written() {
    let table = fresh_table().await;
    // Invoice 1000, and 1001 of the file's unmatched payer, which a person finds for it.
    for (n, reference, buyer) in [
        (1, "K7M2-QX9P", "Tuusulan kunta"),
        (2, "M3XD-7K2Q", "Esimerkki Oy"),
    ] {
        let mut details = details(n, &format!("tilaaja{n}@kunta.example"));
        details.organization = buyer.to_owned();
        let parsed = Reference::parse(reference).unwrap();
        store_order_as(&table.store, parsed, details, ordered(), sent(n)).await;
        orders(&table, &["invoice", reference, "--delivered", "2026-11-20"]);
    }
    let camt = include_str!("data/camt054-viitemaksut.xml");
    let marker = "Money in, from the bank's file";
    let dir = run_transcript(&table, marker, &[("viitemaksut.xml", camt)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The operator here with the function's own use cases to send with (as `make orders` runs),
/// both on a clock stopped at `clock`.
async fn operator_sending_at(table: &Table, clock: fn() -> Timestamp) -> order_ops::Operator {
    operator_sending_for(table, clock, None).await
}

/// As `operator_sending_at`, with the function's `SELLER_*` as `seller` gives them.
async fn operator_sending_for(
    table: &Table,
    clock: fn() -> Timestamp,
    seller: Option<order_intake::domain::Seller>,
) -> order_ops::Operator {
    use order_intake::domain::{EmailAddress, Limits, OrderSeal, Quotas};
    use order_intake::email::SesMailer;
    use order_intake::intake::Wiring;
    let ses = order_intake::aws::ses_client(&sdk_config(&ses_endpoint()).await);
    let mailer = SesMailer::new(ses, SENDER.to_owned(), None);
    let trainers = TRAINERS.split(',').map(|t| EmailAddress::parse(t).unwrap());
    let limits = Limits::new(
        Quotas::default(),
        "test-only-rate-limit-secret-0123456789abcdef",
    );
    let wiring = Wiring::new(
        order_intake::store::Stores::new(table.store.clone()),
        Arc::new(mailer),
        trainers.collect(),
        Arc::new(clock),
        limits,
    )
    .with_seal(OrderSeal::new(SEAL_SECRET));
    let wiring = match seller {
        Some(seller) => wiring.with_seller(seller),
        None => wiring,
    };
    order_ops::Operator {
        desk: Some(order_ops::desk::Desk::Local(Box::new(
            wiring.operator_desk(),
        ))),
        ..operator_at(table, clock)
    }
}

/// Payment reminders (#42): of an overdue invoice only, with what is open after the payments,
/// to the order's own address in its language, one per invoice in 14 days, recorded on the
/// order (by the function) and in the invoice's history.
#[tokio::test]
async fn an_overdue_invoice_is_reminded_in_its_customer_s_language_once_in_fourteen_days() {
    let table = fresh_table().await;
    let tag = uuid::Uuid::now_v7().simple().to_string();
    let ordered = "2026-12-01T08:00:00Z".parse().unwrap();
    let mut references = Vec::new();
    for (n, language) in [(1, "fi"), (2, "sv"), (4, "en")] {
        let email = format!("maksaja.{language}.{tag}@kunta.example");
        let mut details = details(n, &email);
        details.language = order_intake::domain::Language::parse(language).unwrap();
        let order = store_order(&table.store, details, ordered, sent(n)).await;
        references.push(order.reference.to_string());
    }
    fn dec_10() -> Timestamp {
        "2026-12-10T10:00:00Z".parse().unwrap()
    }
    fn dec_24() -> Timestamp {
        "2026-12-24T10:00:00Z".parse().unwrap()
    }
    fn jan_5() -> Timestamp {
        "2027-01-05T10:00:00Z".parse().unwrap()
    }
    fn jan_18() -> Timestamp {
        "2027-01-18T10:00:00Z".parse().unwrap()
    }
    fn jan_19() -> Timestamp {
        "2027-01-19T10:00:00Z".parse().unwrap()
    }
    let issuing = operator_at(&table, dec_10);
    for reference in &references {
        run_at(
            &issuing,
            &["invoice", reference, "--delivered", "2026-12-05"],
        )
        .await;
    }
    let refused = |operator: order_ops::Operator, number: &'static str| async move {
        use clap::Parser;
        let cli = order_ops::Cli::try_parse_from(["orders", "remind", number]).unwrap();
        let (mut out, mut notes) = (Vec::new(), Vec::new());
        let done = operator.run(cli.command, &mut out, &mut notes).await;
        format!("{:?}", done.expect_err("refused"))
    };
    // Due on 24 December: not before it has passed.
    let early = refused(operator_sending_at(&table, dec_24).await, "1000").await;
    assert!(
        early.contains("is due on 2026-12-24: remind after that"),
        "{early}"
    );

    // In January the function has SELLER_EMAIL: the reminders' replies go there.
    let seller = order_intake::config::seller_from_lookup(|name| match name {
        "SELLER_NAME" => Some("Some-työpajat Oy".into()),
        "SELLER_BUSINESS_ID" => Some("1234567-1".into()),
        "SELLER_PHONE" => Some("+358 40 123 4567".into()),
        "SELLER_EMAIL" => Some("laskutus@some-tyopajat.example".into()),
        terms if terms.starts_with("TERMS_") => Some("Ehdot.".into()),
        _ => None,
    })
    .unwrap();
    let january = operator_sending_for(&table, jan_5, Some(seller)).await;
    let notification = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/camt054-viitemaksut.xml"
    );
    // The file's first payment alone: 300,00 € of invoice 1000, paid in part.
    let xml = std::fs::read_to_string(notification).unwrap();
    let entries: Vec<&str> = xml.split("<Ntry>").collect();
    let first = entries[1].split("</Ntry>").next().unwrap();
    let closing = entries[entries.len() - 1].rsplit("</Ntry>").next().unwrap();
    let dir = std::env::temp_dir().join(format!("remind-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    let partial = dir.join("osamaksu.xml");
    let one = format!("{}<Ntry>{first}</Ntry>{closing}", entries[0]);
    std::fs::write(&partial, one).unwrap();
    run(&january, &["payments", "import", partial.to_str().unwrap()]).await;
    for number in ["1000", "1001", "1002"] {
        let said = run(&january, &["remind", number]).await;
        assert!(said.contains("payment reminder of"), "{said}");
    }
    let again = refused(operator_sending_at(&table, jan_18).await, "1000").await;
    assert!(
        again.contains("was reminded on 2027-01-05; the next reminder can go on 2027-01-19"),
        "{again}"
    );
    run(
        &operator_sending_at(&table, jan_19).await,
        &["remind", "1001"],
    )
    .await;

    let emails = ses_emails().await;
    let to = |language: &str| {
        let address = format!("maksaja.{language}.{tag}@kunta.example");
        (emails.iter())
            .filter(|e| e["destination"]["to"].to_string().contains(&address))
            .filter(|e| {
                !e["subject"]
                    .as_str()
                    .unwrap_or("")
                    .contains("Tilausvahvistus")
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    let (fi, sv, en) = (to("fi"), to("sv"), to("en"));
    assert_eq!(
        (fi.len(), sv.len(), en.len()),
        (1, 2, 1),
        "one each, 1001 twice"
    );
    let body = |email: &serde_json::Value| {
        email["body"]["text"]
            .as_str()
            .unwrap_or("")
            .replace(['\u{a0}', '\u{202f}'], " ")
    };
    let fi_text = body(&fi[0]);
    assert!(
        fi[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Maksumuistutus 1000"),
        "{fi:?}"
    );
    for said in [
        "Viitenumero",
        "10003",
        "Maksettavaa",
        "327,50 €",
        "Uusi eräpäivä",
        "19.1.2027",
    ] {
        assert!(fi_text.contains(said), "{said}: {fi_text}");
    }
    assert!(
        sv[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Betalningspåminnelse 1001")
    );
    assert!(body(&sv[0]).contains("627,50 €") && body(&sv[0]).contains("Referensnummer"));
    assert!(
        en[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Payment reminder 1002")
    );
    assert!(body(&en[0]).contains("Reference number") && body(&en[0]).contains("10029"));
    // Replies go to SELLER_EMAIL, and the footer says so; without it, to the trainers.
    let reply_to = |email: &serde_json::Value| email["replyTo"].to_string();
    for email in [&fi[0], &sv[0], &en[0]] {
        assert_eq!(reply_to(email), r#"["laskutus@some-tyopajat.example"]"#);
    }
    assert!(fi_text.contains("Kysyttävää laskusta? Vastaa tähän viestiin."));
    assert!(!fi_text.contains("kouluttajille"), "{fi_text}");
    for trainer in TRAINERS.split(',') {
        assert!(reply_to(&sv[1]).contains(trainer), "{}", reply_to(&sv[1]));
    }
    assert!(body(&sv[1]).contains("svaret går direkt till utbildarna"));

    // Recorded on the order by the function, and in the invoice's history.
    let order = table
        .listings()
        .order_record(&Reference::parse(&references[0]).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        order
            .operator_actions
            .iter()
            .any(|a| a.what == "remind 1000"),
        "{order:?}"
    );
    use order_ops::store::Invoices;
    let invoice = table
        .listings()
        .issued_invoice(1001)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(invoice.after_issue.reminders.len(), 2);
    let owed = run(&january, &["receivables"]).await;
    assert!(owed.contains("(partly paid, 327,50 € left)"), "{owed}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Apix's local stand-in (`tools/apix_standin.py`) on a free port, stopped when dropped.
struct ApixStandIn {
    child: std::process::Child,
    url: String,
}

impl ApixStandIn {
    fn start() -> ApixStandIn {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/apix_standin.py");
        let mut child = Command::new("python3")
            .args([script, &port.to_string()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs the Apix stand-in (tools/apix_standin.py)");
        let mut ready = String::new();
        let stdout = child.stdout.take().unwrap();
        std::io::BufReader::new(stdout)
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready.trim(), "ready", "the Apix stand-in did not start");
        ApixStandIn {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn mode(&self, mode: &str) {
        let control = reqwest::Client::new().post(format!("{}/control", self.url));
        let sent = control
            .body(format!("{{\"mode\": \"{mode}\"}}"))
            .send()
            .await;
        assert!(sent.unwrap().status().is_success());
    }

    /// The invoice numbers it accepted, in order.
    async fn received(&self) -> Vec<String> {
        let list: serde_json::Value = reqwest::get(format!("{}/received", self.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (list.as_array().unwrap().iter())
            .flat_map(|batch| batch["invoices"].as_array().unwrap().clone())
            .map(|n| n.as_str().unwrap().to_owned())
            .collect()
    }

    fn settings(&self, key: &str, timeout_ms: u64) -> order_ops::operator_settings::ApixSettings {
        use order_ops::apix::TransferCredentials;
        use order_ops::operator_settings::{ApixSettings, CredentialSource};
        ApixSettings {
            base: format!("{}/", self.url).parse().unwrap(),
            credentials: CredentialSource::Local(TransferCredentials {
                transfer_id: "standin-transfer-id".into(),
                transfer_key: key.into(),
                unique_company_id: String::new(),
            }),
            timeout: std::time::Duration::from_millis(timeout_ms),
        }
    }
}

impl Drop for ApixStandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// `orders send` against Apix's stand-in, which checks each request as Apix documents it (the
/// digest over the transfer key, the timestamp's window, the ZIP holding the Finvoice): sent
/// once, a refusal recorded with its reason and sent again later, a timeout left unknown and
/// refused until a person records what the portal shows, a credit note the same way.
#[tokio::test]
async fn e_invoices_go_through_the_operator_once_each_and_an_unknown_outcome_waits_for_a_person() {
    let table = fresh_table().await;
    let apix = ApixStandIn::start();
    for n in [1, 2, 4] {
        let order = seed(&table.store, n, ordered(), "tilaaja@kunta.example", sent(n)).await;
        orders(
            &table,
            &[
                "invoice",
                order.reference.as_str(),
                "--delivered",
                "2026-11-20",
            ],
        );
    }
    const KEY: &str = "standin-transfer-key-0123456789";
    let sending = |timeout_ms| order_ops::Operator {
        apix: Ok(Some(apix.settings(KEY, timeout_ms))),
        ..operator_at(&table, Timestamp::now)
    };
    let listed = run(&sending(5000), &["documents", "--unsent"]).await;
    assert!(
        listed.contains("3 unsent e-invoice document(s)"),
        "{listed}"
    );

    let first = run(&sending(5000), &["send", "1000"]).await;
    assert!(
        first.starts_with("1000: sent through Apix (Apix batch "),
        "{first}"
    );
    assert_eq!(apix.received().await, ["1000"]);
    let again = refused_by(&sending(5000), &["send", "1000"]).await;
    assert!(
        again.contains("already sent (through the operator: Apix batch"),
        "{again}"
    );

    // Refused by Apix: recorded with its reason, and sent again once Apix takes it.
    apix.mode("refuse").await;
    let refused = refused_by(&sending(5000), &["send", "1001"]).await;
    assert!(
        refused.contains("refused by Apix: 6200 Receiver address not found"),
        "{refused}"
    );
    apix.mode("ok").await;
    assert!(
        run(&sending(5000), &["send", "1001"])
            .await
            .starts_with("1001: sent")
    );

    // No answer in time: unknown, refused until a person records what the portal shows.
    apix.mode("timeout").await;
    let unknown = refused_by(&sending(500), &["send", "1002"]).await;
    assert!(unknown.contains("no clear answer from Apix"), "{unknown}");
    apix.mode("ok").await;
    let waiting = refused_by(&sending(5000), &["send", "--unsent"]).await;
    assert!(waiting.contains("its last send is unknown"), "{waiting}");
    assert_eq!(
        apix.received().await,
        ["1000", "1001", "1002"],
        "it did arrive"
    );
    let recorded = run(&sending(5000), &["document", "1002", "--record", "sent"]).await;
    assert!(
        recorded.contains("recorded as sent through the operator"),
        "{recorded}"
    );
    assert!(
        refused_by(&sending(5000), &["send", "1002"])
            .await
            .contains("already sent")
    );

    // A credit note goes the same way; what was sent is sent once.
    let order = invoices_order(&table, 1000).await;
    orders(&table, &["credit", &order]);
    assert!(
        run(&sending(5000), &["send", "--unsent"])
            .await
            .starts_with("1003: sent")
    );
    assert_eq!(apix.received().await, ["1000", "1001", "1002", "1003"]);
    use order_ops::store::Invoices;
    let history = table
        .listings()
        .issued_invoice(1001)
        .await
        .unwrap()
        .unwrap()
        .after_issue
        .send_history;
    let states: Vec<&str> = history.iter().map(|s| s.state.as_str()).collect();
    assert_eq!(states, ["sending", "failed", "sending", "sent"]);
    let shown = run(
        &sending(5000),
        &["show", &invoices_order(&table, 1001).await],
    )
    .await;
    assert!(
        shown.contains("Document 1001: sent (through the operator: Apix batch"),
        "{shown}"
    );
    assert!(
        shown.contains(" failed 6200 Receiver address not found"),
        "{shown}"
    );

    // What the stand-in checks as Apix does: the key behind the digest, the clock.
    let wrong_key = order_ops::Operator {
        apix: Ok(Some(apix.settings("another-key", 5000))),
        ..operator_at(&table, Timestamp::now)
    };
    let order = seed(&table.store, 5, ordered(), "tilaaja@kunta.example", sent(5)).await;
    orders(
        &table,
        &[
            "invoice",
            order.reference.as_str(),
            "--delivered",
            "2026-11-20",
        ],
    );
    let digest = refused_by(&wrong_key, &["send", "1004"]).await;
    assert!(
        digest.contains("6004 Authentication failed: digest"),
        "{digest}"
    );
    fn an_hour_ago() -> Timestamp {
        Timestamp::now().checked_sub(1.hour()).unwrap()
    }
    let late = order_ops::Operator {
        apix: Ok(Some(apix.settings(KEY, 5000))),
        ..operator_at(&table, an_hour_ago)
    };
    let window = refused_by(&late, &["send", "1004"]).await;
    assert!(window.contains("6005 Timestamp out of window"), "{window}");

    // `orders operator connect`'s call: the credentials for the company's Y-tunnus and an
    // Apix user, the password only as its hash in the digest.
    use order_ops::apix::retrieve_transfer_id;
    let (client, base) = (
        order_intake::aws::HttpsClient::new(),
        apix.settings(KEY, 5000).base,
    );
    let user = "laskutus@some-tyopajat.example";
    let connected = retrieve_transfer_id(
        &client,
        &base,
        "1234567-1",
        user,
        "standin-password",
        Timestamp::now(),
    );
    let credentials = connected.await.unwrap();
    assert_eq!(
        (
            credentials.transfer_id.as_str(),
            credentials.transfer_key.as_str()
        ),
        ("standin-transfer-id", KEY)
    );
    let wrong = retrieve_transfer_id(&client, &base, "1234567-1", user, "guess", Timestamp::now());
    assert_eq!(
        wrong.await.unwrap_err(),
        "Apix refused: 6004 Authentication failed"
    );
}

/// A command that must fail: its error.
async fn refused_by(operator: &order_ops::Operator, args: &[&str]) -> String {
    use clap::Parser;
    let cli = order_ops::Cli::try_parse_from([&["orders"][..], args].concat()).unwrap();
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    let done = operator.run(cli.command, &mut out, &mut notes).await;
    let said = String::from_utf8(out).unwrap();
    format!("{said}{:?}", done.expect_err("refused"))
}

/// The order reference of invoice `number`.
async fn invoices_order(table: &Table, number: u32) -> String {
    use order_ops::store::Invoices;
    let invoice = table
        .listings()
        .issued_invoice(number)
        .await
        .unwrap()
        .unwrap();
    invoice.reference
}

/// RUNBOOK.md's sending transcript, run as written against Apix's stand-in (its URL and the
/// stand-in's transfer credentials in `orders.env`, which only a loopback APIX_URL allows).
#[tokio::test]
async fn the_runbook_s_sending_transcript_runs_as_written() {
    let table = fresh_table().await;
    let apix = ApixStandIn::start();
    let mut details = details(1, "tilaaja@kunta.example");
    details.organization = "Tuusulan kunta".to_owned();
    let reference = Reference::parse("K7M2-QX9P").unwrap();
    store_order_as(&table.store, reference, details, ordered(), sent(1)).await;
    orders(
        &table,
        &["invoice", "K7M2-QX9P", "--delivered", "2026-11-20"],
    );
    let settings = [
        ("APIX_URL", apix.url.as_str()),
        ("APIX_TRANSFER_ID", "standin-transfer-id"),
        ("APIX_TRANSFER_KEY", "standin-transfer-key-0123456789"),
    ];
    let marker = "An invoice through Apix";
    let dir = run_transcript_with(&table, marker, &[], &settings);
    assert_eq!(apix.received().await, ["1000"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
