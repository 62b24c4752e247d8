# order-intake: the README's commands. Everything the targets need is installed by
# scripts/install-tools.sh into git-ignored folders (.tools/, tools/node_modules/), pinned.

.PHONY: orders dev test tools web web-check lint bench load fuzz unit-and-integration infra-check services-test stop-services-test package sam-build clean

## Run the function locally with DynamoDB Local and the SES emulator (Ctrl-C stops all).
dev:
	scripts/dev.sh

## The operator's command (RUNBOOK.md) with make dev's configuration, e.g.
## make orders ARGS="list --month last". Against AWS: export ORDERS_TABLE (and AWS_PROFILE) and run
## cargo run -p order-intake-ops --bin orders -- list
orders:
	@set -a; . config/dev.env; set +a; cargo run --quiet -p order-intake-ops --bin orders -- $(ARGS)

## Everything CI checks: formatting, lints, unit, handler, integration and end-to-end tests, template lint.
test: tools lint web-check unit-and-integration infra-check
	@echo "make test: all checks passed"

tools:
	scripts/install-tools.sh test

## Regenerate web/index.html, sv.html and en.html from web/form.template.html.
web:
	python3 web/build.py

web-check:
	python3 web/build.py --check

lint:
	cargo fmt --all --check
	python3 scripts/check-sizes.py
	python3 scripts/check-cycles.py
	cargo clippy --workspace --all-targets -- -D warnings

# The integration tests and the end-to-end run share one start of the test services.
unit-and-integration:
	scripts/with-test-services.sh sh -c 'cargo test --workspace --all-targets && scripts/e2e.sh'

## The templates, checked offline: cfn-lint (no errors or warnings), sam validate --lint, checkov.
infra-check: tools
	.tools/venv/bin/cfn-lint infra/template.yaml infra/cargo-lambda-stack.yaml
	cd infra && SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=eu-north-1 ../.tools/venv-sam/bin/sam validate --lint
	.tools/venv-checkov/bin/checkov --directory infra --framework cloudformation --skip-download --compact --quiet

## Start the test services (ports 8100, 8105) in the background, e.g. to run one test with cargo test.
services-test:
	scripts/install-tools.sh dev
	scripts/services.sh start .tools/test-services 8100 8105 in-memory
	@echo "test services up; stop them with: make stop-services-test"

stop-services-test:
	scripts/services.sh stop .tools/test-services

## The arm64 deployment zip for Lambda (cargo-lambda with zig).
package:
	scripts/install-tools.sh package
	PATH="$(CURDIR)/.tools/venv/bin:$$PATH" cargo-lambda lambda build --release --arm64 --package order-intake --output-format zip --lambda-dir target/lambda-arm64
	@ls -l target/lambda-arm64/order-intake/bootstrap.zip

## Performance (BENCHMARKS.md): init against a hello-world, per-order CPU and instructions,
## warm latency, the first order after a cold start, sizes and memory. Not part of make test.
bench:
	scripts/bench.sh

## Load benchmark: 1,000 orders, 20 at a time, through cargo lambda watch (release) against the
## local services; prints throughput and latency, fails only on counts. Not part of make test.
load:
	scripts/load.sh

## Fuzz the body parser and validators (needs a nightly toolchain and cargo-fuzz; not in make test).
fuzz:
	mkdir -p fuzz/corpus/parse_order && cd fuzz && cargo +nightly fuzz run parse_order corpus/parse_order seeds/parse_order -- -max_total_time=$${FUZZ_SECONDS:-600}

## The same zip through SAM's rust-cargolambda build method (offline); output in infra/.aws-sam/.
sam-build:
	scripts/install-tools.sh sam
	cd infra && PATH="$(CURDIR)/.tools/venv/bin:$$PATH" SAM_CLI_TELEMETRY=0 ../.tools/venv-sam/bin/sam build

clean:
	cargo clean
	rm -rf .tools .dev tools/node_modules
