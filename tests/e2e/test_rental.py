"""rental surface (base "/"): POST /auth/token, GET /user/all, GET|PATCH|DELETE /user/{uid},
POST /user."""
import pytest

from fleet_e2e import (RE_Z, assert_422, assert_detail, assert_json, assert_json_invalid, identity,
                       is_bool, is_int, is_number, is_str, password, recent_utc)

USER_FIELDS = {"uid", "name", "cash", "creation_time", "is_admin"}


def check_user(body, uid=None, name=None, is_admin=None):
    assert set(body) == USER_FIELDS, body
    assert is_int(body["uid"])
    assert is_str(body["name"]) and body["name"]  # never null: derived when not given
    assert is_number(body["cash"]) and body["cash"] == 0  # a new account has no cash yet
    assert is_str(body["creation_time"]) and recent_utc(body["creation_time"], RE_Z), body
    assert is_bool(body["is_admin"])
    if uid is not None:
        assert body["uid"] == uid
    if name is not None:
        assert body["name"] == name
    if is_admin is not None:
        assert body["is_admin"] is is_admin


def create(api, is_admin=None, token=None):
    ident = identity("rt")
    body = {"name": ident["username"], "password": ident["password"]}
    if is_admin is not None:
        body["is_admin"] = is_admin
    r = api.post("/user", token=token or api.admin["token"], json=body)
    check_user(assert_json(r, 200), name=ident["username"], is_admin=bool(is_admin))
    ident["id"] = r.json()["uid"]
    login = api.login_rental(ident["username"], ident["password"])
    assert login.status_code == 200
    ident["token"] = login.json()["access_token"]
    return ident


# --- POST /auth/token ---------------------------------------------------------------------------


def test_token_form_login(api):
    r = api.post("/auth/token", data={"username": api.admin["username"],
                                       "password": api.admin["password"]})
    body = assert_json(r, 200)
    assert set(body) == {"access_token", "token_type", "user_id"}
    assert is_str(body["access_token"]) and body["access_token"].count(".") == 2
    assert body["token_type"] == "bearer"
    assert is_int(body["user_id"]) and body["user_id"] == api.admin["id"]


def test_token_multipart_login(api):
    r = api.post("/auth/token", files={"username": (None, api.admin["username"]),
                                       "password": (None, api.admin["password"])})
    body = assert_json(r, 200)
    assert body["user_id"] == api.admin["id"] and body["token_type"] == "bearer"


def test_token_bad_credentials(api):
    assert_detail(api.login_rental(api.admin["username"], password()), 401,
                  "Incorrect username or password")
    assert_detail(api.login_rental("no_such_user_" + identity()["username"], password()), 401,
                  "Incorrect username or password")


def test_token_missing_fields(api):
    assert_422(api.post("/auth/token", data={"password": "x"}), ["body", "username"], "missing",
               "Field required")
    assert_422(api.post("/auth/token", data={"username": "x"}), ["body", "password"], "missing",
               "Field required")
    r = api.post("/auth/token", data={})
    assert_422(r, ["body", "username"], "missing")
    assert_422(r, ["body", "password"], "missing")


# --- POST /user ---------------------------------------------------------------------------------


def test_create_user_and_sign_in(api):
    u = create(api)
    assert api.login_rental(u["username"], u["password"]).json()["user_id"] == u["id"]
    r = api.get(f"/user/{u['id']}", token=u["token"])
    check_user(assert_json(r, 200), uid=u["id"], name=u["username"], is_admin=False)


def test_create_admin(api):
    a = create(api, is_admin=True)
    assert api.get("/user/all", token=a["token"]).status_code == 200


def test_create_user_is_admin_only(api):
    u = create(api)
    ident = identity()
    r = api.post("/user", token=u["token"], json={"name": ident["username"],
                                                   "password": ident["password"]})
    assert_detail(r, 403, "Not enough permissions")
    assert_detail(api.login_rental(ident["username"], ident["password"]), 401,
                  "Incorrect username or password")


def test_create_user_duplicate_name(api):
    u = create(api)
    r = api.post("/user", token=api.admin["token"], json={"name": u["username"],
                                                           "password": password()})
    assert_detail(r, 400, "Username already exists")


