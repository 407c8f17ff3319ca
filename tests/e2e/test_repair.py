"""repair surface (/v1): auth register|login|refresh|logout, GET|POST /users,
GET|PATCH|DELETE /users/{user_id}; refresh reuse by default and rotation when configured."""
import pytest

from fleet_e2e import (RE_NAIVE, assert_422, assert_detail, assert_json, assert_json_invalid,
                       identity, is_bool, is_int, is_str, password, recent_utc, token_sub)

USER_FIELDS = {"id", "full_name", "phone", "email", "profile_picture", "is_active", "is_staff",
               "created_at"}


def check_user(body, ident=None, is_staff=None):
    assert set(body) == USER_FIELDS, body
    assert is_int(body["id"])
    for k in ("full_name", "phone", "email"):
        assert body[k] is None or is_str(body[k]), body
    assert body["profile_picture"] is None or is_str(body["profile_picture"])
    assert is_bool(body["is_active"]) and is_bool(body["is_staff"])
    assert is_str(body["created_at"]) and recent_utc(body["created_at"], RE_NAIVE), body
    if ident is not None:
        assert body["id"] == ident["id"]
        for k in ("full_name", "phone", "email"):
            assert body[k] == ident[k], (k, body)
    if is_staff is not None:
        assert body["is_staff"] is is_staff


@pytest.fixture(scope="module")
def operator(api):
    return api.make_user("operator")


# --- register -----------------------------------------------------------------------------------


def test_register(api):
    ident = identity("rp")
    r = api.post("/v1/auth/register", json={k: ident[k] for k in
                                             ("full_name", "phone", "email", "password")})
    body = assert_json(r, 201)
    ident["id"] = body["id"]
    check_user(body, ident, is_staff=False)
    assert body["profile_picture"] is None and body["is_active"] is True


def test_register_duplicates(api):
    c = api.register_repair()
    other = identity("rp")
    body = {"full_name": other["full_name"], "phone": c["phone"], "email": other["email"],
            "password": other["password"]}
    assert_detail(api.post("/v1/auth/register", json=body), 400, "Phone already registered")
    body.update(phone=other["phone"], email=c["email"])
    assert_detail(api.post("/v1/auth/register", json=body), 400, "Email already registered")
    assert_detail(api.login_repair(other["phone"], other["password"]), 401, "Invalid credentials")
    # The failed attempts reserved nothing (no partial write): the new phone and email are free.
    api.register_repair(other)


def test_register_ignores_is_staff(api):
    ident = identity("rp")
    r = api.post("/v1/auth/register", json={**{k: ident[k] for k in
                                                ("full_name", "phone", "email", "password")},
                                             "is_staff": True})
    check_user(assert_json(r, 201), is_staff=False)


@pytest.mark.parametrize("field", ["full_name", "phone", "email", "password"])
def test_register_missing_field(api, field):
    ident = identity("rp")
    body = {k: ident[k] for k in ("full_name", "phone", "email", "password") if k != field}
    assert_422(api.post("/v1/auth/register", json=body), ["body", field], "missing",
               "Field required")


@pytest.mark.parametrize("change,loc,type_", [
    ({"phone": 1234567890}, ["body", "phone"], "string_type"),
    ({"full_name": ""}, ["body", "full_name"], "string_too_short"),
    ({"email": "nope@"}, ["body", "email"], "value_error"),
    ({"password": False}, ["body", "password"], "string_type"),
])
def test_register_validation(api, change, loc, type_):
    ident = identity("rp")
    body = {k: ident[k] for k in ("full_name", "phone", "email", "password")}
    body.update(change)
    assert_422(api.post("/v1/auth/register", json=body), loc, type_)


def test_register_malformed_json(api):
    assert_json_invalid(api.post("/v1/auth/register", data='{"phone": "1"',
                                 headers={"Content-Type": "application/json"}))


# --- login --------------------------------------------------------------------------------------


