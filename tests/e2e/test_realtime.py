"""WebSockets through the gateway (PLATFORM.md "Realtime"): rental's /device/ws/timeleft/{id} and
/device/ws/status/{id} (a message on connect, a tick a second, a message at once on start, stop
and expiry, one upstream stream per device) and users-v1's /api/v1/ws/{client_id} (echo, chat to
the others, errors keep the socket open). Handshakes without a valid token get 401."""
import json
import re
import threading
import time
from datetime import datetime, timezone

import pytest
import websocket

from fleet_e2e import RE_Z, assert_json, check_device, parse_z

pytestmark = pytest.mark.usefixtures("idle_devices")

TIMELEFT = {"device_id", "time_left", "status", "user_id"}


def idle_tick(device_id):
    return {"device_id": device_id, "time_left": 0, "status": "idle", "user_id": None}


def check_tick(m, device_id, user_id=None):
    assert set(m) == TIMELEFT and m["device_id"] == device_id, m
    assert type(m["time_left"]) is int and m["status"] in ("idle", "running"), m
    if m["status"] == "idle":
        assert m == idle_tick(device_id)
    else:
        assert type(m["user_id"]) is int and m["time_left"] > 0, m
        if user_id is not None:
            assert m["user_id"] == user_id, m
    return m


def start(api, device_id, user, minutes):
    return check_device(assert_json(api.start_device(device_id, user["id"], minutes,
                                                     user["token"]), 200), device_id,
                        user_id=user["id"])


def collect(ws, seconds):
    """Every message of `seconds` from now, as (arrival, message)."""
    got = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ws.sock.settimeout(left)
        try:
            text = ws.sock.recv()
        except websocket.WebSocketTimeoutException:
            break
        got.append((time.monotonic(), json.loads(text)))
    return got


def metric(api, name):
    text = api.get("/metrics").text
    m = re.search(rf"^{re.escape(name)} (\d+)$", text, re.M)
    return int(m.group(1)) if m else None


# --- /device/ws/timeleft/{id} -------------------------------------------------------------------


@pytest.mark.parametrize("via", ["query", "header"])
def test_timeleft_idle_device_on_connect_then_every_second(api, via):
    u = api.rental_user()
    with api.ws("/device/ws/timeleft/2", token=u["token"], via=via) as ws:
        first, at = ws.recv(2)
        assert first == idle_tick(2)
        assert at - ws.opened < 1.0
        ticks = collect(ws, 2.6)
        assert len(ticks) >= 2 and all(m == idle_tick(2) for _, m in ticks), ticks


def test_timeleft_running_device_ticks_down_once_a_second(api):
    u = api.rental_user(cash=10.0)
    start(api, 4, u, 60)
    rest = api.device(4)["time_left"]
    with api.ws("/device/ws/timeleft/4", token=u["token"]) as ws:
        first, at = ws.recv(2)
        check_tick(first, 4, u["id"])
        assert first["status"] == "running" and abs(first["time_left"] - rest) <= 2, (first, rest)
        ticks = [(at, first)] + collect(ws, 3.5)
        assert len(ticks) >= 4, ticks  # the first message and 3 ticks within 3.5 s
        for (t0, m0), (t1, m1) in zip(ticks, ticks[1:]):
            check_tick(m1, 4, u["id"])
            assert m0["time_left"] - m1["time_left"] in (1, 2), ticks
        # About one a second, counting down with the wall clock.
        spent = ticks[-1][0] - ticks[1][0]
        dropped = ticks[1][1]["time_left"] - ticks[-1][1]["time_left"]
        assert abs(dropped - spent) <= 1.2 and len(ticks) <= 6, ticks


def test_timeleft_start_and_stop_arrive_at_once(api):
    u = api.rental_user(cash=10.0)
    with api.ws("/device/ws/timeleft/5", token=u["token"]) as ws:
        assert ws.recv(2)[0] == idle_tick(5)
        ws.recv(2)  # a tick: the next one is a second away
        sent = time.monotonic()
        r = api.start_device(5, u["id"], 10, u["token"])
        assert r.status_code == 200, r.text
        m, at = ws.recv(2)
        check_tick(m, 5, u["id"])
        assert m["status"] == "running" and 598 <= m["time_left"] <= 600, m
        assert at - sent < 0.6, at - sent
        # ... and the stop, right after a tick.
        m, _ = ws.recv(2)
        assert m["status"] == "running"
        sent = time.monotonic()
        assert api.stop_device(5, u["token"]).status_code == 200
        m, at = ws.recv(2)
        assert m == idle_tick(5) and at - sent < 0.6, (m, at - sent)


