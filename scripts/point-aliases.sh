#!/bin/sh
# The cargo-lambda path's doors and environment key (src/door.rs, docs/SECURITY.md): after
# `cargo lambda deploy --alias web`, encrypt the function's environment with the stack's key
# (ENVIRONMENT_KEY_ARN, the stack's EnvironmentKeyArn output: only Lambda decrypts it), publish
# that as a version, and point all three aliases at it: `web` (its Function URL), `events`
# (EventBridge's rules), `operator` (ORDERS_FUNCTION=<function>:operator). Run after every
# deploy. Usage: ENVIRONMENT_KEY_ARN=arn:... scripts/point-aliases.sh [FUNCTION]
set -eu
function=${1:-order-intake}
key=${ENVIRONMENT_KEY_ARN:?set ENVIRONMENT_KEY_ARN to the stack's EnvironmentKeyArn output}
aws lambda update-function-configuration --function-name "$function" --kms-key-arn "$key" >/dev/null
aws lambda wait function-updated --function-name "$function"
version=$(aws lambda publish-version --function-name "$function" --query Version --output text)
for alias in web events operator; do
    if aws lambda get-alias --function-name "$function" --name "$alias" >/dev/null 2>&1; then
        aws lambda update-alias --function-name "$function" --name "$alias" --function-version "$version" >/dev/null
    else
        aws lambda create-alias --function-name "$function" --name "$alias" --function-version "$version" >/dev/null
    fi
    echo "point-aliases: $function:$alias -> version $version"
done
