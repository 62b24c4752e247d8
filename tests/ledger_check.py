#!/usr/bin/env python3
"""Reads `orders ledger` (and `orders journal`) back with tools other than ours:

    .tools/venv-invoice/bin/python tests/ledger_check.py LEDGER.csv|LEDGER.xlsx

A CSV through Python's csv module as Excel in a Finnish locale writes it (BOM, `;`, decimal
comma); a workbook through openpyxl, which also says each cell's type. Prints the rows as JSON:
every cell as text, amounts in cents (from the decimal comma, or from the number), dates ISO;
for a workbook also `types`, the column name → the cell types found (`s` text, `n` number,
`d` date)."""
import csv
import datetime
import decimal
import json
import sys

# The ledger's amounts, and the journal's (`orders journal`: `+` debit, `-` credit).
AMOUNTS = ("net_eur", "vat_eur", "gross_eur", "summa")


def cents(value):
    if isinstance(value, (int, float)):
        value = decimal.Decimal(str(value))
    else:
        value = decimal.Decimal(value.replace(",", "."))
    return int((value * 100).to_integral_value(rounding=decimal.ROUND_HALF_UP))


def from_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    for row in rows:
        for column in AMOUNTS:
            if column in row:
                row[column] = cents(row[column])
    return {"rows": rows}


def from_xlsx(path):
    import openpyxl

    sheet = openpyxl.load_workbook(path).active
    lines = list(sheet.iter_rows())
    header = [cell.value for cell in lines[0]]
    rows, types = [], {name: set() for name in header}
    for line in lines[1:]:
        row = {}
        for name, cell in zip(header, line):
            types[name].add("d" if cell.is_date else cell.data_type)
            value = cell.value
            if name in AMOUNTS:
                value = cents(value)
            elif name == "vat_percent" and isinstance(value, (int, float)):
                # As the CSV writes it: 25,5 and 24.
                value = format(decimal.Decimal(str(value)).normalize(), "f").replace(".", ",")
            elif isinstance(value, datetime.datetime):
                value = value.date().isoformat()
            else:
                value = "" if value is None else str(value)
            row[name] = value
        rows.append(row)
    return {"rows": rows, "types": {k: sorted(v) for k, v in types.items()}}


def main():
    path = sys.argv[1]
    print(json.dumps(from_xlsx(path) if path.endswith(".xlsx") else from_csv(path)))


if __name__ == "__main__":
    main()
