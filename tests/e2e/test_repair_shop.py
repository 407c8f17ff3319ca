"""repair surface (/v1) beyond auth and users, through the gateway to the repair-shop service:
the catalog (POST|GET /devices/types|brands|models), customer devices (POST|GET /devices,
GET|PATCH|DELETE /devices/{id}), orders (POST|GET /orders, GET|PATCH|DELETE /orders/{id},
POST /orders/assign, GET /orders/assign/{order_id}), payments (POST|GET /payments,
GET|PATCH|DELETE /payments/{id}) and assignments (POST|GET /assigns, GET|DELETE /assigns/{id}).

Checked: documented statuses, fields and exact JSON types (money as strings with two decimals,
naive UTC datetimes, nulls), every filter, the pagination bounds and defaults, the 400/404/422
answers, who may do what (PLATFORM.md: staff manage everything; a customer reads the catalog
and only their own devices, orders, payments and assignments), the order arithmetic and
timestamps, and X-Idempotency-Key on every create."""
import re
import secrets
import time

import pytest

from fleet_e2e import (RE_NAIVE, assert_422, assert_detail, assert_json, is_int, is_str,
                       recent_utc, tag)

MONEY = re.compile(r"^\d+\.\d{2}$")

TYPE_FIELDS = {"id", "name", "description", "created_at"}
MODEL_FIELDS = {"id", "brand_id", "name", "device_type_id", "created_at"}
DEVICE_FIELDS = {"id", "brand_id", "model_id", "device_type_id", "serial_number", "owner_id",
                 "notes", "created_at"}
ORDER_FIELDS = {"id", "device_id", "customer_id", "problem_id", "cost", "discount", "total_cost",
                "note", "status", "estimated_completion_date", "completed_at", "created_at",
                "updated_at"}
ASSIGN_FIELDS = {"id", "order_id", "user_id", "assigned_at"}
PAYMENT_FIELDS = {"id", "order_id", "due_amount", "amount", "status", "payment_method",
                  "transaction_id", "created_at"}
MISSING = 999_999_999


def key() -> str:
    return "rs-" + secrets.token_hex(12)


def naive_now(text) -> bool:
    return is_str(text) and recent_utc(text, RE_NAIVE)


def is_money(v) -> bool:
    return is_str(v) and bool(MONEY.match(v))


def opt_str(v) -> bool:
    return v is None or is_str(v)


# --- shape checks ---------------------------------------------------------------------------


def check_catalog(body, name=None, description=None):
    assert set(body) == TYPE_FIELDS, body
    assert is_int(body["id"]) and is_str(body["name"]) and opt_str(body["description"]), body
    assert naive_now(body["created_at"]), body
    if name is not None:
        assert body["name"] == name and body["description"] == description, body


def check_model(body):
    assert set(body) == MODEL_FIELDS, body
    assert all(is_int(body[k]) for k in ("id", "brand_id", "device_type_id")), body
    assert is_str(body["name"]) and naive_now(body["created_at"]), body


def check_device(body):
    assert set(body) == DEVICE_FIELDS, body
    for k in ("id", "brand_id", "model_id", "device_type_id", "owner_id"):
        assert is_int(body[k]), (k, body)
    assert is_str(body["serial_number"]) and opt_str(body["notes"]), body
    assert naive_now(body["created_at"]), body


def check_order(body):
    assert set(body) == ORDER_FIELDS, body
    for k in ("id", "device_id", "customer_id"):
        assert is_int(body[k]), (k, body)
    assert body["problem_id"] is None or is_int(body["problem_id"]), body
    for k in ("cost", "discount", "total_cost"):
        assert is_money(body[k]), (k, body)
    assert opt_str(body["note"]), body
    assert body["status"] in ("Pending", "Repairing", "Completed", "Cancelled"), body
    for k in ("estimated_completion_date", "completed_at"):
        assert body[k] is None or (is_str(body[k]) and RE_NAIVE.match(body[k])), (k, body)
    assert naive_now(body["created_at"]) and naive_now(body["updated_at"]), body
    assert body["updated_at"] >= body["created_at"], body


def check_assignment(body):
    assert set(body) == ASSIGN_FIELDS, body
    assert all(is_int(body[k]) for k in ("id", "order_id", "user_id")), body
    assert naive_now(body["assigned_at"]), body


def check_payment(body):
    assert set(body) == PAYMENT_FIELDS, body
    assert is_int(body["id"]) and is_int(body["order_id"]), body
    assert is_money(body["due_amount"]) and is_money(body["amount"]), body
    assert body["status"] in ("Paid", "Due", "Unpaid", "Partial"), body
    assert opt_str(body["payment_method"]) and opt_str(body["transaction_id"]), body
    assert naive_now(body["created_at"]), body


# --- fixtures and builders ------------------------------------------------------------------


@pytest.fixture(scope="module")
def op(api):
    """A staff account (operator)."""
    return api.make_user("operator")


@pytest.fixture(scope="module")
def catalog(api, op):
    """One device type, brand and model."""
    t = tag()
    tok = op["token"]
    dtype = assert_json(api.post("/v1/devices/types", token=tok,
                                 json={"name": f"Laptop {t}", "description": "Laptops"}), 201)
    brand = assert_json(api.post("/v1/devices/brands", token=tok,
                                 json={"name": f"Dell {t}", "description": "Dell Inc."}), 201)
    model = assert_json(api.post("/v1/devices/models", token=tok,
                                 json={"brand_id": brand["id"], "name": f"XPS {t}",
                                       "device_type_id": dtype["id"]}), 201)
    return {"type": dtype, "brand": brand, "model": model}


@pytest.fixture(scope="module")
def alice(api):
    return api.repair_customer()


@pytest.fixture(scope="module")
def bob(api):
    return api.repair_customer()


def device_body(catalog, owner_id, **extra):
    body = {"brand_id": catalog["brand"]["id"], "model_id": catalog["model"]["id"],
            "device_type_id": catalog["type"]["id"], "serial_number": f"SN-{tag()}",
            "owner_id": owner_id, "notes": "Screen cracked"}
    body.update(extra)
    return body


def new_device(api, op, catalog, owner_id, **extra):
    body = device_body(catalog, owner_id, **extra)
    return assert_json(api.post("/v1/devices", token=op["token"], json=body), 201)


