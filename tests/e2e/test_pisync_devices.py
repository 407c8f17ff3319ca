"""pisync devices (/pisync/devices, /pisync/devices/{id}) through the gateway: the document's
fields, JSON types and timestamp format, 401 and 404 and 400 cases, and sync attempts. The stack
runs the sync service with a fixed SYNC_SEED (fleet_e2e.SYNC_SEED) at the default rate 0.8, so its
outcomes are a known sequence: every documented outcome shows, the success share is near the rate,
each device shows its last attempt, every attempt is in the service's log, and devices and log
survive a restart of the service (after which the seeded sequence starts again)."""
import re
import time
from datetime import datetime, timedelta, timezone

import pytest

from fleet_e2e import (SYNC_SEED, Api, assert_json, assert_pisync_error, identity, is_int, is_str)

RE_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")  # 2025-04-23T14:30:25.000Z
DEVICE_FIELDS = {"device_id", "name", "type", "last_sync_at", "sync_status_code", "error_message",
                 "last_attempt_at"}
# The document's table: (status, error) of every outcome.
OUTCOMES = {"S": (200, None), "T": (400, "Connection Timeout"),
            "A": (400, "Authentication Failure"), "N": (404, "Server Not Reachable"),
            "U": (500, "Unknown Sync Error")}
DEMO = {101: ("Raspberry Pi 4B", "Pi4"), 102: ("Raspberry Pi 3B+", "Pi3"),
        103: ("Raspberry Pi Zero 2 W", "PiZero"), 104: ("Raspberry Pi 5", "Pi5"),
        105: ("Raspberry Pi 400", "Pi400")}
RATE = 0.8


def seeded_outcomes(seed: int, n: int, rate: float = RATE) -> str:
    """The service's draws (services/sync/domain/outcomes.cpp: splitmix64, 53-bit uniform,
    failure = draw % 4), one letter of OUTCOMES each."""
    mask = (1 << 64) - 1
    state = seed

    def draw():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    out = ""
    for _ in range(n):
        if (draw() >> 11) * 2.0 ** -53 < rate:
            out += "S"
        else:
            out += "TANU"[draw() % 4]
    return out


def letter(status: int, error) -> str:
    return next(k for k, v in OUTCOMES.items() if v == (status, error))


def parse_ms(text: str) -> datetime:
    assert RE_MS.match(text), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def check_device(d: dict) -> dict:
    """The document's Device: every field, with its JSON type; the sync fields null only
    together before a first attempt."""
    assert set(d) == DEVICE_FIELDS, d
    assert is_int(d["device_id"]) and is_str(d["name"]) and d["name"], d
    assert is_str(d["type"]) and d["type"], d
    for key in ("last_sync_at", "last_attempt_at"):
        assert d[key] is None or parse_ms(d[key]), d
    assert d["sync_status_code"] is None or d["sync_status_code"] in (200, 400, 404, 500), d
    assert d["error_message"] is None or is_str(d["error_message"]), d
    if d["last_attempt_at"] is None:
        assert d["sync_status_code"] is None and d["error_message"] is None, d
        assert d["last_sync_at"] is None, d
    else:
        assert is_int(d["sync_status_code"]), d
        assert (d["error_message"] is None) == (d["sync_status_code"] == 200), d
        if d["sync_status_code"] == 200:
            assert d["last_sync_at"] == d["last_attempt_at"], d
    if d["device_id"] in DEMO:
        assert (d["name"], d["type"]) == DEMO[d["device_id"]], d
    return d


@pytest.fixture(scope="module")
def pi(stack):
    """A client that lets 5xx through (a 500 is a documented sync outcome here) and a signed-in
    pisync user."""
    client = Api(stack, allow_5xx=True)
    ident = identity("pi")
    r = client.register_pisync(ident["username"], ident["password"])
    client.token = assert_json(r, 201)["token"]
    return client


def devices(pi) -> list[dict]:
    body = assert_json(pi.get("/pisync/devices", token=pi.token), 200)
    assert set(body) == {"count", "devices"}, body
    assert is_int(body["count"]) and body["count"] == len(body["devices"]), body
    return [check_device(d) for d in body["devices"]]


def attempt(pi, device_id: int) -> tuple[int, dict]:
    r = pi.get(f"/pisync/devices/{device_id}", token=pi.token)
    body = assert_json(r, r.status_code)
    assert set(body) == {"message", "device"}, body
    device = check_device(body["device"])
    assert device["device_id"] == device_id, body
    status = r.status_code
    assert device["sync_status_code"] == status, body
    if status == 200:
        assert body["message"] == "Device synced successfully", body
        assert device["error_message"] is None, body
    else:
        assert status in (400, 404, 500), body
        assert body["message"] == "Sync failed: " + device["error_message"], body
        assert (status, device["error_message"]) in OUTCOMES.values(), body
    now = datetime.now(timezone.utc)
    assert abs(now - parse_ms(device["last_attempt_at"])) < timedelta(minutes=5), body
    return status, device


