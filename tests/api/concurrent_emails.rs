//! The two emails of an order go out at the same time, not one after the other: a count, not a
//! timing (make bench shows what it saves).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use order_intake::email::{Email, MailError, Mailer};
use order_intake::store::MemoryStore;

use crate::helpers::*;

/// Every send waits until another send has started. Sent one after the other, the first would
/// wait in vain and fail.
struct RendezvousMailer {
    barrier: tokio::sync::Barrier,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

#[async_trait]
impl Mailer for RendezvousMailer {
    async fn send(&self, _email: &Email) -> Result<String, MailError> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        let met = tokio::time::timeout(Duration::from_secs(5), self.barrier.wait()).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        met.map(|_| "rendezvous".to_owned()).map_err(|_| MailError {
            code: "alone".into(),
            detail: "no other email was being sent".into(),
            permanent: false,
        })
    }
}

#[tokio::test]
async fn the_second_email_starts_before_the_first_ends() {
    let mailer = Arc::new(RendezvousMailer {
        barrier: tokio::sync::Barrier::new(2),
        in_flight: AtomicUsize::new(0),
        most_in_flight: AtomicUsize::new(0),
    });
    let app = build_app(
        Arc::new(MemoryStore::new()),
        mailer.clone(),
        trainers("concurrent"),
        fixed_clock(),
    );
    let answer = app.send(&read_event("apigw-http-json-order")).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(answer.json()["email_status"], "sent", "{}", answer.body);
    assert_eq!(mailer.most_in_flight.load(Ordering::SeqCst), 2);
}
