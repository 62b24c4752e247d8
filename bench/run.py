#!/usr/bin/env python3
"""make bench (scripts/bench.sh runs it): init, first request, warm latency and memory of the
release build, through the Runtime API stub (bench/runtime_stub.py) against DynamoDB Local and
the SES emulator; with the sizes and per-order CPU figures (criterion, callgrind) that
scripts/bench.sh measured before. Prints one table and writes it into BENCHMARKS.md between the
`bench:` markers. A benchmark: it fails on counts (every order answered 201, every email sent),
never on timings. Standard library only.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from runtime_stub import RuntimeStub  # noqa: E402

ORDER_EVENT = json.loads((ROOT / "events/apigw-http-json-order.json").read_text())
ORDER_BODY = json.loads(ORDER_EVENT["body"])


def percentile(values, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def ms(ns):
    return ns / 1e6


def order_event(i):
    """The sample order with its own address and idempotency key, so no two are duplicates."""
    body = dict(ORDER_BODY, email=f"bench+{uuid.uuid4().hex[:12]}@tuusula.example",
                idempotency_key=str(uuid.uuid4()), organization=f"Benchikunta {i}")
    event = json.loads(json.dumps(ORDER_EVENT))
    event["body"] = json.dumps(body)
    event["requestContext"]["requestId"] = f"bench-{i}"
    return json.dumps(event).encode()


class Function:
    """One process of a function binary, polling the stub, its output in a log file."""

    def __init__(self, binary, env, log_path):
        self.stub = stub = RuntimeStub()
        env = dict(env, AWS_LAMBDA_RUNTIME_API=stub.address)
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.started_ns = time.perf_counter_ns()
        self.process = subprocess.Popen([binary], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def init_ms(self):
        return ms(self.stub.wait_for_first_poll() - self.started_ns)

    def invoke(self, i):
        invocation = self.stub.invoke(order_event(i))
        answer = invocation.answer or {}
        if answer.get("statusCode") != 201:
            self.stop()
            raise SystemExit(f"bench: order {i} was answered {answer.get('statusCode')!r} "
                             f"({invocation.error or answer.get('body')}); see {self.log_path}")
        return invocation.seconds * 1000, json.loads(answer["body"])["reference"]

    def cpu_ns(self):
        """Time on CPU of all the process's threads so far, in ns (schedstat): fine enough for
        one call, where /proc's ticks are 10 ms."""
        return sum(int((task / "schedstat").read_text().split()[0])
                   for task in pathlib.Path(f"/proc/{self.process.pid}/task").iterdir())

    def cpu_ms(self):
        """User and system CPU the process has used so far."""
        fields = pathlib.Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return ticks * 1000 / os.sysconf("SC_CLK_TCK")

    def memory_kb(self, field):
        status = pathlib.Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))

    def connections(self, ports):
        """The process's TCP connections to these ports (socket inodes), from /proc."""
        inodes = set()
        for fd in pathlib.Path(f"/proc/{self.process.pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        found = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in pathlib.Path(table).read_text().splitlines()[1:]:
                columns = line.split()
                if columns[9] in inodes and int(columns[2].rsplit(":", 1)[1], 16) in ports:
                    found.add(columns[9])
        return found

    def stop(self):
        self.process.kill()
        self.process.wait()
        self.log.close()
        self.stub.close()


def lambda_env(config, warm_up):
    """What Lambda sets (provided.al2023, JSON logs at INFO, as infra/template.yaml configures),
    plus the function's own configuration. Nothing else of this shell leaks in."""
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_LAMBDA_FUNCTION_NAME": "order-intake-bench",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/order-intake-bench",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/26/[$LATEST]bench",
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "AWS_LAMBDA_LOG_LEVEL": "INFO",
        "AWS_SESSION_TOKEN": "local",
    }
    env.update(config)
    env["WARM_UP_CONNECTIONS"] = "true" if warm_up else "false"
    return env


def read_env_file(path):
    config = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            config[name.strip()] = value.strip().removeprefix('"').removesuffix('"')  # as the shell reads it
    return config


def summary(values):
    return {"n": len(values), "p50": statistics.median(values), "p90": percentile(values, 90),
            "p99": percentile(values, 99)}


def measure_init(variants, starts, logs):
    """Interleaved starts, so the machine's drift hits every variant alike."""
    times = {name: [] for name in variants}
    for _ in range(starts):
        for name, (binary, env) in variants.items():
            function = Function(binary, env, logs / f"init-{name}.log")
            times[name].append(function.init_ms())
            function.stop()
    return {name: summary(values) for name, values in times.items()}


