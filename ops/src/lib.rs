//! The `orders` command: what the people after an order (trainers, ops, the bookkeeper) do
//! with it. Reads go through the by-month index; writes go through the same store and intake
//! code as the function, so a resend or an erasure keeps the function's rules.

// Amounts in cents are written euros_cents: `1_129_50` is 1 129,50 €.
#![allow(clippy::inconsistent_digit_grouping)]

pub mod accounts;
pub mod amount;
pub mod apix;
mod assigning;
pub mod billing;
pub mod bookings;
pub mod breaker;
pub mod camt;
pub mod cli;
mod cli_args;
pub mod config;
pub mod correction;
pub mod crediting;
pub mod desk;
pub mod documents;
pub mod error;
pub mod filing;
pub mod format;
pub mod invoice;
pub mod invoice_pdf;
pub mod journal;
pub mod ledger;
pub mod operator;
pub mod operator_settings;
pub mod payment;
pub mod period;
pub mod receivables;
pub mod report;
pub mod rows;
pub mod sending;
pub mod spreadsheet;
pub mod store;
pub mod trainers;
pub mod uninvoiced;

pub use cli::{Cli, Command, ExportFormat};
pub use config::OpsConfig;
pub use error::OpsError;
pub use operator::Operator;
pub(crate) use operator::{parse_reference, refusal};