def new_order(api, op, device, customer_id=None, **extra):
    body = {"device_id": device["id"],
            "customer_id": device["owner_id"] if customer_id is None else customer_id,
            "problem_id": None, "cost": "250.00", "discount": "0.00",
            "note": "Screen replacement needed", "status": "Pending",
            "estimated_completion_date": None}
    body.update(extra)
    return assert_json(api.post("/v1/orders", token=op["token"], json=body), 201)


def new_payment(api, op, order, **extra):
    body = {"order_id": order["id"], "due_amount": "275.00", "amount": "150.00",
            "status": "Partial", "payment_method": "Cash", "transaction_id": f"TXN-{tag()}"}
    body.update(extra)
    return assert_json(api.post("/v1/payments", token=op["token"], json=body), 201)


def new_assignment(api, op, order, user_id, path="/v1/assigns"):
    return assert_json(api.post(path, token=op["token"],
                                json={"order_id": order["id"], "user_id": user_id}), 201)


def ids(rows):
    return [r["id"] for r in rows]


# --- catalog --------------------------------------------------------------------------------


@pytest.mark.parametrize("path,exists", [("/v1/devices/types", "Device type already exists"),
                                          ("/v1/devices/brands", "Brand already exists")])
def test_catalog_entries(api, op, alice, path, exists):
    name = f"Entry {tag()}"
    r = api.post(path, token=op["token"], json={"name": name, "description": "Some entries"})
    created = assert_json(r, 201)
    check_catalog(created, name, "Some entries")
    # description is optional: null when absent.
    bare = assert_json(api.post(path, token=api.admin["token"], json={"name": f"Bare {tag()}"}),
                       201)
    check_catalog(bare)
    assert bare["description"] is None
    # A duplicate name is 400 with the service's text, and creates nothing.
    assert_detail(api.post(path, token=op["token"], json={"name": name}), 400, exists)
    listed = assert_json(api.get(path, token=op["token"]), 200)
    assert isinstance(listed, list)
    for row in listed:
        check_catalog(row)
    assert [row for row in listed if row["name"] == name] == [created]
    assert ids(listed) == sorted(ids(listed))
    # A customer reads the catalog, and cannot write it.
    assert assert_json(api.get(path, token=alice["token"]), 200) == listed
    assert_detail(api.post(path, token=alice["token"], json={"name": f"X {tag()}"}), 403,
                  "Not enough permissions")
    # Without a token: 401.
    assert api.get(path).status_code == 401
    assert api.post(path, json={"name": f"X {tag()}"}).status_code == 401
    # Schema failures.
    assert_422(api.post(path, token=op["token"], json={"description": "no name"}),
               ["body", "name"], "missing")
    assert_422(api.post(path, token=op["token"], json={"name": 5}), ["body", "name"],
               "string_type")
    assert_422(api.post(path, token=op["token"], json={"name": "x" * 256}), ["body", "name"],
               "string_too_long")


def test_models(api, op, alice, catalog):
    t = tag()
    body = {"brand_id": catalog["brand"]["id"], "name": f"XPS 13 {t}",
            "device_type_id": catalog["type"]["id"]}
    created = assert_json(api.post("/v1/devices/models", token=op["token"], json=body), 201)
    check_model(created)
    assert {k: created[k] for k in body} == body
    assert_detail(api.post("/v1/devices/models", token=op["token"], json=body), 400,
                  "Model already exists")
    assert_detail(api.post("/v1/devices/models", token=op["token"],
                           json={**body, "name": f"N {t}", "brand_id": MISSING}),
                  404, "Brand not found")
    assert_detail(api.post("/v1/devices/models", token=op["token"],
                           json={**body, "name": f"N {t}", "device_type_id": MISSING}),
                  404, "Device type not found")
    listed = assert_json(api.get("/v1/devices/models", token=alice["token"]), 200)
    for row in listed:
        check_model(row)
    assert created in listed
    assert api.post("/v1/devices/models", token=alice["token"],
                    json={**body, "name": f"C {t}"}).status_code == 403
    assert_422(api.post("/v1/devices/models", token=op["token"],
                        json={"name": "x", "device_type_id": 1}), ["body", "brand_id"], "missing")
    assert_422(api.post("/v1/devices/models", token=op["token"],
                        json={**body, "brand_id": "one"}), ["body", "brand_id"], "int_type")


# --- devices --------------------------------------------------------------------------------


def test_create_device(api, op, catalog, alice):
    body = device_body(catalog, alice["id"])
    created = assert_json(api.post("/v1/devices", token=op["token"], json=body), 201)
    check_device(created)
    assert {k: created[k] for k in body} == body
    # notes is optional: null.
    bare = device_body(catalog, alice["id"])
    del bare["notes"]
    assert assert_json(api.post("/v1/devices", token=op["token"], json=bare), 201)["notes"] is None
    # A duplicate serial number: 400, whoever the owner.
    assert_detail(api.post("/v1/devices", token=op["token"],
                           json=device_body(catalog, op["id"],
                                            serial_number=body["serial_number"])),
                  400, "Serial number already registered")
    # Unknown references: 404 with what is missing.
    for field, text in (("brand_id", "Brand not found"), ("model_id", "Model not found"),
                        ("device_type_id", "Device type not found"),
                        ("owner_id", "Owner not found")):
        assert_detail(api.post("/v1/devices", token=op["token"],
                               json={**device_body(catalog, alice["id"]), field: MISSING}),
                      404, text)
    # Schema failures.
    no_serial = device_body(catalog, alice["id"])
    del no_serial["serial_number"]
    assert_422(api.post("/v1/devices", token=op["token"], json=no_serial),
               ["body", "serial_number"], "missing")
    assert_422(api.post("/v1/devices", token=op["token"],
                        json=device_body(catalog, "me")), ["body", "owner_id"], "int_type")
    r = api.post("/v1/devices", token=op["token"], data="{not json",
                 headers={"Content-Type": "application/json"})
    assert assert_json(r, 422)["detail"][0]["type"] == "json_invalid"
    # A customer registers no device, not even their own.
    assert_detail(api.post("/v1/devices", token=alice["token"],
                           json=device_body(catalog, alice["id"])), 403, "Not enough permissions")


