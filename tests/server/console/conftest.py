"""Fixtures of the web-console tests: live wismo servers with the embedded demo shop, and headless Chromium.

The browser is Debian's ``chromium`` driven by Selenium through Debian's ``chromium-driver``; tests skip with a
reason when either is missing (``apt-get install -y chromium chromium-driver``). No browser is ever downloaded.
Screenshots go to ``reports/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.settings import RateLimits, ServerSettings, Settings, StateSettings
from tests.server.live import LiveServer

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = Path(os.environ.get("WISMO_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("WISMO_CHROMEDRIVER", "/usr/bin/chromedriver"))
API_TOKEN = "console-test-token"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def start_console_server(model_dir: Path, folder: Path, api_token: str | None = None) -> LiveServer:
    """A live server on 127.0.0.1 with the given model, a fresh demo shop and SQLite state under ``folder``."""
    from server.app import create_app
    from server.console import console_blueprint

    server = ServerSettings(
        model=str(model_dir),
        state=StateSettings(path=str(folder / "state.sqlite3")),
        rate_limits=RateLimits(per_ip_per_minute=0, per_conversation_per_minute=0),
    )
    settings = Settings(
        server=server,
        connector={"type": "demo", "path": str(folder / "demo_shop.sqlite3")},
        api_token=api_token,
    )
    app = create_app(settings, name=f"wismo_console_{uuid.uuid4().hex[:8]}")
    if "console_api" not in app.blueprints:  # until server/app.py registers it itself
        app.blueprint(console_blueprint())
    return LiveServer(app).start()


@pytest.fixture(scope="session")
def console_server(default_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The console's server: default model, embedded demo shop, no token."""
    live = start_console_server(default_model_dir, tmp_path_factory.mktemp("console"))
    yield live
    live.stop()


@pytest.fixture(scope="session")
def secured_server(default_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Like ``console_server`` but the API needs ``Authorization: Bearer`` :data:`API_TOKEN`."""
    live = start_console_server(default_model_dir, tmp_path_factory.mktemp("secured"), api_token=API_TOKEN)
    yield live
    live.stop()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where browser tests save their screenshots (test artefacts)."""
    folder = Path(os.environ.get("WISMO_SCREENSHOTS", REPO / "reports" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the session (Selenium WebDriver), with a fresh profile."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install -e '.[dev]')")
    for binary, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not binary.exists() and not shutil.which(binary.name):
            pytest.skip(f"needs {binary} (apt-get install -y {package})")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.add_argument("--window-size=1400,1000")
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The session's Chromium on a clean slate: desktop size, no tab storage left from the previous test."""
    chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    yield chromium
    chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    if chromium.current_url.startswith("http"):
        chromium.execute_script("sessionStorage.clear()")
