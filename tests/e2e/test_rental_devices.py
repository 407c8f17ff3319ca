"""rental devices and the wallet (base "/"): GET /device/all, GET /device/{id},
POST /device/start/{id}, POST /device/stop/{id}, and cash on UserResponse. Money is checked to the
cent in the responses and in device-session's ledger; time is moved with the stack's clock."""
import time
from datetime import timedelta

import pytest

from fleet_e2e import (DEMO_DEVICES, assert_422, assert_detail, assert_json, check_device,
                       parse_z)

pytestmark = pytest.mark.usefixtures("idle_devices")

STOP_FIELDS = {"message", "device", "refund_amount"}


def started(api, r, device_id, user_id, minutes):
    """A 200 DeviceResponse of a start: running for user_id, ending `minutes` from now."""
    body = check_device(assert_json(r, 200), device_id, user_id=user_id, idle=False)
    end = parse_z(body["end_time"])
    expected = api.stack.now() + timedelta(minutes=minutes)
    assert abs((end - expected).total_seconds()) < 5, (body, expected)
    assert minutes * 60 - 5 <= body["time_left"] <= minutes * 60, body
    return body


def stopped(r, device_id):
    """A 200 stop response; returns refund_amount."""
    body = assert_json(r, 200)
    assert set(body) == STOP_FIELDS, body
    assert body["message"] == "Device stopped successfully", body
    check_device(body["device"], device_id, idle=True)
    assert type(body["refund_amount"]) in (int, float) and body["refund_amount"] >= 0, body
    return body["refund_amount"]


def charges(api, uid):
    return [(e["kind"], e["amount"], e["balance_after"]) for e in api.ledger(uid)]


# --- GET /device/all, GET /device/{id} ----------------------------------------------------------


def test_list_devices_fields_and_types(api):
    u = api.rental_user()
    body = assert_json(api.get("/device/all", token=u["token"]), 200)
    assert isinstance(body, list) and [d["id"] for d in body] == [1, 2, 3, 4, 5], body
    for d in body:
        check_device(d, idle=True)
    assert [d["type"] for d in body] == ["washer"] * 3 + ["dryer"] * 2
    assert [d["hourly_cost"] for d in body] == [1.2, 1.2, 1.2, 1.5, 1.5]
    assert len({d["name"] for d in body}) == 5, body


def test_get_device_matches_the_list(api):
    u = api.rental_user()
    listed = {d["id"]: d for d in assert_json(api.get("/device/all", token=u["token"]), 200)}
    for device_id in DEMO_DEVICES:
        body = check_device(assert_json(api.get(f"/device/{device_id}", token=u["token"]), 200),
                            device_id, idle=True)
        assert body == listed[device_id]


def test_a_running_device_reads_the_same_everywhere(api):
    u = api.rental_user(cash=10.0)
    body = started(api, api.start_device(2, u["id"], 30, u["token"]), 2, u["id"], 30)
    other = api.rental_user()
    one = check_device(assert_json(api.get("/device/2", token=other["token"]), 200), 2,
                       user_id=u["id"], idle=False)
    listed = {d["id"]: d for d in assert_json(api.get("/device/all", token=other["token"]), 200)}
    assert one["end_time"] == listed[2]["end_time"] == body["end_time"]
    assert body["time_left"] >= one["time_left"] >= listed[2]["time_left"] > 30 * 60 - 10
    for device_id in (1, 3, 4, 5):
        check_device(listed[device_id], device_id, idle=True)


def _assert_401(r, text):
    assert_detail(r, 401, text)
    assert r.headers.get("WWW-Authenticate", "").lower().startswith("bearer"), r.headers


