"""The gateway's account read model and its sockets (gateway/src/readmodel/accounts.*,
gateway/src/realtime/socket_registry.*): fed by the user service's WatchAccounts, it answers
every principal and account read from memory. A deleted account's token gets 401 on every
surface at once and its open sockets close with 1008; a deactivated account gets the documented
403 at once; every socket closes at its token's exp (the clock moved by the test); with the
user service killed the cache is dropped and reads go upstream, and once it is back the cache is
current again. The last test moves the stack's clock forward, so it stays last."""
import re
import time

import pytest
import websocket

from fleet_e2e import Api, assert_detail, assert_json, token_parts, wait_for, ws_close_code

POLICY_VIOLATION = 1008


@pytest.fixture(scope="module")
def api(stack):
    return Api(stack, allow_5xx=True)


def gauge(api) -> int:
    m = re.search(r"^fleetgate_account_model_current (\d)$", api.get("/metrics").text, re.M)
    assert m, "/metrics has no fleetgate_account_model_current"
    return int(m.group(1))


def hits(api) -> int:
    m = re.search(r'fleetgate_read_model_reads_total\{model="account",result="hit"\} (\d+)',
                  api.get("/metrics").text)
    assert m, "/metrics has no account hit counter"
    return int(m.group(1))


def surface_reads(user: dict) -> list[str]:
    """An authenticated GET on each of the five surfaces, as `user` may make it."""
    uid = user["id"]
    return [f"/user/{uid}", f"/api/v1/users/{uid}", f"/v1/users/{uid}", "/api/lights/list",
            "/pisync/devices"]


def test_reads_come_from_memory(api):
    wait_for("the account model is current", lambda: gauge(api) == 1)
    u = api.make_user()
    before = hits(api)
    for path in surface_reads(u):
        assert api.get(path, token=u["token"]).status_code == 200, path
    assert hits(api) >= before + 5  # one principal per read at least


def test_a_deleted_account_is_refused_everywhere_at_once_and_its_sockets_close(api):
    wait_for("the account model is current", lambda: gauge(api) == 1)
    u = api.make_user()
    for path in surface_reads(u):
        assert api.get(path, token=u["token"]).status_code == 200, path
    countdown = api.ws("/device/ws/timeleft/1", token=u["token"])
    assert countdown.recv_json()["device_id"] == 1
    chat = api.ws("/api/v1/ws/gone-soon", token=u["token"])

    r = api.delete(f"/v1/users/{u['id']}", token=api.admin["token"])
    assert r.status_code == 204, r.text
    deleted_at = time.time()
    bodies = {
        "/api/lights/list": {"status": 401, "message": "Invalid or missing token", "data": None},
        "/pisync/devices": {"message": "Invalid auth token"},
    }
    for path in surface_reads(u):
        r = api.get(path, token=u["token"])
        assert r.status_code == 401, (path, r.status_code, r.text)
        assert r.json() == bodies.get(path, {"detail": "Could not validate credentials"}), path
    assert time.time() - deleted_at < 1.0
    assert ws_close_code(countdown, 2.0) == POLICY_VIOLATION
    assert ws_close_code(chat, 2.0) == POLICY_VIOLATION
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        api.ws("/device/ws/status/1", token=u["token"])
    assert e.value.status_code == 401


def test_a_deactivated_account_gets_the_documented_403_at_once(api):
    wait_for("the account model is current", lambda: gauge(api) == 1)
    u = api.make_user()
    assert api.get(f"/user/{u['id']}", token=u["token"]).status_code == 200
    status = api.ws("/device/ws/status/2", token=u["token"])
    assert status.recv_json()["device_id"] == 2
    r = api.patch(f"/v1/users/{u['id']}", token=api.admin["token"], json={"is_active": False})
    assert r.status_code == 200, r.text
    for path in surface_reads(u):
        r = api.get(path, token=u["token"])
        assert r.status_code == 403, (path, r.status_code, r.text)
    assert_detail(api.get(f"/user/{u['id']}", token=u["token"]), 403, "User is inactive")
    assert ws_close_code(status, 2.0) == POLICY_VIOLATION


def test_killing_the_user_service_empties_the_cache_until_it_is_back(api):
    wait_for("the account model is current", lambda: gauge(api) == 1)
    u = api.make_user()
    api.stack.process("user").kill()
    wait_for("the account model is dropped", lambda: gauge(api) == 0)
    # Reads go upstream, where nothing answers now.
    r = api.get(f"/api/v1/users/{u['id']}", token=u["token"])
    assert r.status_code in (503, 504), r.text

    api.stack.restart("user")
    api.stack.wait_ready()
    body = assert_json(api.get(f"/api/v1/users/{u['id']}", token=u["token"]), 200)
    assert body["username"] == u["username"]
    wait_for("the account model is current again", lambda: gauge(api) == 1)
    before = hits(api)
    assert api.get(f"/api/v1/users/{u['id']}", token=u["token"]).status_code == 200
    assert hits(api) > before


def test_a_socket_closes_at_its_tokens_expiry(api):
    """Moves the stack's clock past the token's exp: keep this test last in the file."""
    u = api.make_user()
    exp = token_parts(u["token"])[1]["exp"]
    countdown = api.ws("/device/ws/timeleft/3", token=u["token"])
    assert countdown.recv_json()["device_id"] == 3
    assert countdown.recv_json(timeout=3.0)["device_id"] == 3  # ticks while the token lives
    api.stack.shift_clock(exp - api.stack.epoch() - 3.0)
    assert countdown.recv_json(timeout=3.0)["device_id"] == 3  # before exp: still open
    assert ws_close_code(countdown, 5.0) == POLICY_VIOLATION
    assert api.stack.epoch() >= exp
    # The token itself is refused now too.
    assert api.get(f"/user/{u['id']}", token=u["token"]).status_code == 401
