"""A small Chrome DevTools protocol driver for Debian's headless chromium.

Just enough to open a page from disk, read the DOM through JavaScript, collect
console errors and take a screenshot. It talks to the real browser over a
websocket (``websocket-client``); no browser is ever downloaded.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import websocket

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
# How long to wait for the browser to come up or a page to load before giving
# up with an error; generous because the machine is shared. Not a measurement.
STARTUP_DEADLINE_S = 60.0
LOAD_DEADLINE_S = 60.0


def find_chromium() -> str | None:
    """Returns the path of Debian's chromium, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One browser tab, driven over its own DevTools websocket."""

    def __init__(self, ws_url: str) -> None:
        self._ws = websocket.create_connection(ws_url, timeout=LOAD_DEADLINE_S, suppress_origin=True)
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Sends one command and returns its result; events seen meanwhile are kept."""
        self._next_id += 1
        call_id = self._next_id
        self._ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def _wait_for_event(self, method: str) -> None:
        deadline = time.monotonic() + LOAD_DEADLINE_S
        seen = len(self.events)
        while time.monotonic() < deadline:
            if any(e["method"] == method for e in self.events[seen:]):
                return
            message = json.loads(self._ws.recv())
            if "method" in message:
                self.events.append(message)
        raise TimeoutError(f"no {method} within {LOAD_DEADLINE_S} s")

    def open(self, url: str) -> None:
        """Navigates to ``url`` and returns once its load event has fired."""
        self.events.clear()
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise RuntimeError(f"{url}: {result['errorText']}")
        self._wait_for_event("Page.loadEventFired")
        self.evaluate("1")  # one more round trip: late console messages arrive first

    def evaluate(self, expression: str) -> Any:
        """Evaluates JavaScript in the page and returns its JSON-able value."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries (failed loads, CSP)."""
        errors = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                errors.append(params["exceptionDetails"].get("text", "exception"))
            elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                errors.append(f"{params['entry']['source']}: {params['entry']['text']}")
        return errors

    def screenshot(self, width: int, height: int, full_page: bool = False) -> bytes:
        """Returns a PNG of the viewport (or the whole page) at the given CSS size."""
        if full_page:
            height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width, height=height, deviceScaleFactor=1, mobile=False,
        )
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])

    def close(self) -> None:
        self._ws.close()


class Chromium:
    """A headless chromium process with a throw-away profile; use as a context manager."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._profile = tempfile.TemporaryDirectory(prefix="report-chromium-")
        self._process: subprocess.Popen | None = None
        self._port: int | None = None
        self._pages: list[Page] = []

    def __enter__(self) -> "Chromium":
        profile = self._profile.name
        self._process = subprocess.Popen(
            [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # With port 0 chromium picks a free port and writes it into the profile.
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.executable} exited with {self._process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.executable}: no DevTools port within {STARTUP_DEADLINE_S} s")
            time.sleep(0.1)
        self._port = int(port_file.read_text().splitlines()[0])
        return self

    def new_page(self) -> Page:
        """Opens a new tab and returns its driver."""
        browser_ws_path = (Path(self._profile.name) / "DevToolsActivePort").read_text().splitlines()[1]
        browser = websocket.create_connection(
            f"ws://127.0.0.1:{self._port}{browser_ws_path}", timeout=LOAD_DEADLINE_S, suppress_origin=True
        )
        try:
            browser.send(json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}}))
            while True:
                message = json.loads(browser.recv())
                if message.get("id") == 1:
                    target_id = message["result"]["targetId"]
                    break
        finally:
            browser.close()
        page = Page(f"ws://127.0.0.1:{self._port}/devtools/page/{target_id}")
        self._pages.append(page)
        return page

    def __exit__(self, *exc_info: object) -> None:
        for page in self._pages:
            page.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._profile.cleanup()