def test_device_endpoints_need_a_valid_token(api):
    victim = api.rental_user(cash=10.0)
    bad = api.bad_tokens(victim)
    endpoints = [("GET", "/device/all", None), ("GET", "/device/1", None),
                 ("POST", "/device/start/1", {"user_id": victim["id"], "duration_minutes": 5}),
                 ("POST", "/device/stop/1", None)]
    for method, path, body in endpoints:
        _assert_401(api.request(method, path, json=body), "Not authenticated")
        _assert_401(api.request(method, path, json=body, headers={"Authorization": "Basic eDp5"}),
                    "Not authenticated")
        for kind, token in bad.items():
            r = api.request(method, path, json=body, token=token)
            assert r.status_code == 401, f"{kind} token on {method} {path}: {r.status_code}"
            _assert_401(r, "Could not validate credentials")
    check_device(api.device(1), 1, idle=True)
    assert api.cash(victim["id"]) == 10.0


@pytest.mark.parametrize("method,path", [
    ("GET", "/device/abc"), ("GET", "/device/1.5"), ("POST", "/device/start/abc"),
    ("POST", "/device/stop/x1"),
])
def test_device_id_must_be_an_integer(api, method, path):
    u = api.rental_user(cash=10.0)
    body = {"user_id": u["id"], "duration_minutes": 5} if "start" in path else None
    r = api.request(method, path, token=u["token"], json=body)
    assert_422(r, ["path", "device_id"], "int_parsing",
               "Input should be a valid integer, unable to parse string as an integer")
    assert api.cash(u["id"]) == 10.0


@pytest.mark.parametrize("device_id", [0, 6, 987654321])
def test_unknown_device_is_404(api, device_id):
    u = api.rental_user(cash=10.0)
    assert_detail(api.get(f"/device/{device_id}", token=u["token"]), 404, "Device not found")
    assert_detail(api.start_device(device_id, u["id"], 5, u["token"]), 404, "Device not found")
    assert_detail(api.stop_device(device_id, api.admin["token"]), 404, "Device not found")
    assert api.cash(u["id"]) == 10.0
    assert charges(api, u["id"]) == [("adjustment", "10.00", "10.00")]


# --- money --------------------------------------------------------------------------------------


def test_cash_is_set_by_the_admin_and_shown_on_every_user_response(api):
    u = api.rental_user()
    assert assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"] == 0
    body = assert_json(api.patch(f"/user/{u['id']}", token=api.admin["token"],
                                 json={"cash": 10.0}), 200)
    assert body["cash"] == 10.0 and body["uid"] == u["id"]
    assert assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"] == 10.0
    listed = {x["uid"]: x for x in assert_json(api.get("/user/all", token=api.admin["token"]), 200)}
    assert listed[u["id"]]["cash"] == 10.0
    # A name change keeps the cash; cents are exact.
    body = assert_json(api.patch(f"/user/{u['id']}", token=u["token"],
                                 json={"name": "renamed_" + u["username"]}), 200)
    assert body["cash"] == 10.0
    assert api.set_cash(u["id"], 7.25)["cash"] == 7.25
    assert api.set_cash(u["id"], 0.1)["cash"] == 0.1
    assert api.set_cash(u["id"], 7)["cash"] == 7
    assert api.cash(u["id"]) == 7.0
    ledger = api.ledger(u["id"])
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in ledger] == [
        ("adjustment", "10.00", "10.00"), ("adjustment", "-2.75", "7.25"),
        ("adjustment", "-7.15", "0.10"), ("adjustment", "6.90", "7.00")]
    assert {e["actor_user_id"] for e in ledger} == {str(api.admin["id"])}


def test_only_an_admin_changes_cash(api):
    u = api.rental_user(cash=10.0)
    for cash in (100, 10.0, 0):
        assert_detail(api.patch(f"/user/{u['id']}", token=u["token"], json={"cash": cash}), 403,
                      "Not enough permissions")
    assert_detail(api.patch(f"/user/{u['id']}", token=u["token"],
                            json={"name": "n_" + u["username"], "cash": 99}), 403,
                  "Not enough permissions")
    operator = api.make_user("operator")
    assert_detail(api.patch(f"/user/{u['id']}", token=operator["token"], json={"cash": 50}), 403,
                  "Not enough permissions")
    assert api.cash(u["id"]) == 10.0
    assert charges(api, u["id"]) == [("adjustment", "10.00", "10.00")]