def test_list_devices_filters_and_pages(api, op, catalog):
    owner = api.repair_customer()
    made = [new_device(api, op, catalog, owner["id"]) for _ in range(3)]
    mine = assert_json(api.get(f"/v1/devices?owner_id={owner['id']}", token=op["token"]), 200)
    assert mine == made
    for row in mine:
        check_device(row)
    page = assert_json(api.get(f"/v1/devices?owner_id={owner['id']}&limit=2&offset=1",
                               token=op["token"]), 200)
    assert page == made[1:3]
    assert assert_json(api.get(f"/v1/devices?owner_id={owner['id']}&offset=3",
                               token=op["token"]), 200) == []
    # Defaults: limit 10, offset 0; ordered by id.
    for _ in range(8):
        new_device(api, op, catalog, owner["id"])
    default = assert_json(api.get(f"/v1/devices?owner_id={owner['id']}", token=op["token"]), 200)
    assert len(default) == 10 and default[:3] == made
    assert ids(default) == sorted(ids(default))
    everyone = assert_json(api.get("/v1/devices?limit=100", token=op["token"]), 200)
    assert len(everyone) >= 11 and ids(everyone) == sorted(ids(everyone))
    assert {d["owner_id"] for d in everyone} >= {owner["id"]}


@pytest.mark.parametrize("path", ["/v1/devices", "/v1/orders", "/v1/payments", "/v1/assigns"])
def test_pagination_bounds(api, op, path):
    tok = op["token"]
    assert_422(api.get(f"{path}?limit=0", token=tok), ["query", "limit"], "greater_than_equal",
               "Input should be greater than or equal to 1")
    assert_422(api.get(f"{path}?limit=101", token=tok), ["query", "limit"], "less_than_equal",
               "Input should be less than or equal to 100")
    assert_422(api.get(f"{path}?limit=abc", token=tok), ["query", "limit"], "int_parsing")
    assert_422(api.get(f"{path}?offset=-1", token=tok), ["query", "offset"], "greater_than_equal",
               "Input should be greater than or equal to 0")
    assert_json(api.get(f"{path}?limit=1", token=tok), 200)
    assert_json(api.get(f"{path}?limit=100&offset=0", token=tok), 200)


def test_device_get_patch_delete(api, op, catalog, alice):
    device = new_device(api, op, catalog, alice["id"])
    path = f"/v1/devices/{device['id']}"
    assert assert_json(api.get(path, token=op["token"]), 200) == device
    assert assert_json(api.get(path, token=alice["token"]), 200) == device
    assert_detail(api.get(f"/v1/devices/{MISSING}", token=op["token"]), 404, "Device not found")
    assert_422(api.get("/v1/devices/abc", token=op["token"]), ["path", "device_id"], "int_parsing")

    updated = assert_json(api.patch(path, token=op["token"],
                                    json={"notes": "Screen replaced, working fine now"}), 200)
    check_device(updated)
    assert updated == {**device, "notes": "Screen replaced, working fine now"}
    cleared = assert_json(api.patch(path, token=op["token"], json={"notes": None}), 200)
    assert cleared["notes"] is None and cleared["serial_number"] == device["serial_number"]
    assert assert_json(api.patch(path, token=op["token"], json={}), 200) == cleared
    serial = f"SN-{tag()}"
    assert assert_json(api.patch(path, token=op["token"], json={"serial_number": serial}),
                       200)["serial_number"] == serial
    other = new_device(api, op, catalog, alice["id"])
    assert_detail(api.patch(path, token=op["token"],
                            json={"serial_number": other["serial_number"]}),
                  400, "Serial number already registered")
    assert_detail(api.patch(path, token=op["token"], json={"owner_id": MISSING}), 404,
                  "Owner not found")
    assert_detail(api.patch(f"/v1/devices/{MISSING}", token=op["token"], json={"notes": "x"}),
                  404, "Device not found")
    assert_422(api.patch(path, token=op["token"], json={"serial_number": None}),
               ["body", "serial_number"], "string_type")
    assert_422(api.patch(path, token=op["token"], json={"owner_id": "x"}), ["body", "owner_id"],
               "int_type")
    # The owner cannot change or delete it.
    assert_detail(api.patch(path, token=alice["token"], json={"notes": "mine"}), 403,
                  "Not enough permissions")
    assert_detail(api.delete(path, token=alice["token"]), 403, "Not enough permissions")

    # A device with orders stays; without, it goes (204, empty body).
    order = new_order(api, op, device)
    assert_detail(api.delete(path, token=op["token"]), 400, "Device has orders")
    assert api.delete(f"/v1/orders/{order['id']}", token=op["token"]).status_code == 204
    r = api.delete(path, token=op["token"])
    assert r.status_code == 204 and r.content == b""
    assert_detail(api.get(path, token=op["token"]), 404, "Device not found")
    assert_detail(api.delete(path, token=op["token"]), 404, "Device not found")


# --- orders ---------------------------------------------------------------------------------


def test_create_order(api, op, catalog, alice):
    device = new_device(api, op, catalog, alice["id"])
    order = new_order(api, op, device)
    check_order(order)
    assert order["device_id"] == device["id"] and order["customer_id"] == alice["id"]
    assert (order["cost"], order["discount"], order["total_cost"]) == ("250.00", "0.00", "250.00")
    assert order["status"] == "Pending" and order["note"] == "Screen replacement needed"
    for k in ("problem_id", "estimated_completion_date", "completed_at"):
        assert order[k] is None, (k, order)
    assert order["created_at"] == order["updated_at"]
    # Defaults: discount 0.00, status Pending; money as a number or with fewer places reads
    # as its exact decimal.
    minimal = assert_json(api.post("/v1/orders", token=op["token"],
                                   json={"device_id": device["id"], "customer_id": alice["id"],
                                         "cost": 99.5}), 201)
    check_order(minimal)
    assert (minimal["cost"], minimal["discount"], minimal["total_cost"]) == \
        ("99.50", "0.00", "99.50")
    assert minimal["status"] == "Pending" and minimal["note"] is None
    full = assert_json(api.post("/v1/orders", token=op["token"],
                                json={"device_id": device["id"], "customer_id": alice["id"],
                                      "problem_id": 7, "cost": "300", "discount": "25.5",
                                      "status": "Repairing",
                                      "estimated_completion_date": "2031-02-01T12:30:00"}), 201)
    check_order(full)
    assert full["problem_id"] == 7 and full["total_cost"] == "274.50"
    assert full["estimated_completion_date"] == "2031-02-01T12:30:00"
    # Created as Completed: completed_at set at once.
    done = new_order(api, op, device, status="Completed")
    assert naive_now(done["completed_at"]), done
    # An offset is converted to UTC, rendered naive.
    tz = new_order(api, op, device, estimated_completion_date="2031-02-01T12:30:00+02:00")
    assert tz["estimated_completion_date"] == "2031-02-01T10:30:00"


