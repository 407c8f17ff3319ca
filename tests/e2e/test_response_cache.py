"""The gateway's response cache (gateway/src/cache/) behind repair, streetlight and pisync reads:
repair-shop, streetlight and sync publish every committed write on their change feed
(ChangeFeed.Watch), and the gateway answers the cacheable reads from memory while the feed is
live and the topic unchanged. A read right after one's own write sees it (the write's reply
carries its version); a write made behind the gateway's back (straight to the service over gRPC)
is seen within a short wait; killing a service drops its entries and reads answer again once it
is back. The /metrics counters tell which path answered."""
import re

import grpc
import pytest

from fleet_e2e import Api, assert_json, identity, tag, wait_for


@pytest.fixture(scope="module")
def api(stack):
    return Api(stack, allow_5xx=True)


def hits(api, surface: str) -> int:
    text = api.get("/metrics").text
    m = re.search(rf'fleetgate_response_cache_reads_total\{{surface="{surface}",result="hit"\}} '
                  r'(\d+)', text)
    assert m, f"/metrics has no response cache counter for {surface}"
    return int(m.group(1))


def live(api, service: str) -> bool:
    return f'fleetgate_change_feed_current{{service="{service}"}} 1' in api.get("/metrics").text


def cached_get(api, surface: str, path: str, token: str):
    """GETs `path` until a read is answered from the cache; returns that body."""
    def hit():
        before = hits(api, surface)
        r = api.get(path, token=token)
        return r if r.status_code == 200 and hits(api, surface) > before else None
    return wait_for(f"{path} from the cache", hit).json()


# --- raw gRPC, as another client of the services would write ---------------------------------


