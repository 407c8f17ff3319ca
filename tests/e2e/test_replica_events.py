"""Changes across replicas over NATS (issue 12), on the replicated run: a start committed on one
device-session replica reaches countdown sockets on both gateways with the same time_left; a
chat message reaches clients on both gateways; an account deleted through one gateway is refused
by the other at once and its sockets there close; when NATS is lost every process says so
(degraded) and keeps answering, and once NATS is back changes cross again."""
import time

import pytest
import requests
import websocket

from fleet_e2e import Api, Client, Ws, assert_json, wait_for


@pytest.fixture(scope="module")
def api(replicated_stack):
    return Api(replicated_stack)


def gateways(api) -> list[Client]:
    return [Client(url) for url in api.stack.gateway_urls]


def socket_on(url: str, path: str, token: str) -> Ws:
    return Ws(url.replace("http://", "ws://", 1) + path + "?token=" + token, [])


def first_running(ws: Ws, timeout: float = 3.0) -> dict:
    """The first countdown message that says running (ticks of the idle state come before)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        m, _ = ws.recv(left)
        if m["status"] == "running":
            return m
    raise AssertionError(f"no running message within {timeout} s")


def first_idle(ws: Ws, timeout: float = 3.0) -> dict:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        m, _ = ws.recv(left)
        if m["status"] == "idle":
            return m
    raise AssertionError(f"no idle message within {timeout} s")


def readyz(client: Client) -> dict:
    return assert_json(client.get("/readyz"), 200)


def events_complete(stack, process: str) -> int:
    page = requests.get(f"http://127.0.0.1:{stack.metrics_port(process)}/metrics", timeout=5).text
    line = next(line for line in page.splitlines() if line.startswith("fleetgate_events_complete "))
    return int(line.split()[1])


def test_starts_and_stops_through_either_gateway_reach_sockets_on_both(api):
    """Each gateway follows the device through a stream to one device-session replica, and each
    call lands on either replica: over several rounds through both gateways, changes committed
    on one replica reach sockets fed by the other, every socket with the same time_left."""
    u = api.rental_user(cash=100.0)
    device = 2
    sockets = [socket_on(url, f"/device/ws/timeleft/{device}", u["token"])
               for url in api.stack.gateway_urls for _ in range(2)]
    try:
        for ws in sockets:
            assert ws.recv(3)[0]["status"] == "idle"
        for round_ in range(4):
            through = gateways(api)[round_ % 2]
            r = through.post(f"/device/start/{device}", token=u["token"],
                             json={"user_id": u["id"], "duration_minutes": 10})
            assert r.status_code == 200, r.text
            firsts = [first_running(ws, 2) for ws in sockets]
            assert {m["user_id"] for m in firsts} == {u["id"]}, firsts
            assert len({m["time_left"] for m in firsts}) == 1, firsts
            assert 598 <= firsts[0]["time_left"] <= 600, firsts
            stop_through = gateways(api)[(round_ + 1) % 2]
            assert stop_through.post(f"/device/stop/{device}", token=u["token"]).status_code == 200
            for ws in sockets:
                assert first_idle(ws, 2)["user_id"] is None
    finally:
        for ws in sockets:
            ws.close()


def test_chat_reaches_clients_on_both_gateways(api):
    one, other = api.stack.gateway_urls
    users = [api.register_v1() for _ in range(3)]
    alice = socket_on(one, "/api/v1/ws/alice", users[0]["token"])
    bob = socket_on(other, "/api/v1/ws/bob", users[1]["token"])
    carol = socket_on(other, "/api/v1/ws/carol", users[2]["token"])
    try:
        time.sleep(0.3)  # the joins are asynchronous to the handshakes
        alice.send_json({"type": "chat", "message": "hello from gateway 1"})
        assert alice.recv_json(2)["type"] == "echo"
        for client in (bob, carol):
            got = client.recv_json(2)
            assert {k: got[k] for k in ("client_id", "message", "type")} == {
                "client_id": "alice", "message": "hello from gateway 1", "type": "chat"}, got
        bob.send_json({"type": "chat", "message": "and back"})
        assert bob.recv_json(2)["type"] == "echo"
        assert alice.recv_json(2)["message"] == "and back"
        assert carol.recv_json(2)["message"] == "and back"
        assert alice.quiet_for(0.5)  # once each: nothing comes back around
    finally:
        for client in (alice, bob, carol):
            client.close()


def test_an_account_deleted_through_one_gateway_is_refused_by_the_other_at_once(api):
    u = api.rental_user(cash=10.0)
    one, other = gateways(api)
    assert other.get("/device/1", token=u["token"]).status_code == 200  # cached there now
    ws = socket_on(api.stack.gateway_urls[1], "/device/ws/timeleft/1", u["token"])
    try:
        ws.recv(3)
        r = one.delete(f"/user/{u['id']}", token=api.admin["token"])
        assert r.status_code == 200, r.text
        deleted = time.monotonic()
        wait_for("401 on the other gateway",
                 lambda: other.get("/device/1", token=u["token"]).status_code == 401, 1.0)
        assert time.monotonic() - deleted <= 1.0
        with pytest.raises((websocket.WebSocketConnectionClosedException, AssertionError,
                            OSError)):
            for _ in range(5):  # ticks until the close frame
                ws.recv(1)
    finally:
        ws.close()


def test_losing_nats_is_degraded_not_down_and_changes_cross_again_once_it_is_back(api):
    stack = api.stack
    replicas = stack.replicas("device-session") + stack.replicas("user")
    assert all(readyz(gw)["events"] == "connected" for gw in gateways(api))
    assert all(events_complete(stack, p) == 1 for p in replicas)

    stack.process("nats").kill()
    try:
        wait_for("every gateway degraded",
                 lambda: all(readyz(gw).get("events") == "degraded" for gw in gateways(api)), 15)
        wait_for("every replica incomplete",
                 lambda: all(events_complete(stack, p) == 0 for p in replicas), 15)
        # Still answering, from upstream.
        for gw in gateways(api):
            assert_json(gw.get("/device/all", token=api.admin["token"]), 200)
            assert_json(gw.get("/user/all", token=api.admin["token"]), 200)
    finally:
        stack.restart("nats")
    wait_for("every gateway connected again",
             lambda: all(readyz(gw).get("events") == "connected" for gw in gateways(api)), 15)
    wait_for("every replica complete again",
             lambda: all(events_complete(stack, p) == 1 for p in replicas), 15)
    test_starts_and_stops_through_either_gateway_reach_sockets_on_both(api)
