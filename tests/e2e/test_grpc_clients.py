"""The README's examples of calling a service from another program over gRPC
(tools/examples/): the C++ stub and the Python client list device-session's devices directly,
and agree with each other and with what the gateway shows."""
import subprocess
from decimal import Decimal
from pathlib import Path

from fleet_e2e import assert_json

REPO = Path(__file__).resolve().parents[2]
PYTHON_CLIENT = REPO / "tools" / "examples" / "list_devices.py"


def run_cpp(api, address):
    return subprocess.run([str(api.stack.bin_dir / "fleetgate-example-list-devices"), address],
                          capture_output=True, text=True, timeout=30)


def run_python(address):
    return subprocess.run(["/usr/bin/python3", str(PYTHON_CLIENT), address],
                          capture_output=True, text=True, timeout=60)


def device_session(api):
    return f"127.0.0.1:{api.stack.ports['device-session']}"


def test_both_clients_list_what_the_gateway_shows(api, idle_devices):
    u = api.rental_user(cash=10)
    r = api.start_device(2, u["id"], 30, u["token"])
    assert r.status_code == 200, r.text
    shown = assert_json(api.get("/device/all", token=u["token"]), 200)
    expected = "".join(f"{d['id']}\t{d['name']}\t{Decimal(str(d['hourly_cost'])):.2f}\t"
                       f"{'running' if d['user_id'] is not None else 'idle'}\n" for d in shown)
    assert "2\t" in expected and "\trunning\n" in expected

    cpp, py = run_cpp(api, device_session(api)), run_python(device_session(api))
    assert cpp.returncode == 0, cpp.stderr
    assert py.returncode == 0, py.stderr
    assert cpp.stdout == expected
    assert py.stdout == expected


def test_an_unreachable_service_is_an_error_not_an_empty_list(api):
    closed = "127.0.0.1:1"
    for result in (run_cpp(api, closed), run_python(closed)):
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.startswith("ListDevices failed: "), result.stderr