def test_login(api):
    c = api.register_repair()
    r = api.login_repair(c["phone"], c["password"])
    body = assert_json(r, 200)
    assert set(body) == {"user", "tokens"}
    check_user(body["user"], c, is_staff=False)
    tokens = body["tokens"]
    assert set(tokens) == {"access_token", "refresh_token", "token_type"}
    assert tokens["token_type"] == "bearer"
    assert is_str(tokens["access_token"]) and token_sub(tokens["access_token"]) == c["id"]
    # Opaque, at least 256 bits of randomness: not a JWT, and long enough to carry 32 bytes.
    assert is_str(tokens["refresh_token"]) and len(tokens["refresh_token"]) >= 43
    assert tokens["refresh_token"].count(".") != 2


def test_login_failures(api):
    c = api.register_repair()
    assert_detail(api.login_repair(c["phone"], password()), 401, "Invalid credentials")
    assert_detail(api.login_repair("70000000001", c["password"]), 401, "Invalid credentials")
    assert_422(api.post("/v1/auth/login", json={"phone": c["phone"]}), ["body", "password"],
               "missing")
    assert_422(api.post("/v1/auth/login", json={"phone": 5, "password": "x"}), ["body", "phone"],
               "string_type")


def test_inactive_user_cannot_log_in(api, operator):
    c = api.register_repair()
    r = api.patch(f"/v1/users/{c['id']}", token=operator["token"], json={"is_active": False})
    assert assert_json(r, 200)["is_active"] is False
    assert_detail(api.login_repair(c["phone"], c["password"]), 403, "User is inactive")
    r = api.patch(f"/v1/users/{c['id']}", token=operator["token"], json={"is_active": True})
    assert assert_json(r, 200)["is_active"] is True
    assert api.login_repair(c["phone"], c["password"]).status_code == 200


# --- refresh and logout (default: the same refresh token again and again) -------------------------


def test_refresh_reuses_the_same_token(api):
    c = api.repair_customer()
    for _ in range(3):
        r = api.post("/v1/auth/refresh", json={"refresh_token": c["refresh_token"]})
        body = assert_json(r, 200)
        assert set(body) == {"access_token", "token_type"}, body  # no refresh_token by default
        assert body["token_type"] == "bearer"
        assert token_sub(body["access_token"]) == c["id"]
        me = api.get(f"/v1/users/{c['id']}", token=body["access_token"])
        check_user(assert_json(me, 200), is_staff=False)


def test_refresh_invalid(api):
    assert_detail(api.post("/v1/auth/refresh", json={"refresh_token": "x" * 64}), 401,
                  "Invalid or expired refresh token")
    c = api.repair_customer()
    # An access token is not a refresh token.
    assert_detail(api.post("/v1/auth/refresh", json={"refresh_token": c["token"]}), 401,
                  "Invalid or expired refresh token")
    assert_422(api.post("/v1/auth/refresh", json={}), ["body", "refresh_token"], "missing")
    assert_422(api.post("/v1/auth/refresh", json={"refresh_token": 7}), ["body", "refresh_token"],
               "string_type")


def test_logout_revokes(api):
    c = api.repair_customer()
    r = api.post("/v1/auth/logout", json={"refresh_token": c["refresh_token"]})  # no access token
    assert assert_json(r, 200) == {"message": "Logged out successfully"}
    assert_detail(api.post("/v1/auth/refresh", json={"refresh_token": c["refresh_token"]}), 401,
                  "Invalid or expired refresh token")
    assert_detail(api.post("/v1/auth/logout", json={"refresh_token": c["refresh_token"]}), 401,
                  "Invalid or expired refresh token")


def test_logout_of_one_login_keeps_the_other(api):
    c = api.repair_customer()
    second = api.login_repair(c["phone"], c["password"]).json()["tokens"]["refresh_token"]
    assert second != c["refresh_token"]
    assert api.post("/v1/auth/logout", json={"refresh_token": c["refresh_token"]}).status_code == 200
    assert api.post("/v1/auth/refresh", json={"refresh_token": second}).status_code == 200


def test_logout_unknown_and_malformed(api):
    assert_detail(api.post("/v1/auth/logout", json={"refresh_token": "unknown-token"}), 401,
                  "Invalid or expired refresh token")
    assert_422(api.post("/v1/auth/logout", json={}), ["body", "refresh_token"], "missing")


