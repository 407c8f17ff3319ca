"""pisync surface (/pisync): auth/register and auth/login."""
import pytest

from fleet_e2e import assert_json, assert_pisync_error, identity, is_str, password, token_sub

REQUIRED = "Username and password are required"


def check_token(r, status, message):
    body = assert_json(r, status)
    assert set(body) == {"message", "token"}, body
    assert body["message"] == message and is_str(body["token"]) and body["token"].count(".") == 2
    return body["token"]


def test_register_and_login(api):
    ident = identity("pi")
    t1 = check_token(api.register_pisync(ident["username"], ident["password"]), 201,
                     "User registered successfully.")
    t2 = check_token(api.login_pisync(ident["username"], ident["password"]), 200,
                     "Login successful.")
    assert token_sub(t1) == token_sub(t2)
    # A pisync account is a platform account: its token reads it on users-v1.
    r = api.get(f"/api/v1/users/{token_sub(t2)}", token=t2)
    assert assert_json(r, 200)["username"] == ident["username"]


def test_register_duplicate(api):
    ident = identity("pi")
    assert api.register_pisync(ident["username"], ident["password"]).status_code == 201
    assert_pisync_error(api.register_pisync(ident["username"], password()), 400,
                        "Username already exists")
    # The first password still holds.
    check_token(api.login_pisync(ident["username"], ident["password"]), 200, "Login successful.")


def test_login_wrong(api):
    ident = identity("pi")
    api.register_pisync(ident["username"], ident["password"])
    assert_pisync_error(api.login_pisync(ident["username"], password()), 401,
                        "Invalid username or password.")
    assert_pisync_error(api.login_pisync("ghost_" + ident["username"], ident["password"]), 401,
                        "Invalid username or password.")


@pytest.mark.parametrize("path", ["/pisync/auth/register", "/pisync/auth/login"])
@pytest.mark.parametrize("body", [
    {}, {"username": "someone"}, {"password": "x"}, {"username": "", "password": "x"},
    {"username": "  ", "password": "x"}, {"username": "someone", "password": ""},
    {"username": 5, "password": "x"}, {"username": "someone", "password": 5},
    {"username": None, "password": "x"}, {"username": ["a"], "password": "x"},
])
def test_missing_or_wrong_fields(api, path, body):
    assert_pisync_error(api.post(path, json=body), 400, REQUIRED)


@pytest.mark.parametrize("path", ["/pisync/auth/register", "/pisync/auth/login"])
def test_malformed_json(api, path):
    for raw in ('{"username": "a", ', "[1]", "nope"):
        r = api.post(path, data=raw, headers={"Content-Type": "application/json"})
        assert_pisync_error(r, 400)


def test_other_accounts_sign_in_here(api):
    """An account registered on users-v1 signs in on pisync with its username."""
    u = api.register_v1()
    t = check_token(api.login_pisync(u["username"], u["password"]), 200, "Login successful.")
    assert token_sub(t) == u["id"]
