"""streetlight lights (/api/lights/...): every endpoint through the gateway, on the demo lights
(SL001-SL005 in Delhi: off, on, error, off, on; SL101-SL103 in Mumbai). Envelope, fields and JSON
types as the document shows them; `city` defaulting to the caller's; 400, 401, 403 and 404 in the
envelope; viewers read, operators and admins control and report; the summary follows a control
at once; a replayed control writes no second log. Tests run in file order on one stack: the
first one sees the demo statuses untouched."""
import json
import re
import uuid

import pytest

from fleet_e2e import (assert_json, assert_streetlight_error, identity, is_bool, is_int,
                       is_number, is_str)

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
LIGHT_FIELDS = {"id", "light_id", "name", "city", "latitude", "longitude", "address", "status",
                "is_automatic", "brightness", "last_status_change", "error_details"}
LOG_FIELDS = {"id", "light_id", "action", "performed_by", "control_type", "previous_status",
              "new_status", "created_at"}
DELHI = ["SL001", "SL002", "SL003", "SL004", "SL005"]
ENDPOINTS = [("GET", "/api/lights/list", {}), ("GET", "/api/lights/detail?lightId=SL001", {}),
             ("GET", "/api/lights/summary", {}), ("GET", "/api/lights/map", {}),
             ("POST", "/api/lights/control", {"lightId": "SL001", "action": "on"}),
             ("POST", "/api/lights/update-status", {"lightId": "SL001", "status": "on"})]


def account(api, role="viewer", city="Delhi"):
    """A streetlight account registered on this surface (operators and admins by the admin)."""
    ident = identity("sl")
    body = {"name": ident["full_name"], "email": ident["email"], "password": ident["password"],
            "city": city, "role": role}
    token = api.admin["token"] if role != "viewer" else None
    r = api.post("/api/auth/register", token=token, json=body)
    data = assert_json(r, 201)["data"]
    ident["token"], ident["id"] = data["token"], int(data["user"]["id"])
    return ident


@pytest.fixture(scope="module")
def viewer(api):
    return account(api)


@pytest.fixture(scope="module")
def operator(api):
    return account(api, "operator")


def ok(r, message):
    body = assert_json(r, 200)
    assert set(body) == {"status", "message", "data"}, body
    assert body["status"] == 200 and body["message"] == message, body
    return body["data"]


def check_light(light):
    assert set(light) == LIGHT_FIELDS, light
    assert is_int(light["id"]) and is_str(light["light_id"]) and is_str(light["name"])
    assert is_str(light["city"]) and is_str(light["address"])
    assert is_number(light["latitude"]) and is_number(light["longitude"])
    assert light["status"] in ("on", "off", "error")
    assert is_bool(light["is_automatic"]) and is_int(light["brightness"])
    assert 0 <= light["brightness"] <= 100
    assert TIME.match(light["last_status_change"]), light
    assert light["error_details"] is None or is_str(light["error_details"])
    if light["status"] != "error":
        assert light["error_details"] is None, light


def check_log(log):
    assert set(log) == LOG_FIELDS, log
    assert is_int(log["id"]) and is_str(log["light_id"]) and is_str(log["performed_by"])
    assert log["action"] in ("on", "off", "error")
    assert log["control_type"] in ("manual", "automatic")
    assert log["previous_status"] in ("on", "off", "error")
    assert log["new_status"] in ("on", "off", "error")
    assert TIME.match(log["created_at"]), log


def lights(api, who, **params):
    data = ok(api.get("/api/lights/list", token=who["token"], params=params),
              "Lights retrieved successfully")
    assert isinstance(data, list)
    for light in data:
        check_light(light)
    return data


def detail(api, who, light_id):
    data = ok(api.get("/api/lights/detail", token=who["token"], params={"lightId": light_id}),
              "Light details retrieved")
    assert set(data) == {"light", "recentLogs"}, data
    check_light(data["light"])
    assert isinstance(data["recentLogs"], list) and len(data["recentLogs"]) <= 10
    for log in data["recentLogs"]:
        check_log(log)
    return data


def summary(api, who, **params):
    data = ok(api.get("/api/lights/summary", token=who["token"], params=params),
              "City summary retrieved")
    assert set(data) == {"id", "city", "total_lights", "lights_on", "lights_off",
                         "lights_in_error", "last_updated"}, data
    for key in ("id", "total_lights", "lights_on", "lights_off", "lights_in_error"):
        assert is_int(data[key]), data
    assert is_str(data["city"]) and TIME.match(data["last_updated"]), data
    return data


