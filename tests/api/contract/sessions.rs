//! `Sessions`: a sign-in nonce used once, sessions by their id's hash, a trainer's list, a
//! sign-out that ends them all.

use order_intake::store::{Store, TrainerSession};

use super::store_contract;
use crate::fixtures::at;

fn session(trainer: &str, device: &str, started: i64) -> TrainerSession {
    TrainerSession {
        trainer: trainer.into(),
        device: device.into(),
        created_at: at(started),
        last_used: at(started),
        expires_at: at(started + 90 * 86_400),
    }
}

async fn a_sign_in_is_used_once_and_a_sign_out_ends_every_session(store: &dyn Store) {
    let nonce = format!("n{}", uuid::Uuid::now_v7().simple());
    assert!(store.use_sign_in(&nonce, at(900)).await.unwrap());
    assert!(!store.use_sign_in(&nonce, at(900)).await.unwrap(), "once");
    let trainer = format!("Pilvi {}", uuid::Uuid::now_v7().simple());
    let phone = session(&trainer, "iPhone", 0);
    let laptop = session(&trainer, "Firefox", 10);
    store.start_session("hash-phone", &phone).await.unwrap();
    store.start_session("hash-laptop", &laptop).await.unwrap();
    assert_eq!(
        store.session("hash-phone").await.unwrap(),
        Some(phone.clone())
    );
    assert_eq!(store.session("no-such").await.unwrap(), None);
    // Used a day later: its end moves on.
    let later = at(86_400);
    let ends = at(86_400 + 90 * 86_400);
    store
        .touch_session("hash-phone", later, ends)
        .await
        .unwrap();
    let touched = store.session("hash-phone").await.unwrap().unwrap();
    assert_eq!((touched.last_used, touched.expires_at), (later, ends));
    let listed = store.sessions_of(&trainer, later).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].device, "iPhone");
    assert_eq!(listed[0].last_used, later);
    // A lost phone: every session of the trainer ends.
    assert_eq!(store.sign_out(&trainer, at(90_000)).await.unwrap(), 2);
    let ended = store.session("hash-laptop").await.unwrap().unwrap();
    assert!(ended.expires_at <= at(90_000));
    assert!(
        store
            .sessions_of(&trainer, at(90_001))
            .await
            .unwrap()
            .is_empty()
    );
    // An ended session is not brought back by a use.
    store
        .touch_session("hash-laptop", at(90_002), ends)
        .await
        .unwrap();
    assert!(
        store
            .session("hash-laptop")
            .await
            .unwrap()
            .unwrap()
            .expires_at
            <= at(90_000)
    );
}

store_contract!(a_sign_in_is_used_once_and_a_sign_out_ends_every_session);