def test_create_order_errors(api, op, catalog, alice):
    device = new_device(api, op, catalog, alice["id"])
    base = {"device_id": device["id"], "customer_id": alice["id"], "cost": "250.00"}

    def post(**changes):
        return api.post("/v1/orders", token=op["token"], json={**base, **changes})

    assert_detail(post(device_id=MISSING), 404, "Device not found")
    assert_detail(post(customer_id=MISSING), 404, "Customer not found")
    assert_detail(post(discount="250.01"), 400, "Discount cannot exceed cost")
    assert assert_json(post(discount="250.00"), 201)["total_cost"] == "0.00"
    assert_422(post(status="Done"), ["body", "status"], "enum",
               "Input should be 'Pending', 'Repairing', 'Completed' or 'Cancelled'")
    assert_422(post(status="pending"), ["body", "status"], "enum")
    assert_422(post(cost="abc"), ["body", "cost"], "decimal_parsing")
    assert_422(post(cost="1.234"), ["body", "cost"], "decimal_max_places")
    assert_422(post(cost="-1.00"), ["body", "cost"], "greater_than_equal")
    assert_422(post(cost="12345678901.00"), ["body", "cost"])
    assert_422(post(cost=None), ["body", "cost"])
    assert_422(post(discount=None), ["body", "discount"])
    assert_422(post(estimated_completion_date="tomorrow"), ["body", "estimated_completion_date"])
    body = dict(base)
    del body["cost"]
    assert_422(api.post("/v1/orders", token=op["token"], json=body), ["body", "cost"], "missing")
    # Nothing above was written.
    listed = assert_json(api.get(f"/v1/orders?device_id={device['id']}", token=op["token"]), 200)
    assert len(listed) == 1 and listed[0]["discount"] == "250.00"
    # A customer creates no order, not even for their own device.
    assert_detail(api.post("/v1/orders", token=alice["token"], json=base), 403,
                  "Not enough permissions")


def test_update_order(api, op, catalog, alice):
    device = new_device(api, op, catalog, alice["id"])
    order = new_order(api, op, device)
    path = f"/v1/orders/{order['id']}"
    time.sleep(1.1)  # timestamps have seconds
    updated = assert_json(api.patch(path, token=op["token"], json={
        "cost": "300.00", "discount": "25.00", "status": "Repairing",
        "note": "Diagnosis complete: Screen + battery replacement needed"}), 200)
    check_order(updated)
    assert (updated["cost"], updated["discount"], updated["total_cost"]) == \
        ("300.00", "25.00", "275.00")
    assert updated["status"] == "Repairing" and updated["completed_at"] is None
    assert updated["note"] == "Diagnosis complete: Screen + battery replacement needed"
    assert updated["created_at"] == order["created_at"]
    assert updated["updated_at"] > order["updated_at"]
    assert assert_json(api.get(path, token=op["token"]), 200) == updated

    # Completed sets completed_at; leaving Completed clears it.
    time.sleep(1.1)
    done = assert_json(api.patch(path, token=op["token"], json={"status": "Completed"}), 200)
    assert naive_now(done["completed_at"]) and done["updated_at"] > updated["updated_at"]
    assert done["total_cost"] == "275.00"
    again = assert_json(api.patch(path, token=op["token"], json={"note": "Picked up"}), 200)
    assert again["completed_at"] == done["completed_at"] and again["status"] == "Completed"
    reopened = assert_json(api.patch(path, token=op["token"], json={"status": "Repairing"}), 200)
    assert reopened["completed_at"] is None

    # Nullable fields: set and cleared with null.
    dated = assert_json(api.patch(path, token=op["token"], json={
        "estimated_completion_date": "2031-03-04T05:06:07", "problem_id": 3}), 200)
    assert dated["estimated_completion_date"] == "2031-03-04T05:06:07" and dated["problem_id"] == 3
    nulled = assert_json(api.patch(path, token=op["token"], json={
        "estimated_completion_date": None, "problem_id": None, "note": None}), 200)
    assert nulled["estimated_completion_date"] is None and nulled["problem_id"] is None
    assert nulled["note"] is None and nulled["cost"] == "300.00"

    # Rules and schema.
    assert_detail(api.patch(path, token=op["token"], json={"discount": "300.01"}), 400,
                  "Discount cannot exceed cost")
    assert_detail(api.patch(path, token=op["token"], json={"cost": "10.00"}), 400,
                  "Discount cannot exceed cost")
    assert_422(api.patch(path, token=op["token"], json={"status": "Lost"}), ["body", "status"],
               "enum")
    assert_422(api.patch(path, token=op["token"], json={"status": None}), ["body", "status"])
    assert_422(api.patch(path, token=op["token"], json={"cost": "ten"}), ["body", "cost"],
               "decimal_parsing")
    assert_detail(api.patch(f"/v1/orders/{MISSING}", token=op["token"], json={"note": "x"}), 404,
                  "Order not found")
    assert_detail(api.patch(path, token=op["token"], json={"device_id": MISSING}), 404,
                  "Device not found")
    assert assert_json(api.get(path, token=op["token"]), 200)["cost"] == "300.00"
    assert_detail(api.patch(path, token=alice["token"], json={"status": "Cancelled"}), 403,
                  "Not enough permissions")


def test_list_orders_filters_and_pages(api, op, catalog):
    owner = api.repair_customer()
    d1 = new_device(api, op, catalog, owner["id"])
    d2 = new_device(api, op, catalog, owner["id"])
    o1 = new_order(api, op, d1)
    o2 = new_order(api, op, d1, status="Repairing")
    o3 = new_order(api, op, d2, status="Completed")
    o4 = new_order(api, op, d2)
    tok = op["token"]
    mine = assert_json(api.get(f"/v1/orders?customer_id={owner['id']}", token=tok), 200)
    assert ids(mine) == ids([o1, o2, o3, o4])
    for row in mine:
        check_order(row)
    assert ids(assert_json(api.get(f"/v1/orders?device_id={d1['id']}", token=tok), 200)) == \
        ids([o1, o2])
    assert ids(assert_json(api.get(f"/v1/orders?device_id={d2['id']}&status=Completed",
                                   token=tok), 200)) == [o3["id"]]
    assert ids(assert_json(api.get(f"/v1/orders?customer_id={owner['id']}&status=Pending",
                                   token=tok), 200)) == ids([o1, o4])
    pending = assert_json(api.get("/v1/orders?status=Pending&limit=100", token=tok), 200)
    assert all(o["status"] == "Pending" for o in pending) and o1["id"] in ids(pending)
    assert ids(assert_json(api.get(f"/v1/orders?customer_id={owner['id']}&limit=2&offset=1",
                                   token=tok), 200)) == ids([o2, o3])
    assert assert_json(api.get(f"/v1/orders?customer_id={MISSING}", token=tok), 200) == []
    assert_422(api.get("/v1/orders?status=Done", token=tok), ["query", "status"], "enum")
    assert_422(api.get("/v1/orders?customer_id=x", token=tok), ["query", "customer_id"],
               "int_parsing")
    assert_422(api.get("/v1/orders?device_id=x", token=tok), ["query", "device_id"],
               "int_parsing")
    default = assert_json(api.get("/v1/orders", token=tok), 200)
    assert len(default) <= 10 and ids(default) == sorted(ids(default))


