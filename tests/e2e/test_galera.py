"""The platform on a 3-node MariaDB Galera cluster (deploy/dev/galera): every service gets all
three nodes in DB_HOST and uses the first one that is up. Rental charges go through the gateway
while node 1, the one the services use, is SIGKILLed: every start and stop answered 2xx is in the
ledger and the wallet on both surviving nodes, exactly once (clients retry an unanswered request
with its X-Idempotency-Key), the service keeps answering, and the killed node rejoins with the
same rows."""
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest

from fleet_e2e import Api, assert_json

# Workers each own one demo device and one account, and loop start -> stop on it.
DEVICES = (1, 2, 3, 4, 5)
CASH = 500.0
LOAD_BEFORE_KILL = 3.0  # seconds of load before node 1 dies
LOAD_AFTER_KILL = 8.0  # and after
RESOLVE_WITHIN = 90.0  # a request retried longer fails the test (a stranded claim: 60 s)


@pytest.fixture(scope="module")
def gapi(galera_stack):
    # 5xx answers are expected while node 1 is gone: the workers retry them.
    return Api(galera_stack, allow_5xx=True)


def ledger_on(cluster, node, db, user_id):
    return cluster.query_node(node, db, "SELECT kind, amount, balance_after FROM ledger "
                                        f"WHERE user_id = {int(user_id)} ORDER BY id")


def cash_on(cluster, node, db, user_id):
    rows = cluster.query_node(node, db, f"SELECT cash FROM wallets WHERE user_id = {int(user_id)}")
    return Decimal(rows[0][0]) if rows else None


def test_three_nodes_replicate_a_charge(gapi):
    cluster = gapi.stack.db
    for node in (1, 2, 3):
        assert cluster.status(node, "wsrep_cluster_size") == "3"
        assert cluster.status(node, "wsrep_local_state_comment") == "Synced"
    u = gapi.rental_user(cash=10.0)
    r = gapi.start_device(3, u["id"], 60, u["token"])
    assert_json(r, 200)
    assert gapi.cash(u["id"]) == 8.8
    db = gapi.stack.db_names["device-session"]
    rows = [ledger_on(cluster, node, db, u["id"]) for node in (1, 2, 3)]
    assert rows[0] == rows[1] == rows[2], rows
    assert [row[:2] for row in rows[0]] == [["adjustment", "10.00"], ["charge", "-1.20"]]
    assert_json(gapi.stop_device(3, gapi.admin["token"]), 200)


class Worker(threading.Thread):
    """start -> stop on one device for one account until told to stop, each request retried with
    its idempotency key until it gets an answer that is not 5xx (or the connection fails)."""

    def __init__(self, api, device_id, user, stop_at):
        super().__init__(daemon=True)
        self.api, self.device_id, self.user, self.stop_at = api, device_id, user, stop_at
        self.starts = self.stops = 0  # answered 200
        self.retried = Counter()  # why requests were sent again: a status or an exception
        self.ok_at: list[float] = []  # when each 200 arrived (time.monotonic)
        self.error: str | None = None

    def resolve(self, send):
        deadline = time.monotonic() + RESOLVE_WITHIN
        while True:
            try:
                r = send()
                if r.status_code < 500 and r.status_code != 409:  # 409: the first is in flight
                    return r
                why, what = r.status_code, f"{r.status_code} {r.text[:200]}"
            except Exception as e:  # noqa: BLE001 - a connection error is retried like a 5xx
                why, what = type(e).__name__, repr(e)
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer within {RESOLVE_WITHIN} s, last: {what}")
            self.retried[why] += 1
            time.sleep(0.1)

    def run(self):
        try:
            i = 0
            while time.monotonic() < self.stop_at:
                key = f"galera-{self.device_id}-{self.user['id']}-{i}"
                r = self.resolve(lambda: self.api.start_device(
                    self.device_id, self.user["id"], 60, self.user["token"], key=key + "-start"))
                assert r.status_code == 200, f"start: {r.status_code} {r.text}"
                self.starts += 1
                self.ok_at.append(time.monotonic())
                r = self.resolve(lambda: self.api.stop_device(
                    self.device_id, self.user["token"], key=key + "-stop"))
                assert r.status_code == 200, f"stop: {r.status_code} {r.text}"
                self.stops += 1
                self.ok_at.append(time.monotonic())
                i += 1
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = repr(e)


def test_killing_a_node_under_load_loses_no_committed_charge(gapi):
    cluster = gapi.stack.db
    db = gapi.stack.db_names["device-session"]
    gapi.free_devices()
    users = [gapi.rental_user(cash=CASH) for _ in DEVICES]
    started = time.monotonic()
    stop_at = started + LOAD_BEFORE_KILL + LOAD_AFTER_KILL
    workers = [Worker(Api(gapi.stack, allow_5xx=True), d, u, stop_at)
               for d, u in zip(DEVICES, users)]
    for w in workers:
        w.start()
    time.sleep(LOAD_BEFORE_KILL)
    before_kill = sum(w.starts for w in workers)
    killed_at = time.monotonic()
    cluster.kill(1)  # the node every service is connected to
    for w in workers:
        w.join(LOAD_AFTER_KILL + RESOLVE_WITHIN + 30)
    errors = [w.error for w in workers if w.error or w.is_alive()]
    assert not errors, errors
    assert before_kill > 0, "no charge went through before the kill"
    after = sorted(t for w in workers for t in w.ok_at if t > killed_at)
    assert len(after) >= len(DEVICES), f"only {len(after)} answers after the kill"
    gaps = [b - a for a, b in zip([killed_at, *after], after)]
    print(f"\n{sum(w.starts for w in workers)} starts, {sum(w.stops for w in workers)} stops "
          f"({before_kill} starts before the kill); retried: {sum((w.retried for w in workers), Counter())}; "
          f"longest time without a 200 after the kill: {max(gaps):.2f} s")

    # Every start and stop answered 200 is in the ledger of both survivors, once; the wallet
    # matches the ledger.
    for w in workers:
        for node in (2, 3):
            rows = ledger_on(cluster, node, db, w.user["id"])
            kinds = [row[0] for row in rows]
            assert kinds.count("charge") == w.starts, (node, w.device_id, w.starts, rows)
            assert kinds.count("refund") == w.stops, (node, w.device_id, w.stops, rows)
            total = sum(Decimal(row[1]) for row in rows)
            assert cash_on(cluster, node, db, w.user["id"]) == total == Decimal(rows[-1][2])
        assert gapi.cash(w.user["id"]) == float(total)

    # The killed node rejoins with the same rows, and the service goes on.
    cluster.start_node(1)
    for node in (1, 2, 3):
        assert cluster.status(node, "wsrep_cluster_size") == "3"
    for w in workers:
        assert ledger_on(cluster, 1, db, w.user["id"]) == ledger_on(cluster, 2, db, w.user["id"])
    u = users[0]
    assert_json(gapi.start_device(DEVICES[0], u["id"], 60, u["token"]), 200)
    assert_json(gapi.stop_device(DEVICES[0], u["token"]), 200)