def log_count(api):
    return int(api.stack.sql("streetlight", "SELECT COUNT(*) FROM control_logs")[0][0])


def test_demo_lights_in_the_callers_city(api, viewer):
    delhi = lights(api, viewer)  # no city: the viewer's own (Delhi)
    assert [l["light_id"] for l in delhi] == DELHI
    assert [l["status"] for l in delhi] == ["off", "on", "error", "off", "on"]
    assert all(l["city"] == "Delhi" and l["is_automatic"] for l in delhi)
    assert delhi[2]["error_details"] is not None
    first = delhi[0]
    assert first["name"] == "Light 1 - Main Road" and first["address"] == "Main Road, Delhi"
    assert first["latitude"] == 28.6139 and first["longitude"] == 77.209
    assert first["brightness"] == 100
    ids = [l["id"] for l in delhi]
    assert ids == sorted(ids)


def test_list_city_parameter(api, viewer):
    mumbai = lights(api, viewer, city="Mumbai")
    assert len(mumbai) >= 3 and all(l["city"] == "Mumbai" for l in mumbai)
    assert [l["light_id"] for l in lights(api, viewer, city="delhi")] == DELHI
    assert lights(api, viewer, city="Atlantis") == []
    mumbai_viewer = account(api, city="Mumbai")
    assert [l["light_id"] for l in lights(api, mumbai_viewer)] == [l["light_id"] for l in mumbai]
    # An account without a city (the admin, made from ADMIN_*) sees every city's lights.
    everything = lights(api, api.admin)
    assert {l["city"] for l in everything} >= {"Delhi", "Mumbai"}
    assert_streetlight_error(api.get("/api/lights/list", token=viewer["token"],
                                     params={"city": "x" * 200}), 400, "Invalid city")


def test_detail(api, viewer):
    data = detail(api, viewer, "SL003")
    assert data["light"]["light_id"] == "SL003" and data["light"]["status"] == "error"
    assert_streetlight_error(api.get("/api/lights/detail", token=viewer["token"]), 400,
                             "Light ID not provided")
    assert_streetlight_error(api.get("/api/lights/detail?lightId=", token=viewer["token"]), 400,
                             "Light ID not provided")
    assert_streetlight_error(api.get("/api/lights/detail", token=viewer["token"],
                                     params={"lightId": "SL999"}), 404, "Light not found")


def test_summary_counts_the_lights(api, viewer):
    s = summary(api, viewer)
    assert s["city"] == "Delhi"
    delhi = lights(api, viewer)
    assert s["total_lights"] == len(delhi) == 5
    for key, status in (("lights_on", "on"), ("lights_off", "off"), ("lights_in_error", "error")):
        assert s[key] == sum(1 for l in delhi if l["status"] == status), (s, delhi)
    assert s["last_updated"] == max(l["last_status_change"] for l in delhi)
    mumbai = summary(api, viewer, city="MUMBAI")
    assert mumbai["city"] == "Mumbai" and mumbai["id"] != s["id"]
    assert_streetlight_error(api.get("/api/lights/summary", token=viewer["token"],
                                     params={"city": "Atlantis"}), 404, "No data for city")


def test_map(api, viewer):
    data = ok(api.get("/api/lights/map", token=viewer["token"]), "Map data retrieved")
    assert [p["light_id"] for p in data] == DELHI
    delhi = {l["light_id"]: l for l in lights(api, viewer)}
    for point in data:
        assert set(point) == {"light_id", "name", "location", "status"}, point
        assert set(point["location"]) == {"latitude", "longitude"}, point
        assert is_number(point["location"]["latitude"])
        assert is_number(point["location"]["longitude"])
        light = delhi[point["light_id"]]
        assert point["name"] == light["name"] and point["status"] == light["status"]
        assert point["location"] == {"latitude": light["latitude"],
                                     "longitude": light["longitude"]}
    mumbai = ok(api.get("/api/lights/map", token=viewer["token"], params={"city": "Mumbai"}),
                "Map data retrieved")
    assert mumbai and all(p["light_id"].startswith("SL1") for p in mumbai)


@pytest.mark.parametrize("method,path,body", ENDPOINTS)
def test_every_endpoint_needs_a_valid_token(api, viewer, method, path, body):
    kw = {"json": body} if method == "POST" else {}
    assert_streetlight_error(api.request(method, path, **kw), 401, "Invalid or missing token")
    for name, token in api.bad_tokens(viewer).items():
        r = api.request(method, path, token=token, **kw)
        assert_streetlight_error(r, 401, "Invalid or missing token")


