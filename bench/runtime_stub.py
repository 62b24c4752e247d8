"""A small stand-in for the Lambda Runtime API (the `AWS_LAMBDA_RUNTIME_API` a function polls),
for make bench: it hands out events one at a time and records, with one clock, when a process
first asked for work (the end of its init) and how long each invoke took, from handing out the
event to receiving the answer. Standard library only.

The protocol: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
"""

import http.server
import json
import queue
import threading
import time
import uuid

PREFIX = "/2018-06-01/runtime"


class Invocation:
    def __init__(self, payload: bytes):
        self.request_id = str(uuid.uuid4())
        self.payload = payload
        self.handed_out_ns = None
        self.answered_ns = None
        self.answer = None
        self.error = None
        self.done = threading.Event()

    @property
    def seconds(self) -> float:
        return (self.answered_ns - self.handed_out_ns) / 1e9


class RuntimeStub:
    """Serves one function process on 127.0.0.1:<port>: one stub per process, so a stopped
    process's last poll can never take the next process's event."""

    def __init__(self):
        stub = self
        self.events: "queue.Queue[Invocation]" = queue.Queue()
        self.pending: dict[str, Invocation] = {}
        self.first_poll_ns = None
        self.first_poll = threading.Event()
        self.init_error = None

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Each answer in one write, without Nagle: a head and a body in two small writes
            # wait for the client's delayed ACK (40 ms), which some runtime clients (the
            # Python peer's) hit on every invoke and others do not.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def reply(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self._headers_buffer.append(b"\r\n")
                self._headers_buffer.append(body)
                self.flush_headers()

            def do_GET(self):
                if self.path != f"{PREFIX}/invocation/next":
                    return self.reply(404)
                if stub.first_poll_ns is None:
                    stub.first_poll_ns = time.perf_counter_ns()
                    stub.first_poll.set()
                invocation = stub.events.get()
                if invocation is None:  # the process is being stopped; leave it waiting
                    return self.reply(503)
                stub.pending[invocation.request_id] = invocation
                deadline_ms = int(time.time() * 1000) + 20_000
                invocation.handed_out_ns = time.perf_counter_ns()
                self.reply(200, invocation.payload, {
                    "Content-Type": "application/json",
                    "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                    "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                    "Lambda-Runtime-Invoked-Function-Arn":
                        "arn:aws:lambda:eu-north-1:123456789012:function:order-intake-bench",
                    "Lambda-Runtime-Trace-Id": "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=0",
                })

            def do_POST(self):
                answered_ns = time.perf_counter_ns()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == f"{PREFIX}/init/error":
                    stub.init_error = body.decode("utf-8", "replace")
                    stub.first_poll.set()
                    return self.reply(202, b"{}")
                parts = self.path.removeprefix(f"{PREFIX}/invocation/").split("/")
                invocation = stub.pending.pop(parts[0], None) if len(parts) == 2 else None
                if invocation is None:
                    return self.reply(404)
                invocation.answered_ns = answered_ns
                if parts[1] == "response":
                    invocation.answer = json.loads(body)
                else:
                    invocation.error = body.decode("utf-8", "replace")
                self.reply(202, b"{}")
                invocation.done.set()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A stopped process leaves its poll's connection broken: nothing to report.
        self.server.handle_error = lambda request, address: None
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait_for_first_poll(self, timeout: float = 30) -> int:
        if not self.first_poll.wait(timeout):
            raise TimeoutError("the function did not ask for an event within "
                               f"{timeout} s (is AWS_LAMBDA_RUNTIME_API={self.address} set?)")
        if self.init_error is not None:
            raise RuntimeError(f"the function reported an init error: {self.init_error}")
        return self.first_poll_ns

    def invoke(self, payload: bytes, timeout: float = 30) -> Invocation:
        invocation = Invocation(payload)
        self.events.put(invocation)
        if not invocation.done.wait(timeout):
            raise TimeoutError(f"no answer to an invoke within {timeout} s")
        return invocation

    def close(self):
        self.events.put(None)  # releases the poll the stopped process left waiting
        self.server.shutdown()
        self.server.server_close()
