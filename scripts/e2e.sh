#!/usr/bin/env bash
# The function under cargo lambda watch (port 9100) with config/test.env, against the test
# services: over HTTP by tests/e2e_watch.py, in Chromium by tests/browser/ (which serves web/ on
# 127.0.0.1:8180), against openapi.yaml by schemathesis, and with the services stopped on purpose
# by tests/e2e_faults.py (last: it stops them). Expects the test services to be running
# (scripts/with-test-services.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . config/test.env; set +a
cargo run --quiet --example create_local_table
log=.tools/e2e-watch.log
# --ignore-changes: files the tests write must not restart the function mid-request.
.tools/venv/bin/cargo-lambda lambda watch --package order-intake --bin order-intake --ignore-changes --invoke-address 127.0.0.1 --invoke-port 9100 \
  --disable-cors --env-file config/test.env >"$log" 2>&1 &
watch_pid=$!
trap 'kill $watch_pid 2>/dev/null; wait $watch_pid 2>/dev/null || true' EXIT
fail() {
  echo "e2e: $1 failed; the function's log (last 40 lines of $log):" >&2
  tail -40 "$log" >&2
  exit 1
}
python3 tests/e2e_watch.py http://127.0.0.1:9100 http://127.0.0.1:8105 || fail "the HTTP checks"
node --test --test-concurrency=1 tests/browser/ || fail "the browser tests"

# The business metrics as the runtime prints them: EMF lines for the orders and the refusals
# the checks above caused, none with an address in it.
emf=$(grep '"CloudWatchMetrics"' "$log" || true)
for metric in OrdersCreated Refusals Emails Requests ColdStarts Bookings; do
  grep -q "\"$metric\"" <<<"$emf" || fail "the EMF metric $metric"
done
! grep -q '@' <<<"$emf" || fail "no address in the EMF lines"
echo "ok     EMF metrics in the function's output: $(grep -c . <<<"$emf") lines"

# No server error and no answer outside openapi.yaml, through a stand-in for API Gateway
# (tests/apigw_proxy.py): cargo lambda watch's own HTTP front answers 500 to a JSON body that is
# not UTF-8 before the function runs, where API Gateway hands it over base64-encoded.
python3 tests/apigw_proxy.py 9190 http://127.0.0.1:9100/2015-03-31/functions/_/invocations &
proxy_pid=$!
trap 'kill $watch_pid $proxy_pid 2>/dev/null; wait $watch_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 40); do curl -s -o /dev/null http://127.0.0.1:9190/ && break; sleep 0.25; done
.tools/venv-schemathesis/bin/schemathesis run openapi.yaml --url http://127.0.0.1:9190 \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples 100 --generation-database none || fail "schemathesis"

python3 tests/e2e_faults.py || fail "the fault tests"
