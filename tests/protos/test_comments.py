"""Every RPC and every field of our protos (protos/<svc>/v1/*.proto) carries a comment, for the
programs that call the services directly: a `//` comment on the line(s) right above it or at the
end of its line. A one-line message (`message X { repeated Y ys = 1; }`) may be commented above the
message. grpc/health is a copy of gRPC's own file and is left as it is."""
import re
from pathlib import Path

import pytest

PROTOS = Path(__file__).resolve().parents[2] / "protos"
FILES = sorted(p for p in PROTOS.glob("*/v1/*.proto"))

RPC = re.compile(r"^\s*rpc\s+(\w+)")
FIELD = re.compile(r"^\s*(?:message\s+\w+\s*\{\s*)?(?:optional\s+|repeated\s+)?"
                   r"(?:map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*\d+\s*(?:\[[^\]]*\])?\s*;")
BLOCK = re.compile(r"^\s*(message|enum|service|oneof)\s+(\w+)")


def uncommented(path: Path) -> list[str]:
    missing = []
    comment_above = False
    kinds = []  # the enclosing blocks
    for n, line in enumerate(path.read_text().splitlines(), 1):
        code = line.split("//", 1)[0]
        trailing = "//" in line and code.strip() != ""
        block = BLOCK.match(code)
        in_message = "message" in kinds or (block and block.group(1) == "message")
        if (rpc := RPC.match(code)) and not (comment_above or trailing):
            missing.append(f"{path.relative_to(PROTOS)}:{n}: rpc {rpc.group(1)}")
        elif in_message and (field := FIELD.match(code)) and (kinds[-1:] != ["enum"]):
            if not (comment_above or trailing):
                missing.append(f"{path.relative_to(PROTOS)}:{n}: field {field.group(1)}")
        if block and "{" in code and "}" not in code:
            kinds.append(block.group(1))
        elif "}" in code and "{" not in code and kinds:
            kinds.pop()
        comment_above = line.strip().startswith("//")  # a comment block runs up to its line
    return missing


def test_there_are_protos_to_check():
    assert len(FILES) >= 6, FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PROTOS)))
def test_every_rpc_and_field_has_a_comment(path):
    missing = uncommented(path)
    assert not missing, "without a comment:\n" + "\n".join(missing)
