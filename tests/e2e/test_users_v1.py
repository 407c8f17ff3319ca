"""users-v1 surface (/api/v1): auth/login, auth/register, GET /users/, GET|PUT|DELETE
/users/{user_id}."""
from datetime import datetime

import pytest

from fleet_e2e import (PASSWORDS, RE_Z, assert_422, assert_detail, assert_json, assert_json_invalid, identity,
                       is_bool, is_int, is_str, password, recent_utc, token_sub)

USER_FIELDS = {"id", "email", "username", "full_name", "is_active", "is_superuser", "created_at",
               "updated_at"}


def check_user(body, ident=None, superuser=False):
    assert set(body) == USER_FIELDS, body
    assert is_int(body["id"])
    assert body["email"] is None or is_str(body["email"])
    assert is_str(body["username"]) and body["username"]  # never null: derived when not given
    assert body["full_name"] is None or is_str(body["full_name"])
    assert is_bool(body["is_active"]) and is_bool(body["is_superuser"])
    assert recent_utc(body["created_at"], RE_Z) and recent_utc(body["updated_at"], RE_Z), body
    assert body["updated_at"] >= body["created_at"]
    if ident is not None:
        assert body["id"] == ident["id"]
        assert body["email"] == ident["email"] and body["username"] == ident["username"]
        assert body["full_name"] == ident["full_name"]
        assert body["is_active"] is True and body["is_superuser"] is superuser


def check_token_response(r):
    body = assert_json(r, 200)
    assert set(body) == {"access_token", "token_type"}, body
    assert is_str(body["access_token"]) and body["token_type"] == "bearer"
    return body["access_token"]


# --- auth ---------------------------------------------------------------------------------------


def test_register_returns_a_working_token(api):
    ident = identity("v1")
    r = api.post("/api/v1/auth/register", json={k: ident[k] for k in
                                                 ("email", "username", "password", "full_name")})
    token = check_token_response(r)
    ident["id"] = token_sub(token)
    check_user(assert_json(api.get(f"/api/v1/users/{ident['id']}", token=token), 200), ident)


def test_register_without_full_name(api):
    u = api.register_v1(full_name=False)
    body = assert_json(api.get(f"/api/v1/users/{u['id']}", token=u["token"]), 200)
    assert body["full_name"] is None and body["username"] == u["username"]


def test_register_duplicates(api):
    u = api.register_v1()
    other = identity("v1")
    r = api.post("/api/v1/auth/register", json={"email": other["email"], "username": u["username"],
                                                 "password": other["password"]})
    assert_detail(r, 400, "Username already exists")
    r = api.post("/api/v1/auth/register", json={"email": u["email"], "username": other["username"],
                                                 "password": other["password"]})
    assert_detail(r, 400, "Email already registered")
    # Neither attempt created anything, nor kept the new username or email (no partial write).
    assert_detail(api.login_v1(other["username"], other["password"]), 401,
                  "Incorrect username or password")
    api.register_v1(other)


def test_register_length_limits_are_inclusive(api):
    """255 characters for a username and 1024 for a password are accepted."""
    ident = identity("v1")
    ident["username"] = (ident["username"] + "x" * 255)[:255]
    ident["password"] = password() + "p" * 1000
    ident["password"] = ident["password"][:1024]
    PASSWORDS.add(ident["password"])
    u = api.register_v1(ident)
    check_token_response(api.login_v1(u["username"], u["password"]))


@pytest.mark.parametrize("change,loc,type_", [
    ({"email": None}, ["body", "email"], None),
    ({"username": None}, ["body", "username"], None),
    ({"password": None}, ["body", "password"], None),
    ({"email": "not-an-email"}, ["body", "email"], "value_error"),
    ({"email": "a@b"}, ["body", "email"], "value_error"),
    ({"email": 5}, ["body", "email"], None),
    ({"username": 5}, ["body", "username"], "string_type"),
    ({"username": ""}, ["body", "username"], "string_too_short"),
    ({"password": " "}, ["body", "password"], "string_too_short"),
    ({"full_name": 5}, ["body", "full_name"], "string_type"),
    ({"username": "u" * 256}, ["body", "username"], None),
])
def test_register_validation(api, change, loc, type_):
    ident = identity("v1")
    body = {k: ident[k] for k in ("email", "username", "password", "full_name")}
    for k, v in change.items():
        if v is None:
            del body[k]
        else:
            body[k] = v
    e = assert_422(api.post("/api/v1/auth/register", json=body), loc, type_)
    if type_ is None and loc[1] in change and change[loc[1]] is None:
        assert e["type"] == "missing" and e["msg"] == "Field required"
    if type_ == "value_error":
        assert e["msg"].startswith("value is not a valid email address"), e


