#!/usr/bin/env python3
"""End to end: the function under `cargo lambda watch`, against DynamoDB Local and the SES
emulator, spoken to over HTTP as the website and curl would. Run by scripts/e2e.sh (make test).

Each check prints a line; the last line is 'N passed, N failed'. Standard library only."""

import datetime
import glob
import re
import urllib.parse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

FUNCTION = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9100"
SES = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8105"
SITE = "http://127.0.0.1:8180"
TAG = uuid.uuid4().hex[:12]
results = []


def request(method, path, body=None, headers=None):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(FUNCTION + path, data=data, method=method, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def emails():
    with urllib.request.urlopen(SES + "/store", timeout=10) as resp:
        store = json.load(resp)
    return [e for e in store["emails"] if TAG in json.dumps(e)]


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("ok     " if condition else "FAILED ") + name + ("" if condition else f"  ({detail})"))


def order(**changes):
    future = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    body = {
        "package": "somestartti",
        "organization": "Tuusulan kunta",
        "contact_name": "Anna Virtanen",
        "email": f"anna+{TAG}@tuusula.example",
        "privacy_consent": True,
        "preferred_dates": [future],
        "message": "Hei!\nTerveisin Anna",
    }
    body.update(changes)
    return body


def booking_loop(sent, reference):
    """A trainer follows the link in the notification, looks (twice: mail scanners do), books."""
    notification = [e for e in sent if e["subject"].startswith("Uusi tilaus") and f"({reference})" in e["subject"]]
    found = re.search(r"(\S+/booking\?token=\S+)", notification[0]["body"]["text"]) if notification else None
    link = found.group(1) if found else ""
    check("the trainers' notification links to the function's booking page", link.startswith(FUNCTION + "/booking?token="), link)
    path = link[len(FUNCTION):]
    for attempt in ("first", "second"):
        status, headers, body = request("GET", path, None, {"Accept": "text/html"})
        check(f"without a session the link shows only the sign-in ({attempt} GET, no JavaScript)",
              status == 200 and "Kirjaudu varaussivulle" in body and "Tuusulan kunta" not in body
              and "<script" not in body
              and "form-action 'self'" in headers.get("Content-Security-Policy", ""), f"{status} {body[:200]}")
    check("looking at the page sent nothing", len(emails()) == len(sent), len(emails()))
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query).get("token", [""])[0]
    page_headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    ask = urllib.parse.urlencode([("action", "request_sign_in"), ("token", token), ("trainer", "0")])
    status, _, body = request("POST", "/booking", ask, {**page_headers, "Origin": FUNCTION})
    check("asking for a sign-in link says it went to the trainer", status == 200 and "Pilvi Nummi" in body, f"{status} {body[:200]}")
    with urllib.request.urlopen(SES + "/store", timeout=10) as resp:
        store = json.load(resp)["emails"]
    mine = [e for e in store if e["subject"] == "Kirjautuminen varaussivulle" and f".signin.{reference}." in e["body"]["text"]]
    check("the sign-in link goes to that trainer's own address only",
          len(mine) == 1 and mine[0]["destination"]["to"] == ["pilvi.nummi@some-tyopajat.example"], mine)
    found = re.search(r"(\S+/booking\?signin=\S+)", mine[0]["body"]["text"]) if mine else None
    sign_in_path = found.group(1)[len(FUNCTION):] if found else ""
    for attempt in ("first", "second"):
        status, _, body = request("GET", sign_in_path, None, {"Accept": "text/html"})
        check(f"the sign-in link's page uses nothing up ({attempt} GET)", status == 200 and "Kirjaudu" in body, f"{status} {body[:200]}")
    signin = urllib.parse.parse_qs(urllib.parse.urlsplit(sign_in_path).query).get("signin", [""])[0]
    confirm = urllib.parse.urlencode([("action", "sign_in"), ("token", signin)])
    status, headers, body = request("POST", "/booking", confirm, {**page_headers, "Origin": FUNCTION})
    cookie = headers.get("Set-Cookie", "")
    check("its button signs in: a __Host- session cookie, Secure, HttpOnly, SameSite=Lax",
          status == 303 and cookie.startswith("__Host-trainer=") and "Secure" in cookie and "HttpOnly" in cookie
          and "SameSite=Lax" in cookie, f"{status} {cookie}")
    status, _, _ = request("POST", "/booking", confirm, {**page_headers, "Origin": FUNCTION})
    check("a sign-in link signs in once", status == 403, status)
    session = {"Cookie": cookie.split(";")[0]}
    status, headers, body = request("GET", path, None, {"Accept": "text/html", **session})
    check("signed in, the booking page shows the order",
          status == 200 and "Tuusulan kunta" in body and "<script" not in body, f"{status} {body[:200]}")
    day = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    form = urllib.parse.urlencode([("token", token), ("sequence", "0"), ("action", "book"), ("date", day),
                                   ("start", "09:00"), ("end", "11:00"), ("place", "Kunnantalo"), ("trainer", "Pilvi Nummi")])
    page_headers = {**page_headers, **session}
    status, _, body = request("POST", "/booking", form, {**page_headers, "Origin": "https://evil.example"})
    check("a booking posted from another site is refused (403)", status == 403, f"{status} {body[:200]}")
    status, _, body = request("POST", "/booking", form, {**page_headers, "Origin": FUNCTION})
    check("the booking first shows what the customer will get (the check step), sending nothing",
          status == 200 and "Tarkista ennen lähettämistä" in body and "Asiakas saa tämän suomeksi" in body
          and len(emails()) == len(sent), f"{status} {body[:300]}")
    status, headers, body = request("POST", "/booking", form + "&checked=1", {**page_headers, "Origin": FUNCTION})
    location = headers.get("Location", "")
    check("a booking from the page is stored and redirected (303)", status == 303 and "done=booked" in location, f"{status} {body[:300]}")
    status, _, body = request("GET", "/" + location, None, {"Accept": "text/html", **session})
    check("the page then says it was booked", status == 200 and "Varaus on tallennettu" in body, f"{status} {body[:300]}")
    booking = [e for e in emails() if e["subject"].startswith("Koulutus on varattu")]
    attachments = booking[0].get("attachments", []) if booking else []
    check("the customer's booking email carries the invitation inline and as kutsu.ics",
          len(booking) == 1 and [a.get("contentType") for a in attachments] == ["text/calendar", "application/ics"]
          and attachments[1].get("filename") == "kutsu.ics", booking)


