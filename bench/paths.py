"""make bench, the function's paths beside the order (bench/share.py runs this at its focus
memory size, inside that size's CPU share and over the same TLS): the sign-in page (a booking
link opened without a session), the booking page (GET, signed in), the check step (POST, nothing
sent), a booking (POST: the booking and the trainers' note, both with the invitation), a reminder run of
50 due bookings (one scheduled event), a delivery report (SES through EventBridge), and an
order with the human check against a local siteverify stub, each beside the plain order. For
each: CPU and AWS calls per call from one process (after ten orders that open its connections),
and instructions per call under callgrind (two runs that differ only in the counted calls).
Standard library only; DynamoDB Local is reached over its plain port to make reminders due.
"""

import datetime
import http.server
import json
import pathlib
import re
import threading
import time
import urllib.parse
import urllib.request
import uuid

import run

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPORT_EVENT = json.loads((ROOT / "events/ses-email-delivered.json").read_text())
SCHEDULED_EVENT = (ROOT / "events/scheduled-retry.json").read_bytes()
GET_EVENT = json.loads((ROOT / "events/apigw-http-booking-link-refused.json").read_text())
REMINDER_RUN = 50
SITEVERIFY_HOSTNAME = "www.some-tyopajat.fi"


class Siteverify(http.server.BaseHTTPRequestHandler):
    """Cloudflare's siteverify as the function expects it to answer a good token, keeping the
    connection open as Cloudflare does (http.server's default is HTTP/1.0: a handshake a call)."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps({"success": True, "hostname": SITEVERIFY_HOSTNAME, "action": "order",
                           "challenge_ts": "2026-12-06T10:00:00Z"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_siteverify():
    """The stub on a free plain port (bench/tls_proxy.py puts TLS in front of it)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Siteverify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def http_event(method, path, query="", headers=None, body=""):
    event = json.loads(json.dumps(GET_EVENT))
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} {path}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["requestId"] = f"bench-{uuid.uuid4().hex[:12]}"
    event["rawQueryString"] = query
    event["queryStringParameters"] = dict(urllib.parse.parse_qsl(query)) or None
    event["headers"] = dict(event["headers"], **(headers or {}))
    event["body"] = body
    return event


def with_cookie(event, cookie):
    """API Gateway's HTTP API (payload 2.0) hands the browser's cookies over as a list."""
    if cookie:
        event["cookies"] = [cookie]
    return json.dumps(event).encode()


def page_event(token, cookie=None):
    return with_cookie(http_event("GET", "/booking", urllib.parse.urlencode({"token": token})), cookie)


def form_event(fields, cookie=None):
    headers = {"content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin"}
    return with_cookie(http_event("POST", "/booking", headers=headers, body=urllib.parse.urlencode(fields)), cookie)


def booking_event(token, sequence, day, cookie, checked=True):
    """The booking form as sent from the check step (`checked`), or as first posted (the check
    step answers, nothing written or sent)."""
    return form_event([("token", token), ("sequence", str(sequence)), ("action", "book"),
                       ("other_date", day.isoformat()), ("start", "9.00"), ("end", "13.00"),
                       ("place", "Kunnantalo, sali A"), ("trainer", "Jaana Pohjola")]
                      + ([("checked", "1")] if checked else []), cookie)


def customer_page_event(token):
    return json.dumps(http_event("GET", "/order", urllib.parse.urlencode({"token": token}))).encode()


def customer_form_event(fields, i):
    """A POST from the customer's page, each from its own address (the page's posts have a
    per-source hourly limit, which a bench from one address would reach)."""
    headers = {"content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin"}
    event = http_event("POST", "/order", headers=headers, body=urllib.parse.urlencode(fields))
    event["requestContext"]["http"]["sourceIp"] = f"198.51.{i // 250}.{i % 250 + 1}"
    return json.dumps(event).encode()