def test_deleted_users_refresh_token_is_dead(api, operator):
    c = api.repair_customer()
    assert api.delete(f"/v1/users/{c['id']}", token=operator["token"]).status_code == 204
    assert_detail(api.post("/v1/auth/refresh", json={"refresh_token": c["refresh_token"]}), 401,
                  "Invalid or expired refresh token")


# --- rotation (a stack with REFRESH_TOKEN_ROTATION=on) ------------------------------------------


def test_rotation_returns_a_new_token_and_retires_the_old(rot_api):
    c = rot_api.repair_customer()
    other_login = rot_api.login_repair(c["phone"], c["password"]).json()["tokens"]["refresh_token"]
    r1 = assert_json(rot_api.post("/v1/auth/refresh", json={"refresh_token": c["refresh_token"]}),
                     200)
    assert set(r1) == {"access_token", "token_type", "refresh_token"}, r1
    assert r1["token_type"] == "bearer"
    assert is_str(r1["refresh_token"]) and r1["refresh_token"] != c["refresh_token"]
    assert rot_api.get(f"/v1/users/{c['id']}", token=r1["access_token"]).status_code == 200
    # The new one works and rotates again.
    r2 = assert_json(rot_api.post("/v1/auth/refresh", json={"refresh_token": r1["refresh_token"]}),
                     200)
    assert r2["refresh_token"] not in (r1["refresh_token"], c["refresh_token"])
    # Presenting a retired one fails ...
    assert_detail(rot_api.post("/v1/auth/refresh", json={"refresh_token": c["refresh_token"]}),
                  401, "Invalid or expired refresh token")
    # ... and revokes that whole login, including its newest token.
    assert_detail(rot_api.post("/v1/auth/refresh", json={"refresh_token": r2["refresh_token"]}),
                  401, "Invalid or expired refresh token")
    # Another login of the same account is untouched.
    r3 = rot_api.post("/v1/auth/refresh", json={"refresh_token": other_login})
    assert assert_json(r3, 200)["refresh_token"] != other_login


def test_rotation_logout(rot_api):
    c = rot_api.repair_customer()
    new = rot_api.post("/v1/auth/refresh", json={"refresh_token": c["refresh_token"]}).json()
    assert assert_json(rot_api.post("/v1/auth/logout", json={"refresh_token": new["refresh_token"]}),
                       200) == {"message": "Logged out successfully"}
    assert_detail(rot_api.post("/v1/auth/refresh", json={"refresh_token": new["refresh_token"]}),
                  401, "Invalid or expired refresh token")


# --- GET /v1/users ------------------------------------------------------------------------------


def test_list_staff_sees_all_customer_sees_self(api, operator):
    customers = [api.repair_customer() for _ in range(11)]
    everyone = assert_json(api.get("/v1/users", token=operator["token"],
                                   params={"limit": 100}), 200)
    for item in everyone:
        check_user(item)
    ids = [u["id"] for u in everyone]
    assert ids == sorted(ids)
    assert {c["id"] for c in customers} <= set(ids) or len(ids) == 100
    default = assert_json(api.get("/v1/users", token=api.admin["token"]), 200)
    assert len(default) == 10 and [u["id"] for u in default] == ids[:10]
    page = assert_json(api.get("/v1/users", token=api.admin["token"],
                               params={"limit": 2, "offset": 3}), 200)
    assert [u["id"] for u in page] == ids[3:5]
    c = customers[0]
    own = assert_json(api.get("/v1/users", token=c["token"]), 200)
    assert len(own) == 1
    check_user(own[0], c, is_staff=False)
    assert assert_json(api.get("/v1/users", token=c["token"], params={"offset": 1}), 200) == []


@pytest.mark.parametrize("params,loc,type_", [
    ({"limit": 0}, ["query", "limit"], "greater_than_equal"),
    ({"limit": 101}, ["query", "limit"], "less_than_equal"),
    ({"limit": "x"}, ["query", "limit"], "int_parsing"),
    ({"offset": -1}, ["query", "offset"], "greater_than_equal"),
    ({"offset": "1.0"}, ["query", "offset"], "int_parsing"),
])
def test_list_query_validation(api, params, loc, type_):
    assert_422(api.get("/v1/users", token=api.admin["token"], params=params), loc, type_)


