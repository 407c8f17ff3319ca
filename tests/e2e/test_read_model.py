"""The gateway's device read model (gateway/src/readmodel/): fed by device-session's WatchDevices,
it answers /device/{id}, /device/all and rental `cash` from memory while current. A read right
after one's own start, stop or cash change sees it; an expiry reaches readers; with
device-session killed, reads go upstream (and fail as before), and once it is back the model is
current again. The hit/miss counters of /metrics tell which path answered."""
import re

import pytest

from fleet_e2e import Api, assert_json, check_device, wait_for


@pytest.fixture(scope="module")
def api(stack):
    return Api(stack, allow_5xx=True)


@pytest.fixture(autouse=True)
def idle(api):
    api.free_devices()
    yield


def reads(api, model: str) -> tuple[int, int]:
    """(hits, misses) of a read model, from /metrics."""
    text = api.get("/metrics").text
    found = {}
    for result in ("hit", "miss"):
        m = re.search(rf'fleetgate_read_model_reads_total\{{model="{model}",result="{result}"\}} (\d+)',
                      text)
        assert m, f"/metrics has no {model} {result} counter"
        found[result] = int(m.group(1))
    return found["hit"], found["miss"]


def wait_current(api):
    """Until a device read is answered from memory."""
    def hit():
        before = reads(api, "device")[0]
        api.get("/device/1", token=api.admin["token"])
        return reads(api, "device")[0] > before
    wait_for("device reads from memory", hit)


def test_reads_are_answered_from_memory(api):
    wait_current(api)
    hits, misses = reads(api, "device")
    for device_id in range(1, 6):
        check_device(api.device(device_id), device_id, idle=True)
    listed = assert_json(api.get("/device/all", token=api.admin["token"]), 200)
    assert [d["id"] for d in listed] == [1, 2, 3, 4, 5]
    assert api.get("/device/99", token=api.admin["token"]).json() == {"detail": "Device not found"}
    assert reads(api, "device") == (hits + 7, misses)


def test_a_read_right_after_ones_own_start_or_stop_sees_it(api):
    wait_current(api)
    for round_ in range(5):
        u = api.rental_user(cash=10.0)
        assert assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"] == 10.0
        device_id = 1 + round_ % 5
        assert api.start_device(device_id, u["id"], 60, u["token"]).status_code == 200
        # At once, by the same user: the device, the list and the wallet.
        mine = assert_json(api.get(f"/device/{device_id}", token=u["token"]), 200)
        check_device(mine, device_id, user_id=u["id"], idle=False)
        listed = {d["id"]: d for d in assert_json(api.get("/device/all", token=u["token"]), 200)}
        assert listed[device_id]["user_id"] == u["id"]
        cash = 10.0 - (1.2 if device_id <= 3 else 1.5)
        assert assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"] == cash

        stopped = assert_json(api.stop_device(device_id, u["token"]), 200)
        check_device(assert_json(api.get(f"/device/{device_id}", token=u["token"]), 200),
                     device_id, idle=True)
        listed = {d["id"]: d for d in assert_json(api.get("/device/all", token=u["token"]), 200)}
        assert listed[device_id]["user_id"] is None
        after = assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"]
        assert after == round(cash + stopped["refund_amount"], 2)
        # An admin's cash change, read at once.
        api.set_cash(u["id"], 3.33)
        assert assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"] == 3.33
    assert reads(api, "wallet")[0] > 0


def test_an_expiry_reaches_readers(api):
    wait_current(api)
    a, b = api.rental_user(cash=10.0), api.rental_user(cash=1.0)
    assert b["id"]
    assert api.start_device(3, a["id"], 1, a["token"]).status_code == 200
    check_device(assert_json(api.get("/device/3", token=b["token"]), 200), 3, user_id=a["id"],
                 idle=False)
    hits = reads(api, "device")[0]
    api.stack.shift_clock(61)
    # Past end_time the model renders the device idle at once; the sweeper's expiry event
    # follows within a poll (250 ms under a shifted clock) and keeps it so.
    body = wait_for("idle", lambda: (lambda d: d if d["user_id"] is None else None)(
        assert_json(api.get("/device/3", token=b["token"]), 200)), timeout=3)
    check_device(body, 3, idle=True)
    wait_for("expired in the database", lambda: api.stack.sql(
        "device-session", "SELECT end_reason FROM sessions WHERE device_id = 3 AND user_id = "
        f"{a['id']}") == [["expired"]])
    listed = {d["id"]: d for d in assert_json(api.get("/device/all", token=b["token"]), 200)}
    check_device(listed[3], 3, idle=True)
    assert reads(api, "device")[0] > hits
    assert assert_json(api.get(f"/user/{a['id']}", token=a["token"]), 200)["cash"] == 9.98


def test_killing_device_session_sends_reads_upstream_until_it_is_back(api):
    wait_current(api)
    u = api.rental_user(cash=10.0)
    assert api.start_device(4, u["id"], 60, u["token"]).status_code == 200
    assert assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"] == 8.5

    api.stack.process("device-session").kill()
    # The feed is lost: reads go upstream (and fail while nothing answers there).
    def upstream_fails():
        r = api.get("/device/4", token=u["token"])
        return r.status_code in (503, 504)
    wait_for("reads go upstream", upstream_fails)
    _, misses = reads(api, "device")
    assert api.get("/device/all", token=u["token"]).status_code in (503, 504)
    assert api.get(f"/user/{u['id']}", token=u["token"]).status_code in (503, 504)
    assert reads(api, "device")[1] == misses + 1

    api.stack.restart("device-session")
    api.stack.wait_ready()
    wait_current(api)
    check_device(api.device(4), 4, user_id=u["id"], idle=False)
    assert assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"] == 8.5
    # Current again: a stop is read at once.
    assert api.stop_device(4, u["token"]).status_code == 200
    check_device(assert_json(api.get("/device/4", token=u["token"]), 200), 4, idle=True)
