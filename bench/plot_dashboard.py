#!/usr/bin/env python3
"""Draws panels of deploy/grafana/fleetgate.json from a Prometheus server's data into one PNG: the
README's picture of the dashboard, for machines without Grafana (bench/metrics_picture.sh).

  plot_dashboard.py PROMETHEUS_URL START END OUT.png [--step S] [--rate-interval W]

Each panel's queries run as range queries (/api/v1/query_range) with $__rate_interval replaced."""
from __future__ import annotations

import argparse
import json
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "deploy" / "grafana" / "fleetgate.json"
# The panels drawn, by title: traffic, latency, upstream, services, database.
PANELS = ["Gateway requests by surface", "Gateway p50 and p99 latency",
          "Upstream calls by service and code", "Service RPCs by method and code",
          "Database pool in use", "Transactions and deadlock retries"]
MAX_SERIES = 8  # per panel, the largest by mean; a legend of 40 lines says nothing


def query_range(base: str, expr: str, start: float, end: float, step: float) -> list[dict]:
    params = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(f"{base}/api/v1/query_range?{params}", timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(f"{expr}: {body}")
    return body["data"]["result"]


def legend(template: str, labels: dict) -> str:
    text = template
    for key, value in labels.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("prometheus")
    parser.add_argument("start", type=float)
    parser.add_argument("end", type=float)
    parser.add_argument("out")
    parser.add_argument("--step", type=float, default=2)
    parser.add_argument("--rate-interval", default="10s")
    args = parser.parse_args()

    panels = {p["title"]: p for p in json.loads(DASHBOARD.read_text())["panels"]}
    fig, axes = plt.subplots(3, 2, figsize=(14, 11), constrained_layout=True)
    fig.suptitle("Fleetgate: deploy/grafana/fleetgate.json panels, Prometheus 2.42 scraping a "
                 "benchmark run", fontsize=13)
    for ax, title in zip(axes.flat, PANELS):
        panel = panels[title]
        unit = panel["fieldConfig"]["defaults"]["unit"]
        lines = []
        for target in panel["targets"]:
            expr = target["expr"].replace("$__rate_interval", args.rate_interval)
            for series in query_range(args.prometheus, expr, args.start, args.end, args.step):
                points = [(float(t), float(v)) for t, v in series["values"] if v not in ("NaN",)]
                if points:
                    lines.append((legend(target["legendFormat"], series["metric"]), points))
        lines.sort(key=lambda line: -sum(v for _, v in line[1]) / len(line[1]))
        for label, points in lines[:MAX_SERIES]:
            times = [datetime.fromtimestamp(t, timezone.utc) for t, _ in points]
            values = [v * 1000 if unit == "s" else v * 100 if unit == "percentunit" else v
                      for _, v in points]
            ax.plot(times, values, label=label, linewidth=1.2)
        ax.set_title(title, fontsize=11)
        ax.set_ylabel({"s": "ms", "percentunit": "%", "reqps": "requests/s",
                       "ops": "per second"}.get(unit, unit))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S"))
        ax.grid(alpha=0.3)
        if lines:
            ax.legend(fontsize=7, loc="upper left")
    fig.savefig(args.out, dpi=80)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
