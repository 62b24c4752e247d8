//! Order intake for Some-työpajat: a Lambda function that turns a website's order form into a
//! stored order and two confirmation emails.
//!
//! Layers, each using only the ones below it (docs/ARCHITECTURE.md; tests/api/architecture.rs
//! checks it): `entry` (every Lambda event to its handler) → `http` (HTTP request ⇄ use case) →
//! `intake` (the use cases: placing an order, the retry run, SES's reports, a booking, a resend
//! or release, erasure) → `store` and `email` (traits with DynamoDB, SES and in-memory
//! implementations) → `texts` → `domain`.

// Amounts in cents are written euros_cents: `1_129_50` is 1 129,50 €.
#![allow(clippy::inconsistent_digit_grouping)]

pub mod aws;
pub mod config;
pub mod domain;
pub mod door;
pub mod email;
pub mod entry;
pub mod http;
pub mod human_check;
pub mod i18n;
pub mod intake;
pub mod measure;
pub mod store;
pub mod telemetry;
pub mod texts;