def request_event(token, i, checked=True):
    """Asking for another date (two wishes and a message); `checked`: from the check step."""
    wish = booking_day()
    fields = [("token", token), ("sequence", "0"), ("action", "request"), ("date", wish.isoformat()),
              ("date", (wish + datetime.timedelta(days=7)).isoformat()), ("message", f"Bench {i}")]
    return customer_form_event(fields + ([("checked", "1")] if checked else []), i)


def invoicing_event(token, i):
    """A correction of the invoicing details, confirmed (a new purchase order number each time)."""
    fields = [("token", token), ("sequence", "0"), ("action", "invoicing"),
              ("purchase_order", f"PO-{i}"), ("checked", "1")]
    return customer_form_event(fields, i)


def report_event(reference, message_id, recipient):
    event = json.loads(json.dumps(REPORT_EVENT))
    mail = event["detail"]["mail"]
    mail["messageId"] = message_id
    mail["destination"] = [recipient]
    mail["tags"]["order"], mail["tags"]["email"] = [reference], ["customer"]
    event["detail"]["delivery"]["recipients"] = [recipient]
    return json.dumps(event).encode()


def human_order_event(i):
    event = json.loads(run.order_event(i))
    body = json.loads(event["body"])
    body["cf-turnstile-response"] = f"bench-token-{uuid.uuid4().hex}"
    event["body"] = json.dumps(body)
    return json.dumps(event).encode()


def booking_day():
    """A Tuesday five weeks ahead: the reminders are scheduled (more than a week away)."""
    day = datetime.date.today() + datetime.timedelta(days=35)
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


def ses_emails(endpoint):
    with urllib.request.urlopen(f"{endpoint}/store", timeout=30) as response:
        return json.load(response)["emails"]