def test_two_sockets_on_one_device_get_the_same_time_left_in_the_same_second(api):
    u = api.rental_user(cash=10.0)
    start(api, 1, u, 60)
    a = api.ws("/device/ws/timeleft/1", token=u["token"])
    b = api.ws("/device/ws/timeleft/1", token=api.admin["token"], via="header")
    try:
        a.recv(2), b.recv(2)
        results = {}
        threads = [threading.Thread(target=lambda n, w: results.__setitem__(n, collect(w, 3.3)),
                                    args=(n, w)) for n, w in (("a", a), ("b", b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ta, tb = results["a"], results["b"]
        assert len(ta) >= 3 and len(tb) >= 3, results
        for at, m in ta:
            check_tick(m, 1, u["id"])
            twins = [n for bt, n in tb if abs(bt - at) < 0.3]
            assert twins and all(n["time_left"] == m["time_left"] for n in twins), results
    finally:
        a.close()
        b.close()


def test_expiry_reaches_both_sockets_at_once(api):
    u = api.rental_user(cash=10.0)
    body = start(api, 3, u, 1)
    with api.ws("/device/ws/timeleft/3", token=u["token"]) as tl, \
            api.ws("/device/ws/status/3", token=u["token"]) as st:
        assert check_tick(tl.recv(2)[0], 3, u["id"])["status"] == "running"
        assert st.recv(2)[0] == {"device_id": 3, "running": True, "end_time": body["end_time"]}
        api.stack.shift_clock(61)
        shifted = time.monotonic()
        deadline = shifted + 2
        while True:
            m, at = tl.recv(max(0.1, deadline - time.monotonic()))
            if m["status"] == "idle":
                break
        assert m == idle_tick(3) and at - shifted < 1.5
        m, at = st.recv(2)
        assert m == {"device_id": 3, "running": False} and at - shifted < 1.5
    check_device(api.device(3), 3, idle=True)


# --- /device/ws/status/{id} ---------------------------------------------------------------------


@pytest.mark.parametrize("via", ["query", "header"])
def test_status_on_connect_start_and_stop(api, via):
    u = api.rental_user(cash=10.0)
    with api.ws("/device/ws/status/2", token=u["token"], via=via) as ws:
        m, at = ws.recv(2)
        assert m == {"device_id": 2, "running": False} and at - ws.opened < 1.0
        sent = time.monotonic()
        body = start(api, 2, u, 15)
        m, at = ws.recv(2)
        assert m == {"device_id": 2, "running": True, "end_time": body["end_time"]}
        assert at - sent < 0.6
        parse_z(m["end_time"])
        sent = time.monotonic()
        assert api.stop_device(2, u["token"]).status_code == 200
        m, at = ws.recv(2)
        assert m == {"device_id": 2, "running": False} and at - sent < 0.6
    # A socket opened while the device runs gets the running state at once.
    body = start(api, 2, u, 5)
    with api.ws("/device/ws/status/2", token=u["token"], via=via) as ws:
        assert ws.recv(2)[0] == {"device_id": 2, "running": True, "end_time": body["end_time"]}


# --- handshakes ---------------------------------------------------------------------------------


def _refused(api, path, status, **kw):
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        api.ws(path, **kw).close()
    assert e.value.status_code == status, (path, kw, e.value)


@pytest.mark.parametrize("path", ["/device/ws/timeleft/1", "/device/ws/status/1",
                                  "/api/v1/ws/someone"])
def test_handshake_without_a_valid_token_is_401(api, path):
    u = api.rental_user()
    _refused(api, path, 401)
    bad = api.bad_tokens(u)
    for kind in ("garbage", "expired", "wrong_key", "alg_none", "tampered_signature"):
        _refused(api, path, 401, token=bad[kind])
        _refused(api, path, 401, token=bad[kind], via="header")
    with api.ws(path, token=u["token"]) as ws:  # the same path with a good token opens
        if "device" in path:
            assert ws.recv(2)[0]["device_id"] == 1


def test_handshake_for_an_unknown_or_malformed_device(api):
    u = api.rental_user()
    for feed in ("timeleft", "status"):
        _refused(api, f"/device/ws/{feed}/999", 404, token=u["token"])
        _refused(api, f"/device/ws/{feed}/abc", 422, token=u["token"])


# --- one upstream stream per device -------------------------------------------------------------


def test_one_upstream_stream_per_watched_device(api):
    u = api.rental_user()
    if metric(api, "fleetgate_upstream_device_streams") is None:
        pytest.fail("/metrics has no fleetgate_upstream_device_streams")
    sockets = []
    try:
        for path in ["/device/ws/timeleft/3"] * 4 + ["/device/ws/status/3"] * 2 + \
                    ["/device/ws/timeleft/5", "/device/ws/status/5"]:
            ws = api.ws(path, token=u["token"])
            sockets.append(ws)
            ws.recv(2)
        # Streams of earlier tests linger a few seconds after their last socket.
        deadline = time.time() + 10
        while metric(api, "fleetgate_upstream_device_streams") != 2 and time.time() < deadline:
            time.sleep(0.2)
        for _ in range(5):
            assert metric(api, "fleetgate_upstream_device_streams") == 2
            time.sleep(0.2)
        sockets.pop().close()
        sockets.pop().close()  # device 5 has no socket left
        deadline = time.time() + 10
        while metric(api, "fleetgate_upstream_device_streams") != 1 and time.time() < deadline:
            time.sleep(0.2)
        assert metric(api, "fleetgate_upstream_device_streams") == 1
    finally:
        for ws in sockets:
            ws.close()
    deadline = time.time() + 10
    while metric(api, "fleetgate_upstream_device_streams") != 0 and time.time() < deadline:
        time.sleep(0.2)
    assert metric(api, "fleetgate_upstream_device_streams") == 0


# --- /api/v1/ws/{client_id} ---------------------------------------------------------------------


def recent(text, stack):
    """users-v1's time format, within a minute of the stack's (possibly moved) clock."""
    assert RE_Z.match(text), text
    t = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return abs((t - stack.now()).total_seconds()) < 60


def test_chat_echo(api):
    u = api.register_v1()
    with api.ws("/api/v1/ws/user-123", token=u["token"]) as ws:
        ws.send_json({"message": "Hello!"})
        assert ws.recv_json(2) == {"client_id": "user-123", "message": "Hello!", "type": "echo"}
        ws.send_json({"type": "echo", "message": "héllo ✓ \"quoted\""})
        assert ws.recv_json(2) == {"client_id": "user-123", "message": "héllo ✓ \"quoted\"",
                                   "type": "echo"}


def test_chat_reaches_every_other_client_and_the_sender_gets_its_echo(api):
    a, b, c = api.register_v1(), api.register_v1(), api.register_v1()
    with api.ws("/api/v1/ws/alice", token=a["token"]) as wa, \
            api.ws("/api/v1/ws/bob", token=b["token"], via="header") as wb, \
            api.ws("/api/v1/ws/carol", token=c["token"]) as wc:
        time.sleep(0.2)  # all three have joined
        wa.send_json({"type": "chat", "message": "Hello!"})
        assert wa.recv_json(2) == {"client_id": "alice", "message": "Hello!", "type": "echo"}
        for ws in (wb, wc):
            m = ws.recv_json(2)
            assert set(m) == {"client_id", "message", "type", "timestamp"}, m
            assert (m["client_id"], m["message"], m["type"]) == ("alice", "Hello!", "chat"), m
            assert recent(m["timestamp"], api.stack), m
        assert wa.quiet_for(0.5), "the sender got its own chat message back"
        # A message that is not a chat is echoed to its sender only.
        wb.send_json({"message": "just me"})
        assert wb.recv_json(2) == {"client_id": "bob", "message": "just me", "type": "echo"}
        assert wa.quiet_for(0.3) and wc.quiet_for(0.3)


def test_a_frame_that_is_not_json_gets_an_error_and_the_socket_stays_open(api):
    u, other = api.register_v1(), api.register_v1()
    with api.ws("/api/v1/ws/err", token=u["token"]) as ws, \
            api.ws("/api/v1/ws/watcher", token=other["token"]) as watcher:
        for junk in ("not json", "{\"message\": ", "[1, 2"):
            ws.send_text(junk)
            m = ws.recv_json(2)
            assert m.get("type") == "error", m
        assert watcher.quiet_for(0.3)
        ws.send_json({"type": "chat", "message": "still here"})
        assert ws.recv_json(2) == {"client_id": "err", "message": "still here", "type": "echo"}
        assert watcher.recv_json(2)["message"] == "still here"


def test_a_deleted_accounts_token_is_refused_on_device_reads_and_every_handshake(api):
    """Every authenticated row confirms that the account exists (issue 6): the token of a deleted
    account, still validly signed and unexpired, reads nothing and opens no socket."""
    u = api.rental_user()
    assert_json(api.get("/device/all", token=u["token"]), 200)
    with api.ws("/device/ws/status/1", token=u["token"]) as ws:
        assert ws.recv(2)[0]["device_id"] == 1
    assert_json(api.delete(f"/user/{u['id']}", token=api.admin["token"]), 200)
    r = api.get("/device/all", token=u["token"])
    assert (r.status_code, r.json()) == (401, {"detail": "Could not validate credentials"})
    assert api.get("/device/1", token=u["token"]).status_code == 401
    for path in ("/device/ws/timeleft/1", "/device/ws/status/1", "/api/v1/ws/gone"):
        _refused(api, path, 401, token=u["token"])
        _refused(api, path, 401, token=u["token"], via="header")
