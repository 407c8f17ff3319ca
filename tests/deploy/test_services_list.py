"""docker-compose.yml, its initdb script and the Dockerfile cannot read services/services.tsv, or
read it only through CMake: these tests check that they agree with it, and that the readers of
the list (CMake's header, deploy/dev/lib.sh, the e2e harness) read the same rows."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from services_list import COLUMNS, SERVICES_TSV, read_services  # noqa: E402

SERVICES = read_services()
NAMES = [s["name"] for s in SERVICES]
BY_NAME = {s["name"]: s for s in SERVICES}
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
INITDB = ROOT / "deploy" / "docker" / "initdb" / "01-databases.sql"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def depends_on(service: dict) -> set[str]:
    deps = service.get("depends_on", [])
    return set(deps) if isinstance(deps, list) else set(deps.keys())


def test_compose_has_exactly_the_listed_services_plus_mariadb_gateway_and_demo_users(compose):
    assert set(compose["services"]) == {*NAMES, "mariadb", "gateway", "demo-users"}


@pytest.mark.parametrize("name", NAMES)
def test_compose_service_runs_its_binary_on_its_port_and_database(compose, name):
    row, svc = BY_NAME[name], compose["services"][name]
    assert svc["command"] == [row["binary"]]
    env = svc["environment"]
    assert env[row["port_env"]] == str(row["grpc_port"])
    assert env["DB_NAME"] == row["database"]
    assert "mariadb" in depends_on(svc)
    for needed in row["needs"]:
        assert env[BY_NAME[needed]["addr_env"]] == f"{needed}:{BY_NAME[needed]['grpc_port']}"
        assert needed in depends_on(svc)


def test_compose_gateway_knows_every_service(compose):
    gateway = compose["services"]["gateway"]
    assert gateway["command"] == ["fleetgate-gateway"]
    for row in SERVICES:
        assert gateway["environment"][row["addr_env"]] == f"{row['name']}:{row['grpc_port']}"
    assert depends_on(gateway) == set(NAMES)


def test_initdb_creates_every_database():
    created = re.findall(r"CREATE DATABASE IF NOT EXISTS `?(\w+)`?", INITDB.read_text())
    assert sorted(created) == sorted(s["database"] for s in SERVICES)


def test_dockerfile_ships_what_cmake_derives_from_the_list():
    """The image's binaries come from the CMake target fleet_runtime (every service of the list
    and the gateway, copied into build/runtime), so the Dockerfile names no service itself."""
    text = DOCKERFILE.read_text()
    assert re.search(r"cmake --build build --target fleet_runtime\b", text)
    assert re.search(r"^COPY --from=build /src/build/runtime/ /usr/local/bin/$", text, re.M)
    for row in SERVICES:
        assert row["binary"] not in text, f"the Dockerfile names {row['binary']}"
    assert re.search(r"^COPY services services$", text, re.M)  # the list is in the context
    runtime = (ROOT / "services" / "CMakeLists.txt").read_text()
    assert "add_custom_target(fleet_runtime" in runtime


def test_compose_file_is_valid(tmp_path):
    """Debian's docker-compose (v1) parses and checks the file without a Docker daemon."""
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed (deploy/dev/lib.sh installs it)")
    no_dotenv = tmp_path / "empty.env"  # a developer's .env must not change the outcome
    no_dotenv.write_text("")

    def config(**env) -> subprocess.CompletedProcess:
        env = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
        return subprocess.run(["docker-compose", "--env-file", str(no_dotenv), "-f",
                               str(COMPOSE_FILE), "config", "-q"], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=60)

    done = config(ADMIN_PASSWORD="checked-by-a-test")
    assert done.returncode == 0, done.stderr
    done = config(ADMIN_PASSWORD=None)  # it still refuses to start without one
    assert done.returncode != 0 and "ADMIN_PASSWORD" in done.stderr, done.stderr


def lib_sh(script: str, tsv: Path | None = None) -> subprocess.CompletedProcess:
    override = f"FG_SERVICES_TSV={str(tsv)!r}; " if tsv else ""
    return subprocess.run(
        ["bash", "-c", f"set -euo pipefail; source deploy/dev/lib.sh; {override}{script}"],
        cwd=ROOT, capture_output=True, text=True, timeout=30)