def test_get_and_delete_order(api, op, catalog, alice):
    device = new_device(api, op, catalog, alice["id"])
    order = new_order(api, op, device)
    path = f"/v1/orders/{order['id']}"
    assert assert_json(api.get(path, token=op["token"]), 200) == order
    assert_detail(api.get(f"/v1/orders/{MISSING}", token=op["token"]), 404, "Order not found")
    assert_422(api.get("/v1/orders/abc", token=op["token"]), ["path", "order_id"], "int_parsing")
    # An order with payments stays; its assignments go with it.
    payment = new_payment(api, op, order)
    assignment = new_assignment(api, op, order, op["id"])
    assert_detail(api.delete(path, token=op["token"]), 400, "Order has payments")
    assert api.delete(f"/v1/payments/{payment['id']}", token=op["token"]).status_code == 204
    assert_detail(api.delete(path, token=alice["token"]), 403, "Not enough permissions")
    r = api.delete(path, token=op["token"])
    assert r.status_code == 204 and r.content == b""
    assert_detail(api.get(path, token=op["token"]), 404, "Order not found")
    assert_detail(api.get(f"/v1/assigns/{assignment['id']}", token=op["token"]), 404,
                  "Assignment not found")
    assert_detail(api.delete(path, token=op["token"]), 404, "Order not found")


# --- assignments ----------------------------------------------------------------------------


@pytest.mark.parametrize("create", ["/v1/orders/assign", "/v1/assigns"])
def test_assign(api, op, catalog, alice, create):
    device = new_device(api, op, catalog, alice["id"])
    order = new_order(api, op, device)
    tech = api.make_user("operator")
    assignment = new_assignment(api, op, order, tech["id"], create)
    check_assignment(assignment)
    assert (assignment["order_id"], assignment["user_id"]) == (order["id"], tech["id"])
    body = {"order_id": order["id"], "user_id": tech["id"]}
    for path in ("/v1/orders/assign", "/v1/assigns"):
        assert_detail(api.post(path, token=op["token"], json=body), 400,
                      "Assignment already exists")
        assert_detail(api.post(path, token=op["token"], json={**body, "order_id": MISSING}), 404,
                      "Order not found")
        assert_detail(api.post(path, token=op["token"], json={**body, "user_id": MISSING}), 404,
                      "User not found")
        assert_422(api.post(path, token=op["token"], json={"order_id": order["id"]}),
                   ["body", "user_id"], "missing")
        assert_detail(api.post(path, token=alice["token"], json=body), 403,
                      "Not enough permissions")
    second = new_assignment(api, op, order, op["id"], create)
    of_order = assert_json(api.get(f"/v1/orders/assign/{order['id']}", token=op["token"]), 200)
    assert of_order == [assignment, second]
    assert assert_json(api.get(f"/v1/orders/assign/{order['id']}", token=alice["token"]),
                       200) == of_order
    assert_detail(api.get(f"/v1/orders/assign/{MISSING}", token=op["token"]), 404,
                  "Order not found")
    assert_422(api.get("/v1/orders/assign/x", token=op["token"]), ["path", "order_id"],
               "int_parsing")
    bare = new_order(api, op, device)
    assert assert_json(api.get(f"/v1/orders/assign/{bare['id']}", token=op["token"]), 200) == []


def test_assignments_list_get_delete(api, op, catalog, alice):
    device = new_device(api, op, catalog, alice["id"])
    o1, o2 = new_order(api, op, device), new_order(api, op, device)
    t1, t2 = api.make_user("operator"), api.make_user("operator")
    a11 = new_assignment(api, op, o1, t1["id"])
    a12 = new_assignment(api, op, o1, t2["id"])
    a21 = new_assignment(api, op, o2, t1["id"])
    tok = op["token"]
    assert assert_json(api.get(f"/v1/assigns?order_id={o1['id']}", token=tok), 200) == [a11, a12]
    assert assert_json(api.get(f"/v1/assigns?user_id={t1['id']}", token=tok), 200) == [a11, a21]
    assert assert_json(api.get(f"/v1/assigns?user_id={t1['id']}&order_id={o2['id']}",
                               token=tok), 200) == [a21]
    assert assert_json(api.get(f"/v1/assigns?user_id={t1['id']}&limit=1&offset=1", token=tok),
                       200) == [a21]
    assert assert_json(api.get(f"/v1/assigns?order_id={MISSING}", token=tok), 200) == []
    assert_422(api.get("/v1/assigns?user_id=x", token=tok), ["query", "user_id"], "int_parsing")
    default = assert_json(api.get("/v1/assigns", token=tok), 200)
    assert len(default) <= 10 and ids(default) == sorted(ids(default))
    for row in default:
        check_assignment(row)

    path = f"/v1/assigns/{a12['id']}"
    assert assert_json(api.get(path, token=tok), 200) == a12
    assert assert_json(api.get(path, token=alice["token"]), 200) == a12
    assert_detail(api.get(f"/v1/assigns/{MISSING}", token=tok), 404, "Assignment not found")
    assert_422(api.get("/v1/assigns/x", token=tok), ["path", "assign_id"], "int_parsing")
    assert_detail(api.delete(path, token=alice["token"]), 403, "Not enough permissions")
    r = api.delete(path, token=tok)
    assert r.status_code == 204 and r.content == b""
    assert_detail(api.get(path, token=tok), 404, "Assignment not found")
    assert_detail(api.delete(path, token=tok), 404, "Assignment not found")
    assert assert_json(api.get(f"/v1/assigns?order_id={o1['id']}", token=tok), 200) == [a11]
    # Unassigned, the same technician can be assigned again.
    new_assignment(api, op, o1, t2["id"])


