#!/bin/sh
# The cargo-lambda path's other two doors (src/door.rs): after `cargo lambda deploy --alias web`
# has published a version and pointed `web` (and its Function URL) at it, point `events`
# (EventBridge's rules) and `operator` (ORDERS_FUNCTION=<function>:operator) at the same version.
# Run after every deploy. Usage: scripts/point-aliases.sh [FUNCTION] (default order-intake).
set -eu
function=${1:-order-intake}
version=$(aws lambda get-alias --function-name "$function" --name web --query FunctionVersion --output text)
for alias in events operator; do
    if aws lambda get-alias --function-name "$function" --name "$alias" >/dev/null 2>&1; then
        aws lambda update-alias --function-name "$function" --name "$alias" --function-version "$version" >/dev/null
    else
        aws lambda create-alias --function-name "$function" --name "$alias" --function-version "$version" >/dev/null
    fi
    echo "point-aliases: $function:$alias -> version $version"
done