def test_a_viewer_cannot_control_or_report(api, viewer):
    before, logs = detail(api, viewer, "SL001")["light"], log_count(api)
    for path, body in (("/api/lights/control", {"lightId": "SL001", "action": "on"}),
                       ("/api/lights/update-status", {"lightId": "SL001", "status": "error"})):
        assert_streetlight_error(api.post(path, token=viewer["token"], json=body), 403,
                                 "Insufficient permissions")
    assert detail(api, viewer, "SL001")["light"] == before
    assert log_count(api) == logs


def test_control_and_the_summary_follows_at_once(api, viewer, operator):
    light = detail(api, viewer, "SL004")["light"]
    action = "on" if light["status"] != "on" else "off"
    before = summary(api, viewer)
    r = api.post("/api/lights/control", token=operator["token"],
                 json={"lightId": "SL004", "action": action})
    data = ok(r, f"Light turned {action}")
    assert set(data) == {"light_id", "status", "is_automatic", "last_status_change"}, data
    assert data["light_id"] == "SL004" and data["status"] == action
    assert data["is_automatic"] is False and TIME.match(data["last_status_change"])
    after = summary(api, viewer)  # at once, no waiting
    key = {"on": "lights_on", "off": "lights_off", "error": "lights_in_error"}
    assert after[key[action]] == before[key[action]] + 1
    assert after[key[light["status"]]] == before[key[light["status"]]] - 1
    assert after["total_lights"] == before["total_lights"]
    assert after["last_updated"] == data["last_status_change"]
    seen = detail(api, viewer, "SL004")
    assert seen["light"]["status"] == action and seen["light"]["is_automatic"] is False
    log = seen["recentLogs"][0]
    assert log["light_id"] == "SL004" and log["action"] == action
    assert log["performed_by"] == operator["email"] and log["control_type"] == "manual"
    assert log["previous_status"] == light["status"] and log["new_status"] == action
    # An admin controls too; the log names them by email.
    admin = account(api, "admin")
    r = api.post("/api/lights/control", token=admin["token"],
                 json={"lightId": "SL004", "action": "off"})
    assert ok(r, "Light turned off")["status"] == "off"
    assert detail(api, viewer, "SL004")["recentLogs"][0]["performed_by"] == admin["email"]


@pytest.mark.parametrize("body,status,message", [
    ({}, 400, "Missing lightId or action"),
    ({"lightId": "SL001"}, 400, "Missing lightId or action"),
    ({"action": "on"}, 400, "Missing lightId or action"),
    ({"lightId": "", "action": "on"}, 400, "Missing lightId or action"),
    ({"lightId": 5, "action": "on"}, 400, "Missing lightId or action"),
    ({"lightId": "SL001", "action": "blink"}, 400, "Action must be 'on' or 'off'"),
    ({"lightId": "SL001", "action": "error"}, 400, "Action must be 'on' or 'off'"),
    ({"lightId": "SL999", "action": "on"}, 404, "Light not found"),
])
def test_control_refusals(api, operator, body, status, message):
    logs = log_count(api)
    assert_streetlight_error(api.post("/api/lights/control", token=operator["token"], json=body),
                             status, message)
    assert log_count(api) == logs


def test_control_malformed_json(api, operator):
    for raw in ('{"lightId": ', "nonsense"):
        r = api.post("/api/lights/control", token=operator["token"], data=raw,
                     headers={"Content-Type": "application/json"})
        assert_streetlight_error(r, 400, "Invalid JSON body")


def test_update_status(api, viewer, operator):
    r = api.post("/api/lights/update-status", token=operator["token"],
                 json={"lightId": "SL005", "status": "error", "errorDetails": "Bulb failed"})
    data = ok(r, "Light status updated")
    assert set(data) == {"light_id", "status", "error_details", "last_status_change"}, data
    assert data == {"light_id": "SL005", "status": "error", "error_details": "Bulb failed",
                    "last_status_change": data["last_status_change"]}
    assert TIME.match(data["last_status_change"])
    seen = detail(api, viewer, "SL005")
    assert seen["light"]["status"] == "error" and seen["light"]["error_details"] == "Bulb failed"
    log = seen["recentLogs"][0]
    assert log["action"] == "error" and log["control_type"] == "automatic"
    assert log["performed_by"] == operator["email"]
    # Without details; and back on, which clears them.
    r = api.post("/api/lights/update-status", token=operator["token"],
                 json={"lightId": "SL005", "status": "error"})
    assert ok(r, "Light status updated")["error_details"] is None
    r = api.post("/api/lights/update-status", token=operator["token"],
                 json={"lightId": "SL005", "status": "on", "errorDetails": "ignored"})
    data = ok(r, "Light status updated")
    assert data["status"] == "on" and data["error_details"] is None
    assert summary(api, viewer)["lights_on"] == sum(
        1 for l in lights(api, viewer) if l["status"] == "on")


