//! An invoice from a stored order: a Finvoice 3.0 e-invoice when the order has e-invoice
//! details, else a printable HTML invoice for the invoicing address the customer gave (postal or
//! email). The seller from configuration, the buyer and the amounts from the order as stored (its
//! cents and rate, never recomputed), the number and dates from the invoice stored on the order,
//! so the same order always prints the same bytes.

use askama::Template;
use order_intake::domain::{Field, Invoicing, Language, Package, Seller, helsinki};
use order_intake::store::{InvoiceRecord, OrderRecord};

use crate::format::euros;
pub use crate::payment::{grouped, grouped_rf, reference_number, rf_reference, virtual_barcode};

#[derive(Template)]
#[template(path = "finvoice.xml")]
struct FinvoiceXml<'a> {
    seller: &'a Seller,
    invoicing: &'a Invoicing,
    to_identifier: &'a str,
    to_intermediator: &'a str,
    message_id: &'a str,
    timestamp: String,
    buyer_business_id: Option<&'a str>,
    buyer_names: Vec<String>,
    buyer_contact: Option<&'a str>,
    delivery_date: String,
    invoice_number: u32,
    invoice_date: String,
    order_reference: &'a str,
    order_date: String,
    buyer_reference: Option<String>,
    net: String,
    vat: String,
    gross: String,
    vat_percent: String,
    payment_terms: String,
    due_date: String,
    article_id: &'a str,
    article_name: &'a str,
    beneficiary_name: String,
    payment_reference: String,
}

/// Why an order cannot be invoiced as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceError {
    #[error(
        "order {0} has neither an e-invoice address and operator nor an invoicing address: ask the customer where to send the invoice"
    )]
    NoInvoiceAddress(String),
    #[error("order {0} lacks {1}, which the invoice needs")]
    Incomplete(String, &'static str),
    #[error("the invoice could not be written: {0}")]
    Render(String),
    #[error("the seller's invoicing details are not configured (SELLER_* variables)")]
    NoSellerDetails,
}

/// The seller's invoicing details, which configuration checks before any invoice is made.
fn invoicing(seller: &Seller) -> Result<&Invoicing, InvoiceError> {
    seller
        .invoicing
        .as_ref()
        .ok_or(InvoiceError::NoSellerDetails)
}

fn ccyymmdd(date: jiff::civil::Date) -> String {
    date.strftime("%Y%m%d").to_string()
}

/// Text cut to `max` characters (Finvoice's limits count characters).
fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// A name over Finvoice's 70 characters, over several repeats of the element, none shorter
/// than the 2 characters the schema asks for.
pub fn split_name(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.trim().chars().collect();
    let mut parts: Vec<String> = chars.chunks(70).map(|c| c.iter().collect()).collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p.chars().count() < 2) {
        let last = parts.pop().unwrap_or_default();
        let previous = parts.pop().unwrap_or_default();
        let mut previous: Vec<char> = previous.chars().collect();
        let moved = previous.pop();
        parts.push(previous.into_iter().collect());
        parts.push(moved.into_iter().chain(last.chars()).collect());
    }
    parts
}

/// What an invoice is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceFormat {
    Finvoice,
    /// For printing or saving as PDF and sending to the order's invoicing address.
    Printable,
}

/// How this order is invoiced: by e-invoice when it has the details, else on paper or by email
/// to its invoicing address.
pub fn format_for(order: &OrderRecord) -> Result<InvoiceFormat, InvoiceError> {
    match (
        order.text(Field::EInvoiceAddress),
        order.text(Field::EInvoiceOperator),
        order.text(Field::InvoiceAddress),
    ) {
        (Some(_), Some(_), _) => Ok(InvoiceFormat::Finvoice),
        (_, _, Some(_)) => Ok(InvoiceFormat::Printable),
        _ => Err(InvoiceError::NoInvoiceAddress(order.reference.clone())),
    }
}

/// The invoice in the order's format.
pub fn document(
    order: &OrderRecord,
    invoice: &InvoiceRecord,
    seller: &Seller,
) -> Result<String, InvoiceError> {
    match format_for(order)? {
        InvoiceFormat::Finvoice => finvoice(order, invoice, seller),
        InvoiceFormat::Printable => printable(order, invoice, seller),
    }
}

#[derive(Template)]
#[template(path = "lasku.html")]
struct PrintableHtml<'a> {
    seller: &'a Seller,
    invoicing: &'a Invoicing,
    iban: String,
    invoice_number: u32,
    invoice_date: String,
    delivery_date: String,
    payment_terms: String,
    due_date: String,
    viite: String,
    rf: String,
    order_reference: &'a str,
    buyer_reference: Option<&'a str>,
    organization: &'a str,
    buyer_business_id: Option<&'a str>,
    buyer_contact: Option<&'a str>,
    invoice_address: &'a str,
    article_name: &'a str,
    net: String,
    vat: String,
    gross: String,
    vat_percent: String,
    barcode: Option<String>,
}

