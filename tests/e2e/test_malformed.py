"""A malformed-input corpus of our own (issue 11), generated from /openapi.json, which the gateway
builds from its endpoint tables: for every documented operation, bad path ids, query values of
the wrong type, invalid UTF-8 and oversize strings, bad JSON, and each body field in turn given a
wrong type, null, an oversize or a non-UTF-8 value. Sent as the admin through the gateway, on a
stack of its own (some operations write). Every answer must be a 4xx in its surface's error body
(or a success where the value is acceptable after all), never a 5xx, and none may take a second."""
from __future__ import annotations

import json
import re
import shutil
import time

import pytest

from fleet_e2e import Api, Stack

METHODS = ("get", "post", "put", "patch", "delete")
SLOW = 1.0  # seconds: no refusal may take longer
BAD_IDS = ["abc", "-1", "0x10", "1.5", "99999999999999999999999", "%ff", "%00", "%20", "9" * 400]
BAD_UTF8 = "\udcff"  # a lone surrogate: json.dumps escapes it, encode() refuses it; see _raw_json
OVERSIZE = "x" * 100_000


@pytest.fixture(scope="module")
def stack(request):
    s = Stack("e2e-malformed")
    s.start()
    yield s
    s.stop()
    if request.session.testsfailed == 0:
        shutil.rmtree(s.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def api(stack):
    return Api(stack, allow_5xx=True)  # the corpus collects 5xx answers itself


@pytest.fixture(scope="module")
def document(api):
    return api.get("/openapi.json").json()


def _resolve(document: dict, schema: dict | None) -> dict:
    while schema and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema or {}


def _types(schema: dict) -> set[str]:
    """The JSON types a schema allows (anyOf/oneOf flattened; nullable adds "null")."""
    if "anyOf" in schema or "oneOf" in schema:
        return {t for s in schema.get("anyOf", schema.get("oneOf")) for t in _types(s)}
    found = set(schema["type"]) if isinstance(schema.get("type"), list) else {schema.get("type")}
    if schema.get("nullable"):
        found.add("null")
    return found - {None}


def _sample(schema: dict):
    """A plausible value of a schema's type, so that one wrong field is the only fault."""
    types = _types(schema) - {"null"}
    if "enum" in schema:
        return schema["enum"][0]
    if "integer" in types:
        return max(1, schema.get("minimum", 1))
    if "number" in types:
        return max(1.0, float(schema.get("minimum", 1)))
    if "boolean" in types:
        return False
    if "array" in types:
        return []
    if "object" in types:
        return {}
    return "sample-" + str(time.time_ns())[-8:]


def _wrong_values(schema: dict, required: bool) -> list[tuple[str, object]]:
    """(what, value) pairs no field of this schema accepts. Null is refused only where the field
    is required: an optional field given null is one left out (the documents' Optional[...])."""
    types = _types(schema)
    wrong = []
    if not types & {"string"}:
        wrong.append(("a string", "not-a-number"))
    if not types & {"integer", "number"}:
        wrong.append(("a number", 12345))
    if not types & {"object"}:
        wrong.append(("an object", {"$gt": ""}))
    if not types & {"array"}:
        wrong.append(("a list", ["a"]))
    if "null" not in types and required:
        wrong.append(("null", None))
    return wrong


def operations(document: dict):
    for path, item in sorted(document["paths"].items()):
        for method, op in item.items():
            if method in METHODS and "/ws/" not in path:  # sockets: tests/e2e/test_realtime.py
                yield method.upper(), path, op


def _error_body_of(path: str, status: int, body) -> bool:
    if path.startswith(("/api/lights", "/api/auth")):
        return (isinstance(body, dict) and set(body) == {"status", "message", "data"}
                and body["status"] == status and body["data"] is None)
    if path.startswith("/pisync"):
        return isinstance(body, dict) and set(body) == {"message"}
    return isinstance(body, dict) and set(body) == {"detail"}


class Corpus:
    """Sends the cases and collects every answer that breaks a rule, to report them together."""

    def __init__(self, api: Api):
        self.api, self.faults, self.sent = api, [], 0

    def send(self, case: str, method: str, path: str, must_refuse: bool, **kw):
        started = time.monotonic()
        r = self.api.request(method, path, token=self.api.stack.admin["token"], **kw)
        elapsed = time.monotonic() - started
        self.sent += 1
        where = f"{method} {path} [{case}] -> {r.status_code} in {elapsed:.2f} s: {r.text[:160]}"
        if r.status_code >= 500 or elapsed > SLOW:
            self.faults.append(where)
        elif r.status_code >= 400:
            try:
                body = r.json()
            except ValueError:
                body = None
            if not _error_body_of(path, r.status_code, body):
                self.faults.append(where + " (not the surface's error body)")
        elif must_refuse:
            self.faults.append(where + " (accepted)")


def _fill(path: str, params: list[dict], bad: dict[str, str] | None = None) -> str:
    def value(match):
        name = match.group(1)
        if bad and name in bad:
            return bad[name]
        spec = next((p for p in params if p["name"] == name), {})
        return "SL001" if _types(spec.get("schema", {})) == {"string"} else "1"
    return re.sub(r"\{([^}]+)\}", value, path)


def _raw_json(value: dict) -> bytes:
    """JSON whose BAD_UTF8 strings become a raw 0xFF byte: invalid UTF-8 on the wire."""
    return json.dumps(value).replace("\\udcff", "\udcff").encode("utf-8", "surrogateescape")


def test_every_operation_refuses_malformed_input_with_a_quick_4xx(api, document):
    corpus = Corpus(api)
    for method, path, op in operations(document):
        params = op.get("parameters", [])
        path_params = [p for p in params if p["in"] == "path"]
        query_params = [p for p in params if p["in"] == "query"]
        good_path = _fill(path, params)

        for p in path_params:
            if _types(p.get("schema", {})) & {"integer", "number"}:
                for bad in BAD_IDS:
                    corpus.send(f"path {p['name']}={bad[:20]}", method,
                                _fill(path, params, {p["name"]: bad}), must_refuse=True)

        for p in query_params:
            schema = p.get("schema", {})
            numeric = bool(_types(schema) & {"integer", "number"}) and "string" not in _types(schema)
            for bad in ("abc", "%ff", "1e999", "-99999999999999999999", OVERSIZE[:5000]):
                corpus.send(f"query {p['name']}={bad[:12]}", method,
                            f"{good_path}?{p['name']}={bad}",
                            must_refuse=numeric or bad == "%ff")

        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            schema = _resolve(document, content["application/json"].get("schema"))
            props = {k: _resolve(document, v) for k, v in schema.get("properties", {}).items()}
            base = {k: _sample(v) for k, v in props.items()}
            headers = {"Content-Type": "application/json"}
            for raw in (b"{", b"[]", b"null", b"\xff", b'{"a":}', b"{" * 3000):
                corpus.send(f"body {raw[:8]!r}", method, good_path, must_refuse=True,
                            data=raw, headers=headers)
            for name, prop in props.items():
                for what, value in _wrong_values(prop, name in schema.get("required", [])):
                    corpus.send(f"{name} as {what}", method, good_path, must_refuse=True,
                                data=json.dumps({**base, name: value}), headers=headers)
                if "string" in _types(prop):
                    corpus.send(f"{name} not UTF-8", method, good_path, must_refuse=True,
                                data=_raw_json({**base, name: BAD_UTF8}), headers=headers)
                    corpus.send(f"{name} oversize", method, good_path, must_refuse=False,
                                data=json.dumps({**base, name: OVERSIZE}), headers=headers)
        for form in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if form not in content:
                continue
            schema = _resolve(document, content[form].get("schema"))
            for name in schema.get("properties", {}):
                fields = {k: "sample" for k in schema["properties"]}
                if form.startswith("multipart"):
                    corpus.send(f"multipart {name} not UTF-8", method, good_path, must_refuse=True,
                                files={k: (None, b"\xff\xfe" if k == name else v.encode())
                                       for k, v in fields.items()})
                else:
                    corpus.send(f"form {name} not UTF-8", method, good_path, must_refuse=True,
                                data=f"{name}=%ff&" + "&".join(f"{k}=v" for k in fields if k != name),
                                headers={"Content-Type": form})
    assert corpus.sent > 500, corpus.sent  # the document really was walked
    assert not corpus.faults, f"{len(corpus.faults)} of {corpus.sent}:\n" + "\n".join(corpus.faults[:60])
