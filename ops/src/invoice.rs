//! An invoice or credit note as issued, on paper or as data: a Finvoice 3.0 e-invoice when the
//! order had e-invoice details, else a printable HTML invoice for its invoicing address. All of
//! it comes from the document as stored (its parties frozen at issue: `store::Parties`), never
//! from the order, so a reprint and a credit note show exactly what was issued.

use crate::store::{DocumentKind, IssuedInvoice, IssuingSeller, OrderRecord, Parties, Routing};
use askama::Template;
use order_intake::domain::{
    BillingAddress, Field, Invoicing, Seller, VatCategory, helsinki, vat_breakdown,
};

use crate::amount::euros;
pub use crate::payment::{grouped, grouped_rf, reference_number, rf_reference, virtual_barcode};

/// Late payment: the interest the Interest Act allows between businesses (korkolaki 4 a §).
pub const LATE_INTEREST: &str = "Viivästyskorko korkolain mukaan";
/// Why a fee bears no VAT (Finvoice's VatFreeText: at most 70 characters).
pub const OUTSIDE_VAT: &str = "Ei alv:n alainen: vahingonkorvauksen luonteinen peruutusmaksu";
/// The customary complaint period.
pub const COMPLAINTS: &str = "Huomautukset laskusta 8 päivän kuluessa.";

/// Finvoice's `SchemeID` of an OVT address (EAS 0037); none for another kind of address.
pub fn ovt_scheme(address: &str) -> &'static str {
    if address.starts_with("0037") {
        " SchemeID=\"0037\""
    } else {
        ""
    }
}

/// Why an order cannot be invoiced as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceError {
    #[error(
        "order {0} has neither an e-invoice address and operator nor a billing or invoicing address: ask the customer where to send the invoice, then: orders set-invoicing {0} …"
    )]
    NoInvoiceAddress(String),
    #[error(
        "order {0} has no billing address, which an invoice must carry (the buyer's name and address, AVL 209 e §): add it with: orders set-invoicing {0} --street \"PL 60\" --postcode 04301 --town Tuusula"
    )]
    NoBillingAddress(String),
    #[error(
        "order {0} has an e-invoice address and no operator, so the invoice could not travel: ask the customer for their operator's code, then: orders set-invoicing {0} --operator 003721291126"
    )]
    NoOperator(String),
    #[error("order {0} lacks {1}, which the invoice needs")]
    Incomplete(String, &'static str),
    #[error("the invoice could not be written: {0}")]
    Render(String),
    #[error("the seller's invoicing details are not configured (SELLER_* variables)")]
    NoSellerDetails,
    #[error(
        "document {0} went on paper: it has no e-invoice address to make a Finvoice for (--format html prints it)"
    )]
    NotEinvoice(u32),
}

/// The seller as a document issued now carries it: configuration's, checked before any
/// invoice is made.
pub fn issuing_seller(seller: &Seller) -> Result<IssuingSeller, InvoiceError> {
    let invoicing = (seller.invoicing.as_ref()).ok_or(InvoiceError::NoSellerDetails)?;
    Ok(IssuingSeller::of(seller, invoicing))
}

fn ccyymmdd(date: jiff::civil::Date) -> String {
    date.strftime("%Y%m%d").to_string()
}

fn finnish_date(date: jiff::civil::Date) -> String {
    date.strftime("%-d.%-m.%Y").to_string()
}

/// Text cut to `max` characters (Finvoice's limits count characters).
pub(crate) fn cut(text: &str, max: usize) -> String {
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
    /// For printing or saving as PDF and sending to the order's invoicing address (or by post
    /// to its billing address).
    Printable,
}

/// Whether the order has what routes an invoice: the billing address every invoice carries,
/// and an operator for an e-invoice address (an order taken before the form asked for both is
/// never silently put on paper).
pub fn routable(order: &OrderRecord) -> Result<(), InvoiceError> {
    let reference = || order.reference.clone();
    if billing_address(order).is_none() {
        return Err(InvoiceError::NoBillingAddress(reference()));
    }
    if order.text(Field::EInvoiceAddress).is_some() && order.text(Field::EInvoiceOperator).is_none()
    {
        return Err(InvoiceError::NoOperator(reference()));
    }
    Ok(())
}

/// The order's billing address, when it has all of it.
pub fn billing_address(order: &OrderRecord) -> Option<BillingAddress> {
    let part = |field| order.text(field).map(str::to_owned);
    BillingAddress::from_parts(
        part(Field::BillingStreet),
        part(Field::BillingPostcode),
        part(Field::BillingTown),
    )
    .flatten()
}

/// Whether this printing is the first of the document or a copy of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printing {
    Original,
    Copy,
}

