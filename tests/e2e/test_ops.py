"""Operations and the gateway's edge: /healthz, /readyz, X-Request-Id, request id propagation,
unknown routes, wrong methods, body limits, no 5xx from any client error, upstream failures,
graceful shutdown."""
import json
import re
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from fleet_e2e import (MIB, RESPONSES, SERVICE_ROWS, Api, Stack, assert_detail, assert_json,
                       assert_pisync_error, assert_streetlight_error, identity, wait_for,
                       ws_close_code)

GOING_AWAY = 1001
ROOT = Path(__file__).resolve().parents[2]


def test_healthz(api):
    r = api.get("/healthz")
    assert assert_json(r, 200) == {"status": "ok"}


def test_readyz(api):
    r = api.get("/readyz")
    assert assert_json(r, 200) == {"status": "ready"}


def test_metrics_count_a_request_under_its_route_template(api):
    me = api.admin  # no new account: test_weird_paths_do_not_crash expects ids 2.. to be free
    assert api.get(f"/api/v1/users/{me['id']}", token=me["token"]).status_code == 200
    text = api.get("/metrics").text
    series = ('fleetgate_route_requests_total{surface="users-v1",method="GET",'
              'route="/api/v1/users/{user_id}",status="200"} ')
    assert series in text, text[-3000:]
    assert f"/api/v1/users/{me['id']}\"" not in text
    assert ('fleetgate_route_duration_seconds_count{surface="users-v1",method="GET",'
            'route="/api/v1/users/{user_id}"} ') in text
    # The stack's own admin login went to auth: its calls are counted with their latency.
    assert 'fleetgate_upstream_calls_total{service="auth",method="Login",code="OK"} ' in text
    assert 'fleetgate_upstream_call_duration_seconds_count{service="auth",method="Login"} ' in text


def _service_metrics(stack, name: str) -> str:
    r = requests.get(f"http://127.0.0.1:{stack.metrics_port(name)}/metrics", timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain"), r.text
    return r.text


def _sample(text: str, series: str) -> float:
    """The value of one series (name and labels exactly as rendered) in a metrics page."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {series} in\n{text[-3000:]}")


def test_each_service_serves_its_own_metrics(api):
    """RPCs by method and code, DB pool use and transactions, on each service's METRICS_PORT."""
    for name in SERVICE_ROWS:
        text = _service_metrics(api.stack, name)
        for family in ("fleetgate_grpc_server_handled_total", "fleetgate_grpc_server_handling_seconds",
                       "fleetgate_db_pool_connections", "fleetgate_db_pool_max_connections",
                       "fleetgate_db_pool_waiting", "fleetgate_db_transactions_total",
                       "fleetgate_db_transaction_retries_total", "fleetgate_worker_queue_depth"):
            assert f"# TYPE {family} " in text, (name, family)
        assert _sample(text, "fleetgate_service_serving") == 1, name
        assert _sample(text, "fleetgate_db_pool_max_connections") == 4, name  # DB_POOL_SIZE

    # A login is counted by auth under its method and code, a failed one too.
    login = 'fleetgate_grpc_server_handled_total{grpc_service="fleetgate.auth.v1.AuthService",' \
            'grpc_method="Login",code="%s"}'
    before = _service_metrics(api.stack, "auth")
    ok_before = _sample(before, login % "OK")
    bad = login % "UNAUTHENTICATED"
    bad_before = _sample(before, bad) if bad + " " in before else 0
    assert api.login_rental(api.admin["username"], api.admin["password"]).status_code == 200
    assert api.login_rental(api.admin["username"], "wrong password").status_code == 401
    after = _service_metrics(api.stack, "auth")
    assert _sample(after, login % "OK") == ok_before + 1
    assert _sample(after, bad) == bad_before + 1

    # Setting a wallet's cash commits a transaction in device-session (wallet and ledger).
    me = api.admin
    committed = 'fleetgate_db_transactions_total{outcome="committed"}'
    before = _sample(_service_metrics(api.stack, "device-session"), committed)
    cash = api.get(f"/user/{me['id']}", token=me["token"]).json()["cash"]
    r = api.patch(f"/user/{me['id']}", json={"cash": cash}, token=me["token"])
    assert r.status_code == 200, r.text
    assert _sample(_service_metrics(api.stack, "device-session"), committed) > before


def test_every_metric_the_dashboard_queries_is_on_a_metrics_page(api):
    """deploy/grafana/fleetgate.json asks only for metrics that the gateway or a service serves."""
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "fleetgate.json").read_text())
    queried = {name for panel in dashboard["panels"] for target in panel["targets"]
               for name in re.findall(r"\bfleetgate_[a-z_]+", target["expr"])}
    assert len(queried) >= 15, queried
    pages = [api.get("/metrics").text] + [_service_metrics(api.stack, name)
                                          for name in SERVICE_ROWS]
    families = {m for page in pages for m in re.findall(r"^# TYPE (\S+) ", page, re.M)}
    histograms = {m for page in pages for m in re.findall(r"^# TYPE (\S+) histogram", page, re.M)}
    served = families | {h + suffix for h in histograms for suffix in ("_bucket", "_sum", "_count")}
    assert queried <= served, f"not on any /metrics page: {sorted(queried - served)}"


