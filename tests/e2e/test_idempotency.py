"""X-Idempotency-Key on rental's POSTs and on account creation (PLATFORM.md "Idempotency"): a
repeat replays the first response byte for byte with no second effect, even after the state has
changed; the same key with another request is 422 (400 on pisync); concurrent duplicates make one
effect (the others replay it or get 409); keys belong to their caller."""
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fleet_e2e import (Api, Client, assert_detail, assert_json, assert_pisync_error,
                       check_device, identity, token_sub, wait_for)

pytestmark = pytest.mark.usefixtures("idle_devices")


def key() -> str:
    return "k-" + secrets.token_hex(12)


def kinds(api, uid):
    return [(e["kind"], e["amount"]) for e in api.ledger(uid)]


def assert_error_422(r):
    body = assert_json(r, 422)
    assert set(body) == {"detail"} and body["detail"], body


def test_a_replayed_start_is_the_first_response_byte_for_byte(api):
    u = api.rental_user(cash=10.0)
    k = key()
    first = api.start_device(1, u["id"], 60, u["token"], key=k)
    check_device(assert_json(first, 200), 1, user_id=u["id"], idle=False)
    time.sleep(1.2)  # a re-rendered device would show another time_left
    again = api.start_device(1, u["id"], 60, u["token"], key=k)
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert api.cash(u["id"]) == 8.8
    assert kinds(api, u["id"]) == [("adjustment", "10.00"), ("charge", "-1.20")]
    # Without the key the same request is a new one: the device is busy.
    assert_detail(api.start_device(1, u["id"], 60, u["token"]), 400, "Device is already running")


def test_a_replay_after_the_state_changed_is_still_the_first_response(api):
    u = api.rental_user(cash=10.0)
    k = key()
    first = api.start_device(2, u["id"], 30, u["token"], key=k)
    assert first.status_code == 200, first.text
    assert api.stop_device(2, u["token"]).status_code == 200
    assert api.cash(u["id"]) == 10.0
    again = api.start_device(2, u["id"], 30, u["token"], key=k)
    assert (again.status_code, again.content) == (200, first.content)
    check_device(api.device(2), 2, idle=True)  # not started a second time
    assert api.cash(u["id"]) == 10.0
    assert [kind for kind, _ in kinds(api, u["id"])] == ["adjustment", "charge", "refund"]


def test_the_same_key_with_another_request_is_422(api):
    u = api.rental_user(cash=10.0)
    k = key()
    assert api.start_device(3, u["id"], 10, u["token"], key=k).status_code == 200
    assert_error_422(api.start_device(3, u["id"], 20, u["token"], key=k))  # another body
    assert_error_422(api.start_device(4, u["id"], 10, u["token"], key=k))  # another device
    assert_error_422(api.stop_device(3, u["token"], key=k))  # another endpoint
    check_device(api.device(3), 3, user_id=u["id"], idle=False)
    check_device(api.device(4), 4, idle=True)
    assert api.cash(u["id"]) == 9.8
    assert kinds(api, u["id"]) == [("adjustment", "10.00"), ("charge", "-0.20")]


def test_twenty_concurrent_duplicates_make_one_effect(api):
    u = api.rental_user(cash=10.0)
    k = key()
    n = 20
    barrier = threading.Barrier(n)

    def one(_):
        client = Client(api.base)
        client.get("/healthz")
        barrier.wait(30)
        return client.post("/device/start/4", token=u["token"],
                           headers={"X-Idempotency-Key": k},
                           json={"user_id": u["id"], "duration_minutes": 60})

    with ThreadPoolExecutor(n) as pool:
        rs = list(pool.map(one, range(n)))
    ok = [r for r in rs if r.status_code == 200]
    assert ok, [(r.status_code, r.text) for r in rs]
    for r in rs:
        assert r.status_code in (200, 409), (r.status_code, r.text)
        if r.status_code == 200:
            assert r.content == ok[0].content
        else:
            body = assert_json(r, 409)
            assert set(body) == {"detail"} and isinstance(body["detail"], str), body
    check_device(ok[0].json(), 4, user_id=u["id"], idle=False)
    assert api.cash(u["id"]) == 8.5
    assert kinds(api, u["id"]) == [("adjustment", "10.00"), ("charge", "-1.50")]
    # Once the first has finished, every repeat replays it.
    again = api.start_device(4, u["id"], 60, u["token"], key=k)
    assert (again.status_code, again.content) == (200, ok[0].content)


