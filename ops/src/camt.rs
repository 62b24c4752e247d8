//! The bank's reference-payment files (ISO 20022): camt.054 debit/credit notifications
//! (`BkToCstmrDbtCdtNtfctn/Ntfctn`) and camt.053 statements (`BkToCstmrStmt/Stmt`), any
//! version, read as Finance Finland's guides describe them: each booked credit entry
//! (`CdtDbtInd` CRDT, not a reversal) and each transaction in it (`NtryDtls/TxDtls`), with its
//! amount, its reference (`RmtInf/Strd/CdtrRefInf/Ref`, a viitenumero or an RF reference) or
//! its free text (`RmtInf/Ustrd`), the bank's archive id (`AcctSvcrRef`) and its booking date.

use jiff::civil::Date;
use roxmltree::{Document, Node};

/// One incoming payment as the bank reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankPayment {
    /// The bank's archive id (arkistointitunnus): the same payment in another file has the
    /// same one, so importing twice changes nothing.
    pub archive_id: String,
    pub booked: Date,
    pub cents: i64,
    /// `EUR`, or what the bank said.
    pub currency: String,
    /// The structured reference as given (`CdtrRefInf/Ref`).
    pub reference: Option<String>,
    /// The free-text message (`Ustrd`), where a payer may have typed the reference.
    pub message: Option<String>,
    /// The payer's name as the bank gave it: shown to a person for an unmatched payment.
    pub payer: Option<String>,
}

/// Why a file is not a reference-payment file this command reads.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CamtError {
    #[error("not XML: {0}")]
    NotXml(String),
    #[error(
        "not a camt.053 statement or camt.054 notification (the root is {0:?}): ask the bank for ISO 20022 XML reference payments"
    )]
    NotCamt(String),
    #[error("entry {0}: {1}")]
    Entry(usize, String),
}

/// The payments (booked credits) in a camt.053 or camt.054 file, in the file's order.
pub fn payments(xml: &str) -> Result<Vec<BankPayment>, CamtError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let document =
        Document::parse_with_options(xml, options).map_err(|e| CamtError::NotXml(e.to_string()))?;
    let root = document.root_element();
    let namespace = root.tag_name().namespace().unwrap_or_default();
    let message = root.first_element_child();
    let reports = match message.map(|m| m.tag_name().name()) {
        Some("BkToCstmrDbtCdtNtfctn") if namespace.contains(":camt.054.") => "Ntfctn",
        Some("BkToCstmrStmt") if namespace.contains(":camt.053.") => "Stmt",
        _ => return Err(CamtError::NotCamt(namespace.to_owned())),
    };
    let mut found = Vec::new();
    let entries = (children(message.expect("matched above"), reports))
        .flat_map(|report| children(report, "Ntry"));
    for (index, entry) in entries.enumerate() {
        found.extend(entry_payments(entry).map_err(|e| CamtError::Entry(index + 1, e))?);
    }
    Ok(found)
}

/// A booked credit entry's payments: one per transaction, or the entry itself without any.
fn entry_payments(entry: Node) -> Result<Vec<BankPayment>, String> {
    let credit = text(entry, &["CdtDbtInd"]) == Some("CRDT");
    let reversal = text(entry, &["RvslInd"]) == Some("true");
    // camt.053/054 .001.02 has `Sts` as text; later versions `Sts/Cd`.
    let status = text(entry, &["Sts", "Cd"]).or_else(|| text(entry, &["Sts"]));
    if !credit || reversal || status.is_some_and(|s| s != "BOOK") {
        return Ok(Vec::new());
    }
    let booked = (text(entry, &["BookgDt", "Dt"]))
        .or_else(|| text(entry, &["ValDt", "Dt"]))
        .and_then(|d| d.get(..10)?.parse::<Date>().ok())
        .ok_or("no booking date (BookgDt/Dt)")?;
    let entry_id = (text(entry, &["AcctSvcrRef"]))
        .or_else(|| text(entry, &["NtryRef"]))
        .ok_or("no archive id (AcctSvcrRef)")?;
    let transactions: Vec<Node> = (children(entry, "NtryDtls"))
        .flat_map(|details| children(details, "TxDtls"))
        .collect();
    let (entry_cents, entry_currency) = amount(entry, &["Amt"])?;
    if transactions.is_empty() {
        return Ok(vec![BankPayment {
            archive_id: entry_id.to_owned(),
            booked,
            cents: entry_cents,
            currency: entry_currency,
            reference: None,
            message: None,
            payer: None,
        }]);
    }
    let single = transactions.len() == 1;
    let mut payments = Vec::new();
    for (index, tx) in transactions.into_iter().enumerate() {
        let (cents, currency) = match amount(tx, &["AmtDtls", "TxAmt", "Amt"]) {
            Ok(found) => found,
            Err(_) if single => (entry_cents, entry_currency.clone()),
            Err(error) => return Err(error),
        };
        let archive_id = match text(tx, &["Refs", "AcctSvcrRef"]) {
            Some(id) => id.to_owned(),
            None if single => entry_id.to_owned(),
            None => format!("{entry_id}/{}", index + 1),
        };
        payments.push(BankPayment {
            archive_id,
            booked,
            cents,
            currency,
            ..remittance(tx)
        });
    }
    Ok(payments)
}

