#!/usr/bin/env bash
# make bench: builds in release mode, measures sizes, per-order CPU (criterion, callgrind), then
# init, first request, warm latency and memory through the Runtime API stub against its own
# DynamoDB Local and SES emulator (ports 8500, 8505). Prints one table and writes it into
# BENCHMARKS.md (bench/run.py). Not part of make test; timings are never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh bench
if ! command -v valgrind >/dev/null; then
  echo "bench: installing valgrind (Debian) for the instruction count"
  apt-get install -y -qq valgrind >/dev/null
fi
if ! command -v openssl >/dev/null; then
  echo "bench: installing openssl (Debian) for the throwaway CA of the TLS runs"
  apt-get install -y -qq openssl >/dev/null
fi
OUT=.tools/bench
STATE=.tools/bench-services
mkdir -p "$OUT/callgrind" "$STATE"

echo "bench: building the function, the hello-world floor and the order-path example (release)…"
# With trust-local-ca, so that bench/share.py can put real TLS in front of the local services (a
# build Lambda never gets; one variable lookup at init). And the same with aws-lc's CPU-jitter
# entropy source, which .cargo/config.toml turns off, in a target folder of its own: the
# comparison that made us turn it off.
cargo build --quiet --release --features trust-local-ca --bin order-intake --example hello_lambda --example order_path_cost --example create_local_table
echo "bench: the same function with aws-lc's jitter entropy (target/bench-jitter)…"
AWS_LC_SYS_NO_JITTER_ENTROPY=0 cargo build --quiet --release --features trust-local-ca --bin order-intake --target-dir target/bench-jitter
echo "bench: the arm64 deployment zip (cargo lambda, zig)…"
PATH="$(pwd)/.tools/venv/bin:$PATH" cargo-lambda lambda build --quiet --release --arm64 --package order-intake --output-format zip --lambda-dir target/lambda-arm64
echo "bench: per-order CPU (criterion)…"
# The same features as the build above: cargo bench builds the package's binaries too, and
# would otherwise replace target/release/order-intake with one that does not trust the bench CA.
cargo bench --quiet --features trust-local-ca --bench order_path -- --warm-up-time 2 --measurement-time 5 order_path
echo "bench: per-order instructions (callgrind)…"
for format in json form; do
  for n in 1 101; do
    valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind/callgrind.$format.$n" \
      target/release/examples/order_path_cost "$format" "$n" >/dev/null 2>&1
  done
done

scripts/services.sh start "$STATE" 8500 8505 in-memory
trap 'scripts/services.sh stop "$STATE"' EXIT
# The function's configuration: the test one, on the bench ports and table.
sed -e 's/8100/8500/; s/8105/8505/; s/^ORDERS_TABLE=.*/ORDERS_TABLE=orders-bench/; /^RUST_LOG=/d' \
  config/test.env >"$STATE/bench.env"
(set -a; . "$STATE/bench.env"; set +a; target/release/examples/create_local_table)
python3 bench/run.py --function target/release/order-intake --hello target/release/examples/hello_lambda \
  --config "$STATE/bench.env" --zip target/lambda-arm64/order-intake/bootstrap.zip \
  --callgrind "$OUT/callgrind" --logs "$OUT" "$@"
# The function as Lambda runs it: each memory size's CPU share, real TLS, the Python peer.
python3 bench/share.py --function target/release/order-intake --jitter target/bench-jitter/release/order-intake \
  --hello target/release/examples/hello_lambda --peer-python .tools/venv-peer/bin/python \
  --config "$STATE/bench.env" --logs "$OUT" ${SHARE_ARGS:-}