@pytest.mark.parametrize("body,loc,type_", [
    ({"password": "p"}, ["body", "name"], "missing"),
    ({"name": "n"}, ["body", "password"], "missing"),
    ({"name": 123, "password": "p"}, ["body", "name"], "string_type"),
    ({"name": None, "password": "p"}, ["body", "name"], "string_type"),
    ({"name": "", "password": "p"}, ["body", "name"], "string_too_short"),
    ({"name": "   ", "password": "p"}, ["body", "name"], "string_too_short"),
    ({"name": "n", "password": ""}, ["body", "password"], "string_too_short"),
    ({"name": "n", "password": ["p"]}, ["body", "password"], "string_type"),
    ({"name": "n" * 256, "password": "p"}, ["body", "name"], None),
    ({"name": "n", "password": "p" * 1025}, ["body", "password"], None),
    ({"name": "n", "password": "p", "is_admin": "maybe"}, ["body", "is_admin"], "bool_type"),
    ({"name": "n", "password": "p", "is_admin": [True]}, ["body", "is_admin"], "bool_type"),
])
def test_create_user_validation(api, body, loc, type_):
    r = api.post("/user", token=api.admin["token"], json=body)
    assert_422(r, loc, type_)


def test_create_user_malformed_json_and_not_an_object(api):
    assert_json_invalid(api.post("/user", token=api.admin["token"], data='{"name": "a",',
                                 headers={"Content-Type": "application/json"}))
    assert_422(api.post("/user", token=api.admin["token"], json=["a"]), ["body"],
               "model_attributes_type")


# --- GET /user/all, GET /user/{uid} ------------------------------------------------------------


def test_list_all_as_admin(api):
    u = create(api)
    r = api.get("/user/all", token=api.admin["token"])
    body = assert_json(r, 200)
    assert isinstance(body, list)
    for item in body:
        assert set(item) == USER_FIELDS and is_int(item["uid"]) and is_bool(item["is_admin"])
    by_id = {item["uid"]: item for item in body}
    check_user(by_id[u["id"]], uid=u["id"], name=u["username"], is_admin=False)
    assert by_id[api.admin["id"]]["is_admin"] is True
    assert by_id[api.admin["id"]]["name"] == api.admin["username"]


def test_list_all_needs_admin(api):
    u = create(api)
    assert_detail(api.get("/user/all", token=u["token"]), 403, "Not enough permissions")


def test_get_user_self_other_admin(api):
    a, b = create(api), create(api)
    check_user(assert_json(api.get(f"/user/{a['id']}", token=a["token"]), 200), uid=a["id"])
    assert_detail(api.get(f"/user/{b['id']}", token=a["token"]), 403, "Not enough permissions")
    check_user(assert_json(api.get(f"/user/{b['id']}", token=api.admin["token"]), 200),
               uid=b["id"], name=b["username"])


def test_get_user_not_found_and_bad_id(api):
    assert_detail(api.get("/user/987654321", token=api.admin["token"]), 404, "User not found")
    assert_422(api.get("/user/abc", token=api.admin["token"]), ["path", "uid"], "int_parsing",
               "Input should be a valid integer, unable to parse string as an integer")


def test_user_registered_without_username_gets_one_from_the_email(api):
    """An account made on repair asks for no username: the user service derives one from the
    email's local part (PLATFORM.md "Accounts seen across surfaces"), so rental's name is never
    null and the account signs in on rental with it."""
    c = api.register_repair()
    local = c["email"].split("@")[0]
    body = assert_json(api.get(f"/user/{c['id']}", token=api.admin["token"]), 200)
    assert body["name"] == local and body["uid"] == c["id"] and body["is_admin"] is False
    assert assert_json(api.login_rental(local, c["password"]), 200)["user_id"] == c["id"]
    # A second account with the same local part gets the next free suffix.
    twin = identity("rp")
    twin["email"] = local + "@other.example.com"
    t = api.register_repair(twin)
    assert assert_json(api.get(f"/user/{t['id']}", token=api.admin["token"]), 200)["name"] == \
        local + "1"


# --- PATCH /user/{uid} --------------------------------------------------------------------------


def test_patch_own_name(api):
    u = create(api)
    new = identity()["username"]
    r = api.patch(f"/user/{u['id']}", token=u["token"], json={"name": new})
    check_user(assert_json(r, 200), uid=u["id"], name=new)
    assert api.login_rental(new, u["password"]).status_code == 200
    assert api.login_rental(u["username"], u["password"]).status_code == 401


