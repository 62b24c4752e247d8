//! Any bytes, as a JSON or a form body: parse, validate, and for a valid order price it and
//! render both emails. Nothing may panic; a valid order's emails must carry its reference.
#![no_main]

use libfuzzer_sys::fuzz_target;
use order_intake::domain::{Delivery, NewOrder, Order, Reference};
use order_intake::email::{customer_email, trainer_email};
use order_intake::http::body::{self, MediaType};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let media = if selector & 1 == 0 { MediaType::Json } else { MediaType::Form };
    let Ok(form) = body::parse(media, bytes) else { return };
    let today = jiff::civil::date(2026, 11, 26);
    let Ok(details) = NewOrder::parse(&form, today) else { return };
    let _ = details.fingerprint();
    let reference = Reference::random();
    let order = Order {
        order_id: "fuzz".into(),
        reference: reference.clone(),
        created_at: jiff::Timestamp::UNIX_EPOCH,
        price: details.package.price(),
        details,
        customer_email: Delivery::Failed { attempts: 0 },
        trainer_email: Delivery::Failed { attempts: 0 },
        reports: Default::default(),
    };
    for email in [customer_email(&order, &[]), trainer_email(&order, &[])] {
        assert!(email.subject.contains(reference.as_str()));
        assert!(!email.subject.contains(['\r', '\n']));
        assert!(email.html.contains(reference.as_str()));
    }
});
