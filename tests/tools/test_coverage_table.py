"""tools/coverage/table.py on a small hand-written lcov file: grouping, merging, arithmetic."""
import importlib.util
import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tools" / "coverage" / "table.py"
spec = importlib.util.spec_from_file_location("coverage_table", SCRIPT)
table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(table)

ROOT = "/src/fleetgate"
# Two records of a.cpp (two binaries): line 2 is missed by one and hit by the other.
INFO = f"""TN:
SF:{ROOT}/libs/common/src/a.cpp
DA:1,3
DA:2,0
DA:3,1
LF:3
LH:2
end_of_record
SF:{ROOT}/libs/common/include/fleet/common/a.h
DA:10,0
end_of_record
SF:{ROOT}/libs/common/src/a.cpp
DA:1,0
DA:2,5
DA:3,0
end_of_record
SF:{ROOT}/libs/db/src/pool.cpp
DA:1,1
DA:2,1
DA:3,0
end_of_record
SF:{ROOT}/gateway/src/http/server.cpp
DA:5,0
DA:6,0
end_of_record
SF:{ROOT}/gateway/src/main.cpp
DA:1,1
end_of_record
SF:{ROOT}/services/auth/domain/login.cpp
DA:1,2
DA:2,2
DA:3,2
DA:4,0
end_of_record
SF:/usr/include/c++/12/vector
DA:1,9
end_of_record
SF:{ROOT}/build-cov/generated/x.pb.h
DA:1,0
end_of_record
SF:{ROOT}/tests/libs/common/a_test.cpp
DA:1,0
end_of_record
"""

EXPECTED = """| directory | lines hit | lines | % |
|---|---:|---:|---:|
| gateway/src/http | 0 | 2 | 0.0 |
| gateway/src/main.cpp | 1 | 1 | 100.0 |
| libs/common | 3 | 4 | 75.0 |
| libs/db | 2 | 3 | 66.6 |
| services/auth | 3 | 4 | 75.0 |
| **total** | 9 | 14 | 64.2 |
"""


def write_info(tmp_path):
    path = tmp_path / "coverage.info"
    path.write_text(INFO)
    return path


def test_groups_merges_and_sums(tmp_path):
    groups = table.summarize(table.read_lines(write_info(tmp_path)), ROOT)
    assert groups == {
        "libs/common": [3, 4],
        "libs/db": [2, 3],
        "gateway/src/http": [0, 2],
        "gateway/src/main.cpp": [1, 1],
        "services/auth": [3, 4],
    }


def test_percent_rounds_down():
    assert table.percent(2, 3) == "66.6"
    assert table.percent(1699, 2000) == "84.9"  # 84.95: still under 85
    assert table.percent(17, 20) == "85.0"
    assert table.percent(0, 0) == "100.0"


def test_script_prints_markdown_table(tmp_path):
    out = subprocess.run(["/usr/bin/python3", str(SCRIPT), "--root", ROOT, str(write_info(tmp_path))],
                         check=True, capture_output=True, text=True).stdout
    assert out == EXPECTED
