"""/docs (Swagger UI) and /redoc (ReDoc) in headless Chromium with every host but the gateway
unresolvable: each page renders the five surface tags from /openapi.json with the gateway's own
assets. Screenshots go to $FLEETGATE_E2E_LOG_DIR/docs-screenshots/. Skipped only when the
Debian package chromium is not installed."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SURFACES = ["rental", "users-v1", "repair", "streetlight", "pisync"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="chromium is not installed (Debian package: chromium)")


def shots_dir() -> Path:
    root = Path(os.environ.get("FLEETGATE_E2E_LOG_DIR") or tempfile.gettempdir())
    d = root / "docs-screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def chromium(url: str, *mode: str) -> str:
    """Runs headless Chromium on url with `mode` (--dump-dom or --screenshot=...); DNS resolves
    nothing but 127.0.0.1, so any attempt to load from elsewhere fails."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--hide-scrollbars", "--mute-audio",
                f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--window-size=1280,2000", "--virtual-time-budget=20000", *mode, url]
        r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"chromium exited {r.returncode}: {r.stderr[-2000:]}"
    return r.stdout


def test_swagger_ui_shows_the_five_surfaces(api):
    url = api.stack.base_url + "/docs"
    dom = chromium(url, "--dump-dom")
    (shots_dir() / "docs.html").write_text(dom)
    for tag in SURFACES:
        assert f'id="operations-tag-{tag}"' in dom, f"Swagger UI shows no {tag} tag"
    assert 'class="opblock opblock-' in dom, "Swagger UI shows no operation"
    assert "Fleetgate" in dom
    shot = shots_dir() / "docs.png"
    chromium(url, f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000


def test_redoc_shows_the_five_surfaces(api):
    url = api.stack.base_url + "/redoc"
    dom = chromium(url, "--dump-dom")
    (shots_dir() / "redoc.html").write_text(dom)
    for tag in SURFACES:
        assert f'data-item-id="tag/{tag}"' in dom, f"ReDoc shows no {tag} tag"
    assert "Fleetgate" in dom
    shot = shots_dir() / "redoc.png"
    chromium(url, f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000