def init_instructions(binary, env, logs, name):
    """Instructions from exec to the first poll, under callgrind: the same count on every run,
    however busy the machine."""
    stub = RuntimeStub()
    out = logs / f"callgrind.init.{name}"
    process = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary],
                               env=dict(env, AWS_LAMBDA_RUNTIME_API=stub.address),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stub.wait_for_first_poll(timeout=120)
    # callgrind writes its counts when the process ends on a signal. SIGTERM, since SIGINT
    # was seen to be left pending while the process waited for its event.
    for _ in range(3):
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
            break
        except subprocess.TimeoutExpired:
            continue
    else:
        process.kill()
        raise SystemExit(f"bench: {binary} under callgrind did not stop on SIGTERM")
    stub.close()
    return int(re.search(r"^summary: (\d+)", out.read_text(), re.M).group(1))


def callgrind(command, env, out, drive, cwd=None):
    """The instructions of `command` under callgrind, against a stub of its own: `drive(stub)`
    makes its calls, then SIGTERM stops it (callgrind writes its counts on a signal)."""
    stub = RuntimeStub()
    process = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
                               env=dict(env, AWS_LAMBDA_RUNTIME_API=stub.address), cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        stub.wait_for_first_poll(timeout=300)
        drive(stub)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        stub.close()
    return int(re.search(r"^summary: (\d+)", pathlib.Path(out).read_text(), re.M).group(1))


def measure_first_request(variants, starts, ports, logs):
    """The first and second order of fresh processes, and how many connections to the
    services each process had after init and opened during its first order."""
    first = {name: [] for name in variants}
    second = {name: [] for name in variants}
    connections = {name: {"after init": [], "opened by the first order": []} for name in variants}
    for i in range(starts):
        for name, (binary, env) in variants.items():
            function = Function(binary, env, logs / f"first-{name}.log")
            function.init_ms()
            before = function.connections(ports)
            first[name].append(function.invoke(i)[0])
            connections[name]["after init"].append(len(before))
            connections[name]["opened by the first order"].append(len(function.connections(ports) - before))
            second[name].append(function.invoke(i)[0])
            function.stop()
    return ({name: summary(v) for name, v in first.items()},
            {name: summary(v) for name, v in second.items()},
            {name: {k: summary(v) for k, v in c.items()} for name, c in connections.items()})


def log_timings(log_path):
    """Per order reference: the store write and each email's send and record, from the
    function's own JSON logs ("order stored", "email sent")."""
    timings = {}
    for line in pathlib.Path(log_path).read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        fields = entry.get("fields", entry)
        reference = fields.get("reference")
        if not reference:
            continue
        order = timings.setdefault(reference, {})
        if fields.get("message") == "order stored" and "store_ms" in fields:
            order["store"] = float(fields["store_ms"])
        elif fields.get("message") == "email sent":
            order[f"send_{fields['email']}"] = float(fields["send_ms"])
            order[f"record_{fields['email']}"] = float(fields["record_ms"])
    return timings


def measure_warm(binary, env, orders, logs, name="warm"):
    function = Function(binary, env, logs / f"{name}.log")
    function.init_ms()
    for i in range(20):  # the services' own warm-up (DynamoDB Local's JIT), not counted
        function.invoke(i)
    cpu_before = function.cpu_ms()
    latencies, references, rss = [], [], {}
    checkpoints = {1, 100, 250, 500, 750, orders}
    for i in range(1, orders + 1):
        latency, reference = function.invoke(i)
        latencies.append(latency)
        references.append(reference)
        if i in checkpoints:
            rss[i] = function.memory_kb("VmRSS")
    peak = function.memory_kb("VmHWM")
    cpu_per_order = (function.cpu_ms() - cpu_before) / orders
    function.stop()
    timings = log_timings(function.log_path)
    parts = {}
    for key in ("store", "send_customer", "send_trainer", "record_customer", "record_trainer"):
        values = [timings[r][key] for r in references if key in timings.get(r, {})]
        if values:
            parts[key] = summary(values)
    both = [r for r in references if len(timings.get(r, {})) == 5]
    if both:
        parts["store + slower email"] = summary([
            timings[r]["store"] + max(timings[r]["send_customer"] + timings[r]["record_customer"],
                                      timings[r]["send_trainer"] + timings[r]["record_trainer"])
            for r in both])
        # Both emails' outcomes are recorded in one write after both sends (record_ms is the
        # same on both log lines).
        parts["store + both emails in turn"] = summary([
            timings[r]["store"] + timings[r]["send_customer"] + timings[r]["send_trainer"]
            + timings[r]["record_customer"] for r in both])
    return summary(latencies), parts, rss, peak, cpu_per_order