def logged(pi) -> str:
    """The outcomes of the attempts made through the gateway (those have an actor), in order."""
    rows = pi.stack.sql("sync", "SELECT status_code, error_message FROM sync_attempts "
                                "WHERE actor_user_id IS NOT NULL ORDER BY id")
    return "".join(letter(int(code), error) for code, error in rows)


def test_demo_devices_as_documented(pi):
    listed = devices(pi)
    assert [d["device_id"] for d in listed] == [101, 102, 103, 104, 105]
    assert listed[0] == {"device_id": 101, "name": "Raspberry Pi 4B", "type": "Pi4",
                         "last_sync_at": "2025-04-23T14:30:25.000Z", "sync_status_code": 200,
                         "error_message": None, "last_attempt_at": "2025-04-23T14:30:25.000Z"}
    # 103 was never attempted: its sync fields are all null.
    assert listed[2]["last_attempt_at"] is None and listed[2]["sync_status_code"] is None


def test_missing_and_invalid_tokens_get_401(pi):
    for path in ("/pisync/devices", "/pisync/devices/101"):
        assert_pisync_error(pi.get(path), 401, "No auth token provided")
        assert_pisync_error(pi.get(path, headers={"Authorization": "Basic abc"}), 401,
                            "No auth token provided")
        assert_pisync_error(pi.get(path, token="not-a-jwt"), 401, "Invalid auth token")
        sub = pi.admin["id"]
        for bad in (pi.mint.expired(sub, "user"), pi.mint.wrong_key(sub, "user"),
                    pi.mint.alg_none(sub, "user")):
            assert_pisync_error(pi.get(path, token=bad), 401, "Invalid auth token")
    # None of them made an attempt.
    assert logged(pi) == ""


def test_unknown_and_malformed_ids(pi):
    for device_id in (123, 0, -1, 9223372036854775807):
        assert_pisync_error(pi.get(f"/pisync/devices/{device_id}", token=pi.token), 404,
                            f"Device with ID {device_id} not found")
    for raw in ("abc", "1.5", "101x", "99999999999999999999"):
        assert_pisync_error(pi.get(f"/pisync/devices/{raw}", token=pi.token), 400,
                            "Invalid device ID")
    assert_pisync_error(pi.get("/pisync/devices/101/extra", token=pi.token), 404)
    assert logged(pi) == ""


def test_many_syncs_follow_the_seed(pi):
    """300 attempts over devices 101-105 with the stack's seed: every documented outcome shows,
    the success share is near 0.8, each device's fields match its last attempt, and the log holds
    every attempt in order: exactly the seeded sequence."""
    before = {d["device_id"]: d for d in devices(pi)}
    last = dict(before)
    got = ""
    for i in range(300):
        device_id = 101 + i % 5
        status, device = attempt(pi, device_id)
        previous = last[device_id]
        if status != 200:  # a failure keeps the last success
            assert device["last_sync_at"] == previous["last_sync_at"], (previous, device)
        assert device["last_attempt_at"] >= (previous["last_attempt_at"] or ""), (previous, device)
        last[device_id] = device
        got += letter(status, device["error_message"])
    assert set(got) == set(OUTCOMES), got  # every documented outcome
    share = got.count("S") / len(got)
    assert abs(share - RATE) < 0.06, share
    # The draws are the seeded sequence (nothing else attempted a sync on this stack).
    assert got == seeded_outcomes(int(SYNC_SEED), len(got))
    assert logged(pi) == got
    # The list shows each device as its last attempt left it.
    assert {d["device_id"]: d for d in devices(pi)} == last


def test_devices_and_log_survive_a_restart(pi):
    stack = pi.stack
    listed, log = devices(pi), logged(pi)
    total = int(stack.sql("sync", "SELECT COUNT(*) FROM sync_attempts")[0][0])
    assert log, "run after test_many_syncs_follow_the_seed"
    assert stack.process("sync").stop() == 0
    # While it is down the gateway answers at once in pisync's body.
    r = pi.get("/pisync/devices", token=pi.token)
    assert r.status_code in (503, 504), r.text
    assert_pisync_error(r, r.status_code)
    stack.restart("sync")
    stack.wait_ready()
    deadline = time.time() + 30
    while pi.get("/pisync/devices", token=pi.token).status_code != 200:
        assert time.time() < deadline, "sync did not come back"
        time.sleep(0.2)
    assert devices(pi) == listed
    assert logged(pi) == log
    assert int(stack.sql("sync", "SELECT COUNT(*) FROM sync_attempts")[0][0]) == total
    # The demo devices were not created again, and a new process starts the seeded sequence over.
    fresh = ""
    for _ in range(40):
        status, device = attempt(pi, 103)
        fresh += letter(status, device["error_message"])
    assert fresh == seeded_outcomes(int(SYNC_SEED), 40)
    assert logged(pi) == log + fresh
    assert devices(pi)[2] == device
