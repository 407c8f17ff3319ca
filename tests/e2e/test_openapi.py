"""/openapi.json, /docs, /redoc and their assets (PLATFORM.md "Documentation and operations
endpoints"): the document is valid OpenAPI (checked by @apidevtools/swagger-parser from
deploy/web, installed by deploy/dev/web-assets.sh), every documented operation is served and the
documented paths serve no other method, the pages load only the gateway's own URLs, and without
the assets the gateway still starts and /docs answers 503."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
import websocket

from conftest import _finish, _run_stack
from fleet_e2e import Client, assert_json

REPO = Path(__file__).resolve().parents[2]
WEB_DIR = REPO / "deploy" / "web"
VALIDATOR = Path(__file__).with_name("validate_openapi.mjs")
SURFACES = ["rental", "users-v1", "repair", "streetlight", "pisync"]
METHODS = ["get", "post", "put", "patch", "delete"]

# Operations the documents define and the gateway serves today: each must be documented (more
# may be; the unit test of the tables checks rows and operations are the same set).
CONTRACT_OPERATIONS = {
    ("post", "/auth/token"), ("get", "/user/all"), ("get", "/user/{uid}"), ("post", "/user"),
    ("patch", "/user/{uid}"), ("delete", "/user/{uid}"), ("get", "/device/all"),
    ("get", "/device/{device_id}"), ("post", "/device/start/{device_id}"),
    ("post", "/device/stop/{device_id}"), ("get", "/device/ws/timeleft/{device_id}"),
    ("get", "/device/ws/status/{device_id}"),
    ("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/register"),
    ("get", "/api/v1/users/"), ("get", "/api/v1/users/{user_id}"),
    ("put", "/api/v1/users/{user_id}"), ("delete", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/ws/{client_id}"),
    ("post", "/v1/auth/register"), ("post", "/v1/auth/login"), ("post", "/v1/auth/refresh"),
    ("post", "/v1/auth/logout"), ("get", "/v1/users"), ("post", "/v1/users"),
    ("get", "/v1/users/{user_id}"), ("patch", "/v1/users/{user_id}"),
    ("delete", "/v1/users/{user_id}"),
    ("post", "/api/auth/register"), ("post", "/api/auth/login"),
    ("get", "/api/lights/list"), ("get", "/api/lights/detail"), ("get", "/api/lights/summary"),
    ("get", "/api/lights/map"), ("post", "/api/lights/control"),
    ("post", "/api/lights/update-status"),
    ("post", "/pisync/auth/register"), ("post", "/pisync/auth/login"),
    ("get", "/pisync/devices"), ("get", "/pisync/devices/{id}"),
}


@pytest.fixture(scope="module")
def document(api):
    r = api.get("/openapi.json")
    return assert_json(r, 200)


def operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


def is_websocket(op) -> bool:
    return "101" in op["responses"]


def concrete(path: str, op) -> str:
    """The path with each {param} replaced by a value of its type (1 for integers)."""
    types = {p["name"]: p.get("schema", {}).get("type") for p in op.get("parameters", [])
             if p["in"] == "path"}
    return re.sub(r"\{([^}]+)\}",
                  lambda m: "1" if types.get(m.group(1)) == "integer" else "probe", path)


def template_matches(template: str, path: str) -> bool:
    pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
    return re.match(pattern, path) is not None


def route_not_found(r: requests.Response) -> bool:
    """The router's own 404 (no such route), as opposed to a 404 about an object."""
    if r.status_code != 404:
        return False
    try:
        body = r.json()
    except ValueError:
        return True
    return body in ({"detail": "Not Found"}, {"message": "Route not found"},
                    {"status": 404, "message": "Route not found", "data": None})


def test_openapi_json_is_served_as_json(api):
    r = api.get("/openapi.json")
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["openapi"].startswith("3.")