/// The document as issued: in the format it went in (`None`), or as asked.
pub fn document(
    issued: &IssuedInvoice,
    printing: Printing,
    format: Option<InvoiceFormat>,
) -> Result<String, InvoiceError> {
    let parties = issued.parties.as_ref().ok_or(InvoiceError::Incomplete(
        issued.reference.clone(),
        "its details as issued",
    ))?;
    let went = match parties.routing {
        Routing::Einvoice { .. } => InvoiceFormat::Finvoice,
        Routing::Paper { .. } => InvoiceFormat::Printable,
    };
    let content = Content::of(issued, parties, printing);
    let text = match format.unwrap_or(went) {
        InvoiceFormat::Finvoice => finvoice(parties, content)?,
        InvoiceFormat::Printable => PrintableHtml { c: content }
            .render()
            .map_err(|e| InvoiceError::Render(e.to_string()))?,
    };
    Ok(text + "\n")
}

/// One line as both formats print it.
struct Row {
    position: usize,
    article_id: String,
    name: String,
    /// `1`, or `-1` for a row that takes off (the unit price stays positive).
    quantity: &'static str,
    unit_price: String,
    /// `None` outside VAT's scope.
    vat_percent: Option<String>,
    vat_code: &'static str,
    vat: String,
    net: String,
    gross: String,
}

/// A VAT rate's base and VAT.
struct VatGroup {
    /// `None` outside VAT's scope (EN 16931 BR-O: no rate).
    percent: Option<String>,
    code: &'static str,
    base: String,
    vat: String,
}

/// What both formats print: the document's facts, formatted once.
struct Content<'a> {
    seller: &'a IssuingSeller,
    invoicing: &'a Invoicing,
    credit: bool,
    copy: bool,
    number: u32,
    message_id: &'a str,
    made_at: jiff::Timestamp,
    invoice_date: jiff::civil::Date,
    delivery_date: jiff::civil::Date,
    due_date: jiff::civil::Date,
    original: Option<(u32, jiff::civil::Date)>,
    order_reference: &'a str,
    purchase_order: Option<&'a str>,
    buyer_reference: Option<&'a str>,
    buyer: &'a str,
    buyer_business_id: Option<&'a str>,
    buyer_address: Option<&'a BillingAddress>,
    buyer_contact: Option<&'a str>,
    /// Where a paper invoice goes, when not to its billing address.
    send_to: Option<&'a str>,
    rows: Vec<Row>,
    vat_groups: Vec<VatGroup>,
    net: String,
    vat: String,
    gross: String,
    gross_cents: i64,
    payment_terms: String,
    viite: String,
}

impl<'a> Content<'a> {
    fn of(issued: &'a IssuedInvoice, parties: &'a Parties, printing: Printing) -> Content<'a> {
        let credit = issued.kind == DocumentKind::Credit;
        let totals = issued.totals();
        let rows = rows(issued);
        // No other category stands beside one outside VAT's scope (`billing` sees to it).
        let outside = (issued.lines.iter()).any(|l| l.vat_category == VatCategory::OutsideScope);
        let vat_groups = (vat_breakdown(&issued.lines).into_iter())
            .map(|(rate, sum)| {
                let category = match outside {
                    true => VatCategory::OutsideScope,
                    false => VatCategory::Standard,
                };
                VatGroup {
                    percent: category.is_standard().then(|| rate.percent()),
                    code: category.code(),
                    base: euros(sum.net_cents),
                    vat: euros(sum.vat_cents),
                }
            })
            .collect();
        let payment_terms = match issued.original {
            Some(original) => format!("Hyvityslasku laskulle {}: ei maksettavaa", original.number),
            None => format!("{} päivää netto", issued.record.due_days),
        };
        Content {
            seller: &parties.seller,
            invoicing: &parties.seller.invoicing,
            credit,
            copy: printing == Printing::Copy,
            number: issued.record.number,
            message_id: &issued.record.message_id,
            made_at: issued.record.made_at,
            invoice_date: issued.record.invoice_date,
            delivery_date: issued.record.delivery_date,
            due_date: issued.record.due_date,
            original: issued.original.map(|o| (o.number, o.date)),
            order_reference: &issued.reference,
            purchase_order: parties.purchase_order.as_deref(),
            buyer_reference: parties.buyer_reference.as_deref(),
            buyer: &issued.buyer,
            buyer_business_id: issued.buyer_business_id.as_deref(),
            buyer_address: parties.buyer_address.as_ref(),
            buyer_contact: parties.contact.as_deref(),
            send_to: match &parties.routing {
                Routing::Paper { send_to } => send_to.as_deref(),
                Routing::Einvoice { .. } => None,
            },
            rows,
            vat_groups,
            net: euros(totals.net_cents),
            vat: euros(totals.vat_cents),
            gross: euros(totals.gross_cents),
            gross_cents: totals.gross_cents,
            payment_terms,
            viite: reference_number(issued.record.number),
        }
    }

    fn title(&self) -> &'static str {
        if self.credit { "HYVITYSLASKU" } else { "LASKU" }
    }
}

