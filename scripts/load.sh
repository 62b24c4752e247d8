#!/usr/bin/env bash
# make load: the load benchmark (scripts/load.py) against its own services (ports 8300, 8305)
# and the function under cargo lambda watch (port 9300, release build, 2 instances).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh dev
STATE=.tools/load-services
scripts/services.sh start "$STATE" 8300 8305 in-memory
log=.tools/load-watch.log
cleanup() { kill "${watch_pid:-}" 2>/dev/null || true; scripts/services.sh stop "$STATE"; }
trap cleanup EXIT
sed -e 's/8100/8300/; s/8105/8305/; s/^ORDERS_TABLE=.*/ORDERS_TABLE=orders-load/; s/^RUST_LOG=.*/RUST_LOG=warn/' config/test.env > "$STATE/load.env"
set -a; . "$STATE/load.env"; set +a
cargo run --quiet --example create_local_table
.tools/venv/bin/cargo-lambda lambda watch --package order-intake --bin order-intake --release --ignore-changes --concurrency 2 --invoke-address 127.0.0.1 \
  --invoke-port 9300 --disable-cors --env-file "$STATE/load.env" >"$log" 2>&1 &
watch_pid=$!
echo "load: building the function (release) and waiting for it…"
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS http://127.0.0.1:9300/orders)" = 204 ] && break
  sleep 1
done
python3 scripts/load.py "${ORDERS:-1000}" "${CONCURRENCY:-20}"