# --- POST /v1/users -----------------------------------------------------------------------------


def test_create_by_admin(api):
    ident = identity("rp")
    body = {k: ident[k] for k in ("full_name", "phone", "email", "password")}
    r = api.post("/v1/users", token=api.admin["token"], json=body)
    created = assert_json(r, 201)
    ident["id"] = created["id"]
    check_user(created, ident, is_staff=False)
    assert api.login_repair(ident["phone"], ident["password"]).status_code == 200


def test_create_staff_makes_an_operator(api):
    op = api.make_user("operator")
    body = assert_json(api.get(f"/v1/users/{op['id']}", token=op["token"]), 200)
    assert body["is_staff"] is True
    # An operator is staff: sees everyone, but is no admin elsewhere.
    assert len(assert_json(api.get("/v1/users", token=op["token"]), 200)) > 1
    assert_detail(api.get("/user/all", token=op["token"]), 403, "Not enough permissions")


def test_create_is_admin_only(api, operator):
    c = api.repair_customer()
    for token in (operator["token"], c["token"]):
        ident = identity("rp")
        r = api.post("/v1/users", token=token, json={k: ident[k] for k in
                                                      ("full_name", "phone", "email", "password")})
        assert_detail(r, 403, "Not enough permissions")


def test_create_duplicate_and_validation(api):
    c = api.register_repair()
    ident = identity("rp")
    body = {"full_name": "x", "phone": c["phone"], "email": ident["email"], "password": "p"}
    assert_detail(api.post("/v1/users", token=api.admin["token"], json=body), 400,
                  "Phone already registered")
    body.update(phone=ident["phone"], is_staff="sure")
    assert_422(api.post("/v1/users", token=api.admin["token"], json=body), ["body", "is_staff"],
               "bool_type")
    del body["phone"]
    body["is_staff"] = False
    assert_422(api.post("/v1/users", token=api.admin["token"], json=body), ["body", "phone"],
               "missing")


# --- GET /v1/users/{user_id} --------------------------------------------------------------------


def test_get_permissions(api, operator):
    a, b = api.repair_customer(), api.repair_customer()
    check_user(assert_json(api.get(f"/v1/users/{a['id']}", token=a["token"]), 200), a)
    assert_detail(api.get(f"/v1/users/{b['id']}", token=a["token"]), 403, "Not enough permissions")
    check_user(assert_json(api.get(f"/v1/users/{b['id']}", token=operator["token"]), 200), b)
    check_user(assert_json(api.get(f"/v1/users/{b['id']}", token=api.admin["token"]), 200), b)


def test_get_not_found_and_bad_id(api, operator):
    assert_detail(api.get("/v1/users/987654321", token=operator["token"]), 404, "User not found")
    assert_422(api.get("/v1/users/one", token=operator["token"]), ["path", "user_id"],
               "int_parsing")


# --- PATCH /v1/users/{user_id} ------------------------------------------------------------------


def test_patch_by_staff(api, operator):
    c = api.register_repair()
    new = identity("rp")
    change = {"full_name": new["full_name"], "email": new["email"], "phone": new["phone"],
              "profile_picture": "https://example.com/avatar.jpg"}
    body = assert_json(api.patch(f"/v1/users/{c['id']}", token=operator["token"], json=change), 200)
    check_user(body, {**new, "id": c["id"]}, is_staff=False)
    assert body["profile_picture"] == "https://example.com/avatar.jpg"
    assert api.login_repair(new["phone"], c["password"]).status_code == 200
    # null removes the picture; the other fields stay, and a read shows the same.
    body = assert_json(api.patch(f"/v1/users/{c['id']}", token=operator["token"],
                                 json={"profile_picture": None}), 200)
    assert body["profile_picture"] is None
    check_user(body, {**new, "id": c["id"]}, is_staff=False)
    assert assert_json(api.get(f"/v1/users/{c['id']}", token=operator["token"]),
                       200)["profile_picture"] is None