/// A transaction's reference, message and payer (the rest left for the caller).
fn remittance(tx: Node) -> BankPayment {
    let unstructured: Vec<&str> = (children(tx, "RmtInf"))
        .flat_map(|r| children(r, "Ustrd"))
        .filter_map(|n| n.text())
        .collect();
    BankPayment {
        archive_id: String::new(),
        booked: Date::ZERO,
        cents: 0,
        currency: String::new(),
        reference: text(tx, &["RmtInf", "Strd", "CdtrRefInf", "Ref"]).map(str::to_owned),
        message: (!unstructured.is_empty()).then(|| unstructured.join(" ")),
        payer: text(tx, &["RltdPties", "Dbtr", "Nm"])
            .or_else(|| text(tx, &["RltdPties", "Dbtr", "Pty", "Nm"]))
            .map(str::to_owned),
    }
}

/// An amount element (`<Amt Ccy="EUR">500.00</Amt>`) in cents, with its currency.
fn amount(node: Node, path: &[&str]) -> Result<(i64, String), String> {
    let element = descend(node, path).ok_or_else(|| format!("no amount ({})", path.join("/")))?;
    let value = element.text().unwrap_or_default().trim();
    let currency = element.attribute("Ccy").unwrap_or("EUR").to_owned();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let fraction = format!("{fraction:0<2}");
    let cents = (fraction.len() == 2 && !whole.is_empty())
        .then(|| Some(whole.parse::<i64>().ok()? * 100 + fraction.parse::<i64>().ok()?))
        .flatten()
        .filter(|c| *c >= 0)
        .ok_or_else(|| format!("{value:?} is not an amount"))?;
    Ok((cents, currency))
}

fn children<'a, 'input>(
    node: Node<'a, 'input>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn descend<'a, 'input>(node: Node<'a, 'input>, path: &[&str]) -> Option<Node<'a, 'input>> {
    path.iter().try_fold(node, |at, name| {
        (at.children()).find(|n| n.is_element() && n.tag_name().name() == *name)
    })
}

fn text<'a, 'input>(node: Node<'a, 'input>, path: &[&str]) -> Option<&'a str> {
    descend(node, path)?
        .text()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_booked_credits_are_payments_and_amounts_are_exact_cents() {
        let xml = r#"<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>1</MsgId></GrpHdr><Ntfctn><Id>n</Id>
<Ntry><Amt Ccy="EUR">627.5</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2027-04-20</Dt></BookgDt><AcctSvcrRef>A1</AcctSvcrRef></Ntry>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2027-04-20</Dt></BookgDt><AcctSvcrRef>A2</AcctSvcrRef></Ntry>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>
<Sts>BOOK</Sts><BookgDt><Dt>2027-04-20</Dt></BookgDt><AcctSvcrRef>A3</AcctSvcrRef></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"#;
        let found = payments(xml).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].cents, found[0].archive_id.as_str()),
            (62750, "A1")
        );
    }

    #[test]
    fn the_samples_read_as_the_guides_describe_them() {
        let notification = payments(include_str!("../tests/data/camt054-viitemaksut.xml"));
        let found = notification.unwrap();
        let seen: Vec<(&str, i64, Option<&str>, Option<&str>)> = (found.iter())
            .map(|p| {
                let (reference, message) = (p.reference.as_deref(), p.message.as_deref());
                (p.archive_id.as_str(), p.cents, reference, message)
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "270104AAAA000001",
                    30000,
                    Some("00000000000000010003"),
                    None
                ),
                ("270104AAAA000002", 32750, Some("RF6810003"), None),
                (
                    "270104AAAA000003",
                    1000,
                    None,
                    Some("Lasku 1000 viite 1000 3 lisamaksu")
                ),
                ("270104AAAA000004", 9500, Some("99998"), None),
            ]
        );
        assert_eq!(found[0].payer.as_deref(), Some("TUUSULAN KUNTA"));
        assert_eq!(found[0].booked, jiff::civil::date(2027, 1, 4));
        let statement = payments(include_str!("../tests/data/camt053-tiliote.xml")).unwrap();
        let batch: Vec<(&str, i64)> = (statement.iter())
            .map(|p| (p.archive_id.as_str(), p.cents))
            .collect();
        assert_eq!(
            batch,
            [("270201BBBB000101", 62750), ("270201BBBB000102", 77810)]
        );
    }

    #[test]
    fn what_is_not_camt_is_refused_by_name() {
        assert!(matches!(payments("<a>"), Err(CamtError::NotXml(_))));
        let pain = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>"#;
        assert!(matches!(payments(pain), Err(CamtError::NotCamt(_))));
        let dtd = r#"<!DOCTYPE d [<!ENTITY x "y">]><Document/>"#;
        assert!(matches!(payments(dtd), Err(CamtError::NotXml(_))));
    }
}
