"""deploy/grafana/fleetgate.json: generate.py's output, and a dashboard Grafana can import."""
import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana"


def dashboard() -> dict:
    return json.loads((GRAFANA / "fleetgate.json").read_text())


def test_the_committed_dashboard_is_generate_output():
    check = subprocess.run(["/usr/bin/python3", str(GRAFANA / "generate.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr + "\nrun: python3 deploy/grafana/generate.py"


def test_every_panel_queries_prometheus_and_they_do_not_overlap():
    d = dashboard()
    assert d["uid"] and d["title"] and isinstance(d["schemaVersion"], int)
    panels = d["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    cells = set()
    for p in panels:
        assert p["type"] == "timeseries" and p["title"] and p["targets"], p
        for t in p["targets"]:
            assert t["datasource"]["type"] == "prometheus"
            assert re.search(r"\bfleetgate_[a-z_]+", t["expr"]), t["expr"]
            assert t["expr"].count("(") == t["expr"].count(")"), t["expr"]
        g = p["gridPos"]
        assert g["x"] + g["w"] <= 24
        mine = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not cells & mine, f"panel {p['title']} overlaps another"
        cells |= mine