def test_lib_sh_reads_the_same_rows():
    done = lib_sh(r'''fg_services_load
        for n in "${FG_SERVICES[@]}"; do
          printf '%s\t' "$n" "${FG_SVC_BINARY[$n]}" "${FG_SVC_GRPC_PORT[$n]}" \
            "${FG_SVC_PORT_ENV[$n]}" "${FG_SVC_ADDR_ENV[$n]}" "${FG_SVC_DATABASE[$n]}" \
            "${FG_SVC_READY[$n]}" "${FG_SVC_NEEDS[$n]}"
          printf '%s\n' "${FG_SVC_REPLICATED[$n]}"
        done''')
    assert done.returncode == 0, done.stderr
    want = "".join(
        "\t".join([s["name"], s["binary"], str(s["grpc_port"]), s["port_env"], s["addr_env"],
                   s["database"], "yes" if s["ready"] else "no", " ".join(s["needs"]),
                   "yes" if s["replicated"] else "no"]) + "\n"
        for s in SERVICES)
    assert done.stdout == want


def test_lib_sh_ports_follow_the_environment_and_processes_follow_the_list():
    first = SERVICES[0]
    done = lib_sh(f'fg_services_load; {first["port_env"]}=4242 fg_service_port {first["name"]}; '
                  f'fg_service_port {SERVICES[-1]["name"]}; fg_dev_processes')
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4242", str(SERVICES[-1]["grpc_port"]), "mariadbd",
                                   "nats-server", *(s["binary"] for s in SERVICES),
                                   "fleetgate-gateway", "haproxy"]


BAD_ROWS = {
    "an empty field": "x\tfleetgate-x\t50099\tX_GRPC_PORT\tX_ADDR\tfleetgate_x\tyes\t-\t",
    "a missing field": "x\tfleetgate-x\t50099\tX_GRPC_PORT\tX_ADDR\tfleetgate_x\tyes\t-",
    "a port that is no number": "x\tfleetgate-x\tport\tX_GRPC_PORT\tX_ADDR\tfleetgate_x\tyes\t-\tno",
    "a lower-case variable": "x\tfleetgate-x\t50099\tx_port\tX_ADDR\tfleetgate_x\tyes\t-\tno",
    "an unknown need": "x\tfleetgate-x\t50099\tX_GRPC_PORT\tX_ADDR\tfleetgate_x\tyes\tnobody\tno",
    "replicated neither yes nor no":
        "x\tfleetgate-x\t50099\tX_GRPC_PORT\tX_ADDR\tfleetgate_x\tyes\t-\t2",
    "a name listed twice": SERVICES_TSV.read_text().splitlines()[-1],
}


@pytest.mark.parametrize("what", BAD_ROWS)
def test_a_malformed_row_is_refused_by_bash_and_python(tmp_path, what):
    tsv = tmp_path / "services.tsv"
    tsv.write_text(SERVICES_TSV.read_text().rstrip("\n") + "\n" + BAD_ROWS[what] + "\n")
    done = lib_sh("fg_services_load", tsv)
    assert done.returncode != 0 and str(tsv) in done.stderr, (done.stdout, done.stderr)
    with pytest.raises(ValueError):
        read_services(tsv)


def test_a_header_other_than_the_columns_is_refused(tmp_path):
    tsv = tmp_path / "services.tsv"
    tsv.write_text(SERVICES_TSV.read_text().replace("\t".join(COLUMNS), "\t".join(COLUMNS[:-1])))
    assert lib_sh("fg_services_load", tsv).returncode != 0
    with pytest.raises(ValueError):
        read_services(tsv)


def test_the_generated_header_matches_the_list():
    """CMake's reading of the list, as compiled into fleet/services.h (when a build exists)."""
    build = Path(os.environ.get("FLEETGATE_BUILD_DIR", ROOT / "build"))
    header = build / "generated" / "fleet" / "services.h"
    if not header.exists():
        pytest.skip(f"{header} not generated yet")
    rows = re.findall(r'\{"([^"]+)", "([^"]+)", (\d+), "([^"]+)",\s*"([^"]+)", "([^"]+)", '
                      r"(true|false)\}", header.read_text())
    assert rows == [(s["name"], s["binary"], str(s["grpc_port"]), s["port_env"], s["addr_env"],
                     s["database"], "true" if s["ready"] else "false") for s in SERVICES]
