#!/usr/bin/env bash
# Installs what one make target needs beyond the Rust toolchain, into git-ignored folders,
# pinned; a second run only checks what is there. The argument says for what:
#   dev      DynamoDB Local, the SES emulator, cargo-lambda          (make dev, load)
#   package  cargo-lambda with zig                                    (make package)
#   sam      cargo-lambda, the SAM CLI                                (make sam-build)
#   bench    all of dev, the Python/boto3 benchmark peer (bench/peer)  (make bench)
#   test     all of dev, the SAM CLI, cfn-lint, checkov, schemathesis and Chromium (make test)
set -euo pipefail
cd "$(dirname "$0")/.."
FOR=${1:-test}
case "$FOR" in
  dev|package|sam|bench|test) ;;
  *) echo "install-tools: unknown target $FOR (dev, package, sam, bench or test)" >&2; exit 2 ;;
esac
needs() { # what: is it needed for $FOR?
  case "$1:$FOR" in
    services:dev|services:bench|services:test) return 0 ;;
    peer:bench) return 0 ;;
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
needs test-only && python_tools venv-invoice requirements-invoice.txt  # xmlschema, python-stdnum
needs test-only && python_tools venv-calendar requirements-calendar.txt  # icalendar
needs peer && python_tools venv-peer requirements-bench-peer.txt  # boto3, awslambdaric

# The official Finvoice 3.0 schema, from the pinned PyPI package that ships it (not copied into
# the repository), and py-viitenumero's reference-number code, an independent check of ours.
# Downloaded only: neither is installed (the one needs Odoo, the other is Python 2 around the
# two functions tests/finvoice_check.py takes from it).
fetch_pypi() { # name version sha256 member destination
  local tmp; tmp=$(mktemp -d)
  .tools/venv-invoice/bin/pip download --quiet --disable-pip-version-check --no-deps \
    -d "$tmp" "$1==$2"
  local file; file=$(ls "$tmp"/*)
  echo "$3  $file" | sha256sum --check --quiet
  case "$file" in
    *.whl) unzip -q -o -j "$file" "$4" -d "$tmp/out" ;;
    *.tar.gz) mkdir -p "$tmp/out" && tar -xzf "$file" -C "$tmp/out" --strip-components="$(echo "$4" | tr -cd / | wc -c)" "$4" ;;
  esac
  mkdir -p "$(dirname "$5")"
  mv "$tmp/out/$(basename "$4")" "$5"
  rm -rf "$tmp"
}
if needs test-only && [ ! -f .tools/finvoice/Finvoice3.0.xsd ]; then
  echo "install-tools: the Finvoice 3.0 schema (odoo-addon-account-edi-finvoice)"
  fetch_pypi odoo-addon-account-edi-finvoice 19.0.1.0.0.15 \
    14f1c343f0358e3828eff566c1dfe245f25211d3ad23c545ab6dd8c4dd2b9186 \
    odoo/addons/account_edi_finvoice/static/schema/Finvoice3.0.xsd .tools/finvoice/Finvoice3.0.xsd
fi
if needs test-only && [ ! -f .tools/finvoice/viitenumero.py ]; then
  echo "install-tools: py-viitenumero (the reference-number check)"
  fetch_pypi py-viitenumero 1.0 dc31a619a15062151f3121863e5099d65fa82aa0a0c90331b68c5b79069c11cf \
    py-viitenumero-1.0/maksu/viitenumero.py .tools/finvoice/viitenumero.py
fi

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
# Chromium's Finnish: date inputs follow the browser's language (LANG), which needs its locale
# files; the same version as the browser.
if needs test-only && [ ! -f /usr/lib/chromium/locales/fi.pak ]; then
  version=$(dpkg-query -W -f='${Version}' chromium)
  echo "install-tools: Chromium's languages (Debian package chromium-l10n $version, for tests/browser)"
  if [ "$(id -u)" != 0 ]; then
    echo "install-tools: installing them needs root: sudo apt-get install chromium-l10n=$version" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "chromium-l10n=$version" >/dev/null
fi
exit 0
