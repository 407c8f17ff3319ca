"""binary_env finds the variables the binaries read, through the library calls and the two
non-literal reads the sources use, and refuses a read it cannot name."""
from __future__ import annotations

import pytest

import binary_env
from binary_env import GATEWAY, SourceError, binaries, variables_read
from services_list import read_services

SERVICES = read_services()


def test_every_service_reads_its_port_its_database_and_its_logging_level():
    for row in SERVICES:
        reads = variables_read(row["binary"])
        assert {row["port_env"], "DB_HOST", "DB_NAME", "WORKER_THREADS", "LOG_LEVEL"} <= set(reads)
        assert reads["DB_USER"].required  # db::Config::from_env: config::require("DB_USER")
        # read by the service host, under the name the service's main passes it
        assert reads[row["port_env"]].where[0].startswith("libs/service/src/host.cpp:")


def test_a_service_reads_the_address_of_what_it_needs_and_no_other_port():
    for row in SERVICES:
        reads = set(variables_read(row["binary"]))
        for other in SERVICES:
            assert (other["addr_env"] in reads) == (other["name"] in row["needs"]), other["name"]
            assert (other["port_env"] in reads) == (other is row)


def test_the_gateway_reads_every_address_and_no_database_variable():
    reads = variables_read(GATEWAY)
    assert {row["addr_env"] for row in SERVICES} <= set(reads)
    assert {"GATEWAY_PORT", "DOCS_ASSETS_DIR", "LOG_LEVEL"} <= set(reads)
    assert not any(name.startswith("DB_") for name in reads)
    assert binaries() == [row["binary"] for row in SERVICES] + [GATEWAY]


def test_a_read_of_a_name_it_cannot_resolve_is_refused(tmp_path):
    source = tmp_path / "main.cpp"
    source.write_text('auto v = fleet::config::get_or(name_from_somewhere, "x");\n')
    with pytest.raises(SourceError, match="name_from_somewhere"):
        binary_env._reads(source, lambda argument, text: None)


def test_literal_reads_are_found_with_their_line_and_comments_are_not_reads(tmp_path):
    source = tmp_path / "main.cpp"
    source.write_text('// std::getenv("NOT_READ")\n/* config::require("NOR_THIS") */\n'
                      'int a = config::get_int("A_VAR", 1, 0, 9);\n'
                      'auto b = config::require("B_VAR"); auto c = std::getenv("C_VAR");\n')
    found = binary_env._reads(source, lambda argument, text: None)
    assert [(n, r, w.rsplit(":", 1)[1]) for n, r, w in found] == [
        ("A_VAR", False, "3"), ("B_VAR", True, "4"), ("C_VAR", False, "4")]


def test_a_library_file_that_reads_but_no_call_reaches_is_refused(monkeypatch):
    monkeypatch.setattr(binary_env, "LIBRARY_READERS", binary_env.LIBRARY_READERS[1:])
    with pytest.raises(SourceError, match="logging.cpp"):
        variables_read(GATEWAY)
