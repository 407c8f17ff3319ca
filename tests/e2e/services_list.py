"""services/services.tsv, the list of services, as Python reads it (the e2e harness starts the
services from it; tests/deploy checks docker-compose.yml and the Dockerfile against it)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

SERVICES_TSV = Path(__file__).resolve().parents[2] / "services" / "services.tsv"
COLUMNS = ["name", "binary", "grpc_port", "port_env", "addr_env", "database", "ready", "needs",
           "replicated"]
_FORMAT = {
    "name": r"[a-z][a-z0-9-]*", "binary": r"[a-z][a-z0-9-]*", "grpc_port": r"[1-9][0-9]*",
    "port_env": r"[A-Z][A-Z0-9_]*", "addr_env": r"[A-Z][A-Z0-9_]*", "database": r"[a-z][a-z0-9_]*",
    "ready": r"yes|no", "needs": r"-|[a-z0-9-]+(,[a-z0-9-]+)*", "replicated": r"yes|no",
}


def read_services(path: Path = SERVICES_TSV) -> list[dict]:
    """The rows in file (start) order, keyed by the header's column names; grpc_port is an int,
    ready and replicated bools and needs a list of names. Raises ValueError on a malformed file."""
    with open(path, newline="", encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
    if reader.fieldnames != COLUMNS:
        raise ValueError(f"{path}: the header must be {' <tab> '.join(COLUMNS)}")
    rows: list[dict] = []
    for raw in reader:
        if None in raw or None in raw.values():
            raise ValueError(f"{path}: {raw}: expected {len(COLUMNS)} tab-separated fields")
        for column, pattern in _FORMAT.items():
            if not re.fullmatch(pattern, raw[column]):
                raise ValueError(f"{path}: {raw['name']}: malformed {column} {raw[column]!r}")
        row = dict(raw, grpc_port=int(raw["grpc_port"]), ready=raw["ready"] == "yes",
                   replicated=raw["replicated"] == "yes",
                   needs=[] if raw["needs"] == "-" else raw["needs"].split(","))
        known = {r["name"] for r in rows}
        if row["name"] in known:
            raise ValueError(f"{path}: {row['name']} is listed twice")
        if not set(row["needs"]) <= known:
            raise ValueError(f"{path}: {row['name']} needs a service not listed above it")
        rows.append(row)
    if not rows:
        raise ValueError(f"{path}: no service listed")
    return rows
