#!/usr/bin/env bash
# make dev: DynamoDB Local, the SES emulator and the function under cargo lambda watch, on
# loopback, with the configuration in config/dev.env. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh

STATE=.dev
DYNAMODB_PORT=8000
SES_PORT=8005
FUNCTION_PORT=9000

stop() { scripts/services.sh stop "$STATE"; }
trap stop EXIT
trap 'exit 130' INT TERM
scripts/services.sh start "$STATE" "$DYNAMODB_PORT" "$SES_PORT"

set -a; . config/dev.env; set +a
cargo run --quiet --example create_local_table

cat <<MSG

  order-intake is starting (the first build takes a few minutes):
    function        http://127.0.0.1:$FUNCTION_PORT/orders   (POST; see README for curl examples)
    sent emails     http://127.0.0.1:$SES_PORT/              (the SES emulator's page)
    DynamoDB Local  http://127.0.0.1:$DYNAMODB_PORT/              (table: $ORDERS_TABLE, data in $STATE/dynamodb)
  Ctrl-C stops everything.

MSG
.tools/venv/bin/cargo-lambda lambda watch --invoke-address 127.0.0.1 --invoke-port "$FUNCTION_PORT" \
  --disable-cors --env-file config/dev.env
