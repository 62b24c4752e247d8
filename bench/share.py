#!/usr/bin/env python3
"""make bench, second part (scripts/bench.sh runs it after bench/run.py): the function as Lambda
runs it. Every function process (the Rust function, the hello-world floor, the Python/boto3
peer in bench/peer/) runs inside a CPU quota equal to Lambda's share for a memory size (one vCPU
at 1,769 MB), for 128, 256, 512 and 1,024 MB; the local services and this script stay outside.
The services are reached over real TLS: bench/tls_proxy.py terminates it with a certificate of a
CA made for this run, which the function trusts only because make bench builds it with the
`trust-local-ca` feature. Writes its tables into BENCHMARKS.md between the `share:` markers.
A benchmark: it fails on counts (every order answered 201), never on timings.
"""

import argparse
import datetime
import json
import math
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import paths  # noqa: E402
import run  # noqa: E402
from runtime_stub import RuntimeStub  # noqa: E402

SIZES = (128, 256, 512, 1024)
# Lambda gives one vCPU at 1,769 MB and CPU in proportion below it (AWS Lambda developer guide).
VCPU_MB = 1769
PERIOD_US = 100_000  # the kernel's default CFS period; Lambda's own is not published


class NoCpuControl(Exception):
    pass


class CpuShare:
    """A cgroup whose CPU quota is Lambda's share at `mb` of memory: cgroup v1's `cpu`
    controller (cpu.cfs_quota_us) where it is mounted and writable, else cgroup v2's cpu.max.
    Neither writable (not root, or a container without its cgroup delegated): NoCpuControl."""

    def __init__(self, mb):
        self.mb = mb
        self.share = mb / VCPU_MB
        quota = max(1000, round(PERIOD_US * self.share))
        v1 = pathlib.Path("/sys/fs/cgroup/cpu")
        v2 = pathlib.Path("/sys/fs/cgroup")
        try:
            if (v1 / "cpu.cfs_quota_us").exists():
                self.path = v1 / f"order-intake-bench-{mb}"
                self.path.mkdir(exist_ok=True)
                (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
                (self.path / "cpu.cfs_quota_us").write_text(str(quota))
            elif "cpu" in (v2 / "cgroup.controllers").read_text().split():
                subtree = v2 / "cgroup.subtree_control"
                if "cpu" not in subtree.read_text().split():
                    subtree.write_text("+cpu")
                self.path = v2 / f"order-intake-bench-{mb}"
                self.path.mkdir(exist_ok=True)
                (self.path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            else:
                raise NoCpuControl("no cgroup cpu controller (v1 or v2) on this machine")
        except OSError as error:
            raise NoCpuControl(f"cannot set a CPU quota ({error}): make bench needs root, or a "
                               "delegated cgroup, to run the function at Lambda's CPU share") from error
        self.procs = str(self.path / "cgroup.procs")

    def enter(self):
        """Runs in the child between fork and exec: the function is in the quota from its
        first instruction."""
        with open(self.procs, "w") as procs:
            procs.write(str(os.getpid()))

    def label(self):
        return f"{self.mb} MB ({self.share * 100:.1f} % of a core)"


class Process(run.Function):
    """run.Function for any command, optionally inside a CPU share."""

    def __init__(self, command, env, log_path, share=None, cwd=None):
        self.stub = stub = RuntimeStub()
        env = dict(env, AWS_LAMBDA_RUNTIME_API=stub.address)
        if share:
            env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = str(share.mb)
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.started_ns = time.perf_counter_ns()
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        cwd=cwd, preexec_fn=share.enter if share else None)


def make_ca(folder):
    """A throwaway CA and a certificate for 127.0.0.1 signed by it (RSA 2048, as AWS's own)."""
    folder.mkdir(parents=True, exist_ok=True)
    openssl = ["openssl"]

    def run_openssl(*args):
        subprocess.run(openssl + list(args), check=True, capture_output=True)

    run_openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(folder / "ca.key"),
                "-out", str(folder / "ca.pem"), "-days", "2", "-subj", "/CN=order-intake make bench CA")
    run_openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(folder / "server.key"),
                "-out", str(folder / "server.csr"), "-subj", "/CN=127.0.0.1")
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    run_openssl("x509", "-req", "-in", str(folder / "server.csr"), "-CA", str(folder / "ca.pem"),
                "-CAkey", str(folder / "ca.key"), "-CAcreateserial", "-days", "2",
                "-extfile", str(folder / "server.ext"), "-out", str(folder / "server.pem"))
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


