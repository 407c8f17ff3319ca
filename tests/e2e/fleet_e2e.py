"""End-to-end harness: starts the services of services/services.tsv (fleetgate-user,
fleetgate-auth, fleetgate-device-session, ...) and fleetgate-gateway against a real MariaDB
(TEST_DB_*, or a server of the test's own), with a clock offset file shared by all of them so
that tests can move time, and gives tests an HTTP client that
checks the platform-wide invariants on every response (no 5xx from a client error, no password or
argon2 hash in any response) and a WebSocket client."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import pwd
import random
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
import requests
import websocket
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services_list import read_services

MIB = 1024 * 1024

# Every password a test sends, every token the platform hands out: none may appear in a response
# (passwords) or a log line (both).
PASSWORDS: set[str] = set()
TOKENS: set[str] = set()
# (method, path, status, X-Request-Id) of every response, for the operations tests.
RESPONSES: list[tuple[str, str, int, str | None]] = []


# ---------------------------------------------------------------------------------------------
# Values


def password() -> str:
    value = f"Pw-{secrets.token_hex(8)}!"
    PASSWORDS.add(value)
    return value


def tag() -> str:
    return secrets.token_hex(5)


def phone() -> str:
    return "7" + "".join(secrets.choice("0123456789") for _ in range(9))


def identity(prefix: str = "u") -> dict:
    t = tag()
    return {
        "username": f"{prefix}_{t}",
        "email": f"{prefix}_{t}@example.com",
        "phone": phone(),
        "full_name": f"Test {prefix.title()} {t}",
        "password": password(),
    }


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_parts(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def token_sub(token: str) -> int:
    return int(token_parts(token)[1]["sub"])


# ---------------------------------------------------------------------------------------------
# JSON shape checks (bool is an int in Python, so types are compared exactly)

RE_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")  # rental, users-v1, streetlight
RE_NAIVE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")  # repair


def is_int(v) -> bool:
    return type(v) is int


def is_number(v) -> bool:
    return type(v) in (int, float)


def is_str(v) -> bool:
    return type(v) is str


def is_bool(v) -> bool:
    return type(v) is bool


def recent_utc(text: str, regex: re.Pattern, minutes: int = 10) -> bool:
    """True when text has the surface's format and is a UTC time within `minutes` of now."""
    if not regex.match(text):
        return False
    t = datetime.strptime(text.rstrip("Z"), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return abs(datetime.now(timezone.utc) - t) < timedelta(minutes=minutes)


def assert_json(r: requests.Response, status: int):
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:500]}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    return r.json()


def assert_detail(r: requests.Response, status: int, text: str):
    """rental, users-v1, repair: {"detail": text}"""
    body = assert_json(r, status)
    assert body == {"detail": text}, body


def assert_streetlight_error(r: requests.Response, status: int, message: str | None = None):
    body = assert_json(r, status)
    assert set(body) == {"status", "message", "data"}, body
    assert body["status"] == status and body["data"] is None, body
    assert is_str(body["message"]) and body["message"], body
    if message is not None:
        assert body["message"] == message, body


def assert_pisync_error(r: requests.Response, status: int, message: str | None = None):
    body = assert_json(r, status)
    assert set(body) == {"message"} and is_str(body["message"]) and body["message"], body
    if message is not None:
        assert body["message"] == message, body


def assert_422(r: requests.Response, loc: list, type_: str | None = None, msg: str | None = None):
    """FastAPI/pydantic v2 validation error containing an entry at `loc`."""
    body = assert_json(r, 422)
    assert set(body) == {"detail"} and isinstance(body["detail"], list) and body["detail"], body
    for entry in body["detail"]:
        assert {"loc", "msg", "type"} <= set(entry), entry
        assert isinstance(entry["loc"], list) and is_str(entry["msg"]) and is_str(entry["type"])
    found = [e for e in body["detail"] if e["loc"] == loc]
    assert found, f"no error at {loc}: {body}"
    if type_ is not None:
        assert found[0]["type"] == type_, found[0]
    if msg is not None:
        assert found[0]["msg"] == msg, found[0]
    return found[0]


def assert_json_invalid(r: requests.Response):
    body = assert_json(r, 422)
    entry = body["detail"][0]
    assert entry["type"] == "json_invalid", body
    assert entry["loc"][0] == "body" and len(entry["loc"]) == 2 and is_int(entry["loc"][1]), body
    assert entry["msg"] == "JSON decode error", body


# ---------------------------------------------------------------------------------------------
# HTTP client


