#!/usr/bin/env python3
"""Load: ORDERS orders, CONCURRENCY at a time, through the function under cargo lambda watch
against DynamoDB Local and the SES emulator (make load starts them). A benchmark: it prints
throughput and latency, and fails only on counts: every order stored once, two emails each,
no errors, no duplicates. Standard library only."""

import concurrent.futures
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid

FUNCTION = "http://127.0.0.1:9300/orders"
SES = "http://127.0.0.1:8305"
DYNAMODB = "http://127.0.0.1:8300"
TABLE = "orders-load"
ORDERS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
CONCURRENCY = int(sys.argv[2]) if len(sys.argv) > 2 else 20
TAG = uuid.uuid4().hex[:10]


def place(i):
    body = json.dumps({"package": "some-haltuun" if i % 2 else "somestartti", "organization": f"Kuormakunta {i}",
                       "contact_name": "Anna Virtanen", "email": f"load+{TAG}-{i}@tuusula.example",
                       "privacy_consent": True, "language": ["fi", "sv", "en"][i % 3]}).encode()
    req = urllib.request.Request(FUNCTION, data=body, method="POST", headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            status, answer = resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        status, answer = err.code, {}
    except Exception as err:  # noqa: BLE001 - a load run reports every failure kind
        status, answer = 0, {"error": repr(err)}
    return status, answer, time.perf_counter() - start


def scan_count():
    count, start_key = 0, None
    while True:
        body = {"TableName": TABLE, "ConsistentRead": True, "FilterExpression": "kind = :k AND begins_with(email, :e)",
                "ExpressionAttributeValues": {":k": {"S": "order"}, ":e": {"S": f"load+{TAG}"}}, "Select": "COUNT"}
        if start_key:
            body["ExclusiveStartKey"] = start_key
        req = urllib.request.Request(DYNAMODB, data=json.dumps(body).encode(), method="POST", headers={
            "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.Scan",
            "authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/eu-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            page = json.load(resp)
        count += page["Count"]
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return count


def main():
    print(f"load: {ORDERS} orders, {CONCURRENCY} at a time, against {FUNCTION}")
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        results = list(pool.map(place, range(ORDERS)))
    elapsed = time.perf_counter() - started
    latencies = sorted(r[2] for r in results)
    errors = [r for r in results if r[0] != 201 or r[1].get("email_status") != "sent"]
    references = {r[1].get("reference") for r in results if r[0] == 201}
    with urllib.request.urlopen(SES + "/store", timeout=60) as resp:
        emails = [e for e in json.load(resp)["emails"] if TAG in json.dumps(e)]
    stored = scan_count()
    per_reference = {}
    for email in emails:
        reference = email["subject"].rsplit("(", 1)[-1].rstrip(")")
        per_reference[reference] = per_reference.get(reference, 0) + 1
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"throughput {ORDERS / elapsed:.1f} orders/s over {elapsed:.1f} s")
    print(f"latency p50 {p(0.50):.0f} ms, p99 {p(0.99):.0f} ms, max {latencies[-1] * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} ms")
    print(f"answers: {ORDERS - len(errors)} × 201 sent, {len(errors)} other; items stored {stored}; emails {len(emails)}; "
          f"distinct references {len(references)}; references with other than 2 emails {sum(1 for v in per_reference.values() if v != 2)}")
    ok = (not errors and stored == ORDERS and len(emails) == 2 * ORDERS and len(references) == ORDERS
          and all(v == 2 for v in per_reference.values()))
    print("load: counts " + ("as expected" if ok else f"WRONG (first errors: {errors[:3]})"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