def ses_count(endpoint):
    import urllib.request
    with urllib.request.urlopen(f"{endpoint}/store", timeout=30) as response:
        return len(json.load(response)["emails"])


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in
                pathlib.Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    return (f"{platform.machine()}, {cpu}, {os.cpu_count()} cores, "
            f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB, "
            f"{platform.system()} {platform.release()}; {rustc}; commit {commit or 'unknown'}")


def criterion_median(folder):
    """Median and its 95 % interval, in µs, from criterion's estimates."""
    median = json.loads((folder / "new/estimates.json").read_text())["median"]
    interval = median["confidence_interval"]
    return tuple(v / 1000 for v in (median["point_estimate"], interval["lower_bound"], interval["upper_bound"]))


def instructions_per_order(folder, fmt):
    """callgrind ran the order path 1 and 101 times: the difference over 100 is one order."""
    def total(n):
        text = (folder / f"callgrind.{fmt}.{n}").read_text()
        return int(re.search(r"^(?:summary|totals): (\d+)", text, re.M).group(1))
    return (total(101) - total(1)) // 100


def row(name, s, unit="ms", fmt="{:.2f}"):
    return f"| {name} | {s['n']} | {fmt.format(s['p50'])} | {fmt.format(s['p90'])} | {fmt.format(s['p99'])} | {unit} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--function", required=True)
    parser.add_argument("--hello", required=True)
    parser.add_argument("--config", required=True, help="the function's environment (KEY=VALUE lines)")
    parser.add_argument("--zip", required=True, help="the arm64 deployment zip")
    parser.add_argument("--callgrind", required=True, help="folder of callgrind.<format>.<n> files")
    parser.add_argument("--criterion", default=str(ROOT / "target/criterion/order_path"))
    parser.add_argument("--starts", type=int, default=30)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--logs", default=str(ROOT / ".tools/bench"))
    parser.add_argument("--write", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args()
    logs = pathlib.Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)
    config = read_env_file(args.config)
    cpu = {fmt: (criterion_median(pathlib.Path(args.criterion) / fmt),
                 instructions_per_order(pathlib.Path(args.callgrind), fmt)) for fmt in ("json", "form")}

    hello = (args.hello, lambda_env({}, False))
    cold = (args.function, lambda_env(config, False))
    warmed = (args.function, lambda_env(config, True))
    # The same, without the EMF metrics (METRICS=false): what the metrics cost.
    unmeasured = (args.function, dict(lambda_env(config, True), METRICS="false"))

    print(f"bench: {args.starts} starts of each function…", flush=True)
    init = measure_init({"hello": hello, "order": cold, "order+warm-up": warmed,
                         "order+warm-up, no metrics": unmeasured}, args.starts, logs)
    cold_unmeasured = (args.function, dict(lambda_env(config, False), METRICS="false"))
    instructions = {name: init_instructions(*variant, logs, name)
                    for name, variant in (("hello", hello), ("order", cold), ("order, metrics off", cold_unmeasured))}
    print(f"bench: {args.starts} cold starts with a first and second order…", flush=True)
    ports = {int(config[name].rsplit(":", 1)[1]) for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SESV2")}
    first, second, connections = measure_first_request(
        {"order": cold, "order+warm-up": warmed}, args.starts, ports, logs)
    emails_before = ses_count(config["AWS_ENDPOINT_URL_SESV2"])
    print(f"bench: {args.orders} warm orders through one process…", flush=True)
    warm, parts, rss, peak, cpu_warm = measure_warm(*warmed, args.orders, logs)
    emails = ses_count(config["AWS_ENDPOINT_URL_SESV2"]) - emails_before
    expected = 2 * (args.orders + 20)
    if emails != expected:
        raise SystemExit(f"bench: the SES emulator received {emails} emails for {args.orders + 20} orders, "
                         f"expected {expected}; see {logs / 'warm.log'}")

    # Interleaved, so that drift hits both alike: with metrics, without, with again.
    print(f"bench: CPU per warm order with and without metrics ({args.orders // 2} orders each, interleaved)…", flush=True)
    cpu_with, cpu_without = [], []
    for round_ in range(2):
        cpu_with.append(measure_warm(*warmed, args.orders // 2, logs, f"cpu-metrics-{round_}")[4])
        cpu_without.append(measure_warm(*unmeasured, args.orders // 2, logs, f"cpu-plain-{round_}")[4])
    cpu_with, cpu_without = statistics.mean(cpu_with), statistics.mean(cpu_without)

    ratio = init["order"]["p50"] / init["hello"]["p50"]
    ratio_warm = init["order+warm-up"]["p50"] / init["hello"]["p50"]
    lines = [
        f"Command: `make bench` · {datetime.date.today().isoformat()} · {machine()}",
        "",
        "| Measure | n | p50 | p90 | p99 | unit |",
        "|---|---|---|---|---|---|",
        row("1. init: hello-world (lambda_http, same profile)", init["hello"]),
        row("1. init: order-intake, real config and SDK clients", init["order"]),
        row("1. init: order-intake + connection warm-up", init["order+warm-up"]),
        row("1. init: order-intake + connection warm-up, metrics off (METRICS=false)", init["order+warm-up, no metrics"]),
        f"| 1. init ratio order-intake / hello-world (p50) | | {ratio:.2f} | | | ×, with warm-up {ratio_warm:.2f} |",
        f"| 1. init instructions (callgrind): hello-world / order-intake | | {instructions['hello']:,} / "
        f"{instructions['order']:,} | | | instructions ({instructions['order'] / instructions['hello']:.2f} ×) |",
        f"| 1. init instructions (callgrind): order-intake, EMF metrics on / off | | {instructions['order']:,} / "
        f"{instructions['order, metrics off']:,} | | | instructions "
        f"({(instructions['order'] / instructions['order, metrics off'] - 1) * 100:+.1f} %) |",
        *(f"| 2. per order CPU, {label} body: criterion median | | {cpu[fmt][0][0]:.1f} | | | µs "
          f"(95 % CI {cpu[fmt][0][1]:.1f}–{cpu[fmt][0][2]:.1f}) |" for fmt, label in (("json", "JSON"), ("form", "form"))),
        *(f"| 2. per order instructions, {label} body: callgrind | | {cpu[fmt][1]:,} | | | instructions |"
          for fmt, label in (("json", "JSON"), ("form", "form"))),
        row("3. warm invoke, whole", warm),
        f"| 3. CPU per warm order (process user + system), whole run | {args.orders} | {cpu_warm:.2f} | | | ms |",
        f"| 3. CPU per warm order, EMF metrics on / off (interleaved, 2 × {args.orders // 2} each) | | "
        f"{cpu_with:.2f} / {cpu_without:.2f} | | | ms ({(cpu_with / cpu_without - 1) * 100:+.1f} %) |",
    ]
    for key, label in (("store", "DynamoDB write (TransactWriteItems)"),
                       ("send_customer", "SES send, customer email"),
                       ("send_trainer", "SES send, trainer email"),
                       ("record_customer", "record both outcomes and their recipients (one UpdateItem)"),
                       ("store + slower email", "write + slower send + record"),
                       ("store + both emails in turn", "write + both sends one after the other + record")):
        if key in parts:
            lines.append(row(f"3. warm: {label}", parts[key]))
    lines += [
        row("4. first order after a cold start", first["order"]),
        row("4. first order after a cold start, with warm-up", first["order+warm-up"]),
        row("4. second order of the same process", second["order"]),
        row("4. connections to the services after init", connections["order"]["after init"], "connections", "{:.0f}"),
        row("4. connections to the services after init, with warm-up", connections["order+warm-up"]["after init"],
            "connections", "{:.0f}"),
        row("4. connections opened by the first order", connections["order"]["opened by the first order"],
            "connections", "{:.0f}"),
        row("4. connections opened by the first order, with warm-up",
            connections["order+warm-up"]["opened by the first order"], "connections", "{:.0f}"),
        f"| 5. stripped binary x86_64 / hello-world | | {os.path.getsize(args.function):,} / "
        f"{os.path.getsize(args.hello):,} | | | bytes |",
        f"| 5. arm64 deployment zip (`cargo lambda build --release --arm64 --output-format zip`) | | "
        f"{os.path.getsize(args.zip):,} | | | bytes |",
        f"| 6. peak RSS over {args.orders} warm orders (VmHWM) | | {peak / 1024:.1f} | | | MiB |",
        "| 6. RSS after order " + ", ".join(str(i) for i in sorted(rss)) + " | | "
        + " · ".join(f"{rss[i] / 1024:.1f}" for i in sorted(rss)) + " | | | MiB |",
    ]
    table = "\n".join(lines)
    print(table)
    path = pathlib.Path(args.write)
    text = path.read_text() if path.exists() else "<!-- bench:start -->\n<!-- bench:end -->\n"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}")
    print(f"bench: table written to {path}")


if __name__ == "__main__":
    main()
