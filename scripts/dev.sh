#!/usr/bin/env bash
# make dev: DynamoDB Local, the SES emulator and the function under cargo lambda watch, on
# loopback, with the configuration in config/dev.env. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh dev

STATE=.dev
DYNAMODB_PORT=8000
SES_PORT=8005
FUNCTION_PORT=9000
SITE_PORT=8080

site_pid=
stop() {
  [ -z "$site_pid" ] || kill "$site_pid" 2>/dev/null || true
  scripts/services.sh stop "$STATE"
}
trap stop EXIT
trap 'exit 130' INT TERM
scripts/services.sh start "$STATE" "$DYNAMODB_PORT" "$SES_PORT"

# The order form (web/), as the website would show it; its action points at the function below.
python3 -m http.server "$SITE_PORT" --bind 127.0.0.1 --directory web >"$STATE/site.log" 2>&1 &
site_pid=$!

set -a; . config/dev.env; set +a
cargo run --quiet --example create_local_table

cat <<MSG

  order-intake is starting (the first build takes a few minutes):
    order form      http://127.0.0.1:$SITE_PORT/               (fi; sv.html, en.html)
    function        http://127.0.0.1:$FUNCTION_PORT/orders   (POST; see README for curl examples)
    sent emails     http://127.0.0.1:$SES_PORT/              (the SES emulator's page)
    DynamoDB Local  http://127.0.0.1:$DYNAMODB_PORT/              (table: $ORDERS_TABLE, data in $STATE/dynamodb)
  Ctrl-C stops everything.

MSG
.tools/venv/bin/cargo-lambda lambda watch --package order-intake --bin order-intake --invoke-address 127.0.0.1 --invoke-port "$FUNCTION_PORT" \
  --disable-cors --env-file config/dev.env