/// What every invoice takes from the order as stored (its cents and rate, never recomputed).
struct Billed<'a> {
    organization: &'a str,
    package: Package,
    net: i64,
    vat: i64,
    gross: i64,
    /// `25,5`.
    vat_percent: String,
}

fn billed(order: &OrderRecord) -> Result<Billed<'_>, InvoiceError> {
    let missing = |what| InvoiceError::Incomplete(order.reference.clone(), what);
    let organization = order
        .text(Field::Organization)
        .ok_or(missing("the organisation"))?;
    let package = order
        .text(Field::Package)
        .and_then(Package::parse)
        .ok_or(missing("a package"))?;
    let amounts = (order.net_cents, order.vat_cents, order.gross_cents);
    let (Some(net), Some(vat), Some(gross)) = amounts else {
        return Err(missing("its amounts"));
    };
    let vat_percent = order
        .vat_rate_percent
        .as_deref()
        .ok_or(missing("its VAT rate"))?
        .replace('.', ",");
    Ok(Billed {
        organization,
        package,
        net,
        vat,
        gross,
        vat_percent,
    })
}

/// A printable invoice in Finnish, for an order without e-invoice details.
pub fn printable(
    order: &OrderRecord,
    invoice: &InvoiceRecord,
    seller: &Seller,
) -> Result<String, InvoiceError> {
    let invoice_address = order
        .text(Field::InvoiceAddress)
        .ok_or_else(|| InvoiceError::NoInvoiceAddress(order.reference.clone()))?;
    let Billed {
        organization,
        package,
        net,
        vat,
        gross,
        vat_percent,
    } = billed(order)?;
    let viite = reference_number(invoice.number);
    let date = |d: jiff::civil::Date| d.strftime("%-d.%-m.%Y").to_string();
    let invoicing = invoicing(seller)?;
    let html = PrintableHtml {
        seller,
        invoicing,
        iban: grouped_rf(&invoicing.iban),
        invoice_number: invoice.number,
        invoice_date: date(invoice.invoice_date),
        delivery_date: date(invoice.delivery_date),
        payment_terms: format!("{} päivää netto", invoice.due_days),
        due_date: date(invoice.due_date),
        rf: grouped_rf(&rf_reference(&viite)),
        barcode: virtual_barcode(&invoicing.iban, gross, &viite, invoice.due_date),
        viite: grouped(&viite),
        order_reference: &order.reference,
        buyer_reference: order.text(Field::BillingReference),
        organization,
        buyer_business_id: order.text(Field::BusinessId),
        buyer_contact: order.text(Field::ContactName),
        invoice_address,
        article_name: order_intake::texts::package_name(package, Language::Fi),
        net: euros(net),
        vat: euros(vat),
        gross: euros(gross),
        vat_percent,
    };
    html.render()
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| InvoiceError::Render(e.to_string()))
}

/// The Finvoice XML of an order's invoice.
pub fn finvoice(
    order: &OrderRecord,
    invoice: &InvoiceRecord,
    seller: &Seller,
) -> Result<String, InvoiceError> {
    let (Some(to_identifier), Some(to_intermediator)) = (
        order.text(Field::EInvoiceAddress),
        order.text(Field::EInvoiceOperator),
    ) else {
        return Err(InvoiceError::NoInvoiceAddress(order.reference.clone()));
    };
    let Billed {
        organization,
        package,
        net,
        vat,
        gross,
        vat_percent,
    } = billed(order)?;
    let payment_reference = reference_number(invoice.number);
    let xml = FinvoiceXml {
        seller,
        invoicing: invoicing(seller)?,
        to_identifier,
        to_intermediator,
        message_id: &invoice.message_id,
        timestamp: local_time(invoice.made_at),
        buyer_business_id: order.text(Field::BusinessId),
        buyer_names: split_name(organization),
        // Left out when erased, or longer than Finvoice takes.
        buyer_contact: order
            .text(Field::ContactName)
            .filter(|name| name.chars().count() <= 70),
        delivery_date: ccyymmdd(invoice.delivery_date),
        invoice_number: invoice.number,
        invoice_date: ccyymmdd(invoice.invoice_date),
        order_reference: &order.reference,
        order_date: ccyymmdd(order.created_at.to_zoned_datetime(helsinki()).date()),
        // Orders taken before the limit of 70 characters may hold a longer one.
        buyer_reference: order.text(Field::BillingReference).map(|r| cut(r, 70)),
        net: euros(net),
        vat: euros(vat),
        gross: euros(gross),
        vat_percent,
        payment_terms: format!("{} päivää netto", invoice.due_days),
        due_date: ccyymmdd(invoice.due_date),
        article_id: package.id(),
        article_name: order_intake::texts::package_name(package, Language::Fi),
        beneficiary_name: cut(&seller.name, 35),
        payment_reference,
    };
    let text = xml
        .render()
        .map_err(|e| InvoiceError::Render(e.to_string()))?;
    Ok(text + "\n")
}