def _collect_tokens(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("access_token", "refresh_token", "token") and is_str(v) and v:
                TOKENS.add(v)
            else:
                _collect_tokens(v)
    elif isinstance(value, list):
        for v in value:
            _collect_tokens(v)


def check_response(method: str, path: str, status: int, headers, text: str, allow_5xx: bool):
    RESPONSES.append((method, path, status, headers.get("X-Request-Id")))
    if not allow_5xx:
        assert status < 500, f"{method} {path} -> {status}: {text[:500]}"
    assert "$argon2" not in text, f"{method} {path}: a password hash in the response"
    everything = text + "\n" + "\n".join(f"{k}: {v}" for k, v in headers.items())
    for pw in PASSWORDS:
        assert pw not in everything, f"{method} {path}: a password in the response"


class Client:
    def __init__(self, base_url: str, allow_5xx: bool = False):
        self.base = base_url
        self.allow_5xx = allow_5xx
        self.http = requests.Session()

    def request(self, method: str, path: str, token: str | None = None, headers=None, **kw):
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        kw.setdefault("timeout", 20)
        r = self.http.request(method, self.base + path, headers=h, **kw)
        check_response(method, path, r.status_code, r.headers, r.text, self.allow_5xx)
        try:
            _collect_tokens(r.json())
        except ValueError:
            pass
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def raw(self, request_head: bytes, body: bytes = b"", chunk: int = 65536):
        """Sends a hand-made request over a fresh socket and returns (status, headers, body).
        The body goes in pieces; if the gateway answers early (e.g. 413 after the headers) we
        stop sending and read, so a server that refuses early is not mistaken for a reset."""
        host, port = self.base.split("//")[1].split(":")
        sock = socket.create_connection((host, int(port)), timeout=20)
        try:
            sock.sendall(request_head)
            sent = 0
            while sent < len(body):
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                try:
                    sent += sock.send(body[sent : sent + chunk])
                except (BrokenPipeError, ConnectionResetError):
                    break
            data = b""
            while b"\r\n\r\n" not in data:
                part = sock.recv(65536)
                if not part:
                    break
                data += part
            head, _, rest = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {}
            for line in lines[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length", "0"))
            while len(rest) < length:
                part = sock.recv(65536)
                if not part:
                    break
                rest += part
        finally:
            sock.close()
        text = rest.decode("utf-8", "replace")
        path = request_head.split(b" ")[1].decode()
        method = request_head.split(b" ")[0].decode()
        check_response(method, path, status, {k.title(): v for k, v in headers.items()},
                       text, self.allow_5xx)
        return status, headers, rest


# ---------------------------------------------------------------------------------------------
# Tokens we mint ourselves with the stack's signing key (or another one)


class Minter:
    def __init__(self, key: Ed25519PrivateKey, header: dict, issuer: str = "fleetgate",
                 now=time.time):
        self.key = key
        self.now = now  # the stack's clock, which tests may have moved
        # The fields of a real token's header (e.g. "kid") so that a minted token differs from a
        # real one only where a test wants it to.
        self.header = {k: v for k, v in header.items() if k != "alg"}
        self.issuer = issuer

    def claims(self, sub, role: str, **override) -> dict:
        now = int(self.now())
        claims = {"iss": self.issuer, "aud": "fleetgate", "sub": str(sub), "role": role,
                  "iat": now, "nbf": now, "exp": now + 600, "jti": secrets.token_hex(16)}
        claims.update(override)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, sub, role: str, key: Ed25519PrivateKey | None = None, **override) -> str:
        return jwt.encode(self.claims(sub, role, **override), key or self.key, algorithm="EdDSA",
                          headers=self.header)

    def expired(self, sub, role):
        now = int(self.now())
        return self.token(sub, role, iat=now - 7200, nbf=now - 7200, exp=now - 3600)

    def not_yet_valid(self, sub, role):
        now = int(self.now())
        return self.token(sub, role, iat=now + 3600, nbf=now + 3600, exp=now + 7200)

    def wrong_key(self, sub, role):
        return self.token(sub, role, key=Ed25519PrivateKey.generate())

    def wrong_issuer(self, sub, role):
        return self.token(sub, role, iss="someone-else")

    def wrong_audience(self, sub, role):
        return self.token(sub, role, aud="another-service")

    def no_audience(self, sub, role):
        return self.token(sub, role, aud=None)

    def standard_base64_signature(self, sub, role):
        """A valid token whose signature is spelled in standard base64 ('+', '/') instead of
        base64url: the same bytes, a second spelling, which must be refused."""
        for _ in range(1000):
            header, payload, sig = self.token(sub, role).split(".")
            if "-" in sig or "_" in sig:
                return header + "." + payload + "." + sig.replace("-", "+").replace("_", "/")
        raise AssertionError("no signature with '-' or '_' in 1000 tokens")

    def alg_none(self, sub, role):
        header = dict(self.header, alg="none")
        return (b64url(json.dumps(header).encode()) + "." +
                b64url(json.dumps(self.claims(sub, role)).encode()) + ".")

    def hs256_with_public_key(self, sub, role):
        """The classic algorithm confusion: HMAC keyed with the public key's PEM."""
        pem = self.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
        header = dict(self.header, alg="HS256")
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(self.claims(sub, role)).encode()))
        sig = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
        return signing_input + "." + b64url(sig)

    @staticmethod
    def tampered_payload(token: str, **changes) -> str:
        """Same header and signature, payload changed (e.g. role=admin)."""
        header, payload, sig = token.split(".")
        claims = json.loads(b64url_decode(payload))
        claims.update(changes)
        return header + "." + b64url(json.dumps(claims).encode()) + "." + sig

    @staticmethod
    def tampered_signature(token: str) -> str:
        header, payload, sig = token.split(".")
        raw = bytearray(b64url_decode(sig))
        raw[0] ^= 0x01
        return header + "." + payload + "." + b64url(bytes(raw))


# ---------------------------------------------------------------------------------------------
# The stack