def operator_loop(reference, customer):
    """`orders` as an operator runs it against the deployed stack: with ORDERS_FUNCTION and no
    mail configuration at all, so the function (here under cargo lambda watch, through the
    Lambda Invoke API it emulates) does the sending."""
    env = {k: v for k, v in os.environ.items() if k not in ("SENDER_EMAIL", "TRAINER_EMAILS", "AWS_ENDPOINT_URL_SESV2")}
    env.update(ORDERS_FUNCTION="order-intake", AWS_ENDPOINT_URL_LAMBDA=FUNCTION)
    to_customer = lambda: [e for e in emails() if e["destination"]["to"] == [customer]]
    before = len(to_customer())

    def orders(*args):
        return subprocess.run(["cargo", "run", "--quiet", "-p", "order-intake-ops", "--bin", "orders", "--", *args],
                              capture_output=True, text=True, timeout=600, env=env)

    out = orders("resend", reference, "customer")
    check("orders resend asks the function, which sends (the operator has no SES configuration)",
          out.returncode == 0 and f"{reference}: customer email sent" in out.stdout and len(to_customer()) == before + 1,
          f"{out.returncode} {out.stdout} {out.stderr[-500:]}")
    out = orders("release", reference)
    check("orders release through the function: nothing waits, nothing sent",
          out.returncode == 0 and "nothing to release (confirmation sent)" in out.stdout and len(to_customer()) == before + 1,
          f"{out.returncode} {out.stdout} {out.stderr[-500:]}")


