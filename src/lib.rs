//! Order intake for Some-työpajat: a Lambda function that turns a website's order form into a
//! stored order and two confirmation emails.
//!
//! Layers, each using only the ones below it:
//! `http` (Lambda event ⇄ use case) → `intake` (dedupe, store, then mail) →
//! `store` and `email` (traits with DynamoDB, SES and in-memory implementations) → `domain`.

pub mod domain;