def dynamodb(endpoint, operation, body):
    """One call to DynamoDB Local's plain port (it checks no signature, only its shape)."""
    request = urllib.request.Request(endpoint, data=json.dumps(body).encode(), headers={
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": f"DynamoDB_20120810.{operation}",
        "authorization": "AWS4-HMAC-SHA256 Credential=local/20261206/eu-north-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def make_reminders_due(config, references):
    """The bookings' reminders and the trainers' notes due a minute ago, as the retry run finds
    them on the day (the same attributes the function sets: due time and the retry index)."""
    past = str(int(time.time()) - 60)
    for reference in references:
        dynamodb(config["AWS_ENDPOINT_URL_DYNAMODB"], "UpdateItem", {
            "TableName": config["ORDERS_TABLE"],
            "Key": {"pk": {"S": f"order#{reference}"}},
            "UpdateExpression": "SET reminder_email_due_at = :past, reminder_note_email_due_at = :past, "
                                "retry_queue = :due, retry_at = :past",
            "ConditionExpression": "reminder_email_status = :pending AND reminder_note_email_status = :pending",
            "ExpressionAttributeValues": {":past": {"N": past}, ":due": {"S": "due"},
                                          ":pending": {"S": "pending"}}})


def invoke(process, payload, expect):
    invocation = process.stub.invoke(payload, timeout=300)
    answer = invocation.answer or {}
    status = answer.get("statusCode")
    if not expect(answer):
        process.stop()
        raise SystemExit(f"bench: a path was answered {status!r} ({invocation.error or str(answer)[:300]}); "
                         f"see {process.log_path}")
    return answer


class Setup:
    """Orders, their booking tokens and message ids, made at full core before anything is
    measured (the measured processes then only take the path's own events)."""

    def __init__(self, process_class, variant, config, logs):
        command, env, cwd = variant
        self.config = config
        self.process = process_class(command, env, logs / "paths-setup.log", None, cwd)
        self.process.init_ms()
        self.count = 0

    def orders(self, n):
        """n new orders: (reference, customer address, confirmation's message id, booking token,
        customer page token)."""
        made = []
        for _ in range(n):
            self.count += 1
            payload = run.order_event(100_000 + self.count)
            address = json.loads(json.loads(payload)["body"])["email"]
            answer = invoke(self.process, payload, lambda a: a.get("statusCode") == 201)
            made.append((json.loads(answer["body"])["reference"], address))
        emails = [(json.dumps(e), e) for e in ses_emails(self.config["AWS_ENDPOINT_URL_SESV2"])]
        result = []
        for reference, address in made:
            customer = next(e for text, e in emails if address in json.dumps(e["destination"]))
            notice = next(text for text, e in emails if reference in text and "/booking?token=" in text)
            link = re.search(r"/booking\?token=([^\s\"<&\\]+)", notice).group(1)
            page = re.search(r"/order\?token=([^\s\"<&\\]+)", customer["body"]["text"]).group(1)
            result.append((reference, address, customer["messageId"], urllib.parse.unquote(link),
                           urllib.parse.unquote(page)))
        return result

    def sign_in(self, token):
        """A trainer's session, as a trainer gets one: the sign-in link asked for on the page
        behind `token`, read from the emulator, and its button pressed. The `Cookie` header."""
        invoke(self.process, form_event([("action", "request_sign_in"), ("token", token), ("trainer", "0")]),
               lambda a: a.get("statusCode") == 200)
        mails = ses_emails(self.config["AWS_ENDPOINT_URL_SESV2"])
        text = next(e["body"]["text"] for e in reversed(mails) if "?signin=" in e["body"].get("text", ""))
        signin = urllib.parse.unquote(re.search(r"\?signin=([^\s&]+)", text).group(1))
        answer = invoke(self.process, form_event([("action", "sign_in"), ("token", signin)]),
                        lambda a: a.get("statusCode") == 303)
        headers = {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
        cookies = answer.get("cookies") or [headers.get("set-cookie", "")]
        return next(c for c in cookies if c.startswith("__Host-trainer=")).split(";")[0]

    def book(self, tokens, cookie):
        """Each token's order booked (five weeks ahead); the page gives the sequence."""
        for token in tokens:
            page = invoke(self.process, page_event(token, cookie), lambda a: a.get("statusCode") == 200)
            sequence = re.search(r'name="sequence" value="(\d+)"', page["body"]).group(1)
            invoke(self.process, booking_event(token, sequence, booking_day(), cookie),
                   lambda a: a.get("statusCode") in (200, 303))

    def stop(self):
        self.process.stop()


def cpu_and_calls(process_class, variant, payloads, expect, logs, share, name, proxy_log, before=None,
                  warm=run.order_event):
    """One process in the share: ten orders open its connections, then the path's calls."""
    command, env, cwd = variant
    process = process_class(command, env, logs / f"paths-{name}.log", share, cwd)
    process.init_ms()
    for i in range(10):
        invoke(process, warm(200_000 + i), lambda a: a.get("statusCode") == 201)
    if before:
        before()
    cpu, calls = process.cpu_ns(), proxy_calls(proxy_log)
    for payload in payloads:
        invoke(process, payload, expect)
    result = ((process.cpu_ns() - cpu) / 1e6 / len(payloads), (proxy_calls(proxy_log) - calls) / len(payloads))
    process.stop()
    return result


def proxy_calls(proxy_log):
    return pathlib.Path(proxy_log).read_bytes().count(b"request ")


def instructions(variant, payload_sets, expect, logs, name, before=None, warm=run.order_event):
    """Instructions under callgrind of a process that takes ten orders and then each payload
    set's calls: the difference between the two sets over the difference in their sizes."""
    command, env, cwd = variant

    def calls(round_, payloads):
        def drive(stub):
            for i in range(10):
                stub.invoke(warm(300_000 + i), timeout=120)
            if before:
                before(round_)
            for payload in payloads:
                answer = stub.invoke(payload, timeout=300).answer or {}
                if not expect(answer):
                    raise SystemExit(f"bench: under callgrind a {name} call was answered {str(answer)[:300]}")
        return drive

    totals = [run.callgrind(command, env, logs / f"callgrind.paths.{name}.{round_}", calls(round_, payloads), cwd)
              for round_, payloads in enumerate(payload_sets)]
    return (totals[1] - totals[0]) // (len(payload_sets[1]) - len(payload_sets[0]))


def measure(process_class, order, human, config, logs, share, proxy_log, runs=50):
    """The table's rows: (path, calls measured, CPU ms per call, AWS calls per call,
    instructions per call)."""
    ok = lambda status: (lambda a: a.get("statusCode") in status)  # noqa: E731
    json_ok = lambda a: "statusCode" not in a  # noqa: E731  (a non-HTTP event answers its report)
    setup = Setup(process_class, order, config, logs)
    try:
        # Orders for: the page (one, shown again and again), the POSTs (each books once:
        # the CPU run, then callgrind's 1 and 1 + 10), the reports (each its own message), and
        # the reminder runs (the CPU run and callgrind's second run).
        made = setup.orders(1 + runs + 12 + runs + 12 + 2 * REMINDER_RUN)
        page, rest = made[0], made[1:]
        posts, rest = rest[:runs + 12], rest[runs + 12:]
        reports, rest = rest[:runs + 12], rest[runs + 12:]
        reminded = rest
        cookie = setup.sign_in(page[3])
        setup.book([r[3] for r in reminded], cookie)
    finally:
        setup.stop()
    rows = []
    # The plain order, for comparison (its own ten warm-up orders, then `runs` more).
    orders = [run.order_event(400_000 + i) for i in range(runs + 12)]
    rows.append(("order (the sample JSON order), for comparison", runs,
                 *cpu_and_calls(process_class, order, orders[:runs], ok((201,)), logs, share, "order", proxy_log),
                 instructions(order, [orders[runs:runs + 1], orders[runs + 1:]], ok((201,)), logs, "order")))
    strangers = [page_event(page[3])] * (runs + 12)
    rows.append(("sign-in page, GET (a booking link opened without a session: nothing read)", runs,
                 *cpu_and_calls(process_class, order, strangers[:runs], ok((200,)), logs, share, "sign-in", proxy_log),
                 instructions(order, [strangers[:1], strangers[:11]], ok((200,)), logs, "sign-in")))
    pages = [page_event(page[3], cookie)] * (runs + 12)
    rows.append(("booking page, GET, signed in (the session and the order read, the page rendered)", runs,
                 *cpu_and_calls(process_class, order, pages[:runs], ok((200,)), logs, share, "page", proxy_log),
                 instructions(order, [pages[:1], pages[:11]], ok((200,)), logs, "page")))
    checks = [booking_event(page[3], 0, booking_day(), cookie, checked=False)] * (runs + 12)
    rows.append(("check step, POST (the booking and the customer's email as they will be; nothing sent)", runs,
                 *cpu_and_calls(process_class, order, checks[:runs], ok((200,)), logs, share, "check", proxy_log),
                 instructions(order, [checks[:1], checks[:11]], ok((200,)), logs, "check")))
    booked = [booking_event(p[3], 0, booking_day(), cookie) for p in posts]
    rows.append(("booking, POST (written; the customer's email and the trainers' note, each with the invitation)", runs,
                 *cpu_and_calls(process_class, order, booked[:runs], ok((200, 303)), logs, share, "post", proxy_log),
                 instructions(order, [booked[runs:runs + 1], booked[runs + 1:]], ok((200, 303)), logs, "post")))
    customer_pages = [customer_page_event(page[4])] * (runs + 12)
    rows.append(("customer page, GET (the order read, the page rendered)", runs,
                 *cpu_and_calls(process_class, order, customer_pages[:runs], ok((200,)), logs, share,
                                "customer-page", proxy_log),
                 instructions(order, [customer_pages[:1], customer_pages[:11]], ok((200,)), logs, "customer-page")))
    asked = [request_event(page[4], i, checked=False) for i in range(runs + 12)]
    rows.append(("customer page's check step, POST (another date asked; its page counter taken, nothing written)",
                 runs, *cpu_and_calls(process_class, order, asked[:runs], ok((200,)), logs, share,
                                      "customer-check", proxy_log),
                 instructions(order, [asked[:1], asked[:11]], ok((200,)), logs, "customer-check")))
    # Each on its own unbooked order's page (the reports' orders: their booking stays at 0).
    requests = [request_event(p[4], 1000 + i) for i, p in enumerate(reports)]
    rows.append(("another date asked, POST (written beside the booking; the receipt and the trainers' note)",
                 runs, *cpu_and_calls(process_class, order, requests[:runs], ok((303,)), logs, share,
                                      "customer-request", proxy_log),
                 instructions(order, [requests[runs:runs + 1], requests[runs + 1:]], ok((303,)), logs,
                              "customer-request")))
    corrections = [invoicing_event(p[4], 2000 + i) for i, p in enumerate(reports)]
    rows.append(("invoicing details corrected, POST (logged; the receipt and the trainers' note)", runs,
                 *cpu_and_calls(process_class, order, corrections[:runs], ok((303,)), logs, share,
                                "customer-invoicing", proxy_log),
                 instructions(order, [corrections[runs:runs + 1], corrections[runs + 1:]], ok((303,)), logs,
                              "customer-invoicing")))
    delivered = [report_event(r[0], r[2], r[1]) for r in reports]
    rows.append(("delivery report (SES Delivery through EventBridge)", runs,
                 *cpu_and_calls(process_class, order, delivered[:runs], json_ok, logs, share, "report", proxy_log),
                 instructions(order, [delivered[runs:runs + 1], delivered[runs + 1:]], json_ok, logs, "report")))
    first, second = [r[0] for r in reminded[:REMINDER_RUN]], [r[0] for r in reminded[REMINDER_RUN:]]
    sent_before = len(ses_emails(config["AWS_ENDPOINT_URL_SESV2"]))
    cpu, calls = cpu_and_calls(process_class, order, [SCHEDULED_EVENT], json_ok, logs, share, "reminders",
                               proxy_log, before=lambda: make_reminders_due(config, first))
    sent = len(ses_emails(config["AWS_ENDPOINT_URL_SESV2"])) - sent_before - 2 * 10
    if sent != 2 * REMINDER_RUN:
        raise SystemExit(f"bench: the reminder run sent {sent} emails for {REMINDER_RUN} due bookings, "
                         f"expected {2 * REMINDER_RUN}; see {logs / 'paths-reminders.log'}")
    reminders = instructions(order, [[], [SCHEDULED_EVENT]], json_ok, logs, "reminders",
                             before=lambda round_: round_ and make_reminders_due(config, second))
    rows.append((f"reminder run of {REMINDER_RUN} due bookings (one scheduled event; "
                 f"{2 * REMINDER_RUN} emails), per run", 1, cpu, calls, reminders))
    checked = [human_order_event(i) for i in range(runs + 12)]
    rows.append(("order with the human check (siteverify stub over TLS)", runs,
                 *cpu_and_calls(process_class, human, checked[:runs], ok((201,)), logs, share, "human", proxy_log,
                                warm=human_order_event),
                 instructions(human, [checked[runs:runs + 1], checked[runs + 1:]], ok((201,)), logs, "human",
                              warm=human_order_event)))
    return rows


def table(rows, share_label):
    lines = [f"Paths beside the order, at {share_label}, over TLS (bench/paths.py):", "",
             "| path | calls | CPU ms per call | AWS calls per call | instructions per call (callgrind) |",
             "|---|---|---|---|---|"]
    for name, n, cpu, calls, count in rows:
        lines.append(f"| {name} | {n} | {cpu:.2f} | {calls:.1f} | {count:,} |")
    return lines
