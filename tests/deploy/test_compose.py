"""docker-compose.yml and deploy/docker/Dockerfile beyond the services list (which
test_services_list.py checks): health checks and start order, the variables each binary is given
against those it reads, the database volume and the runtime image."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from binary_env import GATEWAY, variables_read
from services_list import read_services

ROOT = Path(__file__).resolve().parents[2]
SERVICES = read_services()
BY_NAME = {s["name"]: s for s in SERVICES}
DOCKERFILE = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def binary_of(svc: dict) -> str:
    return svc["command"][0]


def conditions(svc: dict) -> dict[str, str]:
    deps = svc.get("depends_on", {})
    assert isinstance(deps, dict), "depends_on must give a condition for each dependency"
    return {name: dep.get("condition") for name, dep in deps.items()}


@pytest.mark.parametrize("name", [s["name"] for s in SERVICES])
def test_service_is_healthy_when_its_grpc_health_says_serving(compose, name):
    check = compose["services"][name]["healthcheck"]
    assert check["test"] == ["CMD", "fleetgate-healthcheck", f"localhost:{BY_NAME[name]['grpc_port']}"]
    assert "retries" in check and "interval" in check


@pytest.mark.parametrize("name", [s["name"] for s in SERVICES])
def test_service_starts_once_the_database_and_what_it_needs_are_healthy(compose, name):
    want = {"mariadb": "service_healthy"} | {n: "service_healthy" for n in BY_NAME[name]["needs"]}
    assert conditions(compose["services"][name]) == want


def test_gateway_starts_once_every_service_is_healthy_and_is_healthy_when_ready(compose):
    gateway = compose["services"]["gateway"]
    assert conditions(gateway) == {s["name"]: "service_healthy" for s in SERVICES}
    port = gateway["environment"]["GATEWAY_PORT"]
    assert f"http://localhost:{port}/readyz" in gateway["healthcheck"]["test"]
    assert gateway["ports"] == [f"{port}:{port}"]


def test_auth_yields_the_cpu_to_the_other_containers(compose):
    # Its password hashing must not take the cores from the gateway's reads.
    weights = {name: svc.get("cpu_shares", 1024) for name, svc in compose["services"].items()}
    assert weights["auth"] < 1024
    assert all(weight == 1024 for name, weight in weights.items() if name != "auth")


def test_mariadb_is_the_official_image_health_checked_on_a_named_volume(compose):
    db = compose["services"]["mariadb"]
    assert re.fullmatch(r"mariadb:10\.\d+", db["image"])
    assert "healthcheck.sh" in db["healthcheck"]["test"]
    volume = next(v.split(":")[0] for v in db["volumes"] if v.split(":")[1] == "/var/lib/mysql")
    assert volume in compose["volumes"], "the data must be on a named volume, not a host path"


@pytest.mark.parametrize("name", [s["name"] for s in SERVICES] + ["gateway"])
def test_every_variable_given_is_read_by_the_binary_and_every_required_one_is_given(compose, name):
    svc = compose["services"][name]
    reads = variables_read(binary_of(svc))
    given = set(svc["environment"])
    assert given - set(reads) == set(), f"{binary_of(svc)} reads none of these"
    required = {n for n, v in reads.items() if v.required}
    assert required - given == set(), f"{binary_of(svc)} cannot start without these"


def test_services_run_the_image_the_dockerfile_builds(compose):
    for name, svc in compose["services"].items():
        if name != "mariadb":
            assert svc["image"] == "fleetgate:dev"
            assert svc["build"]["dockerfile"] == "deploy/docker/Dockerfile"


def stages() -> list[str]:
    return re.split(r"^(?=FROM )", DOCKERFILE, flags=re.M)[1:]


def test_dockerfile_builds_on_debian_12_and_runs_slim_as_a_numeric_non_root_user():
    runtime = stages()[-1]
    assert [s.split()[1] for s in stages()] == ["debian:12", "debian:12", "debian:12-slim"]
    assert "g++" not in runtime and "nodejs" not in runtime, "no compiler or node at run time"
    uid, gid = re.search(r"^USER (\d+):(\d+)$", runtime, re.M).groups()
    assert int(uid) > 0 and int(gid) > 0
    assert f"--uid {uid}" in runtime and f"--gid {gid}" in runtime


def test_the_runtime_image_sets_only_variables_the_gateway_reads():
    names = set(re.findall(r"^ENV (\w+)=", stages()[-1], re.M))
    assert names, "the image points the gateway at its /docs assets"
    assert names <= set(variables_read(GATEWAY))


def test_the_image_ships_the_health_check_and_the_docs_assets():
    runtime_target = (ROOT / "services" / "CMakeLists.txt").read_text()
    assert re.search(r"foreach\(binary IN LISTS fleet_service_binaries ITEMS [^)]*"
                     r"\bfleetgate-healthcheck\b", runtime_target)
    assert re.search(r"^COPY tools tools$", DOCKERFILE, re.M)  # its sources are in the context
    docs = (ROOT / "gateway" / "src" / "surfaces" / "docs.cpp").read_text()
    served = re.findall(r'"((?:swagger-ui-dist|redoc)/[^"]+)"', docs)
    assets_dir = re.search(r"^ENV DOCS_ASSETS_DIR=(\S+)$", DOCKERFILE, re.M).group(1)
    copied = re.findall(r"^COPY --from=web /web/node_modules/(\S+) " + re.escape(assets_dir) +
                        r"/(\S+)$", DOCKERFILE, re.M)
    assert served and all(any(f.startswith(dst + "/") and src == dst for src, dst in copied)
                          for f in served), (served, copied)


DEMO_USERS_SCRIPT = ROOT / "deploy" / "docker" / "demo-users.sh"


def test_demo_users_run_once_after_the_gateway_is_healthy_with_variables_the_script_reads(compose):
    svc = compose["services"]["demo-users"]
    assert svc["restart"] == "no" and conditions(svc) == {"gateway": "service_healthy"}
    mounted = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
    script = svc["command"][-1]
    assert svc["command"][0] == "sh" and (ROOT / mounted[script]).resolve() == DEMO_USERS_SCRIPT
    reads = set(re.findall(r"\$\{(\w+)", DEMO_USERS_SCRIPT.read_text()))
    assert set(svc["environment"]) == reads
    gateway = compose["services"]["gateway"]["environment"]["GATEWAY_PORT"]
    assert svc["environment"]["GATEWAY_URL"] == f"http://gateway:{gateway}"


class FakeGateway:
    """Answers POST /pisync/auth/register with the status chosen per username."""

    def __init__(self, answers: dict[str, tuple[int, str]]):
        import http.server
        import json
        import threading

        self.registered: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                assert self.path == "/pisync/auth/register" and body["password"]
                outer.registered.append(body["username"])
                status, message = answers.get(body["username"], (201, "created"))
                payload = json.dumps({"message": message}).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def run_script(self, **env) -> "subprocess.CompletedProcess":
        import os
        import subprocess

        return subprocess.run(["sh", str(DEMO_USERS_SCRIPT)], capture_output=True, text=True,
                              timeout=60, env={**os.environ, "GATEWAY_URL": self.url, **env})

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("answers, ok", [
    ({}, True),                                                    # a first up: both created
    ({"john_doe": (400, "Username already exists"),
      "jane_smith": (400, "Username already exists")}, True),      # a later up
    ({"jane_smith": (400, "password too short")}, False),          # any other refusal fails
    ({"john_doe": (500, "boom")}, False),
])
def test_demo_users_script_registers_both_users_and_tolerates_existing_ones(answers, ok):
    gateway = FakeGateway(answers)
    try:
        done = gateway.run_script()
    finally:
        gateway.close()
    assert (done.returncode == 0) == ok, done.stderr
    if ok:
        assert gateway.registered == ["john_doe", "jane_smith"]


def test_demo_users_off_registers_nobody():
    gateway = FakeGateway({})
    try:
        done = gateway.run_script(DEMO_USERS="off")
    finally:
        gateway.close()
    assert done.returncode == 0 and gateway.registered == []
