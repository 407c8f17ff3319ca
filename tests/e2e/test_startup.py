"""Refusals at start: a binary given a configuration it cannot run with, or a port it cannot
listen on, exits 1 at once and says why in one log line, instead of running half set up."""
import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

CLOSED = "127.0.0.1:1"  # no service listens there: nothing the gateway dials answers


def binary(name: str) -> Path:
    bin_dir = os.environ.get("FLEETGATE_BIN_DIR")
    if not bin_dir:
        pytest.fail("set FLEETGATE_BIN_DIR to <build>/bin (ctest does)", pytrace=False)
    return Path(bin_dir) / name


def run(name: str, env: dict) -> tuple[int, list[dict]]:
    """Runs a binary with only `env` (and PATH); its exit code and its JSON log lines."""
    full_env = {"PATH": "/usr/bin:/bin", **env}
    r = subprocess.run([str(binary(name))], env=full_env, capture_output=True, text=True,
                       timeout=30)
    lines = [json.loads(line) for line in (r.stdout + r.stderr).splitlines()
             if line.startswith("{")]
    return r.returncode, lines


def errors(lines: list[dict]) -> list[tuple[str, str]]:
    return [(line["event"], line.get("cause", "")) for line in lines if line["level"] == "error"]


def gateway_env(**extra) -> dict:
    env = {f"{name}_ADDR": CLOSED for name in
           ("USER", "AUTH", "DEVICE_SESSION", "REPAIR_SHOP", "STREETLIGHT", "SYNC")}
    return {**env, "GATEWAY_PORT": "0", **extra}


@pytest.mark.parametrize("variable, value, cause", [
    ("RATE_LIMITS", "GET /nowhere=1/1", "RATE_LIMITS: no endpoint 'GET /nowhere'"),
    ("RATE_LIMITS", "users-v1=fast", "RATE_LIMITS"),
    ("CORS_MAX_AGE", "abc", "CORS_MAX_AGE: 'abc' is not a number of seconds in 0..86400"),
    ("CORS_ORIGINS", "nowhere=https://a.example", "CORS_ORIGINS"),
    ("GATEWAY_PORT", "70000", "GATEWAY_PORT"),
])
def test_gateway_refuses_a_bad_setting(variable, value, cause):
    code, lines = run("fleetgate-gateway", gateway_env(**{variable: value}))
    assert code == 1
    found = errors(lines)
    assert len(found) == 1 and found[0][0] == "config_invalid", lines
    assert cause in found[0][1]
    assert not any(line["event"] == "gateway_listening" for line in lines)


@pytest.mark.parametrize("attempt", range(3))  # the exit used to crash most times, not always
def test_gateway_refuses_a_port_in_use(attempt):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, lines = run("fleetgate-gateway", gateway_env(GATEWAY_PORT=str(port)))
    assert code == 1  # not a signal: nothing started before the port was ours is left running
    failed = [line for line in lines if line["event"] == "listen_failed"]
    assert len(failed) == 1, lines
    assert failed[0]["port"] == str(port) and "Address already in use" in failed[0]["cause"]
    assert not any(line["event"] == "gateway_listening" for line in lines)