def test_register_malformed_json(api):
    assert_json_invalid(api.post("/api/v1/auth/register", data='{"email": ',
                                 headers={"Content-Type": "application/json"}))
    assert_422(api.post("/api/v1/auth/register", json=[1]), ["body"], "model_attributes_type")


def test_login_json_and_form(api):
    u = api.register_v1()
    t1 = check_token_response(api.login_v1(u["username"], u["password"]))
    t2 = check_token_response(api.post("/api/v1/auth/login",
                                       data={"username": u["username"], "password": u["password"]}))
    assert token_sub(t1) == token_sub(t2) == u["id"]


def test_login_wrong_password_and_unknown_user(api):
    u = api.register_v1()
    assert_detail(api.login_v1(u["username"], password()), 401, "Incorrect username or password")
    assert_detail(api.login_v1("nobody_" + u["username"], u["password"]), 401,
                  "Incorrect username or password")


def test_login_validation(api):
    assert_422(api.post("/api/v1/auth/login", json={"username": "x"}), ["body", "password"],
               "missing", "Field required")
    assert_422(api.post("/api/v1/auth/login", json={"username": 1, "password": "x"}),
               ["body", "username"], "string_type")
    assert_json_invalid(api.post("/api/v1/auth/login", data="{nope}",
                                 headers={"Content-Type": "application/json"}))


# --- GET /users/ --------------------------------------------------------------------------------


def test_list_as_superuser_with_and_without_slash(api):
    u = api.register_v1()
    for path in ("/api/v1/users/", "/api/v1/users"):
        body = assert_json(api.get(path, token=api.admin["token"], params={"limit": 1000}), 200)
        assert isinstance(body, list)
        for item in body:
            check_user(item)
        by_id = {item["id"]: item for item in body}
        check_user(by_id[u["id"]], u)
        assert by_id[api.admin["id"]]["is_superuser"] is True


def test_list_paging(api):
    for _ in range(3):
        api.register_v1()
    everyone = assert_json(api.get("/api/v1/users/", token=api.admin["token"],
                                   params={"limit": 1000}), 200)
    assert len(everyone) >= 4
    ids = [u["id"] for u in everyone]
    assert ids == sorted(ids)
    page = assert_json(api.get("/api/v1/users/", token=api.admin["token"],
                               params={"skip": 1, "limit": 2}), 200)
    assert [u["id"] for u in page] == ids[1:3]
    assert assert_json(api.get("/api/v1/users/", token=api.admin["token"],
                               params={"limit": 0}), 200) == []
    assert assert_json(api.get("/api/v1/users/", token=api.admin["token"],
                               params={"skip": len(ids)}), 200) == []
    default = assert_json(api.get("/api/v1/users/", token=api.admin["token"]), 200)
    assert [u["id"] for u in default] == ids[:100]


@pytest.mark.parametrize("params,loc,type_", [
    ({"skip": -1}, ["query", "skip"], "greater_than_equal"),
    ({"skip": "abc"}, ["query", "skip"], "int_parsing"),
    ({"skip": "1.5"}, ["query", "skip"], "int_parsing"),
    ({"limit": -1}, ["query", "limit"], "greater_than_equal"),
    ({"limit": 1001}, ["query", "limit"], "less_than_equal"),
    ({"limit": "ten"}, ["query", "limit"], "int_parsing"),
])
def test_list_query_validation(api, params, loc, type_):
    assert_422(api.get("/api/v1/users/", token=api.admin["token"], params=params), loc, type_)


def test_list_needs_superuser(api):
    u = api.register_v1()
    assert_detail(api.get("/api/v1/users/", token=u["token"]), 403, "Not enough permissions")
    assert_detail(api.get("/api/v1/users", token=u["token"]), 403, "Not enough permissions")


# --- GET /users/{user_id} -----------------------------------------------------------------------


def test_get_self_other_superuser(api):
    a, b = api.register_v1(), api.register_v1()
    check_user(assert_json(api.get(f"/api/v1/users/{a['id']}", token=a["token"]), 200), a)
    assert_detail(api.get(f"/api/v1/users/{b['id']}", token=a["token"]), 403,
                  "Not enough permissions")
    check_user(assert_json(api.get(f"/api/v1/users/{b['id']}", token=api.admin["token"]), 200), b)


def test_get_not_found_and_bad_id(api):
    assert_detail(api.get("/api/v1/users/987654321", token=api.admin["token"]), 404,
                  "User not found")
    assert_422(api.get("/api/v1/users/abc", token=api.admin["token"]), ["path", "user_id"],
               "int_parsing")


# --- PUT /users/{user_id} -----------------------------------------------------------------------