def test_every_response_carries_a_request_id(api):
    paths = [("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/no/such/route"),
             ("GET", "/user/all"), ("POST", "/pisync/auth/login"), ("GET", "/v1/users/abc")]
    ids = []
    for method, path in paths:
        r = api.request(method, path, data="{" if method == "POST" else None)
        rid = r.headers.get("X-Request-Id")
        assert rid, f"{method} {path} -> {r.status_code} without X-Request-Id"
        ids.append(rid)
    assert len(set(ids)) == len(ids), ids  # one id per request
    missing = [(m, p, s) for m, p, s, rid in RESPONSES if not rid]
    assert not missing, f"responses without X-Request-Id: {missing[:10]}"


def test_request_id_reaches_the_services(api):
    """The gateway's request id travels in gRPC metadata and appears in the services' logs."""
    r = api.login_rental(api.admin["username"], api.admin["password"])
    assert r.status_code == 200
    rid = r.headers["X-Request-Id"]
    deadline = time.time() + 5
    while time.time() < deadline:
        services = {name for name, _, line in api.stack.log_lines()
                    if rid in line and name in ("auth", "user")}
        if services:
            break
        time.sleep(0.2)
    assert services, f"request id {rid} of a login is in no auth/user log line"


@pytest.mark.parametrize("path,check", [
    ("/nope", lambda r: assert_detail(r, 404, "Not Found")),
    ("/user/all/extra", lambda r: assert_detail(r, 404, "Not Found")),
    ("/api/v1/nope", lambda r: assert_detail(r, 404, "Not Found")),
    ("/v1/nope", lambda r: assert_detail(r, 404, "Not Found")),
    ("/api/nope", lambda r: assert_streetlight_error(r, 404, "Route not found")),
    ("/pisync/nope", lambda r: assert_pisync_error(r, 404, "Route not found")),
])
def test_unknown_routes_get_404_in_the_surface_body(api, path, check):
    check(api.get(path))
    check(api.post(path, json={}))


@pytest.mark.parametrize("method,path,check", [
    ("GET", "/auth/token", lambda r: assert_detail(r, 405, "Method Not Allowed")),
    ("PUT", "/user/all", lambda r: assert_detail(r, 405, "Method Not Allowed")),
    ("GET", "/api/v1/auth/login", lambda r: assert_detail(r, 405, "Method Not Allowed")),
    ("GET", "/v1/auth/register", lambda r: assert_detail(r, 405, "Method Not Allowed")),
    ("GET", "/api/auth/login", lambda r: assert_streetlight_error(r, 405, "Method not allowed")),
    ("GET", "/pisync/auth/login", lambda r: assert_pisync_error(r, 405, "Method not allowed")),
])
def test_known_path_wrong_method_gets_405(api, method, path, check):
    check(api.request(method, path))


