"""A BENCHMARK PEER, not part of the product: the same order as the Rust function, written as a
small Python 3 + boto3 Lambda function would be, run under awslambdaric by make bench so that
BENCHMARKS.md can say how far ahead the Rust function is. It validates the required fields,
stores the order with one conditional put, and sends both emails in parallel. It does less than
the function (no quotas, no outcome records, no idempotency records): the comparison flatters it.
"""

import json
import os
import re
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

# Clients built once, at init, as the Rust function builds its own.
_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=4)
DYNAMODB = boto3.client("dynamodb", config=_CONFIG)
SES = boto3.client("sesv2", config=_CONFIG)
TABLE = os.environ["ORDERS_TABLE"]
SENDER = os.environ["SENDER_EMAIL"]
TRAINERS = [t.strip() for t in os.environ["TRAINER_EMAILS"].split(",")]
POOL = ThreadPoolExecutor(max_workers=2)

PRICES = {"somestartti": 50000, "some-haltuun": 90000}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def answer(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"},
            "body": json.dumps(body)}


def send(to, reply_to, subject, text):
    SES.send_email(FromEmailAddress=SENDER, Destination={"ToAddresses": to},
                   ReplyToAddresses=reply_to,
                   Content={"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}}})


def lambda_handler(event, context):
    try:
        order = json.loads(event.get("body") or "")
    except ValueError:
        return answer(400, {"error": "invalid_json"})
    missing = [f for f in ("package", "organization", "contact_name", "email") if not order.get(f)]
    if missing or order.get("package") not in PRICES or not EMAIL.match(order.get("email", "")) \
            or order.get("privacy_consent") is not True:
        return answer(422, {"error": "validation_failed", "fields": missing})
    net = PRICES[order["package"]]
    vat = (net * 255 + 500) // 1000
    reference = "".join(secrets.choice(ALPHABET) for _ in range(4)) + "-" + \
        "".join(secrets.choice(ALPHABET) for _ in range(4))
    order_id = str(uuid.uuid4())
    DYNAMODB.put_item(
        TableName=TABLE,
        Item={"pk": {"S": f"peer#{order_id}"}, "reference": {"S": reference},
              "package": {"S": order["package"]}, "organization": {"S": order["organization"]},
              "contact_name": {"S": order["contact_name"]}, "email": {"S": order["email"]},
              "net_cents": {"N": str(net)}, "vat_cents": {"N": str(vat)},
              "created_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}},
        ConditionExpression="attribute_not_exists(pk)")
    total = f"{(net + vat) / 100:.2f} €"
    emails = [
        POOL.submit(send, [order["email"]], TRAINERS, f"Tilausvahvistus ({reference})",
                    f"Kiitos tilauksestasi! Tilausnumero {reference}, yhteensä {total}."),
        POOL.submit(send, TRAINERS, [order["email"]], f"Uusi tilaus ({reference})",
                    f"{order['organization']}, {order['contact_name']}: {order['package']}."),
    ]
    for email in emails:
        email.result()
    return answer(201, {"order_id": order_id, "reference": reference, "email_status": "sent"})
