#!/usr/bin/env python3
"""Faults, end to end: the function under cargo lambda watch while the local services are
stopped on purpose. Run last by scripts/e2e.sh, since it stops DynamoDB Local for good.

1. The SES emulator is stopped: orders are still taken (201, emails pending). It is restarted,
   and once the first backoff has passed, the scheduled retry (the sample event) sends every
   email, exactly once.
2. DynamoDB Local is stopped: every order gets 503 with Retry-After, and no email goes out.

The last line is 'N passed, N failed'. Standard library only."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

FUNCTION = "http://127.0.0.1:9100/orders"
SES = "http://127.0.0.1:8105"
STATE = ".tools/test-services"
TAG = uuid.uuid4().hex[:12]
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("ok     " if condition else "FAILED ") + name + ("" if condition else f"  ({detail})"))


def post(body):
    req = urllib.request.Request(FUNCTION, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read() or b"{}")


def order(i):
    return {"package": "somestartti", "organization": f"Faultkunta {i}", "contact_name": "Anna Virtanen",
            "email": f"anna+{TAG}-{i}@tuusula.example", "privacy_consent": True}


def stop(service):
    pid_file = f"{STATE}/{service}.pid"
    pid = int(open(pid_file).read())
    os.kill(pid, signal.SIGTERM)
    for _ in range(40):
        try:
            os.kill(pid, 0)
            time.sleep(0.25)
        except ProcessLookupError:
            return
    os.kill(pid, signal.SIGKILL)


def emails():
    with urllib.request.urlopen(SES + "/store", timeout=10) as resp:
        return [e for e in json.load(resp)["emails"] if TAG in json.dumps(e)]


def invoke_retry():
    out = subprocess.run([".tools/venv/bin/cargo-lambda", "lambda", "invoke", "--invoke-address", "127.0.0.1",
                          "--invoke-port", "9100", "--data-file", "events/scheduled-retry.json"],
                         capture_output=True, text=True, timeout=120)
    try:
        return json.loads(out.stdout)
    except ValueError:
        return {"error": out.stdout + out.stderr}


def main():
    # 1. SES down, then back.
    stop("ses")
    answers = [post(order(i)) for i in range(5)]
    check("with SES stopped, orders are still taken (201, email_status pending)",
          all(status == 201 and body.get("email_status") == "pending" for status, _, body in answers),
          [(s, b) for s, _, b in answers])
    log = open(f"{STATE}/ses.log", "a")
    # Started as scripts/services.sh starts it, with the account GetAccount answers from.
    env = dict(os.environ, AWS_SES_ACCOUNT=open("config/ses-emulator-account.json").read())
    ses = subprocess.Popen(["node", "tools/node_modules/aws-ses-v2-local/dist/cli.js", "--host", "127.0.0.1", "--port", "8105"],
                           stdout=log, stderr=log, start_new_session=True, env=env)
    open(f"{STATE}/ses.pid", "w").write(str(ses.pid))
    for _ in range(60):
        try:
            urllib.request.urlopen(SES + "/health-check", timeout=2)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    report = invoke_retry()
    check("a retry run before the backoff has passed sends nothing", report.get("sent") == 0 and not emails(), report)
    backoff = int(os.environ.get("RETRY_BACKOFF_SECONDS", "60"))
    print(f"waiting {backoff + 5} s for the first backoff ({backoff} s) to pass…", flush=True)
    time.sleep(backoff + 5)
    sent = 0
    for _ in range(3):  # one run takes up to 50 orders; earlier runs' leftovers may be due too
        report = invoke_retry()
        sent += report.get("sent", 0)
        if len(emails()) >= 10:
            break
    mails = emails()
    check("after the retry every order has both emails, sent once", len(mails) == 10, [m["subject"] for m in mails])
    per_order = {}
    for mail in mails:
        reference = mail["subject"].rsplit("(", 1)[-1].rstrip(")")
        per_order[reference] = per_order.get(reference, 0) + 1
    check("no email was sent twice", sorted(per_order.values()) == [2] * 5, per_order)
    report = invoke_retry()
    check("a further retry run sends nothing", report.get("sent") == 0 and len(emails()) == 10, report)

    # 2. DynamoDB down.
    stop("dynamodb")
    before = len(emails())
    answers = [post(order(100 + i)) for i in range(3)]
    check("with DynamoDB stopped, every order gets 503 with Retry-After",
          all(status == 503 and headers.get("Retry-After") for status, headers, _ in answers), [a[0] for a in answers])
    check("and no email goes out", len(emails()) == before)

    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