# --- payments -------------------------------------------------------------------------------


def test_payments(api, op, catalog, alice):
    device = new_device(api, op, catalog, alice["id"])
    order = new_order(api, op, device, cost="300.00", discount="25.00")
    assert order["total_cost"] == "275.00"
    payment = new_payment(api, op, order, transaction_id="TXN001")
    check_payment(payment)
    assert payment == {**payment, "order_id": order["id"], "due_amount": "275.00",
                       "amount": "150.00", "status": "Partial", "payment_method": "Cash",
                       "transaction_id": "TXN001"}
    # Optional fields: status Unpaid, method and transaction null.
    bare = assert_json(api.post("/v1/payments", token=op["token"],
                                json={"order_id": order["id"], "due_amount": 275,
                                      "amount": "0"}), 201)
    check_payment(bare)
    assert (bare["due_amount"], bare["amount"], bare["status"]) == ("275.00", "0.00", "Unpaid")
    assert bare["payment_method"] is None and bare["transaction_id"] is None
    base = {"order_id": order["id"], "due_amount": "275.00", "amount": "150.00"}
    assert_detail(api.post("/v1/payments", token=op["token"],
                           json={**base, "order_id": MISSING}), 404, "Order not found")
    assert_422(api.post("/v1/payments", token=op["token"], json={**base, "status": "Refunded"}),
               ["body", "status"], "enum", "Input should be 'Paid', 'Due', 'Unpaid' or 'Partial'")
    assert_422(api.post("/v1/payments", token=op["token"], json={**base, "amount": "1,50"}),
               ["body", "amount"], "decimal_parsing")
    assert_422(api.post("/v1/payments", token=op["token"], json={**base, "amount": "0.001"}),
               ["body", "amount"], "decimal_max_places")
    assert_422(api.post("/v1/payments", token=op["token"], json={"order_id": order["id"]}),
               ["body", "due_amount"], "missing")
    assert_detail(api.post("/v1/payments", token=alice["token"], json=base), 403,
                  "Not enough permissions")

    path = f"/v1/payments/{payment['id']}"
    assert assert_json(api.get(path, token=op["token"]), 200) == payment
    assert assert_json(api.get(path, token=alice["token"]), 200) == payment
    assert_detail(api.get(f"/v1/payments/{MISSING}", token=op["token"]), 404, "Payment not found")
    assert_422(api.get("/v1/payments/x", token=op["token"]), ["path", "payment_id"],
               "int_parsing")
    paid = assert_json(api.patch(path, token=op["token"], json={
        "amount": "275.00", "status": "Paid", "payment_method": "Card"}), 200)
    check_payment(paid)
    assert paid == {**payment, "amount": "275.00", "status": "Paid", "payment_method": "Card"}
    nulled = assert_json(api.patch(path, token=op["token"], json={"payment_method": None}), 200)
    assert nulled["payment_method"] is None and nulled["transaction_id"] == "TXN001"
    assert_422(api.patch(path, token=op["token"], json={"status": "Free"}), ["body", "status"],
               "enum")
    assert_422(api.patch(path, token=op["token"], json={"amount": None}), ["body", "amount"])
    assert_detail(api.patch(f"/v1/payments/{MISSING}", token=op["token"], json={"amount": "1"}),
                  404, "Payment not found")
    assert_detail(api.patch(path, token=alice["token"], json={"status": "Paid"}), 403,
                  "Not enough permissions")
    assert_detail(api.delete(path, token=alice["token"]), 403, "Not enough permissions")
    r = api.delete(path, token=op["token"])
    assert r.status_code == 204 and r.content == b""
    assert_detail(api.get(path, token=op["token"]), 404, "Payment not found")
    assert_detail(api.delete(path, token=op["token"]), 404, "Payment not found")


def test_list_payments_filters_and_pages(api, op, catalog, alice):
    device = new_device(api, op, catalog, alice["id"])
    o1, o2 = new_order(api, op, device), new_order(api, op, device)
    p1 = new_payment(api, op, o1, status="Partial")
    p2 = new_payment(api, op, o1, status="Paid")
    p3 = new_payment(api, op, o2, status="Due")
    tok = op["token"]
    assert assert_json(api.get(f"/v1/payments?order_id={o1['id']}", token=tok), 200) == [p1, p2]
    assert assert_json(api.get(f"/v1/payments?order_id={o1['id']}&status=Paid", token=tok),
                       200) == [p2]
    assert assert_json(api.get(f"/v1/payments?order_id={o2['id']}&status=Paid", token=tok),
                       200) == []
    due = assert_json(api.get("/v1/payments?status=Due&limit=100", token=tok), 200)
    assert p3 in due and all(p["status"] == "Due" for p in due)
    assert assert_json(api.get(f"/v1/payments?order_id={o1['id']}&limit=1&offset=1", token=tok),
                       200) == [p2]
    assert_422(api.get("/v1/payments?status=paid", token=tok), ["query", "status"], "enum")
    assert_422(api.get("/v1/payments?order_id=x", token=tok), ["query", "order_id"],
               "int_parsing")
    default = assert_json(api.get("/v1/payments", token=tok), 200)
    assert len(default) <= 10 and ids(default) == sorted(ids(default))
    for row in default:
        check_payment(row)


# --- who may do what ------------------------------------------------------------------------