def test_sixty_minutes_at_1_50_from_10_00_leaves_8_50(api):
    u = api.rental_user(cash=10.0)
    started(api, api.start_device(4, u["id"], 60, u["token"]), 4, u["id"], 60)
    assert api.cash(u["id"]) == 8.5
    assert assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)["cash"] == 8.5
    ledger = api.ledger(u["id"])
    assert [(e["kind"], e["amount"], e["balance_after"], e["device_id"]) for e in ledger] == [
        ("adjustment", "10.00", "10.00", None), ("charge", "-1.50", "8.50", "4")]
    assert ledger[1]["session_id"] is not None


def test_stop_after_15_of_60_minutes_refunds_1_13(api):
    """1.50/h, 45 of 60 minutes unused: 1.125 rounds half up to 1.13. The clock moves 14:55 so
    that the real time the requests take (a few seconds at most) keeps the unused time within
    45:00..45:23, every value of which refunds 1.13."""
    u = api.rental_user(cash=10.0)
    started(api, api.start_device(5, u["id"], 60, u["token"]), 5, u["id"], 60)
    assert api.cash(u["id"]) == 8.5
    api.stack.shift_clock(15 * 60 - 5)
    left = check_device(api.device(5), 5, user_id=u["id"], idle=False)["time_left"]
    assert 45 * 60 - 5 < left <= 45 * 60 + 5, left
    refund = stopped(api.stop_device(5, u["token"]), 5)
    assert refund == 1.13
    assert api.cash(u["id"]) == 9.63
    check_device(api.device(5), 5, idle=True)
    ledger = api.ledger(u["id"])
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in ledger] == [
        ("adjustment", "10.00", "10.00"), ("charge", "-1.50", "8.50"),
        ("refund", "1.13", "9.63")]
    assert ledger[1]["session_id"] == ledger[2]["session_id"] is not None


def test_an_immediate_stop_refunds_everything(api):
    u = api.rental_user(cash=10.0)
    started(api, api.start_device(1, u["id"], 60, u["token"]), 1, u["id"], 60)
    assert api.cash(u["id"]) == 8.8
    assert stopped(api.stop_device(1, u["token"]), 1) == 1.2
    assert api.cash(u["id"]) == 10.0


def test_charges_round_half_up_to_the_cent(api):
    u = api.rental_user(cash=10.0)
    # 25 min at 1.50/h = 0.625 -> 0.63; 1 min at 1.20/h = 0.02; 7 min at 1.20/h = 0.14.
    started(api, api.start_device(4, u["id"], 25, u["token"]), 4, u["id"], 25)
    assert api.cash(u["id"]) == 9.37
    started(api, api.start_device(1, u["id"], 1, u["token"]), 1, u["id"], 1)
    assert api.cash(u["id"]) == 9.35
    started(api, api.start_device(2, u["id"], 7, u["token"]), 2, u["id"], 7)
    assert api.cash(u["id"]) == 9.21
    assert [a for k, a, _ in charges(api, u["id"]) if k == "charge"] == ["-0.63", "-0.02", "-0.14"]


def test_the_longest_session_is_1440_minutes(api):
    u = api.rental_user(cash=30.0)
    started(api, api.start_device(3, u["id"], 1440, u["token"]), 3, u["id"], 1440)
    assert api.cash(u["id"]) == 1.2  # 24 h at 1.20/h = 28.80


def test_exactly_enough_cash_suffices_one_cent_less_does_not(api):
    rich, poor, broke = (api.rental_user(cash=1.5), api.rental_user(cash=1.49),
                         api.rental_user())
    started(api, api.start_device(4, rich["id"], 60, rich["token"]), 4, rich["id"], 60)
    assert api.cash(rich["id"]) == 0
    for u in (poor, broke):
        assert_detail(api.start_device(5, u["id"], 60, u["token"]), 400, "Insufficient funds")
    check_device(api.device(5), 5, idle=True)
    assert api.cash(poor["id"]) == 1.49 and api.cash(broke["id"]) == 0
    assert charges(api, poor["id"]) == [("adjustment", "1.49", "1.49")]
    assert charges(api, broke["id"]) == []


