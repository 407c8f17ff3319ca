"""Fixtures: `api` is a client of a stack shared by the whole pytest session (one per test file
under ctest); `rot_api` is a client of a second stack with REFRESH_TOKEN_ROTATION=on;
`idle_devices` frees the demo devices around a test; `narrow_api` is a client of a stack whose
auth has one hashing thread and no queue; `own_db_stack` is a stack on a MariaDB
server of its own, which its tests may stop, kill and start again; `replicated_stack` is the
replicated run (two gateways behind haproxy, two replicas of the replicated services, NATS);
`galera_stack` a stack on a 3-node Galera cluster of its own (deploy/dev/galera), whose nodes
its tests may kill. With FLEETGATE_E2E_GALERA_DIR set (ctest's galera label), every other stack
runs on the cluster already up in that directory instead of TEST_DB_*. Teardown stops the
processes, drops their databases and fails if a log line carries a secret."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from fleet_e2e import Api, GaleraCluster, OwnDatabase, ReplicatedStack, Stack


def _shared_db():
    """The database of the stacks that bring none: TEST_DB_* (None), or a running cluster."""
    galera = os.environ.get("FLEETGATE_E2E_GALERA_DIR")
    return GaleraCluster.running(Path(galera)) if galera else None


def _run_stack(label, extra_env=None, db=None, kind=Stack):
    error = None
    try:
        stack = kind(label, extra_env, db or _shared_db())
        try:
            stack.start()
        except Exception as e:  # noqa: BLE001 - reported below with the logs' tails
            stack.stop()
            error = f"the {label} stack did not start: {e}"
    except RuntimeError as e:
        error = str(e)
    if error:
        pytest.fail(error, pytrace=False)
    return stack


def _finish(stack, session):
    stack.stop()
    leaks = stack.leaked_secrets()
    assert not leaks, f"secrets in the logs of {stack.dir}:\n" + "\n".join(leaks[:20])
    if session.testsfailed == 0:
        shutil.rmtree(stack.dir, ignore_errors=True)  # keep the logs only when something failed


@pytest.fixture(scope="session")
def stack(request):
    s = _run_stack("e2e")
    yield s
    _finish(s, request.session)


@pytest.fixture(scope="session")
def api(stack):
    return Api(stack)


@pytest.fixture
def idle_devices(api):
    """Demo devices 1-5 idle before and after the test (an admin stops whatever runs)."""
    api.free_devices()
    yield
    api.free_devices()


@pytest.fixture(scope="module")
def rot_api(request):
    s = _run_stack("e2e-rotation", {"REFRESH_TOKEN_ROTATION": "on"})
    yield Api(s)
    _finish(s, request.session)


@pytest.fixture(scope="module")
def narrow_api(request):
    """A client of a stack whose auth hashes on one thread with no queue: a second concurrent
    login, registration or password change is already refused (RESOURCE_EXHAUSTED, 429)."""
    s = _run_stack("e2e-hash-pool", {"AUTH_HASH_THREADS": "1", "AUTH_HASH_QUEUE": "0"})
    yield Api(s)
    _finish(s, request.session)


def _stack_on_own_db(request, label, make_db):
    """A stack on a database server of its own, made by make_db(directory) and started here;
    stopped afterwards, its directory kept only when a test failed."""
    directory = Path(tempfile.mkdtemp(prefix=f"{label}-",
                                      dir=os.environ.get("FLEETGATE_E2E_LOG_DIR")))
    db = make_db(directory)
    try:
        try:
            db.start()
        except Exception as e:  # noqa: BLE001 - reported with the server's output
            pytest.fail(f"the {label} database did not start: {e}", pytrace=False)
        s = _run_stack(label, db=db)
        yield s
        _finish(s, request.session)
    finally:
        db.stop()
        if request.session.testsfailed == 0:
            shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def own_db_stack(request):
    yield from _stack_on_own_db(request, "e2e-own-db", OwnDatabase)


@pytest.fixture(scope="module")
def galera_stack(request):
    if not GaleraCluster.PROVIDER.exists():
        pytest.skip(f"galera-4 is not installed ({GaleraCluster.PROVIDER} is missing; "
                    "deploy/dev/lib.sh installs it)")
    yield from _stack_on_own_db(request, "e2e-galera", GaleraCluster)


@pytest.fixture(scope="module")
def replicated_stack(request):
    s = _run_stack("e2e-replicated", kind=ReplicatedStack)
    yield s
    _finish(s, request.session)
