#!/usr/bin/env bash
# Runs a command with DynamoDB Local and the SES emulator started on the test ports (8100, 8105:
# they do not collide with make dev), stopping them afterwards whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=.tools/test-services
scripts/services.sh start "$STATE" 8100 8105 in-memory
trap 'scripts/services.sh stop "$STATE"' EXIT
export TEST_DYNAMODB_ENDPOINT=http://127.0.0.1:8100 TEST_SES_ENDPOINT=http://127.0.0.1:8105
"$@"
