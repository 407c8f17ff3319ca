#!/usr/bin/python3
"""An internal consumer of a Fleetgate service in Python: lists the rental devices with
device-session's ListDevices, like tools/examples/list_devices.cpp does with the C++ stub.

    tools/examples/list_devices.py [HOST:PORT]   (default: $DEVICE_SESSION_ADDR or 127.0.0.1:50053)

Needs Debian's python3-grpcio and python3-protobuf, and protoc with grpc_python_plugin
(protobuf-compiler, protobuf-compiler-grpc: the build's own). The stubs are generated from
protos/ into a temporary directory at start. Debian's python3-grpc-tools is not used: its
bundled protoc (3.6) predates proto3 `optional`, which our protos use.
"""
import importlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc

PROTOS = Path(__file__).resolve().parents[2] / "protos"
PROTO = "device_session/v1/device_session.proto"


def generate_stubs(out: Path) -> None:
    subprocess.run(["protoc", f"-I{PROTOS}", f"--python_out={out}", f"--grpc_python_out={out}",
                    "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", PROTO],
                   check=True)


def main() -> int:
    address = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "DEVICE_SESSION_ADDR", "127.0.0.1:50053")
    with tempfile.TemporaryDirectory() as out:
        generate_stubs(Path(out))
        sys.path.insert(0, out)
        messages = importlib.import_module("device_session.v1.device_session_pb2")
        services = importlib.import_module("device_session.v1.device_session_pb2_grpc")

    with grpc.insecure_channel(address) as channel:
        stub = services.DeviceSessionServiceStub(channel)
        try:
            # Every call has a deadline; the request id shows up on the service's log lines.
            response = stub.ListDevices(messages.ListDevicesRequest(), timeout=5,
                                        metadata=[("x-request-id", "example-list-devices-py")])
        except grpc.RpcError as e:
            print(f"ListDevices failed: {e.code().name}: {e.details()}", file=sys.stderr)
            return 1
    for device in response.devices:
        state = "running" if device.running else "idle"
        print(f"{device.id}\t{device.name}\t{device.hourly_cost}\t{state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
