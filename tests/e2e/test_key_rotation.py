"""Rotating the signing key while clients hold tokens (README "Rotating the signing key"): the
operator moves auth's key file to a previous-key file (AUTH_PREVIOUS_KEY_FILES), writes a new
key to AUTH_SIGNING_KEY_FILE and restarts auth. A reader holding an old token keeps getting 200
through the whole rotation, new tokens carry the new kid and work at once (the gateway fetches
the key set again on an unknown kid), and the old key stops verifying at its retirement plus
ACCESS_TOKEN_TTL."""
import threading
import time

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conftest import _finish, _run_stack
from fleet_e2e import Api, Minter, token_parts, wait_for

TTL = 600  # ACCESS_TOKEN_TTL of this stack, seconds


@pytest.fixture(scope="module")
def key_stack(request):
    s = _run_stack("e2e-key-rotation", {"ACCESS_TOKEN_TTL": str(TTL)})
    yield s
    _finish(s, request.session)


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _login(stack, user) -> requests.Response:
    return requests.post(stack.base_url + "/auth/token", timeout=10,
                         data={"username": user["username"], "password": user["password"]})


def _read(stack, uid, token) -> requests.Response:
    return requests.get(f"{stack.base_url}/user/{uid}", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})


def test_rotation_signs_nobody_out_and_retires_the_old_key(key_stack):
    stack = key_stack
    api = Api(stack)
    user = api.make_user("user")
    uid = user["id"]
    r = _login(stack, user)
    assert r.status_code == 200, r.text
    old_token = r.json()["access_token"]
    old_kid = token_parts(old_token)[0]["kid"]
    # A token of the old key that outlives the key's retirement + TTL (as if the TTL had been
    # lowered): the key's end, not the token's exp, must refuse it.
    long_lived = stack.minter.token(uid, "user", exp=int(stack.epoch()) + 10 * TTL)
    assert _read(stack, uid, long_lived).status_code == 200

    # Authenticated reads with the old token through the whole rotation.
    answers, failures = [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                status = _read(stack, uid, old_token).status_code
            except requests.RequestException as e:
                status = repr(e)
            answers.append(status)
            if status != 200:
                failures.append(status)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        time.sleep(0.5)
        # The operator's rotation: the current key becomes the previous one (its file's mtime
        # says when it was retired), a new key is installed, auth restarts.
        key_file = stack.dir / "signing-key.pem"
        previous = stack.dir / "previous-key.pem"
        previous.write_bytes(key_file.read_bytes())
        previous.chmod(0o600)
        new_key = Ed25519PrivateKey.generate()
        key_file.write_bytes(_pem(new_key))
        assert stack.process("auth").stop() == 0
        stack.envs["auth"]["AUTH_PREVIOUS_KEY_FILES"] = str(previous)
        stack.restart("auth")
        wait_for("auth signs again", lambda: _login(stack, user).status_code == 200, timeout=30)

        r = _login(stack, user)
        assert r.status_code == 200, r.text
        new_token = r.json()["access_token"]
        new_kid = token_parts(new_token)[0]["kid"]
        assert new_kid != old_kid
        # The gateway meets the new kid for the first time: it fetches the keys and accepts.
        assert _read(stack, uid, new_token).status_code == 200
        assert _read(stack, uid, old_token).status_code == 200
        assert _read(stack, uid, long_lived).status_code == 200
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(30)
    assert len(answers) >= 10, answers
    assert not failures, f"{len(failures)} of {len(answers)} reads failed: {failures[:5]}"

    # GetPublicKey publishes both keys, the old one until its retirement + TTL.
    new_minter = Minter(new_key, token_parts(new_token)[0], now=stack.epoch)
    new_long_lived = new_minter.token(uid, "user", exp=int(stack.epoch()) + 10 * TTL)
    assert _read(stack, uid, new_long_lived).status_code == 200

    # Past the old key's end every token it signed is refused; the new key's still verify.
    stack.shift_clock(TTL + 5)
    assert _read(stack, uid, old_token).status_code == 401  # expired anyway
    assert _read(stack, uid, long_lived).status_code == 401  # its key retired
    assert _read(stack, uid, new_long_lived).status_code == 200
    r = _login(stack, user)
    assert r.status_code == 200, r.text
    assert token_parts(r.json()["access_token"])[0]["kid"] == new_kid
    assert _read(stack, uid, r.json()["access_token"]).status_code == 200