def start_tls_proxy(cert, key, pairs, log_path):
    log = open(log_path, "wb")
    proxy = subprocess.Popen([sys.executable, str(ROOT / "bench/tls_proxy.py"), "--cert", str(cert),
                              "--key", str(key), *(f"{a}:{b}" for a, b in pairs)],
                             stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if b"listening" in pathlib.Path(log_path).read_bytes():
            return proxy
        if proxy.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit(f"bench: the TLS proxy did not start; see {log_path}")


def measure_inits(variants, starts, logs, share):
    times = {name: [] for name in variants}
    for _ in range(starts):
        for name, (command, env, cwd) in variants.items():
            process = Process(command, env, logs / f"share-init-{name}.log", share, cwd)
            times[name].append(process.init_ms())
            process.stop()
    return {name: run.summary(values) for name, values in times.items()}


def measure_first(variants, starts, logs, share):
    """Cold starts with their first order: the invoke alone, and init + invoke (what the first
    customer waits for)."""
    first = {name: [] for name in variants}
    whole = {name: [] for name in variants}
    for i in range(starts):
        for name, (command, env, cwd) in variants.items():
            process = Process(command, env, logs / f"share-first-{name}.log", share, cwd)
            init = process.init_ms()
            invoke = process.invoke(i)[0]
            first[name].append(invoke)
            whole[name].append(init + invoke)
            process.stop()
    return ({n: run.summary(v) for n, v in first.items()}, {n: run.summary(v) for n, v in whole.items()})


def aws_calls(proxy_log):
    """Signed requests the TLS proxy has forwarded so far."""
    return pathlib.Path(proxy_log).read_bytes().count(b"request ")


def measure_warm(variant, orders, logs, share, name, proxy_log):
    """Warm orders through one process: latency, CPU per order, peak RSS, AWS calls per order."""
    command, env, cwd = variant
    process = Process(command, env, logs / f"share-warm-{name}.log", share, cwd)
    process.init_ms()
    for i in range(10):  # the services' own warm-up, not counted
        process.invoke(i)
    cpu_before, calls_before = process.cpu_ms(), aws_calls(proxy_log)
    latencies = [process.invoke(i)[0] for i in range(orders)]
    cpu = (process.cpu_ms() - cpu_before) / orders
    calls = (aws_calls(proxy_log) - calls_before) / orders
    peak = process.memory_kb("VmHWM")
    process.stop()
    return run.summary(latencies), cpu, peak, calls


def instructions_per_order(variant, logs, name, orders=(1, 41)):
    """Instructions of the whole process, init and all, for the first and the 41st order
    under callgrind: the difference over 40 is one warm order with its I/O (repeatable)."""
    command, env, cwd = variant

    def orders_of(n):
        def drive(stub):
            for i in range(n):
                invocation = stub.invoke(run.order_event(i), timeout=120)
                if (invocation.answer or {}).get("statusCode") != 201:
                    raise SystemExit(f"bench: under callgrind order {i} was answered {invocation.answer!r}")
        return drive

    totals = [run.callgrind(command, env, logs / f"callgrind.io.{name}.{n}", orders_of(n), cwd) for n in orders]
    return (totals[1] - totals[0]) // (orders[1] - orders[0])


def cost_per_thousand(ms, mb, prices):
    """USD for 1,000 invocations of `ms` each at `mb` (billed per started millisecond)."""
    gb_seconds = 1000 * math.ceil(ms) / 1000 * mb / 1024
    return gb_seconds * prices["lambda_gb_second_arm64"] + 1000 * prices["lambda_per_million_requests"] / 1e6


def fmt(s, digits=1):
    return f"{s['p50']:.{digits}f} / {s['p90']:.{digits}f} / {s['p99']:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--function", required=True, help="the release build with trust-local-ca")
    parser.add_argument("--jitter", help="the same build with aws-lc's CPU-jitter entropy (AWS_LC_SYS_NO_JITTER_ENTROPY=0)")
    parser.add_argument("--hello", required=True)
    parser.add_argument("--peer-python", required=True, help="the peer venv's python")
    parser.add_argument("--config", required=True)
    parser.add_argument("--starts", type=int, default=30)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--focus", type=int, default=256, help="the size the warm-up and entropy variants run at")
    parser.add_argument("--logs", default=str(ROOT / ".tools/bench"))
    parser.add_argument("--write", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args()
    # Absolute, since the peer runs in its own folder (abspath: a venv's python is a symlink
    # that must stay one).
    for name in ("function", "jitter", "hello", "peer_python"):
        if getattr(args, name):
            setattr(args, name, os.path.abspath(getattr(args, name)))
    began = time.monotonic()
    logs = pathlib.Path(args.logs).resolve()  # the peer runs in its own folder
    logs.mkdir(parents=True, exist_ok=True)
    prices = json.loads((ROOT / "docs/prices.json").read_text())
    config = run.read_env_file(args.config)
    sizes = [int(s) for s in args.sizes.split(",")]

    ca, cert, key = make_ca(logs / "tls")
    plain = {name: int(config[name].rsplit(":", 1)[1]) for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SESV2")}
    tls_ports = {name: port + 43 for name, port in plain.items()}
    siteverify = paths.start_siteverify()
    siteverify_tls = plain["AWS_ENDPOINT_URL_SESV2"] + 48
    proxy = start_tls_proxy(cert, key, [(tls_ports[n], plain[n]) for n in plain]
                            + [(siteverify_tls, siteverify.server_address[1])], logs / "tls-proxy.log")
    try:
        tls = {name: f"https://127.0.0.1:{port}" for name, port in tls_ports.items()}
        # As deployed: WARM_UP_CONNECTIONS=false (the template's value).
        function_env = dict(run.lambda_env(config, False), **tls, ORDER_INTAKE_LOCAL_CA=str(ca))
        # As Lambda sets them for Python: boto3 reads the region from AWS_DEFAULT_REGION.
        peer_env = dict(function_env, AWS_DEFAULT_REGION=config["AWS_REGION"], AWS_CA_BUNDLE=str(ca),
                        LAMBDA_TASK_ROOT=str(ROOT / "bench/peer"))
        hello = ([args.hello], run.lambda_env({}, False), None)
        order = ([args.function], function_env, None)
        peer = ([args.peer_python, "-m", "awslambdaric", "handler.lambda_handler"], peer_env, str(ROOT / "bench/peer"))
        variants = {"hello": hello, "order": order, "peer": peer}
        # With the human check: Turnstile against the local siteverify stub, over TLS.
        human = ([args.function], dict(function_env, HUMAN_CHECK="on", TURNSTILE_SECRET="bench-secret",
                                       TURNSTILE_SITEVERIFY_URL=f"https://127.0.0.1:{siteverify_tls}/siteverify"), None)
        focus_variants = {"order, with the warm-up (WARM_UP_CONNECTIONS=true)":
                          ([args.function], dict(function_env, WARM_UP_CONNECTIONS="true"), None)}
        if args.jitter:
            focus_variants["order, aws-lc with its jitter entropy"] = ([args.jitter], function_env, None)

        print(f"share: init at full core ({args.starts} starts each)…", flush=True)
        full_core = measure_inits(variants, args.starts, logs, None)
        results = {}
        for mb in sizes:
            share = CpuShare(mb)
            print(f"share: {share.label()}: init, first order, warm orders…", flush=True)
            init = measure_inits(variants, args.starts, logs, share)
            first, whole = measure_first({"order": order, "peer": peer}, args.starts, logs, share)
            warm = {name: measure_warm(variants[name], args.orders, logs, share, f"{name}-{mb}",
                                       logs / "tls-proxy.log")
                    for name in ("order", "peer")}
            extra = {}
            if mb == args.focus:
                extra_first, extra_whole = measure_first(focus_variants, args.starts, logs, share)
                extra = {name: (measure_inits({name: v}, args.starts, logs, share)[name],
                                extra_first[name], extra_whole[name]) for name, v in focus_variants.items()}
                print(f"share: {share.label()}: the paths beside the order…", flush=True)
                path_rows = paths.measure(Process, order, human, config, logs, share, logs / "tls-proxy.log")
                path_share = share.label()
                human_init = measure_inits({"order": order, "human": human}, args.starts, logs, share)
            results[mb] = (share, init, first, whole, warm, extra)
        print("share: instructions per order with I/O under callgrind…", flush=True)
        # The SDK's stalled-stream protection back on (ORDER_INTAKE_BENCH_SDK_DEFAULTS, read by
        # a trust-local-ca build only): what turning it off saved, in the same run.
        sdk_defaults = ([args.function], dict(function_env, ORDER_INTAKE_BENCH_SDK_DEFAULTS="1"), None)
        instructions = {name: instructions_per_order(v, logs, name)
                        for name, v in (("order", order), ("peer", peer), ("sdk defaults", sdk_defaults))}
        init_counts = {name: run.init_instructions(v[0][0], v[1], logs, f"share-{name}")
                       for name, v in (("order", order), ("human", human))}
    finally:
        proxy.kill()
        proxy.wait()
        siteverify.shutdown()

    minutes = (time.monotonic() - began) / 60
    lines = [
        f"Command: `make bench` (bench/share.py, {minutes:.0f} min) · {datetime.date.today().isoformat()} · {run.machine()}",
        f"Prices: Lambda arm64 ${prices['lambda_gb_second_arm64']} per GB-s and ${prices['lambda_per_million_requests']} "
        f"per million requests, from docs/prices.json (as of {prices['as_of']}); duration billed per started ms.",
        "",
        "Init at full core (no quota), ms p50 / p90 / p99: "
        + " · ".join(f"{name} {fmt(full_core[name])}" for name in variants),
        "",
        "| memory | CPU share | init ms: hello-world | init ms: order-intake | init ms: Python peer "
        "| first order ms: order-intake / peer | init + first order ms: order-intake / peer "
        "| warm ms p50 / p99: order-intake / peer | CPU ms per warm order: order-intake / peer "
        "| peak RSS MiB: order-intake / peer | USD per 1,000 warm orders: order-intake / peer "
        "| USD per 1,000 cold orders (init + first): order-intake / peer |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mb, (share, init, first, whole, warm, extra) in results.items():
        (o_warm, o_cpu, o_peak, o_calls), (p_warm, p_cpu, p_peak, p_calls) = warm["order"], warm["peer"]
        lines.append(
            f"| {mb} MB | {share.share * 100:.1f} % | {fmt(init['hello'])} | {fmt(init['order'])} | {fmt(init['peer'], 0)} "
            f"| {first['order']['p50']:.1f} / {first['peer']['p50']:.0f} "
            f"| {whole['order']['p50']:.1f} / {whole['peer']['p50']:.0f} "
            f"| {o_warm['p50']:.1f} / {o_warm['p99']:.1f} · {p_warm['p50']:.1f} / {p_warm['p99']:.1f} "
            f"| {o_cpu:.2f} / {p_cpu:.2f} ({o_calls:.1f} / {p_calls:.1f} AWS calls; {o_cpu / o_calls:.2f} ms a call) "
            f"| {o_peak / 1024:.1f} / {p_peak / 1024:.1f} "
            f"| {cost_per_thousand(o_warm['p50'], mb, prices):.5f} / {cost_per_thousand(p_warm['p50'], mb, prices):.5f} "
            f"| {cost_per_thousand(whole['order']['p50'], mb, prices):.5f} / {cost_per_thousand(whole['peer']['p50'], mb, prices):.5f} |")
    for mb, (share, init, first, whole, warm, extra) in results.items():
        if not extra:
            continue
        lines += ["", f"At {mb} MB, ms p50 / p90 / p99:", "",
                  "| variant | init | first order | init + first order |", "|---|---|---|---|",
                  f"| order-intake as deployed (no warm-up) | {fmt(init['order'])} "
                  f"| {fmt(first['order'])} | {fmt(whole['order'])} |"]
        for name, (e_init, e_first, e_whole) in extra.items():
            lines.append(f"| {name} | {fmt(e_init)} | {fmt(e_first)} | {fmt(e_whole)} |")
    calls = round(results[sizes[0]][4]["order"][3])
    lines += ["", f"Instructions per warm order with its I/O (callgrind, whole process, orders 2–41): "
              f"order-intake {instructions['order']:,} ({instructions['order'] // calls:,} per AWS call, {calls} calls), "
              f"Python peer {instructions['peer']:,} ({instructions['peer'] / instructions['order']:.1f} ×); "
              f"order-intake with the SDK's stalled-stream protection on (ORDER_INTAKE_BENCH_SDK_DEFAULTS) "
              f"{instructions['sdk defaults']:,}."]
    if args.focus in results:
        lines += ["", *paths.table(path_rows, path_share), "",
                  f"Init at {path_share} with the human check configured (its client, with the system's roots, "
                  f"is built at the first token) against without, ms p50 / p90 / p99: {fmt(human_init['human'])} against "
                  f"{fmt(human_init['order'])}; instructions (callgrind, full core) "
                  f"{init_counts['human']:,} against {init_counts['order']:,}."]
    table = "\n".join(lines)
    print(table)
    path = pathlib.Path(args.write)
    start, end = "<!-- share:start -->", "<!-- share:end -->"
    text = path.read_text() if path.exists() else ""
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}")
    (logs / "share.json").write_text(json.dumps({str(mb): {"init": r[1], "first": r[2], "whole": r[3],
                                                           "warm": {k: list(v) for k, v in r[4].items()}}
                                                 for mb, r in results.items()}, default=str, indent=1))
    print(f"share: written to {path}")


if __name__ == "__main__":
    main()