def wait_for(what, predicate, timeout=15.0, every=0.05):
    """The first truthy value of predicate(), polled until `timeout` seconds have passed."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(every)


_HANDED_OUT: set[int] = set()


def _free_port() -> int:
    """A port nobody listens on, never the same twice in one run, and below Linux's ephemeral
    range (32768+): a port from bind(0) can be taken meanwhile as the local port of an outgoing
    connection (gRPC channels, MariaDB clients) or handed out again by the kernel."""
    rng = random.SystemRandom()
    for _ in range(1000):
        port = rng.randrange(20000, 32768)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    raise RuntimeError("no free port in 20000-32767")


class Database:
    """The MariaDB server of TEST_DB_*, shared by every stack of a test run."""

    def __init__(self):
        missing = [v for v in ("TEST_DB_HOST", "TEST_DB_PORT", "TEST_DB_USER") if v not in os.environ]
        if missing or "TEST_DB_PASSWORD" not in os.environ:
            raise RuntimeError(
                "e2e tests need a MariaDB: set TEST_DB_HOST, TEST_DB_PORT, TEST_DB_USER and "
                "TEST_DB_PASSWORD (./deploy/dev/test does)")
        self.host = os.environ["TEST_DB_HOST"]
        self.port = os.environ["TEST_DB_PORT"]
        self.user = os.environ["TEST_DB_USER"]
        self.password = os.environ["TEST_DB_PASSWORD"]

    @property
    def service_host(self) -> str:
        """DB_HOST for the services: this server (a cluster lists all of its nodes)."""
        return self.host

    def _client(self, args: list[str], timeout: float = 60, port=None) -> str:
        env = dict(os.environ)
        if self.password:
            env["MYSQL_PWD"] = self.password
        done = subprocess.run(["mariadb", "--no-defaults", "--protocol=TCP", "-h", self.host, "-P",
                               str(port or self.port), "-u", self.user, *args],
                              check=True, env=env, capture_output=True, timeout=timeout, text=True)
        return done.stdout

    def run(self, sql: str):
        self._client(["-e", sql])

    def query(self, database: str, sql: str, port=None) -> list[list[str | None]]:
        """Rows of a SELECT as strings (None for NULL), read with the mariadb client (from
        `port` when given, else from this server's)."""
        out = self._client(["-N", "-B", "-D", database, "-e", sql], port=port)
        return [[None if v == "NULL" else v for v in line.split("\t")]
                for line in out.splitlines()]


class OwnDatabase(Database):
    """A MariaDB server of the test's own (mariadbd in a temporary directory on a free port, as
    deploy/dev/lib.sh starts one), so that a test may stop or kill it and start it again on the
    same data."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.host, self.port, self.user, self.password = "127.0.0.1", str(_free_port()), "root", ""
        self.log = directory / "mariadb.log"
        self.proc: subprocess.Popen | None = None
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={directory}/data",
                        f"--user={_user_name()}", "--auth-root-authentication-method=normal",
                        "--skip-test-db"], check=True, capture_output=True, timeout=120)

    def start(self, timeout: float = 60):
        log = open(self.log, "ab")
        self.proc = subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--datadir={self.dir}/data",
             f"--socket={self.dir}/mariadb.sock", f"--pid-file={self.dir}/mariadbd.pid",
             f"--port={self.port}", "--bind-address=127.0.0.1", f"--user={_user_name()}"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log.close()
        deadline = time.time() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mariadbd exited ({self.proc.returncode}): {self.log}")
            try:
                self.run("SELECT 1")
                return
            except subprocess.SubprocessError:
                if time.time() > deadline:
                    raise RuntimeError(f"mariadbd did not answer within {timeout} s: {self.log}")
                time.sleep(0.2)

    def stop(self, kill: bool = False, grace: float = 60):
        """SIGTERM (a clean shutdown) or SIGKILL (a crash: InnoDB recovers on the next start)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(30)


class GaleraCluster(Database):
    """A 3-node MariaDB Galera cluster of the test's own, run by deploy/dev/galera in `directory`
    (or the cluster already up there): the services get every node in DB_HOST, the harness's own
    queries go to a live node, and a test may kill a node and start it again."""

    SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "dev" / "galera"
    PROVIDER = Path("/usr/lib/galera/libgalera_smm.so")

    def __init__(self, directory: Path):
        self.dir = directory
        self.host, self.user, self.password = "127.0.0.1", "root", ""
        self.ports: dict[int, str] = {}
        self.live: set[int] = set()

    @classmethod
    def running(cls, directory: Path) -> "GaleraCluster":
        """The cluster `deploy/dev/galera up` has started in `directory`."""
        if not (directory / "nodes.tsv").exists():
            raise RuntimeError(f"no Galera cluster in {directory} (deploy/dev/galera up)")
        cluster = cls(directory)
        cluster._read_nodes()
        return cluster

    def _script(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run([str(self.SCRIPT), *args], capture_output=True, text=True,
                              env={**os.environ, "GALERA_DIR": str(self.dir)}, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"deploy/dev/galera {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def _read_nodes(self):
        for line in (self.dir / "nodes.tsv").read_text().splitlines():
            node, client_port, *_ = line.split("\t")
            self.ports[int(node)] = client_port
            self.live.add(int(node))

    @property
    def port(self) -> str:
        """The client port of the first live node (the harness's queries go there)."""
        return self.ports[min(self.live)]

    @property
    def service_host(self) -> str:
        return ",".join(f"127.0.0.1:{self.ports[n]}" for n in sorted(self.ports))

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)  # the nodes run as mysql, which must reach their directories
        self._script("up")
        self._read_nodes()

    def stop(self):
        self._script("down")
        self.live.clear()

    def kill(self, node: int):
        """SIGKILL one node, as a crash would."""
        self.live.discard(node)
        self._script("kill", str(node))

    def start_node(self, node: int):
        """Starts a stopped or killed node; returns once it has rejoined (Synced)."""
        self._script("start", str(node))
        self.live.add(node)

    def status(self, node: int, variable: str) -> str:
        return self.query_node(node, "mysql", f"SHOW GLOBAL STATUS LIKE '{variable}'")[0][1]

    def query_node(self, node: int, database: str, sql: str) -> list[list[str | None]]:
        return self.query(database, sql, port=self.ports[node])


def _user_name() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


class Process:
    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name = name
        self.log = log
        self._log_file = open(log, "ab")
        self.proc = subprocess.Popen(argv, env=env, stdout=self._log_file,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, grace: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds; returns the exit code (None if killed)."""
        code = None
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        else:
            code = self.proc.returncode
        self._log_file.close()
        return code

    def kill(self):
        """SIGKILL: a crash, nothing gets to finish."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)
        self._log_file.close()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# UPSTREAM_TIMEOUT_MS's default: no answer through the gateway may take longer (plus slack).
DEADLINE = 5.0


@dataclass
class Answer:
    started: float
    elapsed: float
    status: int
    body: str


class Load:
    """`clients` threads calling `request()` in a loop until stopped, every answer recorded (the
    fault tests: what was answered while something was killed)."""

    def __init__(self, request, clients: int = 3):
        self.request, self.answers, self.running = request, [], True
        self.threads = [threading.Thread(target=self._run) for _ in range(clients)]

    def _run(self):
        while self.running:
            started = time.time()
            try:
                r = self.request()
                status, body = r.status_code, r.text
            except requests.ConnectionError as e:  # recorded as status 0: no answer at all
                status, body = 0, str(e)
            self.answers.append(Answer(started, time.time() - started, status, body))
            time.sleep(0.01)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        for t in self.threads:
            t.join(DEADLINE + 10)


# The sync service's seed in every stack (SYNC_SEED): its outcomes are the same in every run.
SYNC_SEED = "20250423"

# The services of services/services.tsv, in start order, then the gateway; stopped in reverse.
SERVICE_ROWS = {row["name"]: row for row in read_services()}
SERVICES = (*SERVICE_ROWS, "gateway")
BINARIES = {**{name: row["binary"] for name, row in SERVICE_ROWS.items()},
            "gateway": "fleetgate-gateway"}


def replica_name(name: str, k: int) -> str:
    """Replica k (from 1) of a service or the gateway: the first keeps the plain name, so that
    process(), metrics_port() and restart() of a single stack work on a replicated one too."""
    return name if k == 1 else f"{name}@{k}"


class Stack:
    """The services of services/services.tsv (device-session with DEMO_DEVICES=on) and
    fleetgate-gateway on free ports, each service with a database of its own, the admin account
    from ADMIN_*, a signing key file we keep so that tests can mint tokens, and one clock offset
    file for all the processes (shift_clock moves the stack's time)."""

    def __init__(self, label: str, extra_env: dict | None = None, db: Database | None = None):
        self.db = db or Database()
        bin_dir = os.environ.get("FLEETGATE_BIN_DIR")
        if not bin_dir:
            raise RuntimeError("set FLEETGATE_BIN_DIR to <build>/bin (ctest does)")
        self.bin_dir = Path(bin_dir)
        for binary in BINARIES.values():
            if not (self.bin_dir / binary).exists():
                raise RuntimeError(f"{self.bin_dir / binary} does not exist: build it first")
        self.label = label
        self.extra_env = extra_env or {}
        log_root = os.environ.get("FLEETGATE_E2E_LOG_DIR")
        if log_root:
            Path(log_root).mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=log_root))
        t = tag()
        # e2e_<tag>_user for fleetgate_user, and so on.
        self.db_names = {name: f"e2e_{t}_" + row["database"].removeprefix("fleetgate_")
                         for name, row in SERVICE_ROWS.items()}
        self.admin = {"username": f"admin_{t}", "password": password(),
                      "email": f"admin_{t}@example.com", "phone": phone()}
        self.processes: list[Process] = []
        self.envs: dict[str, dict] = {}
        self.argvs: dict[str, list[str]] = {}
        self.exit_codes: dict[str, int | None] = {}
        self.clock_file = self.dir / "clock-offset"
        self.clock_offset = 0.0
        self._write_clock()

    # -- time --

    def _write_clock(self):
        tmp = self.clock_file.with_suffix(".tmp")
        tmp.write_text(f"{self.clock_offset}\n")
        os.replace(tmp, self.clock_file)  # atomic: a process never reads a half-written number

    def shift_clock(self, seconds: float):
        """Moves the stack's time forward by `seconds` in every process; returns once all of them
        have re-read the offset file (they do every 100 ms)."""
        self.clock_offset += seconds
        self._write_clock()
        time.sleep(0.3)

    def epoch(self) -> float:
        """The stack's time as a Unix timestamp."""
        return time.time() + self.clock_offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.epoch(), timezone.utc)

    # -- lifecycle --

    def start(self):
        for name in self.db_names.values():
            self.db.run(f"CREATE DATABASE `{name}`")
        self.key = Ed25519PrivateKey.generate()
        key_file = self.dir / "signing-key.pem"
        key_file.write_bytes(self.key.private_bytes(serialization.Encoding.PEM,
                                                    serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
        key_file.chmod(0o600)
        self.key_file = key_file
        self.ports = {name: _free_port() for name in SERVICES}
        self._launch()
        self.wait_ready()
        self.client = Client(self.base_url)
        r = self.client.post("/auth/token", data={"username": self.admin["username"],
                                                  "password": self.admin["password"]})
        assert r.status_code == 200, f"admin login failed: {r.status_code} {r.text}"
        self.admin["token"] = r.json()["access_token"]
        self.admin["id"] = r.json()["user_id"]
        self.minter = Minter(self.key, token_parts(self.admin["token"])[0], now=self.epoch)

    def _launch(self):
        """Starts the services and the gateway, one process each; sets the URLs."""
        addr = {name: f"127.0.0.1:{self.ports[name]}" for name in SERVICE_ROWS}
        for name in SERVICE_ROWS:
            self._add(name, self._service_env(name, self.ports[name], addr))
        self._add("gateway", self._gateway_env(self.ports["gateway"], addr))
        self.gateway_urls = [f"http://127.0.0.1:{self.ports['gateway']}"]
        self.base_url = self.gateway_urls[0]
        self.ws_url = f"ws://127.0.0.1:{self.ports['gateway']}"

    def _base_env(self) -> dict:
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                "LOG_LEVEL": "debug", "FLEETGATE_CLOCK_OFFSET_FILE": str(self.clock_file)}

    def _service_env(self, name: str, port: int, addr: dict[str, str]) -> dict:
        """A service's environment: its database, its port, the addresses of what it needs."""
        row = SERVICE_ROWS[name]
        db = {"DB_HOST": self.db.service_host, "DB_PORT": str(self.db.port),
              "DB_USER": self.db.user, "DB_PASSWORD": self.db.password, "DB_POOL_SIZE": "4",
              "WORKER_THREADS": "4"}
        # What a service gets besides its database, its port and the addresses it needs.
        special = {
            "user": {"ADMIN_USERNAME": self.admin["username"], "ADMIN_EMAIL": self.admin["email"],
                     "ADMIN_PHONE": self.admin["phone"]},
            "auth": {"AUTH_SIGNING_KEY_FILE": str(self.key_file),
                     "ADMIN_USERNAME": self.admin["username"],
                     "ADMIN_PASSWORD": self.admin["password"]},
            "device-session": {"DEMO_DEVICES": "on"},
            "streetlight": {"DEMO_LIGHTS": "on"},
            # pisync devices 101-105; a fixed seed, so that sync outcomes repeat run after run.
            "sync": {"DEMO_SYNC_DEVICES": "on", "SYNC_SEED": SYNC_SEED},
        }
        return {**self._base_env(), **db, "DB_NAME": self.db_names[name],
                row["port_env"]: str(port),
                # /metrics on a port the kernel picks (metrics_port() reads it back):
                # no second pick from the range the other ports share.
                "METRICS_PORT": "0",
                **{SERVICE_ROWS[n]["addr_env"]: addr[n] for n in row["needs"]},
                **special.get(name, {})}

    def _gateway_env(self, port: int, addr: dict[str, str]) -> dict:
        # Every test talks from 127.0.0.1, far faster than users-v1's 10/s: limits are off
        # unless a test's stack sets RATE_LIMITS (test_ops.py checks the defaults).
        return {**self._base_env(), "GATEWAY_PORT": str(port),
                "GATEWAY_THREADS": "2", "RATE_LIMITS": "off",
                **{row["addr_env"]: addr[name] for name, row in SERVICE_ROWS.items()}}

    def _add(self, name: str, env: dict, argv: list[str] | None = None):
        """Starts process `name` (a binary of ours unless argv says otherwise) with `env` and the
        stack's extra_env."""
        env.update({k: v for k, v in self.extra_env.items() if v is not None})
        self.envs[name] = env
        self.argvs[name] = argv or [str(self.bin_dir / BINARIES[name.split("@")[0]])]
        self.processes.append(self._spawn(name))

    def _spawn(self, name: str) -> Process:
        return Process(name, self.argvs[name], self.envs[name], self.dir / f"{name}.log")

    def restart(self, name: str):
        """Starts `name` again (after stop or kill) with the same environment and port."""
        i = next(i for i, p in enumerate(self.processes) if p.name == name)
        assert not self.processes[i].alive(), f"{name} is still running"
        self.processes[i] = self._spawn(name)

    def wait_ready(self, timeout: float = 60):
        deadline = time.time() + timeout
        while True:
            dead = [p for p in self.processes if not p.alive()]
            if dead:
                raise RuntimeError("exited during start: " + ", ".join(
                    f"{p.name} (exit {p.proc.returncode})\n{p.tail()}" for p in dead))
            try:
                # Every gateway of a replicated stack, then the balancer in front of them.
                urls = dict.fromkeys([*self.gateway_urls, self.base_url])
                if all(requests.get(url + "/readyz", timeout=2).status_code == 200
                       for url in urls):
                    return
            except requests.RequestException:
                pass
            if time.time() > deadline:
                raise RuntimeError(f"{self.base_url}/readyz not 200 after {timeout} s\n" +
                                   "\n".join(f"--- {p.name}\n{p.tail()}" for p in self.processes))
            time.sleep(0.2)

    def metrics_port(self, service: str) -> int:
        """The port of a service's own /metrics, from its latest metrics_listening log line."""
        lines = self.process(service).log.read_text(errors="replace").splitlines()
        events = [json.loads(line) for line in lines if '"event":"metrics_listening"' in line]
        assert events, f"{service} logged no metrics_listening"
        return int(events[-1]["port"])

    def process(self, name: str) -> Process:
        return next(p for p in self.processes if p.name == name)

    def sql(self, service: str, query: str) -> list[list[str | None]]:
        """Rows from a service's own database (tests may look behind the gateway)."""
        return self.db.query(self.db_names[service], query)

    def stop(self):
        for p in reversed(self.processes):  # gateway first
            self.exit_codes[p.name] = p.stop()
        for name in self.db_names.values():
            try:
                self.db.run(f"DROP DATABASE IF EXISTS `{name}`")
            except subprocess.SubprocessError:
                pass

    def log_lines(self):
        for p in self.processes:
            try:
                text = p.log.read_text(errors="replace")
            except OSError:
                continue
            for n, line in enumerate(text.splitlines(), 1):
                yield p.name, n, line

    def leaked_secrets(self) -> list[str]:
        """Log lines that carry a password, a token or an argon2 hash."""
        found = []
        secrets_ = [(s, "a password") for s in PASSWORDS] + [(t, "a token") for t in TOKENS]
        for name, n, line in self.log_lines():
            if "$argon2" in line:
                found.append(f"{name}.log:{n}: an argon2 hash")
            for value, what in secrets_:
                if value in line:
                    found.append(f"{name}.log:{n}: {what}")
        return found


HAPROXY_TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "dev" / "haproxy.cfg"


class ReplicatedStack(Stack):
    """The replicated run of deploy/dev/up --replicas 2 (issue 12): nats-server, two replicas of
    every service marked replicated in services/services.tsv (replica 2 is process "<name>@2"),
    one of the others, two gateways ("gateway", "gateway@2") balancing over the replicas, and
    haproxy in front of them. base_url and ws_url are haproxy's; gateway_urls each gateway's."""

    REPLICAS = 2

    def _launch(self):
        for tool in ("nats-server", "haproxy"):
            if not shutil.which(tool):
                raise RuntimeError(f"{tool} is missing (deploy/dev/lib.sh installs it)")
        self.ports["nats"] = _free_port()
        self._add("nats", self._base_env(),
                  ["nats-server", "-a", "127.0.0.1", "-p", str(self.ports["nats"])])
        nats = {"NATS_URL": f"nats://127.0.0.1:{self.ports['nats']}"}
        # Every replica's port, the first one's being self.ports[name] as in a single stack.
        self.replica_ports = {
            name: [self.ports[name], *(_free_port() for _ in range(self.REPLICAS - 1))]
            if name == "gateway" or SERVICE_ROWS[name]["replicated"] else [self.ports[name]]
            for name in SERVICES}
        addr = {name: ",".join(f"127.0.0.1:{p}" for p in self.replica_ports[name])
                for name in SERVICE_ROWS}
        for name in SERVICE_ROWS:
            for k, port in enumerate(self.replica_ports[name], 1):
                self._add(replica_name(name, k), {**self._service_env(name, port, addr), **nats})
        for k, port in enumerate(self.replica_ports["gateway"], 1):
            self._add(replica_name("gateway", k), {**self._gateway_env(port, addr), **nats,
                                                    "TRUSTED_PROXIES": "127.0.0.1"})
        self.gateway_urls = [f"http://127.0.0.1:{p}" for p in self.replica_ports["gateway"]]
        self.ports["haproxy"] = _free_port()
        servers = "\n".join(f"    server gateway{k} 127.0.0.1:{p} check"
                            for k, p in enumerate(self.replica_ports["gateway"], 1))
        config = self.dir / "haproxy.cfg"
        config.write_text(HAPROXY_TEMPLATE.read_text()
                          .replace("@BIND@", f"127.0.0.1:{self.ports['haproxy']}")
                          .replace("@SERVERS@", servers))
        self._add("haproxy", self._base_env(), ["haproxy", "-db", "-f", str(config)])
        self.base_url = f"http://127.0.0.1:{self.ports['haproxy']}"
        self.ws_url = f"ws://127.0.0.1:{self.ports['haproxy']}"

    def replicas(self, name: str) -> list[str]:
        """The process names of every replica of a service or of the gateway."""
        return [replica_name(name, k) for k in range(1, len(self.replica_ports[name]) + 1)]


# ---------------------------------------------------------------------------------------------
# What tests call


class Api(Client):
    """A client of one stack, with sign-in helpers for every surface."""

    def __init__(self, stack: Stack, allow_5xx: bool = False):
        super().__init__(stack.base_url, allow_5xx)
        self.stack = stack
        self.admin = stack.admin
        self.mint = stack.minter

    # users-v1
    def register_v1(self, ident: dict | None = None, full_name: bool = True) -> dict:
        ident = dict(ident or identity("v1"))
        body = {k: ident[k] for k in ("email", "username", "password")}
        if full_name:
            body["full_name"] = ident["full_name"]
        r = self.post("/api/v1/auth/register", json=body)
        assert r.status_code == 200, f"register_v1: {r.status_code} {r.text}"
        ident["token"] = r.json()["access_token"]
        ident["id"] = token_sub(ident["token"])
        return ident

    def login_v1(self, username: str, pw: str) -> requests.Response:
        return self.post("/api/v1/auth/login", json={"username": username, "password": pw})

    # rental
    def login_rental(self, username: str, pw: str) -> requests.Response:
        return self.post("/auth/token", data={"username": username, "password": pw})

    # repair
    def register_repair(self, ident: dict | None = None) -> dict:
        ident = dict(ident or identity("rp"))
        r = self.post("/v1/auth/register", json={k: ident[k] for k in
                                                  ("full_name", "phone", "email", "password")})
        assert r.status_code == 201, f"register_repair: {r.status_code} {r.text}"
        ident["id"] = r.json()["id"]
        return ident

    def login_repair(self, phone_: str, pw: str) -> requests.Response:
        return self.post("/v1/auth/login", json={"phone": phone_, "password": pw})

    def repair_customer(self) -> dict:
        """A repair customer (role user) with its access and refresh tokens."""
        ident = self.register_repair()
        r = self.login_repair(ident["phone"], ident["password"])
        assert r.status_code == 200, f"login_repair: {r.status_code} {r.text}"
        ident["token"] = r.json()["tokens"]["access_token"]
        ident["refresh_token"] = r.json()["tokens"]["refresh_token"]
        return ident

    # streetlight, pisync
    def login_streetlight(self, email: str, pw: str) -> requests.Response:
        return self.post("/api/auth/login", json={"email": email, "password": pw})

    def register_pisync(self, username: str, pw: str) -> requests.Response:
        return self.post("/pisync/auth/register", json={"username": username, "password": pw})

    def login_pisync(self, username: str, pw: str) -> requests.Response:
        return self.post("/pisync/auth/login", json={"username": username, "password": pw})

    # accounts by role
    def make_user(self, role: str = "user") -> dict:
        """user: registered on users-v1 (username, email, full_name) plus a phone set by the
        admin; operator: created by the admin on repair with is_staff (phone, email, full_name);
        admin: created on rental with is_admin (username only). Each carries a token."""
        if role == "user":
            ident = self.register_v1()
            r = self.patch(f"/v1/users/{ident['id']}", token=self.admin["token"],
                           json={"phone": ident["phone"]})
            assert r.status_code == 200, f"make_user phone: {r.status_code} {r.text}"
            return ident
        if role == "operator":
            ident = identity("op")
            r = self.post("/v1/users", token=self.admin["token"],
                          json={"full_name": ident["full_name"], "phone": ident["phone"],
                                "email": ident["email"], "password": ident["password"],
                                "is_staff": True})
            assert r.status_code == 201, f"make_user operator: {r.status_code} {r.text}"
            ident["id"] = r.json()["id"]
            r = self.login_repair(ident["phone"], ident["password"])
            assert r.status_code == 200, f"operator login: {r.status_code} {r.text}"
            ident["token"] = r.json()["tokens"]["access_token"]
            return ident
        if role == "admin":
            ident = identity("ad")
            r = self.post("/user", token=self.admin["token"],
                          json={"name": ident["username"], "password": ident["password"],
                                "is_admin": True})
            assert r.status_code == 200, f"make_user admin: {r.status_code} {r.text}"
            ident["id"] = r.json()["uid"]
            r = self.login_rental(ident["username"], ident["password"])
            assert r.status_code == 200, f"admin login: {r.status_code} {r.text}"
            ident["token"] = r.json()["access_token"]
            return ident
        raise ValueError(role)

    def bad_tokens(self, victim: dict) -> dict:
        """Tokens every protected endpoint must refuse with 401. Each claims `victim`'s id with
        role admin, so that accepting it would also be a privilege escalation."""
        sub, real = victim["id"], victim["token"]
        return {
            "garbage": "not-a-jwt",
            "two_parts": ".".join(real.split(".")[:2]),
            "tampered_payload": Minter.tampered_payload(real, role="admin"),
            "tampered_signature": Minter.tampered_signature(real),
            "expired": self.mint.expired(sub, "admin"),
            "not_yet_valid": self.mint.not_yet_valid(sub, "admin"),
            "alg_none": self.mint.alg_none(sub, "admin"),
            "wrong_key": self.mint.wrong_key(sub, "admin"),
            "wrong_issuer": self.mint.wrong_issuer(sub, "admin"),
            "wrong_audience": self.mint.wrong_audience(sub, "admin"),
            "no_audience": self.mint.no_audience(sub, "admin"),
            "standard_base64": self.mint.standard_base64_signature(sub, "admin"),
            "hs256_public_key": self.mint.hs256_with_public_key(sub, "admin"),
        }

    # rental wallet and devices
    def rental_user(self, cash: float | None = None, is_admin: bool = False) -> dict:
        """An account created by the admin on rental (POST /user), signed in, with `cash` set by
        the admin (PATCH /user/{uid}) when given."""
        ident = identity("rd")
        r = self.post("/user", token=self.admin["token"],
                      json={"name": ident["username"], "password": ident["password"],
                            "is_admin": is_admin})
        assert r.status_code == 200, f"rental_user: {r.status_code} {r.text}"
        ident["id"] = r.json()["uid"]
        r = self.login_rental(ident["username"], ident["password"])
        assert r.status_code == 200, f"rental_user login: {r.status_code} {r.text}"
        ident["token"] = r.json()["access_token"]
        if cash is not None:
            self.set_cash(ident["id"], cash)
        return ident

    def set_cash(self, uid: int, cash) -> dict:
        r = self.patch(f"/user/{uid}", token=self.admin["token"], json={"cash": cash})
        body = assert_json(r, 200)
        assert body["cash"] == cash, body
        return body

    def cash(self, uid: int):
        return assert_json(self.get(f"/user/{uid}", token=self.admin["token"]), 200)["cash"]

    def device(self, device_id: int) -> dict:
        return assert_json(self.get(f"/device/{device_id}", token=self.admin["token"]), 200)

    def start_device(self, device_id, user_id, minutes, token: str, key: str | None = None):
        headers = {"X-Idempotency-Key": key} if key is not None else None
        return self.post(f"/device/start/{device_id}", token=token, headers=headers,
                         json={"user_id": user_id, "duration_minutes": minutes})

    def stop_device(self, device_id, token: str, key: str | None = None):
        headers = {"X-Idempotency-Key": key} if key is not None else None
        return self.post(f"/device/stop/{device_id}", token=token, headers=headers)

    def free_devices(self):
        """Stops every running demo device (as the admin), so that the next test finds 1-5 idle."""
        for d in assert_json(self.get("/device/all", token=self.admin["token"]), 200):
            if d["user_id"] is not None:
                r = self.stop_device(d["id"], self.admin["token"])
                assert r.status_code in (200, 400), f"free_devices: {r.status_code} {r.text}"

    def ledger(self, user_id: int) -> list[dict]:
        """The device-session ledger rows of an account, oldest first, read from its database."""
        rows = self.stack.sql("device-session",
                              "SELECT kind, amount, balance_after, device_id, session_id, "
                              f"actor_user_id FROM ledger WHERE user_id = {int(user_id)} ORDER BY id")
        keys = ("kind", "amount", "balance_after", "device_id", "session_id", "actor_user_id")
        return [dict(zip(keys, row)) for row in rows]

    # WebSockets
    def ws(self, path: str, token: str | None = None, via: str = "query", **kw) -> "Ws":
        """Opens a WebSocket on the gateway; the token goes as ?token= or as an Authorization
        header. A refused handshake raises websocket.WebSocketBadStatusException."""
        url = self.stack.ws_url + path
        header = []
        if token is not None and via == "query":
            url += ("&" if "?" in url else "?") + "token=" + token
        elif token is not None:
            header.append(f"Authorization: Bearer {token}")
        return Ws(url, header, **kw)


# ---------------------------------------------------------------------------------------------
# Rental devices and WebSocket messages

DEVICE_FIELDS = {"id", "name", "type", "hourly_cost", "user_id", "end_time", "time_left"}
# Demo devices 1-5 (PLATFORM.md "Local run, demo data").
DEMO_DEVICES = {1: ("washer", 1.2), 2: ("washer", 1.2), 3: ("washer", 1.2), 4: ("dryer", 1.5),
                5: ("dryer", 1.5)}


def parse_z(text: str) -> datetime:
    assert RE_Z.match(text), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def check_device(body: dict, device_id: int | None = None, user_id=None, idle: bool | None = None):
    """A rental DeviceResponse with the documented fields and JSON types; idle: user_id, end_time
    and time_left all null; running: all three set."""
    assert set(body) == DEVICE_FIELDS, body
    assert is_int(body["id"]) and is_str(body["name"]) and body["name"], body
    assert is_str(body["type"]) and body["type"] and is_number(body["hourly_cost"]), body
    if body["id"] in DEMO_DEVICES:
        assert (body["type"], body["hourly_cost"]) == DEMO_DEVICES[body["id"]], body
    running = body["user_id"] is not None
    if running:
        assert is_int(body["user_id"]) and is_str(body["end_time"]), body
        assert is_number(body["time_left"]) and body["time_left"] > 0, body
        parse_z(body["end_time"])
    else:
        assert body["end_time"] is None and body["time_left"] is None, body
    if device_id is not None:
        assert body["id"] == device_id, body
    if idle is not None:
        assert running is not idle, body
    if user_id is not None:
        assert body["user_id"] == user_id, body
    return body


class Ws:
    """A WebSocket client that timestamps every message (time.monotonic) as it arrives."""

    def __init__(self, url: str, header: list[str], timeout: float = 10):
        self.sock = websocket.create_connection(url, header=header, timeout=timeout)
        self.opened = time.monotonic()

    def recv(self, timeout: float = 3.0) -> tuple[dict, float]:
        """The next message as JSON and its arrival time; fails after `timeout` seconds."""
        self.sock.settimeout(timeout)
        try:
            text = self.sock.recv()
        except websocket.WebSocketTimeoutException:
            raise AssertionError(f"no message within {timeout} s") from None
        at = time.monotonic()
        assert is_str(text) and text, f"not a text frame: {text!r}"
        try:
            return json.loads(text), at
        except ValueError:
            raise AssertionError(f"not JSON: {text[:300]!r}") from None

    def recv_json(self, timeout: float = 3.0) -> dict:
        return self.recv(timeout)[0]

    def quiet_for(self, seconds: float) -> bool:
        """True when nothing arrives within `seconds`."""
        self.sock.settimeout(seconds)
        try:
            self.sock.recv()
        except websocket.WebSocketTimeoutException:
            return True
        return False

    def send_json(self, value):
        self.sock.send(json.dumps(value))

    def send_text(self, text: str):
        self.sock.send(text)

    def close(self):
        try:
            self.sock.close(timeout=2)
        except (websocket.WebSocketException, OSError):
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def ws_close_code(ws, timeout: float) -> int | None:
    """Reads until the server's close frame; its status code (None if the connection just ends)."""
    ws.sock.settimeout(timeout)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            opcode, frame = ws.sock.recv_data_frame(True)
        except websocket.WebSocketTimeoutException:
            break
        except (websocket.WebSocketConnectionClosedException, OSError):
            return None
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return int.from_bytes(frame.data[:2], "big") if len(frame.data) >= 2 else None
    raise AssertionError(f"the socket stayed open for {timeout} s")
