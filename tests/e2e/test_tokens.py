"""Access tokens on every protected endpoint: missing, ill-formed, tampered, expired,
not-yet-valid, alg none, wrongly signed, wrong issuer -> 401 in the surface's body; a token we
mint with the stack's key and the right claims works (so the refusals are about the defect)."""
import pytest

from fleet_e2e import Minter, assert_detail, assert_streetlight_error, identity, token_parts


@pytest.fixture(scope="module")
def victim(api):
    """A plain user; the bad tokens claim its id with role admin."""
    return api.make_user("user")


def _protected(api, victim):
    """(method, path, json body) of every protected endpoint of issue #2, with valid bodies so
    that only the token decides."""
    uid = victim["id"]
    other = identity("pt")
    return [
        ("GET", "/user/all", None),
        ("GET", f"/user/{uid}", None),
        ("PATCH", f"/user/{uid}", {"name": other["username"]}),
        ("DELETE", f"/user/{uid}", None),
        ("POST", "/user", {"name": other["username"], "password": other["password"]}),
        ("GET", "/api/v1/users/", None),
        ("GET", "/api/v1/users", None),
        ("GET", f"/api/v1/users/{uid}", None),
        ("PUT", f"/api/v1/users/{uid}", {"full_name": "x"}),
        ("DELETE", f"/api/v1/users/{uid}", None),
        ("GET", "/v1/users", None),
        ("POST", "/v1/users", {"full_name": "x", "phone": other["phone"], "email": other["email"],
                               "password": other["password"]}),
        ("GET", f"/v1/users/{uid}", None),
        ("PATCH", f"/v1/users/{uid}", {"full_name": "x"}),
        ("DELETE", f"/v1/users/{uid}", None),
    ]


def _assert_401(r, text):
    assert_detail(r, 401, text)
    assert r.headers.get("WWW-Authenticate", "").lower().startswith("bearer"), r.headers


def test_no_or_ill_formed_authorization_is_not_authenticated(api, victim):
    for method, path, body in _protected(api, victim):
        for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer"},
                        {"Authorization": "Bearer "}, {"Authorization": "Basic YWRtaW46YWRtaW4="},
                        {"Authorization": victim["token"]}):
            r = api.request(method, path, json=body, headers=headers)
            _assert_401(r, "Not authenticated")


def test_bad_tokens_cannot_validate_credentials(api, victim):
    bad = api.bad_tokens(victim)
    for method, path, body in _protected(api, victim):
        for kind, token in bad.items():
            r = api.request(method, path, json=body, token=token)
            assert r.status_code == 401, f"{kind} token on {method} {path}: {r.status_code} {r.text}"
            _assert_401(r, "Could not validate credentials")
    # Nothing was changed by any of them.
    r = api.get(f"/api/v1/users/{victim['id']}", token=victim["token"])
    assert r.status_code == 200 and r.json()["full_name"] == victim["full_name"]


def test_a_minted_token_with_the_right_key_and_claims_works(api, victim):
    """Positive control for the test above: same key, same header, valid claims."""
    token = api.mint.token(victim["id"], "user")
    r = api.get(f"/api/v1/users/{victim['id']}", token=token)
    assert r.status_code == 200 and r.json()["id"] == victim["id"], r.text
    assert api.get("/user/all", token=token).status_code == 403
    admin = api.mint.token(api.admin["id"], "admin")
    assert api.get("/user/all", token=admin).status_code == 200


def test_issued_tokens_are_eddsa_with_the_documented_claims(api, victim):
    header, claims = token_parts(victim["token"])
    assert header["alg"] == "EdDSA"
    assert claims["iss"] == "fleetgate"
    assert claims["aud"] == "fleetgate"
    assert claims["sub"] == str(victim["id"])
    assert claims["role"] == "user"
    assert isinstance(claims["exp"], int) and isinstance(claims["iat"], int)
    assert claims["exp"] - claims["iat"] == 3600  # ACCESS_TOKEN_TTL default
    assert claims.get("jti")
    _, admin_claims = token_parts(api.admin["token"])
    assert admin_claims["role"] == "admin" and admin_claims["sub"] == str(api.admin["id"])


def test_each_issued_token_is_unique(api, victim):
    a = api.login_v1(victim["username"], victim["password"]).json()["access_token"]
    b = api.login_v1(victim["username"], victim["password"]).json()["access_token"]
    assert a != b and token_parts(a)[1]["jti"] != token_parts(b)[1]["jti"]


def test_streetlight_register_with_a_bad_token_is_401(api, victim):
    """The only streetlight endpoint that reads a token in issue #2: registering a non-viewer."""
    for kind, token in api.bad_tokens(victim).items():
        ident = identity("sl")
        r = api.post("/api/auth/register", token=token,
                     json={"name": ident["full_name"], "email": ident["email"],
                           "password": ident["password"], "city": "Delhi", "role": "operator"})
        assert r.status_code == 401, f"{kind}: {r.status_code} {r.text}"
        assert_streetlight_error(r, 401, "Invalid or missing token")
        assert api.login_streetlight(ident["email"], ident["password"]).status_code == 401


def test_tampering_the_role_of_a_real_token_is_refused(api, victim):
    forged = Minter.tampered_payload(victim["token"], role="admin")
    assert_detail(api.get("/user/all", token=forged), 401, "Could not validate credentials")
    assert api.get("/user/all", token=victim["token"]).status_code == 403
