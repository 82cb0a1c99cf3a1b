"""Fixtures for the browser test: a JupyterLab server on 127.0.0.1 serving a throwaway copy of a
learner notebook, and a headless Chromium page (Debian's /usr/bin/chromium) driven by Playwright.

Nothing outside a temp folder is touched: JupyterLab gets its own root, config, runtime, data,
user-settings and workspaces folders, so neither `notebooks/` nor the user's own settings matter.
"""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}
SERVER_START_SECONDS = 90

# JupyterLab 4's documented user setting: never fetch Jupyter news, so no "Would you like to get
# notified about official Jupyter news?" pop-up covers the notebook (and no request leaves the machine).
NOTIFICATION_SETTINGS = '{"fetchNews": "false", "checkForUpdates": false}\n'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: `url(name)` opens a notebook in its root folder."""

    def __init__(self, folder, notebook):
        self.folder, self.root = folder, folder / "root"
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.log_path = folder / "jupyterlab.log"
        for name in ("root", "config", "runtime", "data", "workspaces"):
            (folder / name).mkdir()
        shutil.copy(notebook, self.root / notebook.name)     # zh-TW/01_x.ipynb is served as 01_x.ipynb
        settings = folder / "user-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(NOTIFICATION_SETTINGS, encoding="utf-8")
        self.process = None

    def url(self, notebook):
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?reset&token={self.token}"

    def command(self):
        f = self.folder
        return [sys.executable, "-m", "jupyter", "lab", "--no-browser",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
                f"--LabApp.user_settings_dir={f / 'user-settings'}",
                f"--LabApp.workspaces_dir={f / 'workspaces'}",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                *(["--allow-root"] if os.geteuid() == 0 else [])]

    def environment(self):
        f = self.folder
        return {**os.environ,
                # the venv's own kernel, as the Makefile exports it
                "JUPYTER_PATH": os.environ.get("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter")),
                "JUPYTER_CONFIG_DIR": str(f / "config"), "JUPYTER_RUNTIME_DIR": str(f / "runtime"),
                "JUPYTER_DATA_DIR": str(f / "data")}

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command(), env=self.environment(), cwd=self.root,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {self.process.returncode} before serving.\n"
                            f"{self.log_tail()}")
            if self.answers():
                return
            time.sleep(0.25)
        pytest.fail(f"JupyterLab did not answer on port {self.port} within {SERVER_START_SECONDS} s.\n"
                    f"{self.log_tail()}")

    def answers(self):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/status",
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self):
        """SIGTERM lets the server shut its kernels down; then nothing of its process group survives."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)    # our own group: the server and its kernels
        except ProcessLookupError:
            pass
        self.process.wait()

    def log_tail(self, lines=30):
        text = self.log_path.read_text(errors="replace", encoding="utf-8") if self.log_path.exists() else ""
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def lab(tmp_path_factory, request):
    notebook = ROOT / "notebooks" / request.module.NOTEBOOK
    server = Lab(tmp_path_factory.mktemp("lab"), notebook)
    request.addfinalizer(server.stop)
    server.start()
    return server


@pytest.fixture(scope="module")
def screenshots(request):
    """The folder for this run's screenshots, emptied of this module's last run's
    (a module's SCREENSHOT_PREFIX, e.g. "zh-TW-", keeps the editions' shots apart)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = getattr(request.module, "SCREENSHOT_PREFIX", "")
    for old in SCREENSHOTS.glob(f"{prefix}[0-9]*.png"):
        old.unlink()
    request.config.stash[TOOK_SCREENSHOTS] = True
    return SCREENSHOTS


TOOK_SCREENSHOTS = pytest.StashKey[bool]()


def pytest_terminal_summary(terminalreporter, config):
    """Say where this run's screenshots are, above pytest's closing line."""
    if config.stash.get(TOOK_SCREENSHOTS, False):
        names = ", ".join(p.name for p in sorted(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_line(f"Browser test screenshots in {SCREENSHOTS}/: {names}")


@pytest.fixture
def page(lab, screenshots, request):
    """A headless Chromium page; on failure it saves a screenshot and prints the browser's errors."""
    from playwright.sync_api import sync_playwright

    from tests.browser.lab_page import CHROMIUM

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(30_000)
        errors = []
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            path = screenshots / f"failure-{request.node.name}.png"
            try:
                error = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
                if error.count():
                    error.first.scroll_into_view_if_needed(timeout=5_000)   # show the first error
                page.screenshot(path=path)
                print(f"Screenshot of the failure: {path}")
            except Exception as e:                         # a crashed page must not hide the failure
                print(f"No failure screenshot ({e})")
            print("\n".join(errors[-20:]) or "No browser errors.")
            print(lab.log_tail())
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Let the page fixture know whether the test itself failed."""
    report = yield
    if report.when == "call":
        item.report_call = report
    return report