/// Quantity one, or minus one for a row that takes off (a credit note's, a discount), so the
/// unit price stays positive and quantity times price is the row.
fn rows(issued: &IssuedInvoice) -> Vec<Row> {
    (issued.lines.iter().enumerate())
        .map(|(i, line)| Row {
            position: i + 1,
            article_id: line.article_id.clone(),
            name: line.name.clone(),
            quantity: if line.net_cents < 0 { "-1" } else { "1" },
            unit_price: euros(line.net_cents.abs()),
            vat_percent: (line.vat_category.is_standard()).then(|| line.vat_rate.percent()),
            vat_code: line.vat_category.code(),
            vat: euros(line.vat_cents),
            net: euros(line.net_cents),
            gross: euros(line.gross_cents()),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "lasku.html")]
struct PrintableHtml<'a> {
    c: Content<'a>,
}

impl PrintableHtml<'_> {
    fn date(&self, date: &jiff::civil::Date) -> String {
        finnish_date(*date)
    }

    fn iban(&self) -> String {
        grouped_rf(&self.c.invoicing.iban)
    }

    fn viite(&self) -> String {
        grouped(&self.c.viite)
    }

    fn rf(&self) -> String {
        grouped_rf(&rf_reference(&self.c.viite))
    }

    fn barcode(&self) -> Option<String> {
        let c = &self.c;
        (!c.credit)
            .then(|| virtual_barcode(&c.invoicing.iban, c.gross_cents, &c.viite, c.due_date))
            .flatten()
    }
}

#[derive(Template)]
#[template(path = "finvoice.xml")]
struct FinvoiceXml<'a> {
    c: Content<'a>,
    to_identifier: &'a str,
    to_intermediator: &'a str,
    timestamp: String,
    buyer_names: Vec<String>,
    order_date: String,
    beneficiary_name: String,
}

impl FinvoiceXml<'_> {
    fn day(&self, date: &jiff::civil::Date) -> String {
        ccyymmdd(*date)
    }
}

/// The Finvoice XML of a document.
fn finvoice(parties: &Parties, c: Content<'_>) -> Result<String, InvoiceError> {
    let Routing::Einvoice { address, operator } = &parties.routing else {
        return Err(InvoiceError::NotEinvoice(c.number));
    };
    let xml = FinvoiceXml {
        to_identifier: address,
        to_intermediator: operator,
        timestamp: local_time(c.made_at),
        buyer_names: split_name(c.buyer),
        order_date: ccyymmdd(parties.order_date),
        beneficiary_name: cut(&c.seller.name, 35),
        c,
    };
    xml.render()
        .map_err(|e| InvoiceError::Render(e.to_string()))
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
    use crate::documents::legacy_invoice;

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
                "SELLER_POSTCODE" => "00100".to_owned(),
                "SELLER_EMAIL" => "laskutus@some-tyopajat.example".to_owned(),
                _ => format!("{name} & <co>"),
            })
        };
        crate::config::OpsConfig::from_lookup(|name| match name {
            "ORDERS_TABLE" => Some("orders".to_owned()),
            "SENDER_EMAIL" | "TRAINER_EMAILS" | "RETENTION_MONTHS" | "INVOICE_NUMBER_START" => None,
            journal if journal.starts_with("JOURNAL_") => None,
            _ => value(name),
        })
        .unwrap()
        .seller
        .unwrap()
    }

    /// What a customer typed can hold `<`, `&` or quotes; in the XML it stays text.
    #[test]
    fn text_from_the_order_and_the_configuration_is_escaped() {
        let item: order_intake::store::codec::Item = [
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
        let terms = crate::store::InvoiceTerms {
            invoice_date: jiff::civil::date(2026, 11, 27),
            delivery_date: jiff::civil::date(2026, 11, 20),
            due_days: 14,
        };
        let reference = order_intake::domain::Reference::parse("K7M2-QX9P").unwrap();
        let record = crate::store::InvoiceRecord::new(
            &reference,
            1000,
            &terms,
            "2026-11-27T10:00:00Z".parse().unwrap(),
        );
        let mut issued = legacy_invoice(&order, &record).unwrap();
        let seller = issuing_seller(&seller()).unwrap();
        issued.parties = Parties::of(&order, seller, false);
        let xml = document(&issued, Printing::Original, None).unwrap();
        for raw in ["<b>", "<Evil/>", "<![CDATA[", "<co>"] {
            assert!(!xml.contains(raw), "{raw} unescaped");
        }
        assert!(xml.contains("Kunta &#60;b&#62;&#38;&#60;/b&#62;"), "{xml}");
        assert!(
            xml.contains("<InvoiceTotalVatIncludedAmount AmountCurrencyIdentifier=\"EUR\">627,50<")
        );
    }
}