def _post_raw(api, path, body, content_type="application/json"):
    head = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    return api.raw(head, body)


@pytest.mark.parametrize("path,shape", [
    ("/auth/token", "detail"), ("/api/v1/auth/login", "detail"), ("/v1/auth/login", "detail"),
    ("/api/auth/login", "streetlight"), ("/pisync/auth/login", "pisync"),
])
def test_body_over_one_mib_gets_413(api, path, shape):
    body = b'{"username": "' + b"x" * MIB + b'"}'
    ctype = "application/x-www-form-urlencoded" if path == "/auth/token" else "application/json"
    if ctype != "application/json":
        body = b"username=" + b"x" * MIB + b"&password=y"
    status, headers, raw = _post_raw(api, path, body, ctype)
    assert status == 413, raw[:300]
    assert headers.get("x-request-id")
    payload = json.loads(raw)
    expected = {"detail": {"detail": "Request body too large"},
                "streetlight": {"status": 413, "message": "Request body too large", "data": None},
                "pisync": {"message": "Request body too large"}}[shape]
    assert payload == expected


def test_chunked_body_over_one_mib_gets_413(api):
    chunk = b"x" * 65536
    pieces = [b'{"username":"'] + [chunk] * 17 + [b'","password":"p"}']
    body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    head = (b"POST /pisync/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
            b"application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    status, _, raw = api.raw(head, body)
    assert status == 413, raw[:300]
    assert json.loads(raw) == {"message": "Request body too large"}


def test_body_of_exactly_one_mib_is_accepted(api):
    """The limit is 1 MiB: a body of exactly that size is parsed (here: bad credentials)."""
    ident = identity()
    core = json.dumps({"username": ident["username"], "password": "wrong"}).encode()
    body = core[:-1] + b" " * (MIB - len(core)) + b"}"
    assert len(body) == MIB
    status, _, raw = _post_raw(api, "/pisync/auth/login", body)
    assert status == 401, raw[:300]
    assert json.loads(raw) == {"message": "Invalid username or password."}


BAD_BODIES = [
    b"", b"{", b"}", b"null", b"[]", b"[1,2]", b"123", b'"text"', b"true", b'{"a":}',
    b'{"username": "a", "password": "b",}', b"\xff\xfe\x00", b'{"username": "\x00"}',
    b'{"username": {"$gt": ""}, "password": {"$gt": ""}}', b'{"username": 1e999}',
    b'{"username": 123456789012345678901234567890}', b'{"username": ["a"], "password": null}',
    b'{"full_name": "' + "\u00e9\u4e2d\U0001f600".encode() + b'", "phone": 5}',
    b"{" * 5000 + b"}" * 5000, b'{"email": "a@b", "limit": -1, "skip": "x"}',
    b'{"username": "' + b"a" * 300 + b'", "password": "' + b"b" * 2000 + b'"}',
    b'{"name": "", "password": "", "is_admin": "yes", "cash": -5, "is_staff": 2}',
]

ENDPOINTS = [
    ("POST", "/auth/token"), ("GET", "/user/all"), ("GET", "/user/1"), ("PATCH", "/user/1"),
    ("DELETE", "/user/999999"), ("POST", "/user"),
    ("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/register"), ("GET", "/api/v1/users/"),
    ("GET", "/api/v1/users/1"), ("PUT", "/api/v1/users/1"), ("DELETE", "/api/v1/users/999999"),
    ("POST", "/v1/auth/register"), ("POST", "/v1/auth/login"), ("POST", "/v1/auth/refresh"),
    ("POST", "/v1/auth/logout"), ("GET", "/v1/users"), ("POST", "/v1/users"),
    ("GET", "/v1/users/1"), ("PATCH", "/v1/users/1"), ("DELETE", "/v1/users/999999"),
    ("POST", "/api/auth/register"), ("POST", "/api/auth/login"),
    ("POST", "/pisync/auth/register"), ("POST", "/pisync/auth/login"),
]


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_no_client_error_produces_a_5xx(api, method, path):
    """Garbage bodies, with and without the admin token, as JSON and as form data: every answer
    is a 4xx (or a success) in JSON, never a 5xx (Api checks that on every response)."""
    for token in (None, api.admin["token"]):
        for body in BAD_BODIES:
            for ctype in ("application/json", "application/x-www-form-urlencoded", "text/plain"):
                r = api.request(method, path, token=token, data=body,
                                headers={"Content-Type": ctype})
                assert r.status_code < 500
                if r.status_code >= 400:
                    assert r.headers["Content-Type"].startswith("application/json"), r.headers
                    r.json()
    for query in ("?limit=-1", "?limit=abc&skip=1e3", "?offset=99999999999999999999",
                  "?skip=%00", "?limit=", "?a=%zz"):
        assert api.request(method, path + query, token=api.admin["token"]).status_code < 500


def test_weird_paths_do_not_crash(api):
    for path in ("/user/-1", "/user/99999999999999999999999", "/user/1.5", "/user/%20",
                 "/v1/users/0x10", "/api/v1/users/%2e%2e", "/v1/users/1/../2", "//user//all",
                 "/" + "a" * 4000, "/user/" + "9" * 400):
        r = api.get(path, token=api.admin["token"])
        assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:200])