def test_a_busy_device_is_400_and_charges_nobody(api):
    a, b = api.rental_user(cash=10.0), api.rental_user(cash=10.0)
    first = started(api, api.start_device(2, a["id"], 60, a["token"]), 2, a["id"], 60)
    assert_detail(api.start_device(2, b["id"], 10, b["token"]), 400, "Device is already running")
    assert_detail(api.start_device(2, a["id"], 10, a["token"]), 400, "Device is already running")
    assert_detail(api.start_device(2, b["id"], 10, api.admin["token"]), 400,
                  "Device is already running")
    now = check_device(api.device(2), 2, user_id=a["id"], idle=False)
    assert now["end_time"] == first["end_time"]
    assert api.cash(a["id"]) == 8.8 and api.cash(b["id"]) == 10.0
    assert charges(api, b["id"]) == [("adjustment", "10.00", "10.00")]


def test_stopping_an_idle_device_is_400(api):
    u = api.rental_user(cash=10.0)
    assert_detail(api.stop_device(3, api.admin["token"]), 400, "Device is not running")
    assert_detail(api.stop_device(3, u["token"]), 400, "Device is not running")
    started(api, api.start_device(3, u["id"], 10, u["token"]), 3, u["id"], 10)
    stopped(api.stop_device(3, u["token"]), 3)
    assert_detail(api.stop_device(3, u["token"]), 400, "Device is not running")
    assert [k for k, _, _ in charges(api, u["id"])] == ["adjustment", "charge", "refund"]


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("duration,types", [
    (0, {"greater_than_equal", "greater_than"}),
    (-5, {"greater_than_equal", "greater_than"}),
    (1441, {"less_than_equal", "less_than"}),
    (100000, {"less_than_equal", "less_than"}),
    ("abc", {"int_parsing", "int_type"}),
    (1.5, {"int_from_float", "int_type"}),
    (None, {"int_type"}),
    ([5], {"int_type"}),
    ({"m": 5}, {"int_type"}),
])
def test_duration_must_be_an_integer_from_1_to_1440(api, duration, types):
    u = api.rental_user(cash=100.0)
    r = api.post("/device/start/1", token=u["token"],
                 json={"user_id": u["id"], "duration_minutes": duration})
    e = assert_422(r, ["body", "duration_minutes"])
    assert e["type"] in types, e
    check_device(api.device(1), 1, idle=True)
    assert api.cash(u["id"]) == 100.0


@pytest.mark.parametrize("body,loc", [
    ({"user_id": "self"}, ["body", "duration_minutes"]),
    ({"duration_minutes": 10}, ["body", "user_id"]),
    ({}, ["body", "user_id"]),
    ({}, ["body", "duration_minutes"]),
    ({"user_id": "x", "duration_minutes": 10}, ["body", "user_id"]),
    ({"user_id": None, "duration_minutes": 10}, ["body", "user_id"]),
])
def test_start_needs_user_id_and_duration(api, body, loc):
    u = api.rental_user(cash=100.0)
    body = {k: (u["id"] if v == "self" else v) for k, v in body.items()}
    e = assert_422(api.post("/device/start/1", token=u["token"], json=body), loc)
    if loc[1] not in body:
        assert e["type"] == "missing" and e["msg"] == "Field required", e
    check_device(api.device(1), 1, idle=True)
    assert api.cash(u["id"]) == 100.0