def test_put_self(api):
    u = api.register_v1()
    new = identity("v1")
    before = assert_json(api.get(f"/api/v1/users/{u['id']}", token=u["token"]), 200)
    r = api.put(f"/api/v1/users/{u['id']}", token=u["token"],
                json={"email": new["email"], "username": new["username"],
                      "full_name": new["full_name"]})
    body = assert_json(r, 200)
    check_user(body, {**new, "id": u["id"]})
    assert body["created_at"] == before["created_at"]
    assert datetime.fromisoformat(body["updated_at"][:-1]) >= \
        datetime.fromisoformat(before["updated_at"][:-1])
    assert assert_json(api.get(f"/api/v1/users/{u['id']}", token=u["token"]), 200) == body


def test_put_password(api):
    u = api.register_v1()
    new_pw = password()
    r = api.put(f"/api/v1/users/{u['id']}", token=u["token"], json={"password": new_pw})
    check_user(assert_json(r, 200), u)
    check_token_response(api.login_v1(u["username"], new_pw))
    assert_detail(api.login_v1(u["username"], u["password"]), 401,
                  "Incorrect username or password")


def test_put_empty_body_changes_nothing(api):
    u = api.register_v1()
    check_user(assert_json(api.put(f"/api/v1/users/{u['id']}", token=u["token"], json={}), 200), u)


def test_put_other_forbidden_superuser_may(api):
    a, b = api.register_v1(), api.register_v1()
    assert_detail(api.put(f"/api/v1/users/{b['id']}", token=a["token"], json={"full_name": "x"}),
                  403, "Not enough permissions")
    r = api.put(f"/api/v1/users/{b['id']}", token=api.admin["token"], json={"full_name": "By Admin"})
    assert assert_json(r, 200)["full_name"] == "By Admin"


def test_put_duplicates(api):
    a, b = api.register_v1(), api.register_v1()
    assert_detail(api.put(f"/api/v1/users/{a['id']}", token=a["token"],
                          json={"username": b["username"]}), 400, "Username already exists")
    assert_detail(api.put(f"/api/v1/users/{a['id']}", token=a["token"],
                          json={"email": b["email"]}), 400, "Email already registered")
    check_user(assert_json(api.get(f"/api/v1/users/{a['id']}", token=a["token"]), 200), a)


@pytest.mark.parametrize("body,loc,type_", [
    ({"email": "bad"}, ["body", "email"], "value_error"),
    ({"username": 1}, ["body", "username"], "string_type"),
    ({"username": ""}, ["body", "username"], "string_too_short"),
    ({"full_name": ["x"]}, ["body", "full_name"], "string_type"),
    ({"password": ""}, ["body", "password"], "string_too_short"),
    ({"password": "p" * 1025}, ["body", "password"], None),
])
def test_put_validation(api, body, loc, type_):
    u = api.register_v1()
    assert_422(api.put(f"/api/v1/users/{u['id']}", token=u["token"], json=body), loc, type_)
    check_token_response(api.login_v1(u["username"], u["password"]))


def test_put_not_found_and_bad_id(api):
    assert_detail(api.put("/api/v1/users/987654321", token=api.admin["token"],
                          json={"full_name": "x"}), 404, "User not found")
    assert_422(api.put("/api/v1/users/1e3", token=api.admin["token"], json={}),
               ["path", "user_id"], "int_parsing")


def test_put_cannot_make_oneself_superuser(api):
    u = api.register_v1()
    r = api.put(f"/api/v1/users/{u['id']}", token=u["token"],
                json={"is_superuser": True, "is_active": False})
    assert r.status_code in (200, 422)
    body = assert_json(api.get(f"/api/v1/users/{u['id']}", token=api.admin["token"]), 200)
    assert body["is_superuser"] is False and body["is_active"] is True


# --- DELETE /users/{user_id} --------------------------------------------------------------------


def test_delete_self(api):
    u = api.register_v1()
    r = api.delete(f"/api/v1/users/{u['id']}", token=u["token"])
    assert assert_json(r, 200) == {"message": "User deleted successfully"}
    assert_detail(api.get(f"/api/v1/users/{u['id']}", token=api.admin["token"]), 404,
                  "User not found")
    assert_detail(api.login_v1(u["username"], u["password"]), 401,
                  "Incorrect username or password")


def test_delete_other_forbidden_superuser_may(api):
    a, b = api.register_v1(), api.register_v1()
    assert_detail(api.delete(f"/api/v1/users/{b['id']}", token=a["token"]), 403,
                  "Not enough permissions")
    assert api.get(f"/api/v1/users/{b['id']}", token=b["token"]).status_code == 200
    assert assert_json(api.delete(f"/api/v1/users/{b['id']}", token=api.admin["token"]), 200) == {
        "message": "User deleted successfully"}
    assert_detail(api.delete(f"/api/v1/users/{b['id']}", token=api.admin["token"]), 404,
                  "User not found")
    assert_422(api.delete("/api/v1/users/abc", token=api.admin["token"]), ["path", "user_id"],
               "int_parsing")
