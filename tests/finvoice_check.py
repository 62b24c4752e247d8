#!/usr/bin/env python3
"""Checks Finvoice invoices from `orders invoice` with tools other than ours:

    .tools/venv-invoice/bin/python tests/finvoice_check.py INVOICE.xml [RF-REFERENCE]

- validity against the official Finvoice 3.0 XSD (from the pinned PyPI package
  odoo-addon-account-edi-finvoice, which scripts/install-tools.sh test downloads), by xmlschema;
- the reference number's check digit by py-viitenumero's own generate_reference (the package is
  Python 2 around it, so its two functions are taken from its file; they are valid Python 3);
- the international RF form, when given, by python-stdnum's stdnum.iso11649.

Prints the invoice's fields as JSON for the caller to compare; exits 1 with the reason when a
check fails.
"""
import ast
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
    fields = {
        "invoice_number": invoice_number,
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
    }
    print(json.dumps(fields))


if __name__ == "__main__":
    main()