def test_a_key_on_stop_refunds_once(api):
    u = api.rental_user(cash=10.0)
    assert api.start_device(5, u["id"], 60, u["token"]).status_code == 200
    k = key()
    first = api.stop_device(5, u["token"], key=k)
    body = assert_json(first, 200)
    assert body["refund_amount"] == 1.5 and body["message"] == "Device stopped successfully"
    time.sleep(1.1)
    again = api.stop_device(5, u["token"], key=k)
    assert (again.status_code, again.content) == (200, first.content)
    assert api.cash(u["id"]) == 10.0
    assert kinds(api, u["id"]) == [("adjustment", "10.00"), ("charge", "-1.50"),
                                   ("refund", "1.50")]
    assert_detail(api.stop_device(5, u["token"]), 400, "Device is not running")
    # The device started again: the old key still replays the old stop, the new session runs.
    assert api.start_device(5, u["id"], 60, u["token"]).status_code == 200
    again = api.stop_device(5, u["token"], key=k)
    assert (again.status_code, again.content) == (200, first.content)
    check_device(api.device(5), 5, user_id=u["id"], idle=False)
    assert api.cash(u["id"]) == 8.5


def test_keys_belong_to_their_caller(api):
    a, b = api.rental_user(cash=10.0), api.rental_user(cash=10.0)
    k = key()
    ra = api.start_device(1, a["id"], 60, a["token"], key=k)
    rb = api.start_device(2, b["id"], 60, b["token"], key=k)
    check_device(assert_json(ra, 200), 1, user_id=a["id"], idle=False)
    check_device(assert_json(rb, 200), 2, user_id=b["id"], idle=False)
    assert api.cash(a["id"]) == 8.8 and api.cash(b["id"]) == 8.8


def test_a_refused_start_with_a_key_charges_nothing(api):
    u = api.rental_user(cash=1.0)
    k = key()
    assert_detail(api.start_device(4, u["id"], 60, u["token"], key=k), 400, "Insufficient funds")
    # Replayed or refused again, it is the same answer and still no charge.
    assert_detail(api.start_device(4, u["id"], 60, u["token"], key=k), 400, "Insufficient funds")
    assert api.cash(u["id"]) == 1.0
    assert kinds(api, u["id"]) == [("adjustment", "1.00")]
    check_device(api.device(4), 4, idle=True)


# Account creation, the effectful POST of every surface, is exactly-once too (auth.Register).

def test_a_replayed_rental_user_creation_is_the_first_response_with_one_account(api):
    ident = identity("idem")
    body = {"name": ident["username"], "password": ident["password"]}
    k = key()
    first = api.post("/user", token=api.admin["token"], headers={"X-Idempotency-Key": k}, json=body)
    created = assert_json(first, 200)
    assert created["name"] == ident["username"]
    again = api.post("/user", token=api.admin["token"], headers={"X-Idempotency-Key": k}, json=body)
    assert (again.status_code, again.content) == (200, first.content)
    assert again.headers.get("Idempotent-Replayed") == "true"
    named = [u for u in assert_json(api.get("/user/all", token=api.admin["token"]), 200)
             if u["name"] == ident["username"]]
    assert [u["uid"] for u in named] == [created["uid"]]
    # Without the key the same request is a new one: the name is taken.
    assert_detail(api.post("/user", token=api.admin["token"], json=body), 400,
                  "Username already exists")
    # The same key with another body is 422 and creates nothing.
    other = identity("idem")
    assert_detail(api.post("/user", token=api.admin["token"], headers={"X-Idempotency-Key": k},
                           json={"name": other["username"], "password": other["password"]}),
                  422, "Idempotency key was used with a different request")
    assert api.login_rental(other["username"], other["password"]).status_code == 401


def test_a_replayed_pisync_register_is_the_first_response_with_one_account(api):
    ident = identity("idem")
    body = {"username": ident["username"], "password": ident["password"]}
    k = key()
    first = api.post("/pisync/auth/register", headers={"X-Idempotency-Key": k}, json=body)
    token = assert_json(first, 201)["token"]
    again = api.post("/pisync/auth/register", headers={"X-Idempotency-Key": k}, json=body)
    assert (again.status_code, again.content) == (201, first.content)  # the same token
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert_pisync_error(api.register_pisync(ident["username"], ident["password"]), 400,
                        "Username already exists")
    assert token_sub(assert_json(api.login_pisync(ident["username"], ident["password"]),
                                 200)["token"]) == token_sub(token)
    other = identity("idem")
    r = api.post("/pisync/auth/register", headers={"X-Idempotency-Key": k},
                 json={"username": other["username"], "password": other["password"]})
    # PLATFORM.md: a key reused for another request is 422 on every surface, pisync included.
    assert_pisync_error(r, 422, "Idempotency key was used with a different request")
    assert api.login_pisync(other["username"], other["password"]).status_code == 401
    bad = api.post("/pisync/auth/register", headers={"X-Idempotency-Key": "two words"}, json=body)
    assert_pisync_error(bad, 400, "Invalid idempotency key")


