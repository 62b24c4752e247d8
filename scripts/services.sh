#!/usr/bin/env bash
# Starts or stops the local stand-ins for AWS: DynamoDB Local and the SES v2 emulator.
#   scripts/services.sh start STATE_DIR DYNAMODB_PORT SES_PORT [in-memory]
#   scripts/services.sh stop  STATE_DIR
# DynamoDB Local keeps its data in STATE_DIR/dynamodb (or in memory); pids and logs go to STATE_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

wait_for() { # name url pid log
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null "$2"; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then
      echo "services: $1 exited while starting; its log ($4):" >&2; tail -20 "$4" >&2; return 1
    fi
    sleep 0.25
  done
  echo "services: $1 did not answer at $2 within 30 s; see $4" >&2
  return 1
}

start() {
  local state=$1 ddb_port=$2 ses_port=$3 storage
  mkdir -p "$state/dynamodb"
  state=$(cd "$state" && pwd)
  if [ "${4:-}" = in-memory ]; then storage=(-inMemory); else storage=(-dbPath "$state/dynamodb"); fi
  stop "$state" quiet
  for port in "$ddb_port" "$ses_port"; do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      echo "services: port $port is already in use; stop what runs there (make dev or make test in another shell?)" >&2
      return 1
    fi
  done
  (cd "$state" && exec java -Djava.library.path="$root/.tools/dynamodb-local/DynamoDBLocal_lib" \
      -jar "$root/.tools/dynamodb-local/DynamoDBLocal.jar" \
      -sharedDb "${storage[@]}" -port "$ddb_port" -disableTelemetry \
      >"$state/dynamodb.log" 2>&1) &
  echo $! >"$state/dynamodb.pid"
  # The emulator answers GetAccount (the function's connection warm-up) from this variable.
  AWS_SES_ACCOUNT=$(cat "$root/config/ses-emulator-account.json") \
    node "$root/tools/node_modules/aws-ses-v2-local/dist/cli.js" --host 127.0.0.1 --port "$ses_port" \
      >"$state/ses.log" 2>&1 &
  echo $! >"$state/ses.pid"
  wait_for "DynamoDB Local" "http://127.0.0.1:$ddb_port/" "$(cat "$state/dynamodb.pid")" "$state/dynamodb.log"
  wait_for "SES emulator" "http://127.0.0.1:$ses_port/health-check" "$(cat "$state/ses.pid")" "$state/ses.log"
}

stop() {
  local state=$1
  for name in dynamodb ses; do
    local pidfile="$state/$name.pid"
    if [ -f "$pidfile" ]; then
      local pid; pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
}

case "${1:-}" in
  start) start "$2" "$3" "$4" "${5:-}" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start STATE_DIR DYNAMODB_PORT SES_PORT [in-memory] | stop STATE_DIR" >&2; exit 2 ;;
esac
