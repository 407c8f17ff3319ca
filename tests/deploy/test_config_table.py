"""The README's configuration table lists exactly the variables each binary reads (as found in
the sources by binary_env), marks exactly the required ones, and gives the list's ports and
addresses as the defaults."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from binary_env import GATEWAY, binaries, variables_read
from services_list import read_services

ROOT = Path(__file__).resolve().parents[2]
SERVICES = read_services()
SHORT = {s["name"]: s["binary"] for s in SERVICES} | {"gateway": GATEWAY}


def section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    following = text.find("\n## ", start + 1)
    return text[start:following if following != -1 else len(text)]


def parse_table(readme: str) -> dict[str, dict]:
    """variable -> {"binaries": set, "default": str} from the Configuration section's table."""
    rows = {}
    for line in section(readme, "Configuration").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `") or len(cells) != 4:
            continue
        name = cells[0].strip("`")
        assert name not in rows, f"{name} has two rows"
        rows[name] = {"binaries": readers(cells[1], name), "default": cells[2]}
    return rows


def readers(cell: str, name: str) -> set[str]:
    if cell == "all":
        return set(binaries())
    if cell == "every service":
        return set(binaries()) - {GATEWAY}
    names = [n.strip() for n in cell.split(",")]
    unknown = [n for n in names if n not in SHORT]
    assert not unknown, f"{name}: 'read by' names {unknown}, which are not binaries of ours"
    return {SHORT[n] for n in names}


@pytest.fixture(scope="module")
def table() -> dict[str, dict]:
    return parse_table((ROOT / "README.md").read_text())


@pytest.fixture(scope="module")
def read() -> dict[str, dict]:
    return {b: variables_read(b) for b in binaries()}


def test_each_binary_has_a_row_for_every_variable_it_reads_and_no_other(table, read):
    for binary, variables in read.items():
        listed = {name for name, row in table.items() if binary in row["binaries"]}
        assert listed == set(variables), (
            f"{binary}: missing from the README's Configuration table: "
            f"{sorted(set(variables) - listed)}; listed but not read: {sorted(listed - set(variables))}")


def test_required_is_said_exactly_of_the_variables_read_with_config_require(table, read):
    for name, row in table.items():
        required = any(read[b][name].required for b in row["binaries"])
        assert (row["default"] == "required") == required, name


def test_ports_and_addresses_default_to_the_list(table):
    for s in SERVICES:
        assert table[s["port_env"]]["default"] == str(s["grpc_port"])
        assert table[s["addr_env"]]["default"] == f"127.0.0.1:{s['grpc_port']}"


def test_the_parser_refuses_an_unknown_binary_and_a_duplicate_row():
    good = "## Configuration\n| `X` | gateway | 1 | x |\n"
    assert parse_table("\n" + good) == {"X": {"binaries": {GATEWAY}, "default": "1"}}
    with pytest.raises(AssertionError, match="not binaries"):
        parse_table("\n" + good.replace("gateway", "gatekeeper"))
    with pytest.raises(AssertionError, match="two rows"):
        parse_table("\n" + good + "| `X` | all | 1 | x |\n")
