"""streetlight surface (/api): auth/register and auth/login, roles viewer/operator/admin."""
import pytest

from fleet_e2e import assert_json, assert_streetlight_error, identity, is_str, password, token_sub


def body_of(ident, **extra):
    body = {"name": ident["full_name"], "email": ident["email"], "password": ident["password"],
            "city": "Delhi"}
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def check_auth_response(r, status, message, ident=None, role="viewer", city="Delhi"):
    body = assert_json(r, status)
    assert set(body) == {"status", "message", "data"}, body
    assert body["status"] == status and body["message"] == message
    assert set(body["data"]) == {"token", "user"}, body
    assert is_str(body["data"]["token"])
    user = body["data"]["user"]
    assert set(user) == {"id", "name", "email", "role", "city"}, user
    assert is_str(user["id"]) and user["id"].isdigit()
    assert token_sub(body["data"]["token"]) == int(user["id"])
    assert user["role"] == role and user["city"] == city
    if ident is not None:
        assert user["name"] == ident["full_name"] and user["email"] == ident["email"]
    return body["data"]


def register(api, role=None, token=None, city="Delhi"):
    ident = identity("sl")
    r = api.post("/api/auth/register", token=token, json=body_of(ident, role=role, city=city))
    data = check_auth_response(r, 201, "User registered successfully", ident, role or "viewer",
                               city)
    ident["id"] = int(data["user"]["id"])
    ident["token"] = data["token"]
    return ident


def test_register_viewer(api):
    v = register(api)
    # The token works on another surface (single sign-on).
    r = api.get(f"/v1/users/{v['id']}", token=v["token"])
    assert assert_json(r, 200)["full_name"] == v["full_name"]


def test_register_explicit_viewer_needs_no_token(api):
    register(api, role="viewer")


def test_register_keeps_the_city(api):
    register(api, city="Mumbai")


def test_login(api):
    v = register(api, city="Mumbai")
    data = check_auth_response(api.login_streetlight(v["email"], v["password"]), 200,
                               "Login successful", v, city="Mumbai")
    assert int(data["user"]["id"]) == v["id"]


def test_login_failures(api):
    v = register(api)
    assert_streetlight_error(api.login_streetlight(v["email"], password()), 401,
                             "Invalid credentials")
    assert_streetlight_error(api.login_streetlight("nobody_" + v["email"], v["password"]), 401,
                             "Invalid credentials")
    for body in ({"email": v["email"]}, {"password": v["password"]}, {},
                 {"email": "", "password": v["password"]}, {"email": v["email"], "password": ""},
                 {"email": 5, "password": v["password"]}, {"email": v["email"], "password": None}):
        assert_streetlight_error(api.post("/api/auth/login", json=body), 400, "Missing credentials")


@pytest.mark.parametrize("change", [
    {"name": None}, {"email": None}, {"password": None}, {"city": None}, {"name": ""},
    {"name": "   "}, {"password": ""}, {"city": 5}, {"email": ["a@b.co"]},
])
def test_register_missing_fields(api, change):
    ident = identity("sl")
    body = body_of(ident)
    for k, v in change.items():
        if v is None:
            del body[k]
        else:
            body[k] = v
    assert_streetlight_error(api.post("/api/auth/register", json=body), 400,
                             "Missing required fields")
    assert_streetlight_error(api.login_streetlight(ident["email"], ident["password"]), 401)


@pytest.mark.parametrize("email", ["plain", "a@b", "@example.com", "a b@example.com"])
def test_register_invalid_email(api, email):
    ident = identity("sl")
    assert_streetlight_error(api.post("/api/auth/register", json=body_of(ident, email=email)), 400,
                             "Invalid email")


def test_register_invalid_role(api):
    ident = identity("sl")
    r = api.post("/api/auth/register", token=api.admin["token"],
                 json=body_of(ident, role="superhero"))
    assert_streetlight_error(r, 400, "Invalid role")


def test_register_duplicate(api):
    v = register(api)
    other = identity("sl")
    r = api.post("/api/auth/register", json=body_of(other, email=v["email"]))
    assert_streetlight_error(r, 400, "User already exists")


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_privileged_roles_need_an_admin_token(api, role):
    ident = identity("sl")
    assert_streetlight_error(api.post("/api/auth/register", json=body_of(ident, role=role)), 403,
                             "Insufficient permissions")
    viewer = register(api)
    assert_streetlight_error(api.post("/api/auth/register", token=viewer["token"],
                                      json=body_of(ident, role=role)), 403,
                             "Insufficient permissions")
    op = api.make_user("operator")
    assert_streetlight_error(api.post("/api/auth/register", token=op["token"],
                                      json=body_of(ident, role=role)), 403,
                             "Insufficient permissions")
    assert_streetlight_error(api.login_streetlight(ident["email"], ident["password"]), 401,
                             "Invalid credentials")
    created = register(api, role=role, token=api.admin["token"])
    data = check_auth_response(api.login_streetlight(created["email"], created["password"]), 200,
                               "Login successful", created, role=role)
    assert data["user"]["role"] == role


def test_roles_map_from_other_surfaces(api):
    """An operator made on repair is an operator here; the admin is an admin."""
    op = api.make_user("operator")
    data = check_auth_response(api.login_streetlight(op["email"], op["password"]), 200,
                               "Login successful", role="operator", city=None)
    assert data["user"]["name"] == op["full_name"]
    r = api.login_streetlight(api.admin["email"], api.admin["password"])
    assert assert_json(r, 200)["data"]["user"]["role"] == "admin"


def test_malformed_json_is_400(api):
    for raw in ('{"name": ', "[]", "null", "nonsense"):
        r = api.post("/api/auth/register", data=raw, headers={"Content-Type": "application/json"})
        assert_streetlight_error(r, 400)
        r = api.post("/api/auth/login", data=raw, headers={"Content-Type": "application/json"})
        assert_streetlight_error(r, 400)
