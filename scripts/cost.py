#!/usr/bin/env python3
"""Monthly cost estimate for RUNBOOK.md, from docs/prices.json and the usage per order below.

    python3 scripts/cost.py            # the table for 100 and 10,000 orders a month

Usage per order is counted from the code (src/store, src/intake): see the comments.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PRICES = json.loads((ROOT / "docs/prices.json").read_text())

MEMORY_GB = 256 / 1024          # infra/template.yaml FunctionMemorySize default
ORDER_SECONDS = 0.045           # billed duration of an order on Lambda: init + first order at 256 MB's
                                # CPU share over TLS measured 38-44 ms p50, a warm order 10 ms
                                # (BENCHMARKS.md, "As Lambda runs it"); with a few orders a day most
                                # start cold, and Lambda bills the init phase
REPORT_INVOCATIONS = 4          # SES reports through EventBridge: send + delivery for each of 2 emails
REPORT_SECONDS = 0.010
SCHEDULED_RUNS = 30 * 24 * 12   # rate(5 minutes)
SCHEDULED_SECONDS = 0.015
REQUESTS_PER_ORDER = 2          # the POST and, from the JavaScript form, its CORS preflight
# Write units: the order's transaction (order ~2 KB, dedupe record, two counters; transactional
# ×2) ≈ 10; confirmation ceiling 1; the record transaction (two message lookups and the order's
# update, transactional ×2) ≈ 8; two outcome records from SES's reports 2 × 2; the by-month
# index copies every write of the order item (~2 each, 4 writes) ≈ 8.
WRITE_UNITS = 31
READ_UNITS = 4                  # the reports' message lookups and reloads
ITEM_KB = 6                     # order item + its by-month copy + lookups
LOG_KB = 6                      # JSON lines of an order, its reports, its EMF lines and the platform's
EMAILS = 2
ALARM_METRICS = 15              # metrics watched by the template's metric alarms (OriginRefused watches 2)
COMPOSITE_ALARMS = 1
# EMF custom metrics are billed per metric and hour in which it is published: the retry run's
# duration every hour; an hour with orders publishes about ten (requests, orders by package and
# in total, emails sent and delivered by kind, …).
METRICS_EVERY_HOUR = 1
METRICS_PER_ORDER_HOUR = 10
# Log metric filters with a DefaultValue publish a custom metric all month, orders or not
# ("metrics extracted from log events are charged as custom metrics"): counted from the template.
LOG_METRIC_FILTERS = (ROOT / "infra/template.yaml").read_text().count("AWS::Logs::MetricFilter")
# The always-free tier: 10 alarm metrics and 10 custom metrics a month.
FREE_ALARM_METRICS = 10
FREE_CUSTOM_METRICS = 10
# The retention run (every 5 minutes) reads each month's watermark (4 months: 4 GetItems, 0.5
# read units each) and only the orders after it: each order once more when it comes due.
# Before the watermark it read every erased order of those months on every run, about
# orders × 4 months × 0.5 units × 8,640 runs a month (measured by ops/tests/operator.rs,
# the_retention_run_reads_erased_orders_once: 60 orders, 6 read units before, 1 after).
RETENTION_READ_UNITS_PER_RUN = 4 * 0.5
RETENTION_READ_UNITS_PER_ORDER = 0.5
HOURS = 730
RETENTION_MONTHS = 24


def month(orders):
    p = PRICES
    invocations = orders * (1 + REPORT_INVOCATIONS) + SCHEDULED_RUNS
    gb_seconds = MEMORY_GB * (orders * (ORDER_SECONDS + REPORT_INVOCATIONS * REPORT_SECONDS)
                              + SCHEDULED_RUNS * SCHEDULED_SECONDS)
    stored_gb = orders * RETENTION_MONTHS * ITEM_KB / 1024 / 1024
    traces = orders * (1 + REPORT_INVOCATIONS) + SCHEDULED_RUNS
    rows = {
        "Lambda": gb_seconds * p["lambda_gb_second_arm64"] + invocations / 1e6 * p["lambda_per_million_requests"],
        "DynamoDB requests": orders * (WRITE_UNITS / 1e6 * p["dynamodb_per_million_write_units"]
                                       + READ_UNITS / 1e6 * p["dynamodb_per_million_read_units"]),
        "DynamoDB storage and PITR (after 24 months)": stored_gb * (p["dynamodb_storage_gb_month"] + p["dynamodb_pitr_gb_month"]),
        "SES": orders * EMAILS / 1000 * p["ses_per_thousand_emails"],
        "API Gateway (HTTP API)": orders * REQUESTS_PER_ORDER / 1e6 * p["http_api_per_million_requests"],
        "CloudWatch Logs": orders * LOG_KB / 1024 / 1024 * (p["logs_ingest_per_gb"] + p["logs_storage_gb_month"]),
        "CloudWatch alarms": ALARM_METRICS * p["alarm_standard_month"] + COMPOSITE_ALARMS * p["alarm_composite_month"],
        "CloudWatch metrics (EMF)": (METRICS_EVERY_HOUR * HOURS + METRICS_PER_ORDER_HOUR * min(HOURS, orders))
                                    / HOURS * p["custom_metric_month"],
        "CloudWatch metrics (log metric filters)": LOG_METRIC_FILTERS * p["custom_metric_month"],
        "Always-free tier (10 alarm metrics, 10 custom metrics)": -(
            min(FREE_ALARM_METRICS, ALARM_METRICS) * p["alarm_standard_month"]
            + min(FREE_CUSTOM_METRICS, LOG_METRIC_FILTERS + METRICS_EVERY_HOUR) * p["custom_metric_month"]),
        "DynamoDB reads of the retention run": (SCHEDULED_RUNS * RETENTION_READ_UNITS_PER_RUN
                                                + orders * RETENTION_READ_UNITS_PER_ORDER)
                                               / 1e6 * p["dynamodb_per_million_read_units"],
        "CloudWatch dashboard (first three free)": 0.0,
        "KMS key (alarm topic)": p["kms_key_month"] + orders / 1e4 * p["kms_per_ten_thousand_requests"],
        "X-Ray": max(0, traces - 100_000) / 1e6 * p["xray_per_million_traces_after_100k_free"],
    }
    return rows


def main():
    small, large = month(100), month(10_000)
    print(f"| Item (USD a month, prices of {PRICES['as_of']}) | 100 orders | 10,000 orders |")
    print("|---|---:|---:|")
    for name in small:
        print(f"| {name} | {small[name]:.2f} | {large[name]:.2f} |")
    print(f"| **Total** | **{sum(small.values()):.2f}** | **{sum(large.values()):.2f}** |")
    per_order = (sum(large.values()) - sum(small.values())) / 9_900
    print(f"\nMarginal cost per order: {per_order * 100:.3f} cents (SES is {month(1)['SES'] / per_order:.0%} of it).")


if __name__ == "__main__":
    main()
