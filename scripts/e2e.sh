#!/usr/bin/env bash
# The function under cargo lambda watch (port 9100) with config/test.env, against the test
# services, exercised over HTTP by tests/e2e_watch.py and in Chromium by tests/browser/ (which
# serves web/ on 127.0.0.1:8180). Expects the test services to be running
# (scripts/with-test-services.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . config/test.env; set +a
cargo run --quiet --example create_local_table
log=.tools/e2e-watch.log
.tools/venv/bin/cargo-lambda lambda watch --invoke-address 127.0.0.1 --invoke-port 9100 \
  --disable-cors --env-file config/test.env >"$log" 2>&1 &
watch_pid=$!
trap 'kill $watch_pid 2>/dev/null; wait $watch_pid 2>/dev/null || true' EXIT
if ! python3 tests/e2e_watch.py http://127.0.0.1:9100 http://127.0.0.1:8105; then
  echo "e2e: failed; the function's log (last 40 lines of $log):" >&2
  tail -40 "$log" >&2
  exit 1
fi
if ! node --test --test-concurrency=1 tests/browser/; then
  echo "e2e: browser tests failed; the function's log (last 40 lines of $log):" >&2
  tail -40 "$log" >&2
  exit 1
fi