def test_customer_sees_only_their_own(api, op, catalog):
    a, b = api.repair_customer(), api.repair_customer()
    rows = {}
    for who in (a, b):
        device = new_device(api, op, catalog, who["id"])
        order = new_order(api, op, device)
        rows[who["id"]] = {"device": device, "order": order,
                           "payment": new_payment(api, op, order),
                           "assignment": new_assignment(api, op, order, op["id"])}
    mine, theirs = rows[a["id"]], rows[b["id"]]
    tok = a["token"]
    # Their own rows: 200.
    assert assert_json(api.get(f"/v1/devices/{mine['device']['id']}", token=tok), 200) == \
        mine["device"]
    assert assert_json(api.get(f"/v1/orders/{mine['order']['id']}", token=tok), 200) == \
        mine["order"]
    assert assert_json(api.get(f"/v1/payments/{mine['payment']['id']}", token=tok), 200) == \
        mine["payment"]
    assert assert_json(api.get(f"/v1/assigns/{mine['assignment']['id']}", token=tok), 200) == \
        mine["assignment"]
    # Someone else's: 403.
    for path in (f"/v1/devices/{theirs['device']['id']}", f"/v1/orders/{theirs['order']['id']}",
                 f"/v1/payments/{theirs['payment']['id']}",
                 f"/v1/assigns/{theirs['assignment']['id']}",
                 f"/v1/orders/assign/{theirs['order']['id']}"):
        assert_detail(api.get(path, token=tok), 403, "Not enough permissions")
    # An unknown id is still 404.
    assert_detail(api.get(f"/v1/orders/{MISSING}", token=tok), 404, "Order not found")
    # Lists: only their own rows, whatever the filters ask.
    assert assert_json(api.get("/v1/devices?limit=100", token=tok), 200) == [mine["device"]]
    assert assert_json(api.get("/v1/orders?limit=100", token=tok), 200) == [mine["order"]]
    assert assert_json(api.get("/v1/payments?limit=100", token=tok), 200) == [mine["payment"]]
    assert assert_json(api.get("/v1/assigns?limit=100", token=tok), 200) == [mine["assignment"]]
    assert assert_json(api.get(f"/v1/devices?owner_id={b['id']}", token=tok), 200) == []
    assert assert_json(api.get(f"/v1/orders?customer_id={b['id']}", token=tok), 200) == []
    assert assert_json(api.get(f"/v1/orders?customer_id={a['id']}", token=tok), 200) == \
        [mine["order"]]
    assert assert_json(api.get(f"/v1/payments?order_id={theirs['order']['id']}", token=tok),
                       200) == []
    assert assert_json(api.get(f"/v1/assigns?order_id={theirs['order']['id']}", token=tok),
                       200) == []
    assert assert_json(api.get(f"/v1/assigns?user_id={op['id']}", token=tok), 200) == \
        [mine["assignment"]]
    # The same lists for staff show both.
    both = assert_json(api.get(f"/v1/assigns?user_id={op['id']}&limit=100", token=op["token"]),
                       200)
    assert {mine["assignment"]["id"], theirs["assignment"]["id"]} <= set(ids(both))
    # Any write by a customer: 403, on their own rows too, and nothing changes.
    device_body_ = device_body(catalog, a["id"])
    for method, path, body in (
            ("POST", "/v1/devices", device_body_),
            ("PATCH", f"/v1/devices/{mine['device']['id']}", {"notes": "x"}),
            ("DELETE", f"/v1/devices/{mine['device']['id']}", None),
            ("POST", "/v1/orders", {"device_id": mine["device"]["id"], "customer_id": a["id"],
                                    "cost": "1.00"}),
            ("PATCH", f"/v1/orders/{mine['order']['id']}", {"status": "Cancelled"}),
            ("DELETE", f"/v1/orders/{mine['order']['id']}", None),
            ("POST", "/v1/payments", {"order_id": mine["order"]["id"], "due_amount": "1.00",
                                      "amount": "1.00"}),
            ("PATCH", f"/v1/payments/{mine['payment']['id']}", {"status": "Paid"}),
            ("DELETE", f"/v1/payments/{mine['payment']['id']}", None),
            ("POST", "/v1/orders/assign", {"order_id": mine["order"]["id"], "user_id": a["id"]}),
            ("POST", "/v1/assigns", {"order_id": mine["order"]["id"], "user_id": a["id"]}),
            ("DELETE", f"/v1/assigns/{mine['assignment']['id']}", None),
            ("POST", "/v1/devices/types", {"name": f"T {tag()}"}),
            ("POST", "/v1/devices/brands", {"name": f"B {tag()}"}),
            ("POST", "/v1/devices/models", {"brand_id": catalog["brand"]["id"], "name": "M",
                                            "device_type_id": catalog["type"]["id"]})):
        r = api.request(method, path, token=tok, json=body)
        assert_detail(r, 403, "Not enough permissions")
    assert assert_json(api.get("/v1/devices?limit=100", token=tok), 200) == [mine["device"]]
    assert assert_json(api.get("/v1/orders?limit=100", token=tok), 200) == [mine["order"]]
    assert assert_json(api.get("/v1/payments?limit=100", token=tok), 200) == [mine["payment"]]
    # The catalog is readable.
    for path in ("/v1/devices/types", "/v1/devices/brands", "/v1/devices/models"):
        assert assert_json(api.get(path, token=tok), 200)


def test_staff_roles(api, catalog):
    """Operators and admins both manage; a customer made staff by an admin can too."""
    admin = {"token": api.admin["token"]}
    owner = api.repair_customer()
    device = new_device(api, admin, catalog, owner["id"])
    order = new_order(api, admin, device)
    new_payment(api, admin, order)
    promoted = api.repair_customer()
    assert api.post("/v1/orders", token=promoted["token"],
                    json={"device_id": device["id"], "customer_id": owner["id"],
                          "cost": "1.00"}).status_code == 403
    assert_json(api.patch(f"/v1/users/{promoted['id']}", token=api.admin["token"],
                          json={"is_staff": True}), 200)
    assert_json(api.get(f"/v1/orders/{order['id']}", token=promoted["token"]), 200)
    new_order(api, promoted, device)


def test_without_a_token(api):
    for method, path in (("GET", "/v1/devices"), ("GET", "/v1/devices/1"), ("GET", "/v1/orders"),
                         ("POST", "/v1/orders"), ("GET", "/v1/orders/assign/1"),
                         ("GET", "/v1/payments/1"), ("DELETE", "/v1/assigns/1")):
        assert_detail(api.request(method, path), 401, "Not authenticated")


# --- idempotency ----------------------------------------------------------------------------


