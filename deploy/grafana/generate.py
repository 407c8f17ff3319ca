#!/usr/bin/env python3
"""Writes deploy/grafana/fleetgate.json, a Grafana dashboard for operators who run Grafana with a
Prometheus data source scraping the gateway's /metrics and each service's METRICS_PORT:

  python3 deploy/grafana/generate.py          # rewrite the dashboard
  python3 deploy/grafana/generate.py --check  # exit 1 if the committed file differs

Import it in Grafana (Dashboards > New > Import) and pick the Prometheus data source. The
`job` label is whatever the scrape configuration names each target; the panels group by it.
tests/e2e/test_ops.py checks that every metric a panel queries is on a live /metrics page."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "fleetgate.json"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}

# (title, unit, [(PromQL, legend)]) per panel, two panels per row of the grid.
PANELS = [
    ("Gateway requests by surface", "reqps", [
        ('sum by (surface) (rate(fleetgate_route_requests_total[$__rate_interval]))',
         "{{surface}}")]),
    ("Gateway 5xx by route", "reqps", [
        ('sum by (route, status) (rate(fleetgate_route_requests_total{status=~"5.."}'
         '[$__rate_interval]))', "{{route}} {{status}}")]),
    ("Gateway p50 and p99 latency", "s", [
        ('histogram_quantile(0.5, sum by (le) '
         '(rate(fleetgate_route_duration_seconds_bucket[$__rate_interval])))', "p50"),
        ('histogram_quantile(0.99, sum by (le) '
         '(rate(fleetgate_route_duration_seconds_bucket[$__rate_interval])))', "p99")]),
    ("Gateway p99 by route", "s", [
        ('histogram_quantile(0.99, sum by (le, route) '
         '(rate(fleetgate_route_duration_seconds_bucket[$__rate_interval])))', "{{route}}")]),
    ("Upstream calls by service and code", "reqps", [
        ('sum by (service, code) (rate(fleetgate_upstream_calls_total[$__rate_interval]))',
         "{{service}} {{code}}")]),
    ("Upstream p99 by service", "s", [
        ('histogram_quantile(0.99, sum by (le, service) '
         '(rate(fleetgate_upstream_call_duration_seconds_bucket[$__rate_interval])))',
         "{{service}}")]),
    ("Open WebSockets", "short", [
        ("sum by (kind) (fleetgate_ws_connections)", "{{kind}}"),
        ("fleetgate_upstream_device_streams", "upstream device streams")]),
    ("Cache hit rate", "percentunit", [
        ('sum by (model) (rate(fleetgate_read_model_reads_total{result="hit"}[$__rate_interval]))'
         ' / sum by (model) (rate(fleetgate_read_model_reads_total[$__rate_interval]))',
         "read model {{model}}"),
        ('sum by (surface) (rate(fleetgate_response_cache_reads_total{result="hit"}'
         '[$__rate_interval])) / sum by (surface) '
         '(rate(fleetgate_response_cache_reads_total[$__rate_interval]))',
         "response cache {{surface}}")]),
    ("Rate-limited requests", "reqps", [
        ("sum by (surface) (rate(fleetgate_rate_limited_total[$__rate_interval]))",
         "{{surface}}")]),
    ("Sockets closed by the gateway", "short", [
        ("sum by (reason) (increase(fleetgate_ws_revoked_total[$__rate_interval]))",
         "revoked: {{reason}}"),
        ("increase(fleetgate_ws_dropped_slow_total[$__rate_interval])", "slow client")]),
    ("Service RPCs by method and code", "reqps", [
        ('sum by (job, grpc_method, code) '
         '(rate(fleetgate_grpc_server_handled_total{grpc_service!="grpc.health.v1.Health"}'
         '[$__rate_interval]))', "{{job}} {{grpc_method}} {{code}}")]),
    ("Service p99 by method", "s", [
        ('histogram_quantile(0.99, sum by (le, job, grpc_method) '
         '(rate(fleetgate_grpc_server_handling_seconds_bucket'
         '{grpc_service!="grpc.health.v1.Health"}[$__rate_interval])))',
         "{{job}} {{grpc_method}}")]),
    ("Database pool in use", "percentunit", [
        ('sum by (job) (fleetgate_db_pool_connections{state="in_use"}) '
         '/ sum by (job) (fleetgate_db_pool_max_connections)', "{{job}}")]),
    ("Waiting for a connection, and refused", "short", [
        ("sum by (job) (fleetgate_db_pool_waiting)", "{{job}} waiting"),
        ("sum by (job) (increase(fleetgate_db_pool_acquire_timeouts_total[$__rate_interval]))",
         "{{job}} timed out"),
        ("sum by (job) (increase(fleetgate_db_connections_dropped_total[$__rate_interval]))",
         "{{job}} dropped")]),
    ("Transactions and deadlock retries", "ops", [
        ("sum by (job, outcome) (rate(fleetgate_db_transactions_total[$__rate_interval]))",
         "{{job}} {{outcome}}"),
        ("sum by (job) (rate(fleetgate_db_transaction_retries_total[$__rate_interval]))",
         "{{job}} retried")]),
    ("Worker queues and health", "short", [
        ("sum by (job) (fleetgate_worker_queue_depth)", "{{job}} queued"),
        ("min by (job) (fleetgate_service_serving)", "{{job}} serving")]),
]


def panel(index: int, title: str, unit: str, queries: list[tuple[str, str]]) -> dict:
    return {
        "id": index + 1,
        "type": "timeseries",
        "title": title,
        "datasource": DATASOURCE,
        "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
        "targets": [{"refId": chr(ord("A") + i), "datasource": DATASOURCE, "expr": expr,
                     "legendFormat": legend} for i, (expr, legend) in enumerate(queries)],
    }


def dashboard() -> dict:
    return {
        "uid": "fleetgate",
        "title": "Fleetgate",
        "description": "The gateway's routes, upstream calls, sockets, caches and rate limits; "
                       "each service's RPCs, database pool and transactions.",
        "tags": ["fleetgate"],
        "timezone": "utc",
        "schemaVersion": 38,
        "version": 1,
        "refresh": "10s",
        "time": {"from": "now-30m", "to": "now"},
        "templating": {"list": [{"name": "datasource", "type": "datasource",
                                 "query": "prometheus", "label": "Prometheus"}]},
        "panels": [panel(i, *p) for i, p in enumerate(PANELS)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = json.dumps(dashboard(), indent=2) + "\n"
    if args.check:
        if OUT.read_text() != text:
            print(f"{OUT} differs from generate.py's output", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
