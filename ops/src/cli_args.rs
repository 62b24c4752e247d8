//! `orders set-invoicing`'s arguments: one option per invoicing field.

use clap::Args;

/// What `orders set-invoicing` is asked: only the values given change.
#[derive(Debug, Clone, Default, Args)]
pub struct SetInvoicingArgs {
    pub reference: String,
    #[arg(long)]
    pub business_id: Option<String>,
    /// E-invoice address (OVT: 0037 + the Y-tunnus's digits + up to five characters).
    #[arg(long)]
    pub einvoice_address: Option<String>,
    /// The e-invoice operator's code (välittäjätunnus).
    #[arg(long)]
    pub operator: Option<String>,
    #[arg(long)]
    pub billing_reference: Option<String>,
    /// The buyer's purchase order number.
    #[arg(long)]
    pub purchase_order: Option<String>,
    /// The billing address: street or PL box, postcode and town (together when new).
    #[arg(long)]
    pub street: Option<String>,
    #[arg(long)]
    pub postcode: Option<String>,
    #[arg(long)]
    pub town: Option<String>,
    /// Where a printable invoice is sent (an email address).
    #[arg(long)]
    pub invoice_address: Option<String>,
    /// Who makes the change, for the order's log (default: ORDERS_OPERATOR or the login name).
    #[arg(long)]
    pub by: Option<String>,
}

impl SetInvoicingArgs {
    /// The values given, by field.
    pub fn values(&self) -> Vec<(order_intake::domain::Field, String)> {
        use order_intake::domain::Field;
        [
            (Field::BusinessId, &self.business_id),
            (Field::EInvoiceAddress, &self.einvoice_address),
            (Field::EInvoiceOperator, &self.operator),
            (Field::BillingReference, &self.billing_reference),
            (Field::PurchaseOrder, &self.purchase_order),
            (Field::BillingStreet, &self.street),
            (Field::BillingPostcode, &self.postcode),
            (Field::BillingTown, &self.town),
            (Field::InvoiceAddress, &self.invoice_address),
        ]
        .into_iter()
        .filter_map(|(field, value)| Some((field, value.clone()?)))
        .collect()
    }
}