def test_patch_empty_body_changes_nothing(api):
    u = create(api)
    r = api.patch(f"/user/{u['id']}", token=u["token"], json={})
    check_user(assert_json(r, 200), uid=u["id"], name=u["username"])


def test_patch_other_is_forbidden_admin_may(api):
    a, b = create(api), create(api)
    assert_detail(api.patch(f"/user/{b['id']}", token=a["token"], json={"name": "zz" + a["username"]}),
                  403, "Not enough permissions")
    new = identity()["username"]
    r = api.patch(f"/user/{b['id']}", token=api.admin["token"], json={"name": new})
    check_user(assert_json(r, 200), uid=b["id"], name=new)


def test_patch_cash_needs_admin(api):
    u = create(api)
    assert_detail(api.patch(f"/user/{u['id']}", token=u["token"], json={"cash": 100}), 403,
                  "Not enough permissions")
    body = assert_json(api.get(f"/user/{u['id']}", token=u["token"]), 200)
    assert body["cash"] == 0


@pytest.mark.parametrize("body,loc,type_", [
    ({"cash": -1}, ["body", "cash"], "greater_than_equal"),
    ({"cash": -0.01}, ["body", "cash"], "greater_than_equal"),
    ({"cash": "lots"}, ["body", "cash"], None),
    ({"name": ""}, ["body", "name"], "string_too_short"),
    ({"name": 5}, ["body", "name"], "string_type"),
    ({"name": "n" * 256}, ["body", "name"], None),
])
def test_patch_validation(api, body, loc, type_):
    u = create(api)
    r = api.patch(f"/user/{u['id']}", token=api.admin["token"], json=body)
    e = assert_422(r, loc, type_)
    if loc == ["body", "cash"] and type_ is None:
        assert e["type"] in ("float_type", "decimal_type", "float_parsing", "decimal_parsing")


def test_patch_duplicate_name(api):
    a, b = create(api), create(api)
    assert_detail(api.patch(f"/user/{a['id']}", token=a["token"], json={"name": b["username"]}),
                  400, "Username already exists")


def test_patch_not_found_and_bad_id(api):
    assert_detail(api.patch("/user/987654321", token=api.admin["token"], json={"name": "q"}), 404,
                  "User not found")
    assert_422(api.patch("/user/x1", token=api.admin["token"], json={"name": "q"}),
               ["path", "uid"], "int_parsing")
    assert_json_invalid(api.patch("/user/1", token=api.admin["token"], data="{'name': 1}",
                                  headers={"Content-Type": "application/json"}))


def test_patch_cannot_make_oneself_admin(api):
    u = create(api)
    r = api.patch(f"/user/{u['id']}", token=u["token"], json={"is_admin": True})
    assert r.status_code in (200, 403, 422)
    body = assert_json(api.get(f"/user/{u['id']}", token=api.admin["token"]), 200)
    assert body["is_admin"] is False
    assert api.get("/user/all", token=u["token"]).status_code == 403


# --- DELETE /user/{uid} -------------------------------------------------------------------------


def test_delete_self(api):
    u = create(api)
    r = api.delete(f"/user/{u['id']}", token=u["token"])
    assert assert_json(r, 200) == {"message": "User deleted successfully"}
    assert_detail(api.get(f"/user/{u['id']}", token=api.admin["token"]), 404, "User not found")
    assert_detail(api.login_rental(u["username"], u["password"]), 401,
                  "Incorrect username or password")


def test_delete_other_forbidden_admin_may(api):
    a, b = create(api), create(api)
    assert_detail(api.delete(f"/user/{b['id']}", token=a["token"]), 403, "Not enough permissions")
    assert api.get(f"/user/{b['id']}", token=b["token"]).status_code == 200
    assert assert_json(api.delete(f"/user/{b['id']}", token=api.admin["token"]), 200) == {
        "message": "User deleted successfully"}
    assert_detail(api.delete(f"/user/{b['id']}", token=api.admin["token"]), 404, "User not found")


def test_delete_bad_id(api):
    assert_422(api.delete("/user/abc", token=api.admin["token"]), ["path", "uid"], "int_parsing")