def test_patch_customer_is_forbidden_even_for_self(api):
    c = api.repair_customer()
    assert_detail(api.patch(f"/v1/users/{c['id']}", token=c["token"], json={"full_name": "Me"}),
                  403, "Not enough permissions")
    other = api.register_repair()
    assert_detail(api.patch(f"/v1/users/{other['id']}", token=c["token"], json={"full_name": "x"}),
                  403, "Not enough permissions")
    check_user(assert_json(api.get(f"/v1/users/{c['id']}", token=c["token"]), 200), c)


def test_only_admin_sets_is_staff_or_touches_an_admin(api, operator):
    c = api.register_repair()
    assert_detail(api.patch(f"/v1/users/{c['id']}", token=operator["token"], json={"is_staff": True}),
                  403, "Not enough permissions")
    assert_detail(api.patch(f"/v1/users/{api.admin['id']}", token=operator["token"],
                            json={"full_name": "pwned"}), 403, "Not enough permissions")
    body = assert_json(api.patch(f"/v1/users/{c['id']}", token=api.admin["token"],
                                 json={"is_staff": True}), 200)
    assert body["is_staff"] is True
    token = api.login_repair(c["phone"], c["password"]).json()["tokens"]["access_token"]
    assert len(assert_json(api.get("/v1/users", token=token), 200)) > 1
    body = assert_json(api.patch(f"/v1/users/{c['id']}", token=api.admin["token"],
                                 json={"is_staff": False}), 200)
    assert body["is_staff"] is False


@pytest.mark.parametrize("body,loc,type_", [
    ({"is_active": "nope"}, ["body", "is_active"], "bool_type"),
    ({"email": "x@"}, ["body", "email"], "value_error"),
    ({"full_name": 3}, ["body", "full_name"], "string_type"),
    ({"phone": ""}, ["body", "phone"], "string_too_short"),
    ({"profile_picture": {"url": "x"}}, ["body", "profile_picture"], "string_type"),
])
def test_patch_validation(api, operator, body, loc, type_):
    c = api.register_repair()
    assert_422(api.patch(f"/v1/users/{c['id']}", token=operator["token"], json=body), loc, type_)


def test_patch_duplicates_and_missing(api, operator):
    a, b = api.register_repair(), api.register_repair()
    assert_detail(api.patch(f"/v1/users/{a['id']}", token=operator["token"],
                            json={"phone": b["phone"]}), 400, "Phone already registered")
    assert_detail(api.patch(f"/v1/users/{a['id']}", token=operator["token"],
                            json={"email": b["email"]}), 400, "Email already registered")
    assert_detail(api.patch("/v1/users/987654321", token=operator["token"],
                            json={"full_name": "x"}), 404, "User not found")
    assert_422(api.patch("/v1/users/x", token=operator["token"], json={}), ["path", "user_id"],
               "int_parsing")


# --- DELETE /v1/users/{user_id} -----------------------------------------------------------------


def test_delete_by_staff(api, operator):
    c = api.repair_customer()
    assert_detail(api.delete(f"/v1/users/{c['id']}", token=c["token"]), 403,
                  "Not enough permissions")
    r = api.delete(f"/v1/users/{c['id']}", token=operator["token"])
    assert r.status_code == 204 and r.content == b""
    assert_detail(api.get(f"/v1/users/{c['id']}", token=operator["token"]), 404, "User not found")
    assert_detail(api.delete(f"/v1/users/{c['id']}", token=operator["token"]), 404,
                  "User not found")
    assert_detail(api.login_repair(c["phone"], c["password"]), 401, "Invalid credentials")


def test_delete_admin_account_needs_admin(api, operator):
    second_admin = api.make_user("admin")
    assert_detail(api.delete(f"/v1/users/{second_admin['id']}", token=operator["token"]), 403,
                  "Not enough permissions")
    r = api.delete(f"/v1/users/{second_admin['id']}", token=api.admin["token"])
    assert r.status_code == 204 and r.content == b""
    op2 = api.make_user("operator")
    assert api.delete(f"/v1/users/{op2['id']}", token=api.admin["token"]).status_code == 204
    assert_422(api.delete("/v1/users/abc", token=api.admin["token"]), ["path", "user_id"],
               "int_parsing")