def test_a_replayed_users_v1_register_is_the_first_response_with_one_account(api):
    ident = identity("idem")
    body = {k: ident[k] for k in ("email", "username", "password")}
    k = key()
    first = api.post("/api/v1/auth/register", headers={"X-Idempotency-Key": k}, json=body)
    token = assert_json(first, 200)["access_token"]
    again = api.post("/api/v1/auth/register", headers={"X-Idempotency-Key": k}, json=body)
    assert (again.status_code, again.content) == (200, first.content)  # the stored token
    assert again.headers.get("Idempotent-Replayed") == "true"
    # One account: without the key the same request finds the username taken.
    assert_detail(api.post("/api/v1/auth/register", json=body), 400, "Username already exists")
    login = assert_json(api.login_v1(ident["username"], ident["password"]), 200)
    assert token_sub(login["access_token"]) == token_sub(token)
    other = identity("idem")
    r = api.post("/api/v1/auth/register", headers={"X-Idempotency-Key": k},
                 json={k2: other[k2] for k2 in ("email", "username", "password")})
    assert_detail(r, 422, "Idempotency key was used with a different request")
    assert api.login_v1(other["username"], other["password"]).status_code == 401


# Issue 11 item 6: the first outcome of a client error is stored with the key and replayed (as
# Stripe does); a platform failure (503) is not, so a retry after an outage runs.

def test_a_key_whose_first_use_was_refused_replays_the_refusal_after_the_cause_is_gone(api):
    u = api.rental_user(cash=1.0)
    poor = key()
    first = api.start_device(4, u["id"], 60, u["token"], key=poor)
    assert_detail(first, 400, "Insufficient funds")
    api.set_cash(u["id"], 10.0)
    # The same request with the same key would now succeed: it replays the refusal instead.
    again = api.start_device(4, u["id"], 60, u["token"], key=poor)
    assert (again.status_code, again.content) == (400, first.content)
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    check_device(api.device(4), 4, idle=True)
    assert api.cash(u["id"]) == 10.0
    # Busy: refused while another user runs the device, replayed once it is free.
    other = api.rental_user(cash=10.0)
    assert api.start_device(5, other["id"], 60, other["token"]).status_code == 200
    busy = key()
    assert_detail(api.start_device(5, u["id"], 10, u["token"], key=busy), 400,
                  "Device is already running")
    assert api.stop_device(5, other["token"]).status_code == 200
    assert_detail(api.start_device(5, u["id"], 10, u["token"], key=busy), 400,
                  "Device is already running")
    check_device(api.device(5), 5, idle=True)
    # The key stays bound to that request; a new key performs it.
    assert_error_422(api.start_device(5, u["id"], 20, u["token"], key=busy))
    check_device(assert_json(api.start_device(4, u["id"], 60, u["token"], key=key()), 200), 4,
                 user_id=u["id"])
    assert api.cash(u["id"]) == 8.5


def test_a_key_whose_first_use_met_an_outage_runs_when_retried(api):
    outage = Api(api.stack, allow_5xx=True)
    u = api.rental_user(cash=10.0)
    k = key()
    api.stack.process("device-session").kill()
    try:
        r = outage.start_device(3, u["id"], 30, u["token"], key=k)
        assert r.status_code == 503, (r.status_code, r.text)
    finally:
        api.stack.restart("device-session")
        api.stack.wait_ready()
    wait_for("device-session answers",
             lambda: outage.get("/device/3", token=u["token"]).status_code == 200)
    started = api.start_device(3, u["id"], 30, u["token"], key=k)
    check_device(assert_json(started, 200), 3, user_id=u["id"], idle=False)
    assert api.cash(u["id"]) == 9.4
    # And from then on that key replays the success.
    again = api.start_device(3, u["id"], 30, u["token"], key=k)
    assert (again.status_code, again.content) == (200, started.content)
    assert api.cash(u["id"]) == 9.4