def varint(n: int) -> bytes:
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def field_int(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def field_str(number: int, value: str) -> bytes:
    data = value.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def grpc_call(api, service: str, method: str, request: bytes) -> bytes:
    with grpc.insecure_channel(f"127.0.0.1:{api.stack.ports[service]}") as channel:
        call = channel.unary_unary(method, request_serializer=None, response_deserializer=None)
        return call(request, timeout=10)


# --- repair ----------------------------------------------------------------------------------


def repair_order(api, customer_id: int) -> dict:
    staff = api.admin["token"]
    name = "cache-" + tag()
    t = assert_json(api.post("/v1/devices/types", token=staff, json={"name": name}), 201)
    b = assert_json(api.post("/v1/devices/brands", token=staff, json={"name": name}), 201)
    m = assert_json(api.post("/v1/devices/models", token=staff,
                             json={"brand_id": b["id"], "name": name, "device_type_id": t["id"]}),
                    201)
    d = assert_json(api.post("/v1/devices", token=staff, json={
        "brand_id": b["id"], "model_id": m["id"], "device_type_id": t["id"],
        "serial_number": "SN-" + tag(), "owner_id": customer_id}), 201)
    return assert_json(api.post("/v1/orders", token=staff, json={
        "device_id": d["id"], "customer_id": customer_id, "cost": "100.00"}), 201)


def test_a_read_after_ones_own_repair_write_sees_it(api):
    wait_for("repair-shop feed live", lambda: live(api, "repair-shop"))
    staff = api.admin["token"]
    customer = api.repair_customer()
    path = f"/v1/orders?customer_id={customer['id']}&limit=100"
    assert cached_get(api, "repair", path, staff) == []
    for round_ in range(3):
        order = repair_order(api, customer["id"])
        listed = assert_json(api.get(path, token=staff), 200)
        assert order["id"] in [o["id"] for o in listed]
        status = ["Repairing", "Completed", "Pending"][round_]
        assert_json(api.patch(f"/v1/orders/{order['id']}", token=staff, json={"status": status}),
                    200)
        mine = {o["id"]: o for o in assert_json(api.get(path, token=staff), 200)}
        assert mine[order["id"]]["status"] == status
    # The customer's own list is theirs (never the staff answer under another key).
    own = cached_get(api, "repair", "/v1/orders?limit=100", customer["token"])
    assert {o["customer_id"] for o in own} == {customer["id"]} and len(own) == 3
    other = api.repair_customer()
    assert assert_json(api.get("/v1/orders?limit=100", token=other["token"]), 200) == []


def test_a_repair_write_behind_the_gateways_back_is_seen_soon(api):
    wait_for("repair-shop feed live", lambda: live(api, "repair-shop"))
    staff = api.admin["token"]
    customer = api.repair_customer()
    order = repair_order(api, customer["id"])
    path = f"/v1/orders?customer_id={customer['id']}"
    assert [o["id"] for o in cached_get(api, "repair", path, staff)] == [order["id"]]
    grpc_call(api, "repair-shop", "/fleetgate.repair_shop.v1.RepairShopService/DeleteOrder",
              field_int(1, order["id"]))
    wait_for("the deletion", lambda: assert_json(api.get(path, token=staff), 200) == [],
             timeout=2)


# --- streetlight -----------------------------------------------------------------------------


def operator(api):
    ident = identity("sl")
    r = api.post("/api/auth/register", token=api.admin["token"], json={
        "name": ident["full_name"], "email": ident["email"], "password": ident["password"],
        "city": "Delhi", "role": "operator"})
    ident["token"] = assert_json(r, 201)["data"]["token"]
    return ident


def status_of(body: dict, light_id: str) -> str:
    return next(light["status"] for light in body["data"] if light["light_id"] == light_id)


def test_a_read_after_ones_own_control_sees_it(api):
    wait_for("streetlight feed live", lambda: live(api, "streetlight"))
    op = operator(api)
    path = "/api/lights/list?city=Delhi"
    cached_get(api, "streetlight", path, op["token"])
    for action in ["on", "off", "on", "off"]:
        r = api.post("/api/lights/control", token=op["token"],
                     json={"lightId": "SL004", "action": action})
        assert r.status_code == 200, r.text
        assert status_of(assert_json(api.get(path, token=op["token"]), 200), "SL004") == action
        # The caller's own city, without `city`, too.
        assert status_of(assert_json(api.get("/api/lights/list", token=op["token"]), 200),
                         "SL004") == action


def test_a_control_behind_the_gateways_back_is_seen_soon(api):
    wait_for("streetlight feed live", lambda: live(api, "streetlight"))
    op = operator(api)
    path = "/api/lights/list?city=Mumbai"
    before = status_of(cached_get(api, "streetlight", path, op["token"]), "SL102")
    action = "off" if before == "on" else "on"
    grpc_call(api, "streetlight", "/fleetgate.streetlight.v1.StreetlightService/ControlLight",
              field_str(1, "SL102") + field_str(2, action) + field_str(3, "grpc@example.com"))
    wait_for("the control", lambda: status_of(
        assert_json(api.get(path, token=op["token"]), 200), "SL102") == action, timeout=2)


# --- pisync ----------------------------------------------------------------------------------


def pisync_user(api) -> str:
    name, pw = "pi_" + tag(), "pw-" + tag()
    return assert_json(api.register_pisync(name, pw), 201)["token"]


def device_of(body: dict, device_id: int) -> dict:
    return next(d for d in body["devices"] if d["device_id"] == device_id)


def test_a_read_after_ones_own_sync_attempt_sees_it(api):
    wait_for("sync feed live", lambda: live(api, "sync"))
    token = pisync_user(api)
    cached_get(api, "pisync", "/pisync/devices", token)
    for _ in range(4):
        attempt = api.get("/pisync/devices/103", token=token)
        assert attempt.status_code in (200, 400, 404, 500), attempt.text
        listed = device_of(assert_json(api.get("/pisync/devices", token=token), 200), 103)
        assert listed == attempt.json()["device"]


def test_an_attempt_behind_the_gateways_back_is_seen_soon(api):
    wait_for("sync feed live", lambda: live(api, "sync"))
    token = pisync_user(api)
    before = device_of(cached_get(api, "pisync", "/pisync/devices", token), 105)
    api.stack.shift_clock(2)  # a later last_attempt_at, whatever the outcome
    grpc_call(api, "sync", "/fleetgate.sync.v1.SyncService/SyncDevice", field_int(1, 105))
    wait_for("the attempt", lambda: device_of(
        assert_json(api.get("/pisync/devices", token=token), 200), 105)["last_attempt_at"] !=
        before["last_attempt_at"], timeout=2)


def test_killing_sync_drops_its_cache_until_it_is_back(api):
    wait_for("sync feed live", lambda: live(api, "sync"))
    token = pisync_user(api)
    cached = cached_get(api, "pisync", "/pisync/devices", token)
    api.stack.process("sync").kill()
    wait_for("sync feed lost", lambda: not live(api, "sync"))
    # Nothing is answered from memory: upstream, which is down.
    assert api.get("/pisync/devices", token=token).status_code >= 500
    api.stack.restart("sync")
    api.stack.wait_ready()
    wait_for("sync feed live again", lambda: live(api, "sync"))
    again = cached_get(api, "pisync", "/pisync/devices", token)
    assert again == cached
