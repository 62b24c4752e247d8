#!/usr/bin/env python3
"""A local stand-in for Apix Messaging's REST API (wiki.apix.fi, "REST API for external
usage", version 1.15), for `orders send`'s tests: it checks each request as Apix documents it
and answers in Apix's response format.

  PUT /invoices?soft=&ver=&TraID=&t=&d=SHA-256:<hex>   SendInvoiceZIP
      the digest recomputed over soft+ver+TraID+t+TransferKey, the timestamp (CCYYMMDDHHMMSS,
      UTC) within WINDOW seconds of now, the body a ZIP with at least one Finvoice XML file at
      its root and nothing but .xml and .pdf files, the image a Finvoice names (InvoiceUrlNameText
      APIX_PDFFILE, InvoiceUrlText file://NAME) in it and a PDF; ERR answers for each failure.
  GET  /app-transferID?id=&idq=&uid=&ts=&d=            RetrieveTransferID
      the digest over id+idq+uid+ts+SHA-256(password) for the one known user.
  POST /control  {"mode": "ok"|"refuse"|"timeout"}      how the next sends are answered
  GET  /received                                      what was accepted (JSON)
  GET  /zip?batch=N                                    an accepted ZIP as it came

Usage: apix_standin.py PORT   (prints "ready" when listening)
"""
import hashlib
import io
import json
import sys
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TRANSFER_ID = "standin-transfer-id"
TRANSFER_KEY = "standin-transfer-key-0123456789"
COMPANY_ID = "standin-company"
BUSINESS_ID = "1234567-1"
USER = "laskutus@some-tyopajat.example"
PASSWORD = "standin-password"
WINDOW = 300

state = {"mode": "ok", "received": [], "batch": 1000}
lock = threading.Lock()


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def response(ok, code, text, values=()):
    status = "OK" if ok else "ERR"
    group = "".join(f'<Value type="{k}">{v}</Value>' for k, v in values)
    content = f"<Content><Group>{group}</Group></Content>" if values else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<Response><Status>{status}</Status><StatusCode>{code}</StatusCode>"
        f'<FreeText language="en">{text}</FreeText>{content}</Response>'
    ).encode("utf-8")


def timestamp_ok(t):
    try:
        at = datetime.strptime(t, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return False
    return abs(time.time() - at.timestamp()) <= WINDOW


def zip_problem(body):
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile:
        return "not a ZIP file", []
    names = archive.namelist()
    if any("/" in n or not n.lower().endswith((".xml", ".pdf")) for n in names):
        return f"unexpected files in the ZIP: {names}", []
    numbers = []
    for name in (n for n in names if n.lower().endswith(".xml")):
        try:
            root = ET.fromstring(archive.read(name))
        except ET.ParseError:
            return f"{name} is not XML", []
        if root.tag != "Finvoice":
            return f"{name} is not a Finvoice document", []
        numbers.append(root.findtext("InvoiceDetails/InvoiceNumber"))
        # The invoice image: InvoiceUrlNameText APIX_PDFFILE names it in InvoiceUrlText.
        kinds = [e.text for e in root.findall("InvoiceUrlNameText")]
        urls = [e.text for e in root.findall("InvoiceUrlText")]
        for kind, url in zip(kinds, urls):
            if kind == "APIX_PDFFILE":
                image = (url or "").removeprefix("file://")
                if image not in names:
                    return f"{name} names {image}, which is not in the ZIP", []
                if not archive.read(image).startswith(b"%PDF-"):
                    return f"{image} is not a PDF", []
    if not numbers:
        return "no Finvoice file in the ZIP", []
    return None, numbers


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/xml"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        url = urlparse(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if url.path != "/invoices":
            return self.answer(404, b"")
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        need = ["soft", "ver", "TraID", "t", "d"]
        if any(k not in q for k in need):
            return self.answer(200, response(False, 6002, "Missing parameters"))
        if q["TraID"] != TRANSFER_ID:
            return self.answer(200, response(False, 6003, "Unknown TransferID"))
        expected = "SHA-256:" + sha256("+".join([q["soft"], q["ver"], q["TraID"], q["t"], TRANSFER_KEY]))
        if q["d"] != expected:
            return self.answer(200, response(False, 6004, "Authentication failed: digest"))
        if not timestamp_ok(q["t"]):
            return self.answer(200, response(False, 6005, "Timestamp out of window"))
        problem, numbers = zip_problem(body)
        if problem:
            return self.answer(200, response(False, 6100, problem))
        with lock:
            mode = state["mode"]
        if mode == "refuse":
            return self.answer(200, response(False, 6200, "Receiver address not found"))
        with lock:
            state["batch"] += 1
            batch = state["batch"]
            state["received"].append({"batch": batch, "invoices": numbers, "soft": q["soft"]})
            state.setdefault("zips", {})[str(batch)] = body
        if mode == "timeout":
            time.sleep(3)
        values = [("AcceptedDocument", len(numbers)), ("BatchID", batch), ("CostInCredits", len(numbers))]
        return self.answer(200, response(True, 5000, "OK", values))

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/zip":
            with lock:
                body = state.get("zips", {}).get(q.get("batch", ""), b"")
            return self.answer(200 if body else 404, body, "application/zip")
        if url.path == "/received":
            with lock:
                return self.answer(200, json.dumps(state["received"]).encode(), "application/json")
        if url.path == "/app-transferID":
            d = "SHA-256:" + sha256("+".join([q.get("id", ""), q.get("idq", ""), q.get("uid", ""), q.get("ts", ""), sha256(PASSWORD)]))
            if q.get("uid") != USER or q.get("id") != BUSINESS_ID or q.get("d") != d:
                return self.answer(200, response(False, 6004, "Authentication failed"))
            if not timestamp_ok(q.get("ts", "")):
                return self.answer(200, response(False, 6005, "Timestamp out of window"))
            values = [("TransferID", TRANSFER_ID), ("TransferKey", TRANSFER_KEY), ("UniqueCompanyID", COMPANY_ID)]
            return self.answer(200, response(True, 5000, "OK", values))
        return self.answer(404, b"")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if urlparse(self.path).path != "/control":
            return self.answer(404, b"")
        with lock:
            state["mode"] = json.loads(body)["mode"]
        return self.answer(200, b"{}", "application/json")


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()
