#!/usr/bin/env python3
"""A small stand-in for API Gateway (HTTP API, payload 2.0) in front of cargo lambda watch, for
schemathesis. It turns each HTTP request into the event API Gateway sends, with the body
base64-encoded as API Gateway does for bodies it does not treat as text, and invokes the function
through cargo lambda watch's Lambda invoke API.

Why: cargo lambda watch's own HTTP front answers 500 itself, before the function runs, to a JSON
body that is not UTF-8; API Gateway instead hands such a body over base64-encoded, and the
function answers 400. Through this proxy schemathesis tests the function, not the emulator.

  python3 tests/apigw_proxy.py LISTEN_PORT FUNCTION_INVOKE_URL
"""

import base64
import json
import sys
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
INVOKE = sys.argv[2]


class Gateway(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        headers = {}
        for name, value in self.headers.items():
            name = name.lower()
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        event = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path,
            "rawQueryString": query,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012", "apiId": "local", "domainName": "127.0.0.1", "domainPrefix": "local",
                "http": {"method": self.command, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                         "userAgent": headers.get("user-agent", "")},
                "requestId": str(uuid.uuid4()), "routeKey": "$default", "stage": "$default",
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()), "timeEpoch": int(time.time() * 1000),
            },
            "isBase64Encoded": bool(body),
        }
        if body:
            event["body"] = base64.b64encode(body).decode()
        request = urllib.request.Request(INVOKE, data=json.dumps(event).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                result = json.loads(response.read())
            status = int(result["statusCode"])
            payload = result.get("body") or ""
            payload = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
            answer_headers = result.get("headers") or {}
        except Exception as error:  # noqa: BLE001 - the gateway's own failure, told as API Gateway does
            status, payload, answer_headers = 502, json.dumps({"message": f"proxy: {error}"}).encode(), {"content-type": "application/json"}
        self.send_response(status)
        for name, value in answer_headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def __getattr__(self, name):
        # Every method goes to the function, as with API Gateway's $default route.
        if name.startswith("do_"):
            return self.handle_any
        raise AttributeError(name)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Gateway).serve_forever()