def main():
    # Wait for the first build: cargo lambda watch compiles on the first invoke.
    deadline = time.time() + 900
    while True:
        try:
            status, _, _ = request("OPTIONS", "/orders", headers={"Origin": SITE})
            if status == 204:
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.time() > deadline:
            print("the function did not answer within 15 minutes")
            return 1
        time.sleep(2)

    json_headers = {"Content-Type": "application/json", "Origin": SITE}
    status, headers, body = request("POST", "/orders", json.dumps(order(idempotency_key=f"e2e-{TAG}")), json_headers)
    check("a JSON order is created (201)", status == 201, f"{status} {body}")
    created = json.loads(body) if status == 201 else {}
    check("the answer carries the CORS origin", headers.get("Access-Control-Allow-Origin") == SITE, dict(headers))
    check("the price is computed by the server", created.get("price", {}).get("gross_cents") == 62750, body)
    check("both emails were sent", created.get("email_status") == "sent", body)

    status, _, body = request("POST", "/orders", json.dumps(order(idempotency_key=f"e2e-{TAG}")), json_headers)
    check("the same submission again answers 200 with the stored order",
          status == 200 and json.loads(body).get("reference") == created.get("reference"), f"{status} {body}")

    form = f"package=some-haltuun&organization=Keravan+kaupunki&contact_name=Ville+N&email=ville%2B{TAG}%40kerava.example&privacy_consent=on&language=sv"
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html,*/*;q=0.8", "Origin": SITE}
    status, headers, body = request("POST", "/orders", form, form_headers)
    location = headers.get("Location", "")
    check("a plain HTML form is redirected to the function's own thank-you page (303)",
          status == 303 and location.startswith("orders/thanks?reference=") and location.endswith("&lang=sv"),
          f"{status} {location}")
    reference = location.partition("reference=")[2].partition("&")[0]
    status, headers, body = request("GET", "/" + location, None, {"Accept": "text/html"})
    check("the thank-you page shows the reference in Swedish, without JavaScript",
          status == 200 and f"Beställningsnummer: <strong>{reference}</strong>" in body and "<script" not in body,
          f"{status} {body[:300]}")

    status, headers, body = request("POST", "/orders", "package=nope&email=x", form_headers)
    check("a plain HTML form with mistakes gets an HTML page (422)",
          status == 422 and headers.get("Content-Type", "").startswith("text/html") and "E-post" not in body
          and "<title>Virhe: " in body and "Kirjoita sähköpostiosoite muodossa" in body,
          f"{status} {body[:200]}")

    status, _, body = request("POST", "/orders", json.dumps(order(email="not-an-address", privacy_consent=False)), json_headers)
    fields = [e["field"] for e in json.loads(body).get("errors", [])] if status == 422 else []
    check("invalid fields are listed (422)", fields == ["email", "privacy_consent"], f"{status} {body}")

    status, _, body = request("POST", "/orders", "{not json", json_headers)
    check("malformed JSON is a 400", status == 400 and json.loads(body)["error"] == "invalid_json", f"{status} {body}")

    status, _, body = request("POST", "/orders", "x", {"Content-Type": "text/plain"})
    check("an unsupported content type is a 415", status == 415, f"{status} {body}")

    status, _, body = request("POST", "/orders", json.dumps(order()), {"Content-Type": "application/json", "Origin": "https://evil.example"})
    check("a foreign origin is refused (403)", status == 403, f"{status} {body}")

    status, headers, _ = request("OPTIONS", "/orders", headers={"Origin": SITE, "Access-Control-Request-Method": "POST"})
    check("the preflight answers with the function's own CORS policy",
          status == 204 and headers.get("Access-Control-Allow-Headers") == "content-type, idempotency-key", f"{status} {dict(headers)}")

    status, headers, _ = request("GET", "/orders")
    check("GET is not allowed (405 with Allow)", status == 405 and headers.get("Allow") == "POST, OPTIONS", status)

    sent = emails()
    subjects = sorted(e["subject"] for e in sent)
    check("exactly two orders made four emails", len(sent) == 4, subjects)
    reference = created.get("reference", "?")
    check("the trainers' subject names package, organisation and reference",
          f"Uusi tilaus: Somestartti – Tuusulan kunta ({reference})" in subjects, subjects)
    customer = [e for e in sent if e["destination"]["to"] == [f"anna+{TAG}@tuusula.example"]]
    check("the customer's email quotes the total", customer and "627,50\u00a0€" in customer[0]["body"]["text"], customer)
    text = customer[0]["body"]["text"] if customer else ""
    check("the customer's email names the seller, its phone and the terms from config/test.env",
          "Some-työpajat Oy (esimerkki) · Y-tunnus 1234567-1 · puh. +358 40 123 4567" in text
          and "Peruutus on maksuton viimeistään 14 päivää ennen koulutusta." in text
          and "ESIMERKKI: Matkakulut" in text, text)

    booking_loop(sent, reference)
    operator_loop(reference, f"anna+{TAG}@tuusula.example")

    # The sample events, as `cargo lambda invoke --data-file` sends them. Their dates are fixed,
    # so an order event may be refused (422) once they are past: only a 5xx or no answer fails.
    port = FUNCTION.rsplit(":", 1)[1]
    for path in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "events", "*.json"))):
        out = subprocess.run([".tools/venv/bin/cargo-lambda", "lambda", "invoke", "--invoke-address", "127.0.0.1",
                              "--invoke-port", port, "--data-file", path], capture_output=True, text=True, timeout=120)
        name = os.path.basename(path)
        if name == "scheduled-retry.json":
            try:
                report = json.loads(out.stdout)
            except ValueError:
                report = {}
            check("cargo lambda invoke scheduled-retry.json runs the email retry", set(report) >= {"orders", "sent", "failed", "still_pending"},
                  f"{out.stdout[:200]} {out.stderr[-300:]}")
            continue
        if name.startswith("operator-"):
            # A command about an order this run does not have: refused, in the answer's words;
            # the trainers' sessions are the roster's: listed, or ended.
            try:
                answer = json.loads(out.stdout)
            except ValueError:
                answer = {}
            expected = {"operator-trainers.json": "sessions", "operator-sign-out.json": "signed_out"}.get(name, "refused")
            check(f"cargo lambda invoke {name} is an operator's command, answered", answer.get("outcome") == expected,
                  f"{out.stdout[:200]} {out.stderr[-300:]}")
            continue
        if name.startswith("ses-"):
            # SES's reports about a message this run did not send: read and ignored.
            try:
                report = json.loads(out.stdout)
            except ValueError:
                report = {}
            check(f"cargo lambda invoke {name} is read as a delivery report", report.get("unknown") is True and report.get("recorded") == 0,
                  f"{out.stdout[:200]} {out.stderr[-300:]}")
            continue
        try:
            status = json.loads(out.stdout)["statusCode"]
        except (ValueError, KeyError):
            status = None
        # A booking link that is not signed (a sample cannot carry a live token): refused, 403.
        expected = {"apigw-http-invalid-order.json": 422, "apigw-http-cors-preflight.json": 204,
                    "apigw-http-booking-link-refused.json": 403}.get(name)
        check(f"cargo lambda invoke {name} is answered", status is not None and status < 500
              and (status == expected if expected is not None else status != 403),
              f"{status} {out.stdout[:200]} {out.stderr[-300:]}")

    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