@pytest.mark.parametrize("body,status,message", [
    ({}, 400, "Missing required fields"),
    ({"lightId": "SL001"}, 400, "Missing required fields"),
    ({"status": "on"}, 400, "Missing required fields"),
    ({"lightId": "SL001", "status": "broken"}, 400, "Status must be 'on', 'off' or 'error'"),
    ({"lightId": "SL001", "status": "ON"}, 400, "Status must be 'on', 'off' or 'error'"),
    ({"lightId": "SL001", "status": 1}, 400, "Status must be 'on', 'off' or 'error'"),
    ({"lightId": "SL001", "status": "error", "errorDetails": "x" * 501}, 400,
     "Error details must be a string of 1 to 500 characters"),
    ({"lightId": "SL001", "status": "error", "errorDetails": 7}, 400,
     "Error details must be a string of 1 to 500 characters"),
    ({"lightId": "SL999", "status": "on"}, 404, "Light not found"),
])
def test_update_status_refusals(api, operator, body, status, message):
    """Any status but on, off and error is a 400 (the original answered 500)."""
    logs = log_count(api)
    r = api.post("/api/lights/update-status", token=operator["token"], json=body)
    assert_streetlight_error(r, status, message)
    assert log_count(api) == logs


def test_a_replayed_control_writes_no_second_log(api, viewer, operator):
    key = str(uuid.uuid4())
    logs = log_count(api)
    body = {"lightId": "SL002", "action": "off"}
    first = api.post("/api/lights/control", token=operator["token"], json=body,
                     headers={"X-Idempotency-Key": key})
    data = ok(first, "Light turned off")
    again = api.post("/api/lights/control", token=operator["token"], json=body,
                     headers={"X-Idempotency-Key": key})
    assert again.status_code == 200 and again.text == first.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert log_count(api) == logs + 1
    assert detail(api, viewer, "SL002")["light"]["last_status_change"] == \
        data["last_status_change"]
    # The same key with another request: 422 in the envelope, no effect.
    r = api.post("/api/lights/control", token=operator["token"],
                 json={"lightId": "SL002", "action": "on"}, headers={"X-Idempotency-Key": key})
    assert_streetlight_error(r, 422, "Idempotency key was used with a different request")
    assert log_count(api) == logs + 1
    assert detail(api, viewer, "SL002")["light"]["status"] == "off"
    # Without a key, every control is its own.
    for _ in range(2):
        ok(api.post("/api/lights/control", token=operator["token"], json=body),
           "Light turned off")
    assert log_count(api) == logs + 3


def test_a_replayed_status_report_writes_no_second_log(api, operator):
    key = str(uuid.uuid4())
    logs = log_count(api)
    body = {"lightId": "SL001", "status": "error", "errorDetails": "Flickering"}
    first = api.post("/api/lights/update-status", token=operator["token"], json=body,
                     headers={"X-Idempotency-Key": key})
    ok(first, "Light status updated")
    again = api.post("/api/lights/update-status", token=operator["token"], json=body,
                     headers={"X-Idempotency-Key": key})
    assert again.text == first.text and again.headers.get("Idempotent-Replayed") == "true"
    assert log_count(api) == logs + 1


def test_unknown_light_routes_are_404_in_the_envelope(api, viewer):
    assert_streetlight_error(api.get("/api/lights/nothing", token=viewer["token"]), 404)


def test_documented_in_openapi(api):
    document = assert_json(api.get("/openapi.json"), 200)
    schemas = document["components"]["schemas"]
    for method, path, schema in (("get", "/api/lights/list", "StreetlightLightList"),
                                 ("get", "/api/lights/detail", "StreetlightLightDetail"),
                                 ("get", "/api/lights/summary", "StreetlightCitySummary"),
                                 ("get", "/api/lights/map", "StreetlightMap"),
                                 ("post", "/api/lights/control", "StreetlightControl"),
                                 ("post", "/api/lights/update-status",
                                  "StreetlightStatusUpdate")):
        op = document["paths"][path][method]
        assert "200" in op["responses"], op
        assert schema in json.dumps(op["responses"]["200"]), op["responses"]["200"]
        assert schema in schemas
