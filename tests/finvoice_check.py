#!/usr/bin/env python3
"""Checks Finvoice invoices from `orders invoice` with tools other than ours:

    .tools/venv-invoice/bin/python tests/finvoice_check.py INVOICE.xml [RF-REFERENCE]

- validity against the official Finvoice 3.0 XSD (from the pinned PyPI package
  odoo-addon-account-edi-finvoice, which scripts/install-tools.sh test downloads), by xmlschema;
- the reference number's check digit by py-viitenumero's own generate_reference (the package is
  Python 2 around it, so its two functions are taken from its file; they are valid Python 3);
- the international RF form, when given, by python-stdnum's stdnum.iso11649;
- the arithmetic, in Decimal: each row's VAT is its net at its rate rounded half up to the cent,
  its amount net + VAT; the totals and the VAT breakdown are the rows' sums; the payment
  instruction is the total.

Prints the invoice's fields as JSON for the caller to compare; exits 1 with the reason when a
check fails.
"""
import ast
import decimal
import json
import pathlib
import sys

import xmlschema
from stdnum import iso11649

TOOLS = pathlib.Path(__file__).resolve().parent.parent / ".tools" / "finvoice"


def viitenumero_module():
    source = (TOOLS / "viitenumero.py").read_text()
    start = source.index("def format_for_print")
    end = source.index("USAGE_TEXT")
    namespace = {}
    exec(compile(ast.parse(source[start:end]), "viitenumero.py", "exec"), namespace)
    return namespace


def text(root, path):
    found = root.find(path)
    return None if found is None else found.text


def amount(element):
    return decimal.Decimal(element.text.replace(",", "."))


def check_sums(root):
    cent = decimal.Decimal("0.01")
    rows = root.findall("InvoiceRow")
    by_rate = {}
    for row in rows:
        net, vat = amount(row.find("RowVatExcludedAmount")), amount(row.find("RowVatAmount"))
        if text(row, "RowVatCode") == "O":
            # EN 16931 BR-O-05: a row not subject to VAT has no rate, and no VAT.
            if row.find("RowVatRatePercent") is not None or vat != 0:
                sys.exit("a row outside VAT's scope has a rate or VAT")
            rate = "O"
        else:
            rate = decimal.Decimal(row.find("RowVatRatePercent").text.replace(",", "."))
            expected = (net * rate / 100).quantize(cent, rounding=decimal.ROUND_HALF_UP)
            if vat != expected:
                sys.exit(f"row VAT {vat} is not {net} at {rate} % ({expected})")
        if amount(row.find("RowAmount")) != net + vat:
            sys.exit("a row's amount is not its net plus VAT")
        base, tax = by_rate.get(rate, (0, 0))
        by_rate[rate] = (base + net, tax + vat)
    # BR-O-11..14: a category outside VAT's scope stands alone.
    if "O" in by_rate and len(by_rate) > 1:
        sys.exit("rows outside VAT's scope beside taxable ones")
    details = root.find("InvoiceDetails")
    net = sum(amount(r.find("RowVatExcludedAmount")) for r in rows)
    vat = sum(amount(r.find("RowVatAmount")) for r in rows)
    totals = [amount(details.find(f"InvoiceTotalVat{n}Amount")) for n in ("Excluded", "", "Included")]
    if totals != [net, vat, net + vat]:
        sys.exit(f"totals {totals} are not the rows' sums {[net, vat, net + vat]}")
    def spec_key(v):
        if text(v, "VatCode") == "O":
            # BR-O-10: the reason stated, and no rate.
            if v.find("VatRatePercent") is not None or not text(v, "VatFreeText"):
                sys.exit("a VAT breakdown outside VAT's scope has a rate or no reason")
            return "O"
        return decimal.Decimal(v.find("VatRatePercent").text.replace(",", "."))

    spec = {
        spec_key(v): (amount(v.find("VatBaseAmount")), amount(v.find("VatRateAmount")))
        for v in details.findall("VatSpecificationDetails")
    }
    if spec != by_rate:
        sys.exit(f"the VAT breakdown {spec} is not the rows' {by_rate}")
    epi = amount(root.find("EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount"))
    if epi != net + vat:
        sys.exit(f"the payment instruction {epi} is not the total {net + vat}")