def test_oversized_header_is_refused_with_a_4xx(api):
    r = api.get("/healthz", headers={"X-Big": "a" * (64 * 1024)})
    assert 400 <= r.status_code < 500


# --- upstream failures and shutdown: a stack of their own --------------------------------------


@pytest.fixture(scope="module")
def fragile(request):
    stack = Stack("e2e-fragile", {"UPSTREAM_TIMEOUT_MS": "1000",
                                   "CORS_ORIGINS": "; repair=https://shop.example.com",
                                   "CORS_MAX_AGE": "120"})
    stack.start()
    yield stack
    stack.stop()
    if request.session.testsfailed == 0:
        shutil.rmtree(stack.dir, ignore_errors=True)


# --- CORS (on the fragile stack before it is broken) --------------------------------------------------------------------------------------


def test_cors_is_off_by_default(api):
    r = api.request("OPTIONS", "/device/all", headers={"Origin": "https://app.example.com",
                                                        "Access-Control-Request-Method": "GET"})
    assert_detail(r, 400, "Disallowed CORS origin")
    r = api.get("/healthz", headers={"Origin": "https://app.example.com"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers


def test_cors_preflight_and_response_headers_per_surface(fragile):
    api = Api(fragile)
    preflight = {"Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"}
    r = api.request("OPTIONS", "/v1/orders", headers=preflight)
    assert r.status_code == 204, r.text
    assert r.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert r.headers["Access-Control-Max-Age"] == "120"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
    # The repair origin is not the streetlight surface's; refusals use the surface's error body.
    assert_streetlight_error(api.request("OPTIONS", "/api/lights/list", headers=preflight), 400,
                             "Disallowed CORS origin")
    # A real request from the allowed origin can be read by the browser.
    me = api.repair_customer()
    r = api.get(f"/v1/users/{me['id']}", token=me["token"],
                headers={"Origin": "https://shop.example.com"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert "X-Request-Id" in r.headers["Access-Control-Expose-Headers"]


def test_a_hung_upstream_is_a_generic_504_after_the_deadline(fragile):
    api = Api(fragile, allow_5xx=True)
    me = api.register_v1()
    user = fragile.process("user").proc
    user.send_signal(signal.SIGSTOP)
    try:
        # A list always asks the user service (one account may be answered from the gateway's
        # account cache, whose feed a stopped process does not break).
        started = time.time()
        r = api.get("/api/v1/users/", token=api.admin["token"])
        elapsed = time.time() - started
        assert_detail(r, 504, "Upstream timeout")
        assert 0.8 < elapsed < 4, elapsed  # UPSTREAM_TIMEOUT_MS=1000
        r = api.post("/pisync/auth/login", json={"username": me["username"],
                                                  "password": me["password"]})
        assert_pisync_error(r, 504, "Upstream timeout")
    finally:
        user.send_signal(signal.SIGCONT)
    deadline = time.time() + 15
    while api.get("/readyz").status_code != 200 and time.time() < deadline:
        time.sleep(0.3)
    assert assert_json(api.get(f"/api/v1/users/{me['id']}", token=me["token"]), 200)["id"] == me["id"]


def test_token_is_verified_locally_and_upstream_outage_is_a_generic_503(fragile):
    api = Api(fragile, allow_5xx=True)
    me = api.register_v1()
    fragile.process("auth").stop()
    # The gateway verifies tokens itself: reading one's own account needs only the user service.
    r = api.get(f"/api/v1/users/{me['id']}", token=me["token"])
    assert assert_json(r, 200)["username"] == me["username"]
    deadline = time.time() + 15
    while api.get("/readyz").status_code != 503 and time.time() < deadline:
        time.sleep(0.3)
    assert assert_json(api.get("/readyz"), 503) == {"status": "not ready"}
    assert_detail(api.login_rental(me["username"], me["password"]), 503, "Service unavailable")
    assert_detail(api.login_v1(me["username"], me["password"]), 503, "Service unavailable")
    assert_streetlight_error(api.login_streetlight(me["email"], me["password"]), 503,
                             "Service unavailable")
    assert_pisync_error(api.login_pisync(me["username"], me["password"]), 503,
                        "Service unavailable")
    # Client errors are still answered by the gateway itself.
    assert api.post("/pisync/auth/login", data="{").status_code == 400
    fragile.process("user").stop()
    r = api.get(f"/api/v1/users/{me['id']}", token=me["token"])
    assert r.status_code == 503 and r.json() == {"detail": "Service unavailable"}


def test_processes_shut_down_gracefully_on_sigterm(fragile):
    fragile.stop()
    # auth and user were stopped by the previous test (or are stopped now); all exit 0.
    assert fragile.exit_codes.get("gateway") == 0, fragile.exit_codes
    for p in fragile.processes:
        assert p.proc.returncode == 0, (p.name, p.proc.returncode, p.tail())



# --- rate limits (PLATFORM.md): the defaults, on a stack of their own ---------------------------


@pytest.fixture(scope="module")
def limited(request):
    stack = Stack("e2e-limited", {"RATE_LIMITS": "users-v1=10/20; docs=30/20"})
    stack.start()
    yield stack
    stack.stop()
    if request.session.testsfailed == 0:
        shutil.rmtree(stack.dir, ignore_errors=True)


def test_users_v1_burst_passes_then_429_with_retry_after_then_refills(limited):
    api = Api(limited)
    me = api.register_v1()  # one request of the burst
    passed, r = 0, None
    for _ in range(200):  # far faster than 10/s: the bucket empties
        r = api.get(f"/api/v1/users/{me['id']}", token=me["token"])
        if r.status_code != 200:
            break
        passed += 1
    assert passed >= 19, passed  # the burst of 20, less the registration
    assert_detail(r, 429, "Too many requests")
    assert int(r.headers["Retry-After"]) >= 1
    time.sleep(0.35)  # 10/s: three requests' worth
    assert api.get(f"/api/v1/users/{me['id']}", token=me["token"]).status_code == 200
    assert 'fleetgate_rate_limited_total{surface="users-v1"}' in api.get("/metrics").text


def test_rental_and_pisync_are_unlimited_by_default(limited):
    api = Api(limited)
    u = api.rental_user()
    pi = api.login_pisync(limited.admin["username"], limited.admin["password"]).json()["token"]
    for _ in range(40):
        assert api.get("/device/all", token=u["token"]).status_code == 200
        assert api.get("/pisync/devices", token=pi).status_code == 200
    for _ in range(40):
        assert api.get("/healthz").status_code == 200


# --- graceful shutdown: a stack of its own -----------------------------------------------------


def test_sigterm_finishes_the_request_in_flight_and_closes_sockets_with_1001(request):
    stack = Stack("e2e-shutdown")
    stack.start()
    sync = stack.process("sync").proc
    try:
        api = Api(stack)
        u = api.rental_user()
        countdown = api.ws("/device/ws/timeleft/1", token=u["token"])
        assert countdown.recv_json()["device_id"] == 1
        pi = api.login_pisync(stack.admin["username"], stack.admin["password"]).json()["token"]

        # A service's SIGTERM: logins in flight in auth (argon2id takes tens of ms each, on a
        # pool of as many threads as cores) all finish; auth then exits 0.
        logins = []
        senders = [threading.Thread(target=lambda: logins.append(
            api.login_rental(stack.admin["username"], stack.admin["password"])))
            for _ in range(10)]
        for sender in senders:
            sender.start()
        time.sleep(0.1)
        auth = stack.process("auth").proc
        auth.send_signal(signal.SIGTERM)
        for sender in senders:
            sender.join(10)
        assert [r.status_code for r in logins] == [200] * 10, [r.text for r in logins]
        assert auth.wait(10) == 0

        # A sync attempt in flight: sync is stopped, so the gateway waits on it.
        sync.send_signal(signal.SIGSTOP)
        answer = {}
        in_flight = threading.Thread(
            target=lambda: answer.update(r=api.get("/pisync/devices/101", token=pi)))
        in_flight.start()
        time.sleep(0.5)
        gateway = stack.process("gateway").proc
        gateway.send_signal(signal.SIGTERM)
        assert ws_close_code(countdown, 3.0) == GOING_AWAY
        # No new connection is accepted while the request drains.
        with pytest.raises(requests.ConnectionError):
            requests.get(stack.base_url + "/healthz", timeout=2)
        sync.send_signal(signal.SIGCONT)
        in_flight.join(10)
        # The pisync document's outcomes: 200, or 400, 404 or 500 with the device.
        assert answer["r"].status_code in (200, 400, 404, 500), answer["r"].text
        assert answer["r"].json()["device"]["device_id"] == 101
        assert gateway.wait(10) == 0
    finally:
        sync.send_signal(signal.SIGCONT)
        stack.stop()
    assert all(code == 0 for code in stack.exit_codes.values()), stack.exit_codes
    if request.session.testsfailed == 0:
        shutil.rmtree(stack.dir, ignore_errors=True)


# --- readiness follows each service: a stack of its own ------------------------------------------


def test_readyz_is_503_while_any_one_service_is_stopped_and_200_once_it_is_back(request):
    stack = Stack("e2e-readiness")
    stack.start()
    try:
        api = Api(stack, allow_5xx=True)
        for row in SERVICE_ROWS.values():
            if not row["ready"]:
                continue
            name = row["name"]
            assert stack.process(name).stop() == 0, name
            wait_for(f"/readyz 503 without {name}", lambda: api.get("/readyz").status_code == 503, 15)
            assert assert_json(api.get("/readyz"), 503) == {"status": "not ready"}
            stack.restart(name)
            wait_for(f"/readyz 200 with {name} back", lambda: api.get("/readyz").status_code == 200,
                     30)
            assert assert_json(api.get("/readyz"), 200) == {"status": "ready"}
    finally:
        stack.stop()
    if request.session.testsfailed == 0:
        shutil.rmtree(stack.dir, ignore_errors=True)