def test_the_document_is_valid_openapi(document, tmp_path):
    node = shutil.which("node")
    assert node, "node is not installed (Debian: nodejs)"
    parser = WEB_DIR / "node_modules" / "@apidevtools" / "swagger-parser"
    assert parser.is_dir(), f"{parser} is missing: run deploy/dev/web-assets.sh"
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document))
    r = subprocess.run([node, str(VALIDATOR), str(WEB_DIR), str(spec)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, f"swagger-parser: {r.stdout}{r.stderr}"
    assert r.stdout.startswith("valid:"), r.stdout


def test_info_tags_and_security(document):
    assert document["info"]["title"] == "Fleetgate"
    assert [t["name"] for t in document["tags"]] == SURFACES
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"]}
    for method, path, op in operations(document):
        assert op["tags"][0] in SURFACES, (method, path)


def test_the_documents_operations_are_documented(document):
    documented = {(method, path) for method, path, _ in operations(document)}
    missing = CONTRACT_OPERATIONS - documented
    assert not missing, f"served but not documented: {sorted(missing)}"


def test_users_v1_email_and_repair_phone_are_nullable(document):
    schemas = document["components"]["schemas"]
    assert schemas["UsersV1User"]["properties"]["email"]["nullable"] is True
    assert schemas["RepairUser"]["properties"]["phone"]["nullable"] is True


def test_every_documented_operation_is_served(api, document):
    """Called without a token (and without a body), each documented operation answers something
    other than the router's 404 or a 405; a WebSocket refuses the handshake with 401."""
    problems = []
    for method, path, op in operations(document):
        url_path = concrete(path, op)
        if is_websocket(op):
            try:
                ws = websocket.create_connection(api.stack.ws_url + url_path, timeout=5)
                ws.close()
                problems.append(f"{method} {path}: a WebSocket opened without a token")
            except websocket.WebSocketBadStatusException as e:
                if e.status_code != 401:
                    problems.append(f"{method} {path}: handshake {e.status_code}, not 401")
            continue
        r = api.request(method.upper(), url_path)
        if r.status_code == 405 or route_not_found(r):
            problems.append(f"{method.upper()} {url_path} ({path}) -> {r.status_code} {r.text[:200]}")
    assert not problems, "documented but not served:\n" + "\n".join(problems)


def test_documented_paths_serve_no_undocumented_method(api, document):
    """The other way round, for the documented paths: a method the document does not give for
    a path (nor for another template that matches it) is 405."""
    documented = [(method, path) for method, path, _ in operations(document)]
    problems = []
    for method, path, op in operations(document):
        if is_websocket(op):
            continue
        url_path = concrete(path, op)
        for other in METHODS:
            if any(m == other and template_matches(p, url_path) for m, p in documented):
                continue
            r = api.request(other.upper(), url_path)
            if r.status_code != 405:
                problems.append(f"{other.upper()} {url_path} -> {r.status_code}")
    assert not problems, "served but not documented:\n" + "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("page,assets", [
    ("/docs", ["/docs/assets/swagger-ui.css", "/docs/assets/swagger-ui-bundle.js"]),
    ("/redoc", ["/docs/assets/redoc.standalone.js"]),
])
def test_pages_load_only_the_gateways_own_urls(api, page, assets):
    r = api.get(page)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/html")
    urls = re.findall(r'(?:src|href|spec-url)="([^"]*)"', r.text) + \
        re.findall(r'url:\s*"([^"]*)"', r.text)
    assert urls, r.text
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), f"{page} loads {url}"
    for asset in assets:
        assert asset in urls
    assert "validatorUrl: null" in r.text or page == "/redoc"


@pytest.mark.parametrize("name,content_type", [
    ("swagger-ui.css", "text/css"),
    ("swagger-ui-bundle.js", "text/javascript"),
    ("redoc.standalone.js", "text/javascript"),
    ("favicon-32x32.png", "image/png"),
])
def test_assets_are_served_with_type_and_cache_header(api, name, content_type):
    r = api.get(f"/docs/assets/{name}")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(content_type)
    assert "max-age=" in r.headers.get("Cache-Control", "")
    assert len(r.content) > 500


@pytest.mark.parametrize("path", [
    "/docs/assets/package.json", "/docs/assets/index.html", "/docs/assets/..%2Fpackage.json",
    "/docs/assets/swagger-ui-dist%2Fswagger-ui.css", "/docs/assets/a/b", "/docs/nope",
])
def test_only_whitelisted_assets(api, path):
    r = api.get(path)
    assert r.status_code == 404, (path, r.status_code, r.text[:200])


@pytest.fixture(scope="module")
def no_assets_api(request):
    s = _run_stack("e2e-no-docs-assets", {"DOCS_ASSETS_DIR": "/nonexistent/fleetgate-assets"})
    yield Client(s.base_url, allow_5xx=True)  # the 503s are the point
    _finish(s, request.session)


def test_without_assets_the_gateway_starts_and_docs_answer_503(no_assets_api):
    api = no_assets_api
    assert assert_json(api.get("/healthz"), 200) == {"status": "ok"}
    assert api.get("/openapi.json").status_code == 200
    for path in ("/docs", "/redoc", "/docs/assets/swagger-ui-bundle.js"):
        r = api.get(path)
        body = assert_json(r, 503)
        assert body["detail"].startswith("docs assets not installed"), body
