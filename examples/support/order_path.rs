//! The per-order work without the network, shared by the criterion benchmark
//! (benches/order_path.rs) and the instruction count (examples/order_path_cost.rs): parse the
//! body, validate, price, render both emails. The bodies are those of the sample events.

use base64::Engine;
use jiff::Timestamp;
use jiff::civil::Date;
use order_intake::domain::{
    BusinessId, Delivery, EmailAddress, Language, NewOrder, Order, Phone, Reference, Seller,
};
use order_intake::email::{Email, customer_email, trainer_email};
use order_intake::http::body::{self, MediaType};

pub struct Sample {
    pub media: MediaType,
    pub body: Vec<u8>,
}

fn event_body(name: &str) -> Vec<u8> {
    let path = format!("{}/events/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let event: serde_json::Value = serde_json::from_str(&text).expect("an event file is JSON");
    let body = event["body"].as_str().expect("the event has a body");
    if event["isBase64Encoded"] == true {
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("base64 body")
    } else {
        body.as_bytes().to_vec()
    }
}

/// A typical JSON order (every field filled, as the form's script sends it).
pub fn json_order() -> Sample {
    Sample {
        media: MediaType::Json,
        body: event_body("apigw-http-json-order"),
    }
}

/// The same kind of order as a plain HTML form sends it.
pub fn form_order() -> Sample {
    Sample {
        media: MediaType::Form,
        body: event_body("apigw-http-form-order"),
    }
}

pub fn trainers() -> Vec<EmailAddress> {
    [
        "pilvi.nummi@some-tyopajat.example",
        "jaana.pohjola@some-tyopajat.example",
    ]
    .iter()
    .map(|a| EmailAddress::parse(a).expect("valid trainer address"))
    .collect()
}

/// What the function does for one order between receiving it and calling DynamoDB and SES.
/// The time, id and reference are fixed so the instruction count repeats.
pub fn process(sample: &Sample, trainers: &[EmailAddress]) -> (Email, Email) {
    let form = body::parse(sample.media, &sample.body).expect("the sample body parses");
    let today = Date::constant(2026, 11, 26);
    let details = NewOrder::parse(&form, today).expect("the sample order is valid");
    let created_at: Timestamp = "2026-11-26T10:00:00Z".parse().expect("a timestamp");
    let claimed = Delivery::Sending {
        attempts: 0,
        until: created_at,
    };
    let mut order = Order::placed(details, created_at, claimed);
    order.order_id = "01a217ad-8a08-7163-b478-5a43ff87c27b".to_owned();
    order.reference = Reference::parse("K7Q4-M2XD").expect("a reference");
    // As production renders it: with the seller's line and the terms.
    let seller = Seller {
        name: "Some-työpajat Oy".to_owned(),
        business_id: BusinessId::parse("1234567-1").expect("a Y-tunnus"),
        phone: Phone::parse("+358 40 123 4567").expect("a phone number"),
        terms: [
            (Language::Fi, "Ehdot"),
            (Language::Sv, "Villkor"),
            (Language::En, "Terms"),
        ]
        .into_iter()
        .map(|(language, terms)| (language, terms.repeat(20)))
        .collect(),
        invoicing: None,
        email: None,
    };
    (
        customer_email(
            &order,
            trainers,
            Some(&seller),
            None,
            order_intake::domain::CancellationTerms::default(),
        ),
        trainer_email(&order, trainers, None),
    )
}