def test_idempotent_creates_make_one_row(api, op, catalog, stack):
    tok = op["token"]
    owner = api.repair_customer()
    t = tag()
    device = new_device(api, op, catalog, owner["id"])
    order = new_order(api, op, device)
    tech = api.make_user("operator")
    other_tech = api.make_user("operator")
    # (path, body, another body, table, which rows)
    creates = [
        ("/v1/devices/types", {"name": f"Type {t}"}, {"name": f"Type {t} 2"}, "device_types",
         f"name = 'Type {t}'"),
        ("/v1/devices/brands", {"name": f"Brand {t}"}, {"name": f"Brand {t} 2"}, "brands",
         f"name = 'Brand {t}'"),
        ("/v1/devices/models", {"brand_id": catalog["brand"]["id"], "name": f"Model {t}",
                                "device_type_id": catalog["type"]["id"]},
         {"brand_id": catalog["brand"]["id"], "name": f"Model {t} 2",
          "device_type_id": catalog["type"]["id"]}, "models", f"name = 'Model {t}'"),
        ("/v1/devices", device_body(catalog, owner["id"], serial_number=f"SN-{t}"),
         device_body(catalog, owner["id"], serial_number=f"SN-{t}-2"), "devices",
         f"serial_number LIKE 'SN-{t}%'"),
        ("/v1/orders", {"device_id": device["id"], "customer_id": owner["id"], "cost": "5.00"},
         {"device_id": device["id"], "customer_id": owner["id"], "cost": "6.00"}, "orders",
         f"device_id = {device['id']}"),
        ("/v1/payments", {"order_id": order["id"], "due_amount": "5.00", "amount": "5.00"},
         {"order_id": order["id"], "due_amount": "5.00", "amount": "4.00"}, "payments",
         f"order_id = {order['id']}"),
        ("/v1/orders/assign", {"order_id": order["id"], "user_id": tech["id"]},
         {"order_id": order["id"], "user_id": other_tech["id"]}, "assignments",
         f"order_id = {order['id']}"),
        ("/v1/assigns", {"order_id": order["id"], "user_id": other_tech["id"]},
         {"order_id": order["id"], "user_id": op["id"]}, "assignments",
         f"order_id = {order['id']}"),
    ]

    def count(table, where):
        return int(stack.sql("repair-shop", f"SELECT COUNT(*) FROM {table} WHERE {where}")[0][0])

    for path, body, other, table, where in creates:
        k = key()
        before = count(table, where)
        first = api.post(path, token=tok, headers={"X-Idempotency-Key": k}, json=body)
        assert_json(first, 201)
        again = api.post(path, token=tok, headers={"X-Idempotency-Key": k}, json=body)
        assert (again.status_code, again.content) == (201, first.content), path
        assert again.headers.get("Idempotent-Replayed") == "true", path
        assert count(table, where) == before + 1, path
        # The same key with another request: 422, nothing written.
        assert_detail(api.post(path, token=tok, headers={"X-Idempotency-Key": k}, json=other),
                      422, "Idempotency key was used with a different request")
        assert count(table, where) == before + 1, path
    # Through the gateway: one order with the key's request, not two.
    assert len(assert_json(api.get(f"/v1/orders?device_id={device['id']}", token=tok), 200)) == 2


def test_idempotency_key_shape(api, op):
    assert_422(api.post("/v1/devices/types", token=op["token"],
                        headers={"X-Idempotency-Key": "two words"}, json={"name": f"K {tag()}"}),
               ["header", "x-idempotency-key"])


# --- the whole walk and the document -------------------------------------------------------


def test_walk_through(api):
    """The README's walk: register, catalog, a device and an order, assign, pay, complete."""
    staff = api.make_user("operator")
    customer = api.repair_customer()
    tok = staff["token"]
    t = tag()
    dtype = assert_json(api.post("/v1/devices/types", token=tok, json={"name": f"Laptop {t}"}), 201)
    brand = assert_json(api.post("/v1/devices/brands", token=tok, json={"name": f"Dell {t}"}), 201)
    model = assert_json(api.post("/v1/devices/models", token=tok,
                                 json={"brand_id": brand["id"], "name": f"XPS 13 {t}",
                                       "device_type_id": dtype["id"]}), 201)
    device = assert_json(api.post("/v1/devices", token=tok, json={
        "brand_id": brand["id"], "model_id": model["id"], "device_type_id": dtype["id"],
        "serial_number": f"SN-{t}", "owner_id": customer["id"], "notes": "Screen cracked"}), 201)
    order = assert_json(api.post("/v1/orders", token=tok, json={
        "device_id": device["id"], "customer_id": customer["id"], "cost": "250.00"}), 201)
    assert_json(api.post("/v1/orders/assign", token=tok,
                         json={"order_id": order["id"], "user_id": staff["id"]}), 201)
    order = assert_json(api.patch(f"/v1/orders/{order['id']}", token=tok, json={
        "cost": "300.00", "discount": "25.00", "status": "Repairing"}), 200)
    assert order["total_cost"] == "275.00"
    payment = assert_json(api.post("/v1/payments", token=tok, json={
        "order_id": order["id"], "due_amount": order["total_cost"], "amount": "275.00",
        "status": "Paid", "payment_method": "Card"}), 201)
    done = assert_json(api.patch(f"/v1/orders/{order['id']}", token=tok,
                                 json={"status": "Completed"}), 200)
    assert naive_now(done["completed_at"])
    # The customer follows it.
    ctok = customer["token"]
    assert assert_json(api.get("/v1/orders", token=ctok), 200) == [done]
    assert assert_json(api.get("/v1/payments", token=ctok), 200) == [payment]
    assert [a["user_id"] for a in assert_json(api.get(f"/v1/orders/assign/{order['id']}",
                                                      token=ctok), 200)] == [staff["id"]]


def test_openapi_lists_every_repair_operation(api):
    doc = assert_json(api.get("/openapi.json"), 200)
    expected = {
        "/v1/devices/types": {"post", "get"}, "/v1/devices/brands": {"post", "get"},
        "/v1/devices/models": {"post", "get"}, "/v1/devices": {"post", "get"},
        "/v1/devices/{device_id}": {"get", "patch", "delete"}, "/v1/orders": {"post", "get"},
        "/v1/orders/{order_id}": {"get", "patch", "delete"}, "/v1/orders/assign": {"post"},
        "/v1/orders/assign/{order_id}": {"get"}, "/v1/payments": {"post", "get"},
        "/v1/payments/{payment_id}": {"get", "patch", "delete"}, "/v1/assigns": {"post", "get"},
        "/v1/assigns/{assign_id}": {"get", "delete"}}
    for path, methods in expected.items():
        assert path in doc["paths"], path
        ops = doc["paths"][path]
        assert methods <= set(ops), (path, set(ops))
        for m in methods:
            assert ops[m]["tags"] == ["repair"], (path, m)
    assert "201" in doc["paths"]["/v1/orders"]["post"]["responses"]
    assert "204" in doc["paths"]["/v1/orders/{order_id}"]["delete"]["responses"]
    params = {p["name"] for p in doc["paths"]["/v1/orders"]["get"]["parameters"]}
    assert {"status", "customer_id", "device_id", "limit", "offset"} <= params
