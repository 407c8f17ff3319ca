"""Races through the gateway: simultaneous starts of one device, one wallet spent on several
devices at once, simultaneous stops. Exactly one wins each race, and device-session's own
database (sessions, ledger) shows exactly one effect."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from fleet_e2e import Client, assert_detail, check_device

pytestmark = pytest.mark.usefixtures("idle_devices")

N = 20


def race(api, requests_):
    """Sends every (method, path, token, json) at the same moment, each on a connection of its
    own, and returns the responses in order."""
    barrier = threading.Barrier(len(requests_))

    def one(req):
        method, path, token, body = req
        client = Client(api.base)
        client.get("/healthz")  # connect before the barrier, so the requests leave together
        barrier.wait(30)
        return client.request(method, path, token=token, json=body)

    with ThreadPoolExecutor(len(requests_)) as pool:
        return list(pool.map(one, requests_))


def sessions_of(api, device_id):
    return api.stack.sql("device-session",
                         f"SELECT id, user_id, charged FROM sessions WHERE device_id = {device_id}")


def ledger_of_device(api, device_id, kind):
    return api.stack.sql("device-session",
                         "SELECT user_id, amount, session_id FROM ledger "
                         f"WHERE device_id = {device_id} AND kind = '{kind}'")


def test_twenty_users_start_one_device_at_once_one_wins(api):
    users = [api.rental_user(cash=10.0) for _ in range(N)]
    before = len(sessions_of(api, 4))
    rs = race(api, [("POST", "/device/start/4", u["token"],
                     {"user_id": u["id"], "duration_minutes": 60}) for u in users])
    ok = [i for i, r in enumerate(rs) if r.status_code == 200]
    assert len(ok) == 1, [(r.status_code, r.text) for r in rs]
    for i, r in enumerate(rs):
        if i != ok[0]:
            assert_detail(r, 400, "Device is already running")
    winner = users[ok[0]]
    body = check_device(rs[ok[0]].json(), 4, user_id=winner["id"], idle=False)
    assert check_device(api.device(4), 4, user_id=winner["id"])["end_time"] == body["end_time"]
    assert api.cash(winner["id"]) == 8.5
    for u in users:
        if u is not winner:
            assert api.cash(u["id"]) == 10.0
    sessions = sessions_of(api, 4)[before:]
    assert len(sessions) == 1 and sessions[0][1:] == [str(winner["id"]), "1.50"], sessions
    charges = [c for c in ledger_of_device(api, 4, "charge") if c[2] == sessions[0][0]]
    assert charges == [[str(winner["id"]), "-1.50", sessions[0][0]]]
    assert [e["kind"] for e in api.ledger(winner["id"])] == ["adjustment", "charge"]


def test_one_user_starts_one_device_twenty_times_at_once_pays_once(api):
    u = api.rental_user(cash=10.0)
    rs = race(api, [("POST", "/device/start/5", u["token"],
                     {"user_id": u["id"], "duration_minutes": 60})] * N)
    statuses = sorted(r.status_code for r in rs)
    assert statuses == [200] + [400] * (N - 1), [(r.status_code, r.text) for r in rs]
    for r in rs:
        if r.status_code == 400:
            assert_detail(r, 400, "Device is already running")
    assert api.cash(u["id"]) == 8.5
    assert [(e["kind"], e["amount"]) for e in api.ledger(u["id"])] == [
        ("adjustment", "10.00"), ("charge", "-1.50")]
    assert len(sessions_of(api, 5)) >= 1
    assert len([s for s in sessions_of(api, 5) if s[1] == str(u["id"])]) == 1


def test_one_wallet_spent_on_five_devices_at_once_is_spent_once(api):
    """1.50 buys one hour of one dryer: of 20 starts spread over the five devices, exactly one
    succeeds; the others find either the wallet empty or the device taken."""
    u = api.rental_user(cash=1.5)
    rs = race(api, [("POST", f"/device/start/{4 + i % 2}", u["token"],
                     {"user_id": u["id"], "duration_minutes": 60}) for i in range(N)])
    ok = [r for r in rs if r.status_code == 200]
    assert len(ok) == 1, [(r.status_code, r.text) for r in rs]
    for r in rs:
        if r.status_code != 200:
            assert r.status_code == 400 and r.json()["detail"] in (
                "Insufficient funds", "Device is already running"), r.text
    assert api.cash(u["id"]) == 0
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in api.ledger(u["id"])] == [
        ("adjustment", "1.50", "1.50"), ("charge", "-1.50", "0.00")]
    running = [d for d in (api.device(4), api.device(5)) if d["user_id"] is not None]
    assert len(running) == 1 and running[0]["user_id"] == u["id"]


def test_twenty_stops_at_once_refund_once(api):
    u = api.rental_user(cash=10.0)
    r = api.start_device(1, u["id"], 60, u["token"])
    assert r.status_code == 200, r.text
    rs = race(api, [("POST", "/device/stop/1", u["token"], None)] * (N // 2) +
              [("POST", "/device/stop/1", api.admin["token"], None)] * (N // 2))
    ok = [r for r in rs if r.status_code == 200]
    assert len(ok) == 1, [(r.status_code, r.text) for r in rs]
    for r in rs:
        if r.status_code != 200:
            assert_detail(r, 400, "Device is not running")
    assert ok[0].json()["refund_amount"] == 1.2
    assert api.cash(u["id"]) == 10.0
    assert [e["kind"] for e in api.ledger(u["id"])] == ["adjustment", "charge", "refund"]
    check_device(api.device(1), 1, idle=True)