/// Finvoice's MessageTimeStamp: Helsinki time with its offset.
fn local_time(at: jiff::Timestamp) -> String {
    (at.to_zoned_datetime(helsinki()))
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_virtual_barcode_is_version_4_with_its_54_digits_in_their_places() {
        let due = jiff::civil::date(2027, 1, 15);
        let code = virtual_barcode("FI2112345600000785", 1_129_50, "10003", due).unwrap();
        assert_eq!(code.len(), 54);
        assert_eq!(&code[..1], "4");
        assert_eq!(&code[1..17], "2112345600000785");
        assert_eq!(&code[17..25], "00112950");
        assert_eq!(&code[25..28], "000");
        assert_eq!(&code[28..48], "00000000000000010003");
        assert_eq!(&code[48..], "270115");
        assert_eq!(
            virtual_barcode("SE4550000000058398257466", 100, "10003", due),
            None
        );
    }

    #[test]
    fn reference_numbers_carry_the_7_3_1_check_digit() {
        // Worked by hand: 1·7 + 0·3 + 0·1 + 0·7 = 7, so 3; 4·7 + 3·3 + 2·1 + 1·7 = 46, so 4.
        assert_eq!(reference_number(1000), "10003");
        assert_eq!(reference_number(1234), "12344");
        assert_eq!(reference_number(1001), "10016");
        assert_eq!(grouped("123456780"), "1234 56780");
        assert_eq!(grouped("10003"), "10003");
    }

    #[test]
    fn the_international_form_has_iso_11649_check_digits() {
        // ISO 11649's own example: RF18 5390 0754 7034.
        assert_eq!(rf_reference("539007547034"), "RF18539007547034");
        assert_eq!(grouped_rf("RF18539007547034"), "RF18 5390 0754 7034");
    }

    #[test]
    fn a_long_name_is_split_into_parts_of_two_to_seventy_characters() {
        let name = "a".repeat(141);
        let parts = split_name(&name);
        assert_eq!(parts.concat(), name);
        assert!(
            parts.iter().all(|p| (2..=70).contains(&p.chars().count())),
            "{parts:?}"
        );
        assert_eq!(split_name("Tuusulan kunta"), ["Tuusulan kunta"]);
    }

    fn seller() -> Seller {
        let value = |name: &str| {
            Some(match name {
                "SELLER_IBAN" => "FI2112345600000785".to_owned(),
                "SELLER_BIC" => "NDEAFIHH".to_owned(),
                "SELLER_BUSINESS_ID" => "1234567-1".to_owned(),
                "SELLER_PHONE" => "+358 40 123 4567".to_owned(),
                _ => format!("{name} & <co>"),
            })
        };
        crate::config::OpsConfig::from_lookup(|name| match name {
            "ORDERS_TABLE" => Some("orders".to_owned()),
            "SENDER_EMAIL" | "TRAINER_EMAILS" | "RETENTION_MONTHS" => None,
            _ => value(name),
        })
        .unwrap()
        .seller
        .unwrap()
    }

    /// What a customer typed can hold `<`, `&` or quotes; in the XML it stays text.
    #[test]
    fn text_from_the_order_and_the_configuration_is_escaped() {
        let item: order_intake::store::Item = [
            ("pk", "order#K7M2-QX9P"),
            ("created_at", "2026-11-20T10:00:00Z"),
            ("package", "somestartti"),
            ("organization", "Kunta <b>&</b> \"Oy\" 'x'"),
            ("contact_name", "</BuyerContactPersonName><Evil/>"),
            ("einvoice_address", "003702012566"),
            ("einvoice_operator", "003721291126"),
            ("billing_reference", "<![CDATA[x]]>"),
            ("vat_rate_percent", "25.5"),
        ]
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_owned(),
                aws_sdk_dynamodb::types::AttributeValue::S(v.to_owned()),
            )
        })
        .chain(
            [
                ("net_cents", "50000"),
                ("vat_cents", "12750"),
                ("gross_cents", "62750"),
            ]
            .map(|(k, v)| {
                (
                    k.to_owned(),
                    aws_sdk_dynamodb::types::AttributeValue::N(v.to_owned()),
                )
            }),
        )
        .collect();
        let order = OrderRecord::from_item(&item).unwrap();
        let terms = order_intake::store::InvoiceTerms {
            invoice_date: jiff::civil::date(2026, 11, 27),
            delivery_date: jiff::civil::date(2026, 11, 20),
            due_days: 14,
        };
        let reference = order_intake::domain::Reference::parse("K7M2-QX9P").unwrap();
        let invoice = InvoiceRecord::new(
            &reference,
            1000,
            &terms,
            "2026-11-27T10:00:00Z".parse().unwrap(),
        );
        let xml = finvoice(&order, &invoice, &seller()).unwrap();
        for raw in ["<b>", "<Evil/>", "<![CDATA[", "<co>"] {
            assert!(!xml.contains(raw), "{raw} unescaped");
        }
        assert!(xml.contains("Kunta &#60;b&#62;&#38;&#60;/b&#62;"), "{xml}");
        assert!(
            xml.contains("<InvoiceTotalVatIncludedAmount AmountCurrencyIdentifier=\"EUR\">627,50<")
        );
    }
}