def test_start_body_must_be_a_json_object(api):
    u = api.rental_user(cash=100.0)
    r = api.post("/device/start/1", token=u["token"], data='{"user_id": 1,',
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid", r.text
    assert_422(api.post("/device/start/1", token=u["token"], json=[1, 2]), ["body"],
               "model_attributes_type")
    check_device(api.device(1), 1, idle=True)


# --- who may do what ----------------------------------------------------------------------------


def test_a_user_starts_only_for_themselves(api):
    a, b = api.rental_user(cash=10.0), api.rental_user(cash=10.0)
    operator = api.make_user("operator")
    assert_detail(api.start_device(1, b["id"], 10, a["token"]), 403, "Not enough permissions")
    assert_detail(api.start_device(1, a["id"], 10, operator["token"]), 403,
                  "Not enough permissions")
    check_device(api.device(1), 1, idle=True)
    assert api.cash(a["id"]) == 10.0 and api.cash(b["id"]) == 10.0


def test_an_admin_starts_for_anyone(api):
    u = api.rental_user(cash=10.0)
    other_admin = api.rental_user(is_admin=True)
    started(api, api.start_device(4, u["id"], 60, api.admin["token"]), 4, u["id"], 60)
    started(api, api.start_device(5, u["id"], 20, other_admin["token"]), 5, u["id"], 20)
    assert api.cash(u["id"]) == 8.0  # 1.50 + 0.50
    assert api.cash(api.admin["id"]) == 0 and api.cash(other_admin["id"]) == 0


def test_an_admin_start_for_an_unknown_account_is_404(api):
    assert_detail(api.start_device(1, 987654321, 10, api.admin["token"]), 404, "User not found")
    check_device(api.device(1), 1, idle=True)


def test_only_the_sessions_user_or_an_admin_stops_it(api):
    a, b = api.rental_user(cash=10.0), api.rental_user(cash=10.0)
    operator = api.make_user("operator")
    started(api, api.start_device(1, a["id"], 60, a["token"]), 1, a["id"], 60)
    assert_detail(api.stop_device(1, b["token"]), 403, "Not enough permissions")
    assert_detail(api.stop_device(1, operator["token"]), 403, "Not enough permissions")
    check_device(api.device(1), 1, user_id=a["id"], idle=False)
    assert stopped(api.stop_device(1, a["token"]), 1) == 1.2
    assert api.cash(a["id"]) == 10.0 and api.cash(b["id"]) == 10.0
    # An admin stops someone else's session; the refund goes to the session's user.
    started(api, api.start_device(2, b["id"], 60, b["token"]), 2, b["id"], 60)
    assert stopped(api.stop_device(2, api.admin["token"]), 2) == 1.2
    assert api.cash(b["id"]) == 10.0 and api.cash(api.admin["id"]) == 0
    refund = api.ledger(b["id"])[-1]
    assert refund["kind"] == "refund" and refund["actor_user_id"] == str(api.admin["id"])


# --- a session ends by itself -------------------------------------------------------------------


def test_expiry_frees_the_device(api):
    a, b = api.rental_user(cash=10.0), api.rental_user(cash=10.0)
    started(api, api.start_device(3, a["id"], 1, a["token"]), 3, a["id"], 1)
    assert api.cash(a["id"]) == 9.98
    api.stack.shift_clock(61)
    deadline = time.time() + 1.5
    while True:
        body = check_device(api.device(3), 3)
        if body["user_id"] is None or time.time() > deadline:
            break
        time.sleep(0.1)
    check_device(body, 3, idle=True)
    listed = {d["id"]: d for d in assert_json(api.get("/device/all", token=b["token"]), 200)}
    check_device(listed[3], 3, idle=True)
    assert_detail(api.stop_device(3, a["token"]), 400, "Device is not running")
    # Nothing comes back after an expiry: the whole minute was used.
    assert api.cash(a["id"]) == 9.98
    assert charges(api, a["id"]) == [("adjustment", "10.00", "10.00"), ("charge", "-0.02", "9.98")]
    rows = api.stack.sql("device-session", "SELECT end_reason FROM sessions WHERE device_id = 3 "
                                           f"AND user_id = {a['id']}")
    assert rows == [["expired"]]
    started(api, api.start_device(3, b["id"], 10, b["token"]), 3, b["id"], 10)
    assert api.cash(b["id"]) == 9.8