def main():
    if not (TOOLS / "Finvoice3.0.xsd").exists():
        sys.exit("the Finvoice schema is missing: run scripts/install-tools.sh test")
    invoice_path = sys.argv[1]
    schema = xmlschema.XMLSchema(str(TOOLS / "Finvoice3.0.xsd"))
    errors = [str(e.reason) + " at " + str(e.path) for e in schema.iter_errors(invoice_path)]
    if errors:
        sys.exit("not valid Finvoice 3.0: " + "; ".join(errors[:5]))
    import xml.etree.ElementTree as ET
    root = ET.parse(invoice_path).getroot()
    invoice_number = text(root, "InvoiceDetails/InvoiceNumber")
    reference = text(root, "EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    expected = viitenumero_module()["generate_reference"](invoice_number)
    if reference != expected:
        sys.exit(f"reference number {reference} is not py-viitenumero's {expected}")
    if len(sys.argv) > 2:
        rf = sys.argv[2].replace(" ", "")
        if not iso11649.is_valid(rf) or not rf.endswith(reference):
            sys.exit(f"{sys.argv[2]} is not a valid RF form of {reference}")
    check_sums(root)
    address = root.find("BuyerPartyDetails/BuyerPostalAddressDetails")
    fields = {
        "invoice_number": invoice_number,
        "type_code": text(root, "InvoiceDetails/InvoiceTypeCode"),
        "type_code_un": text(root, "InvoiceDetails/InvoiceTypeCodeUN"),
        "origin": text(root, "InvoiceDetails/OriginCode"),
        "original_number": text(root, "InvoiceDetails/OriginalInvoiceNumber"),
        "original_date": text(root, "InvoiceDetails/OriginalInvoiceDate"),
        "original_reference": [
            text(root, "InvoiceDetails/OriginalInvoiceReference/InvoiceNumber"),
            text(root, "InvoiceDetails/OriginalInvoiceReference/InvoiceDate"),
        ],
        "seller_reference": text(root, "InvoiceDetails/SellerReferenceIdentifier"),
        "buyer_address": None if address is None else [
            text(address, n) for n in
            ("BuyerStreetName", "BuyerPostCodeIdentifier", "BuyerTownName", "CountryCode")
        ],
        "rows": [
            {
                "position": text(r, "RowPositionIdentifier"),
                "article": text(r, "ArticleIdentifier"),
                "name": text(r, "ArticleName"),
                "quantity": text(r, "InvoicedQuantity"),
                "unit_un": r.find("InvoicedQuantity").get("QuantityUnitCodeUN"),
                "net": text(r, "RowVatExcludedAmount"),
                "gross": text(r, "RowAmount"),
                "vat_code": text(r, "RowVatCode"),
            }
            for r in root.findall("InvoiceRow")
        ],
        "reference": reference,
        "order_identifier": text(root, "InvoiceDetails/OrderIdentifier"),
        "buyer_reference": text(root, "InvoiceDetails/BuyerReferenceIdentifier"),
        "net": text(root, "InvoiceDetails/InvoiceTotalVatExcludedAmount"),
        "vat": text(root, "InvoiceDetails/InvoiceTotalVatAmount"),
        "gross": text(root, "InvoiceDetails/InvoiceTotalVatIncludedAmount"),
        "instructed": text(root, "EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount"),
        "buyer_names": [e.text for e in root.findall("BuyerPartyDetails/BuyerOrganisationName")],
        "buyer_contact": text(root, "BuyerContactPersonName"),
        "to_identifier": text(root, "MessageTransmissionDetails/MessageReceiverDetails/ToIdentifier"),
        "delivery_date": text(root, "DeliveryDetails/DeliveryDate"),
        "due_date": text(root, "InvoiceDetails/PaymentTermsDetails/InvoiceDueDate"),
        "payment_means": text(root, "EpiDetails/EpiPaymentInstructionDetails/EpiPaymentMeansCode"),
        "seller_contact": [
            text(root, "SellerCommunicationDetails/SellerPhoneNumberIdentifier"),
            text(root, "SellerCommunicationDetails/SellerEmailaddressIdentifier"),
        ],
        "schemes": [
            root.find("MessageTransmissionDetails/MessageReceiverDetails/ToIdentifier").get("SchemeID"),
            root.find("SellerPartyDetails/SellerPartyIdentifier").get("SchemeID"),
        ],
        "units": [text(root, "SellerOrganisationUnitNumber"), text(root, "BuyerOrganisationUnitNumber")],
        "late_interest": text(
            root, "InvoiceDetails/PaymentTermsDetails/PaymentOverDueFineDetails/PaymentOverDueFineFreeText"
        ),
        "free_text": text(root, "InvoiceDetails/InvoiceFreeText"),
    }
    print(json.dumps(fields))


if __name__ == "__main__":
    main()
