"""A small Chrome DevTools Protocol client over Chromium's `--remote-debugging-pipe`.

No websocket and no package: Chromium reads commands from file descriptor 3 and writes replies
and events to file descriptor 4, one JSON object per message, each ended by a NUL byte. The
standard library's `os.pipe`, `subprocess` and `select` are all it takes.

    with Browser() as browser:
        page = browser.new_page(1280, 900)
        page.navigate("http://127.0.0.1:8000/")
        png = page.screenshot()
        print(page.console_errors)
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time


def chromium_binary():
    """The Chromium binary on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDPError(Exception):
    pass


class ScriptError(CDPError):
    """The page's JavaScript threw (a bug in the expression, not a page in transit)."""


class Browser:
    """One headless Chromium, driven over the pipe. Use as a context manager: it is closed
    (and its temporary profile removed) on exit."""

    def __init__(self, binary=None, timeout=60):
        self.binary = binary or chromium_binary()
        if self.binary is None:
            raise CDPError("no chromium on PATH (Debian: apt-get install -y chromium)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="convlab-chromium-")
        # Pipe A: we write commands, Chromium reads them on fd 3. Pipe B: Chromium writes on fd 4.
        to_chrome_read, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_write = os.pipe()

        def child_fds():
            # Move both ends above 4 first, so that neither dup2 overwrites the other.
            high_read = fcntl.fcntl(to_chrome_read, fcntl.F_DUPFD, 10)
            high_write = fcntl.fcntl(from_chrome_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        args = [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--disable-component-update",
                "--force-device-scale-factor=1", "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}", "about:blank"]
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=self._stderr, preexec_fn=child_fds,
                                        pass_fds=(3, 4))
        os.close(to_chrome_read)
        os.close(from_chrome_write)
        self._buffer = b""
        self._next_id = 0
        self._events = []  # (sessionId, method, params) not yet consumed

    # -- the wire

    def _send(self, message):
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self._to_chrome, data)
            data = data[written:]

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self._from_chrome], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise CDPError("chromium closed the pipe:\n" + self.stderr_tail())
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None, timeout=None):
        """Sends one command and returns its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply is None:
                raise CDPError(f"{method}: no reply within {timeout or self.timeout} s")
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append((reply.get("sessionId"), reply["method"], reply.get("params", {})))

    def pump(self, seconds):
        """Reads events for `seconds` (or until none arrive for that long)."""
        deadline = time.monotonic() + seconds
        while True:
            message = self._read_message(deadline)
            if message is None:
                return
            if "method" in message:
                self._events.append((message.get("sessionId"), message["method"], message.get("params", {})))

    def wait_event(self, session, method, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for k, (sid, name, params) in enumerate(self._events):
                if sid == session and name == method:
                    del self._events[k]
                    return params
            message = self._read_message(deadline)
            if message is None:
                raise CDPError(f"no {method} within {timeout or self.timeout} s")
            if "method" in message:
                self._events.append((message.get("sessionId"), message["method"], message.get("params", {})))

    def take_events(self, session):
        """Removes and returns the events of one session so far."""
        mine = [(m, p) for sid, m, p in self._events if sid == session]
        self._events = [e for e in self._events if e[0] != session]
        return mine

    def stderr_tail(self):
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-2000:]

    # -- pages

    def new_page(self, width, height):
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=session)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=session)
        return page

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except (CDPError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        self._stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One tab. `problems` collects what a reader's console would show as errors: uncaught
    exceptions, console.error/console.assert calls, and log entries of level error (a failed
    request, a blocked resource)."""

    def __init__(self, browser, session):
        self.browser = browser
        self.session = session
        self.problems = []
        self.failed_requests = []

    def call(self, method, params=None, timeout=None):
        return self.browser.call(method, params, session=self.session, timeout=timeout)

    def _collect(self):
        for method, params in self.browser.take_events(self.session):
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text")
                self.problems.append(f"exception: {text} ({details.get('url', '')}:{details.get('lineNumber', '')})")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                self.problems.append(f"console.{params['type']}: {args}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                self.problems.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".rstrip())
            elif method == "Network.responseReceived":
                response = params.get("response", {})
                if response.get("status", 200) >= 400:
                    self.failed_requests.append(f"{response.get('status')} {response.get('url')}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                self.failed_requests.append(f"failed ({params.get('errorText')}) request {params.get('requestId')}")

    def navigate(self, url, settle=1.0):
        """Loads `url`, waits for the load event, then lets scripts run for `settle` seconds."""
        result = self.call("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise CDPError(f"navigate {url}: {result['errorText']}")
        self.browser.wait_event(self.session, "Page.loadEventFired")
        self.browser.pump(settle)
        self._collect()

    def evaluate(self, expression, await_promise=False):
        """The JSON value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": await_promise})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise ScriptError(f"evaluate {expression[:80]}: {details.get('exception', {}).get('description', details)}")
        self._collect()
        return result.get("result", {}).get("value")

    def wait_for(self, expression, timeout=30, interval=0.2):
        """Polls until the expression is truthy; returns its value, or raises after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except ScriptError:
                raise
            except CDPError:
                value = None  # the page is between two documents (a redirect): try again
            if value:
                return value
            if time.monotonic() > deadline:
                raise CDPError(f"timed out waiting for {expression}")
            self.browser.pump(interval)

    def screenshot(self, clip=None, full_page=False):
        """PNG bytes of the viewport, of `clip` ({x, y, width, height} in page coordinates, a box
        in view), or of the whole page."""
        params = {"format": "png"}
        if clip:
            params["clip"] = dict(clip, scale=1)  # within the viewport: no re-layout between shots
        elif full_page:
            size = self.call("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.call("Page.captureScreenshot", params)["data"]
        self._collect()
        return base64.b64decode(data)
