#!/usr/bin/env python3
"""The HTML reports in a real browser: headless Chromium, driven over the DevTools
protocol (--remote-debugging-pipe), with Python's standard library only.

For the validation page and the screening page of the demo plan it proves:
  - the page loads with no JavaScript exception, no console error, no log error, no
    request leaving the file (offline), and its script runs to its end (data-ready);
  - the map draws as many units, townships, rivers, findings and sites as the JSON
    reports and `basinkit info` count; the tables have a row per finding / site;
  - a real mouse click on a finding / a prohibited site shows its details (verdict, rule
    titles and legal basis), and the wheel zooms;
  - a copy of each page with a deliberately broken script IS caught (else the error
    checks above prove nothing);
and takes a screenshot of each page (validation-report.png, screening-report.png).

    browser_test.py --basinkit BIN --data data/shapefiles --work DIR [--screenshots DIR]

Exit 0 passed, 1 failed, 77 skipped (no Chromium: set BASINKIT_CHROMIUM or put chromium
on PATH). The screenshots in docs/img are regenerated with
    tests/html/browser_test.py --basinkit build/tools/basinkit/basinkit \
        --data data/shapefiles --work /tmp/bk-browser --screenshots docs/img
"""

import argparse
import base64
import fcntl
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
WIDTH, HEIGHT = 1280, 900  # the viewport of the screenshots
TIMEOUT = 30.0  # seconds for any one wait on the browser


class Failure(Exception):
    pass


def find_chromium():
    for name in [os.environ.get("BASINKIT_CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome"]:
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Browser:
    """Headless Chromium over --remote-debugging-pipe: it reads commands on fd 3 and
    writes replies and events on fd 4, each a JSON text ended by a NUL byte."""

    def __init__(self, chromium, profile, log):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def child_fds():  # in the child, before exec: the pipe ends become fds 3 and 4
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        args = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", f"--user-data-dir={profile}", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--mute-audio",
                f"--window-size={WIDTH},{HEIGHT}", "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     preexec_fn=child_fds, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []  # (sessionId, method, params) not yet consumed

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("the browser did not answer in time")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if ready:
                chunk = os.read(self.from_browser, 1 << 20)
                if not chunk:
                    raise Failure(f"the browser exited (status {self.proc.poll()})")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=TIMEOUT):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise Failure(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append((reply.get("sessionId"), reply["method"], reply["params"]))

    def pump(self, seconds):
        """Collects events for `seconds`."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                reply = self._read_message(deadline)
                if "method" in reply:
                    self.events.append((reply.get("sessionId"), reply["method"], reply["params"]))
        except Failure as e:
            if "in time" not in str(e):
                raise

    def wait_event(self, session, method, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for k, (s, m, p) in enumerate(self.events):
                if s == session and m == method:
                    del self.events[k]
                    return p
            reply = self._read_message(deadline)
            if "method" in reply:
                self.events.append((reply.get("sessionId"), reply["method"], reply["params"]))


class Page:
    """One tab: navigates to a file, records every error and every request."""

    def __init__(self, browser, path):
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.target = target
        self.session = browser.send("Target.attachToTarget",
                                    {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        self.url = pathlib.Path(path).resolve().as_uri()
        self.send("Page.navigate", {"url": self.url})
        browser.wait_event(self.session, "Page.loadEventFired")
        deadline = time.monotonic() + TIMEOUT
        while self.evaluate("document.documentElement.getAttribute('data-ready')") != "1":
            if time.monotonic() > deadline or self.errors():
                break
            browser.pump(0.1)
        browser.pump(0.3)  # late console messages

    def send(self, method, params=None):
        return self.browser.send(method, params, session=self.session)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise Failure(f"evaluating {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self):
        """Every JavaScript exception, console error and log error so far, and every
        request for anything but this file or inline data."""
        found = []
        for s, method, p in self.browser.events:
            if s != self.session:
                continue
            if method == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                text = d.get("exception", {}).get("description") or d.get("text")
                found.append(f"exception: {text} (line {d.get('lineNumber')})")
            elif method == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
                found.append("console.error: " + " ".join(
                    str(a.get("value", a.get("description"))) for a in p["args"]))
            elif method == "Log.entryAdded" and p["entry"]["level"] == "error":
                found.append(f"log: {p['entry']['text']} {p['entry'].get('url', '')}")
            elif method == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if url != self.url and not url.startswith("data:"):
                    found.append(f"request leaving the page: {url}")
        return found

    def click(self, selector):
        """A real mouse click (through hit testing) at the middle of the element."""
        box = self.evaluate(
            f"(function(){{var r=document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2];})()")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                   "button": "left", "clickCount": 1})
        self.browser.pump(0.1)

    def wheel(self, selector, delta_y):
        box = self.evaluate(
            f"(function(){{var r=document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2];})()")
        self.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": box[0], "y": box[1],
                                               "deltaX": 0, "deltaY": delta_y})
        self.browser.pump(0.1)

    def screenshot(self, path):
        """The top of the page: heading, counts, the map and the details beside it."""
        self.evaluate("window.scrollTo(0,0)")
        bottom = self.evaluate(
            "Math.ceil(document.getElementById('layout').getBoundingClientRect().bottom)+16")
        clip = {"x": 0, "y": 0, "width": WIDTH, "height": min(HEIGHT, bottom), "scale": 1}
        data = self.send("Page.captureScreenshot", {"format": "png", "clip": clip})["data"]
        pathlib.Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        self.browser.send("Target.closeTarget", {"targetId": self.target})


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def equal(self, what, got, want):
        self.check(what, got == want, f"got {got!r}, expected {want!r}")

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}: {detail}")


def run(cmd, expect_status=(0,)):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in expect_status:
        raise Failure(f"{' '.join(map(str, cmd))} exited {p.returncode}:\n{p.stderr}")
    return p.stdout


COUNT_JS = """JSON.stringify({
 units: document.querySelectorAll('#map .units path').length,
 townships: document.querySelectorAll('#map .townships path').length,
 rivers: document.querySelectorAll('#map .rivers path').length,
 findings: document.querySelectorAll('#map .findings [data-i]').length,
 sites: document.querySelectorAll('#map .sites [data-i]').length,
 finding_rows: document.querySelectorAll('#findings tr').length - 1,
 site_rows: document.querySelectorAll('#items tr[data-i]').length})"""


# The data-i of the selected map element of a group, or null.
SELECTED_JS = """(function(){var e=document.querySelector('#map .KIND .selected');
return e?e.getAttribute('data-i'):null;})()"""


def check_plan_layers(checks, name, counts, info):
    for layer in ("units", "townships", "rivers"):
        checks.equal(f"{name}: {layer} drawn", counts[layer], info["layers"][layer]["count"])


def check_broken_copy(checks, browser, html_path, name):
    """A copy of the page whose script has a syntax error must be caught."""
    text = pathlib.Path(html_path).read_text(encoding="utf-8")
    at = text.rfind("<script>")
    broken = pathlib.Path(html_path).with_name(f"broken-{pathlib.Path(html_path).name}")
    broken.write_text(text[:at] + "<script>var = ;" + text[at + 8:], encoding="utf-8")
    page = Page(browser, broken)
    errors = page.errors()
    ready = page.evaluate("document.documentElement.getAttribute('data-ready')")
    page.close()
    checks.check(f"{name}: a broken script is caught", errors and ready != "1",
                 f"errors {errors}, data-ready {ready!r}")


def validation_page(checks, browser, args, info, work, shots):
    html_path, json_path = work / "validation.html", work / "validation.json"
    plan = args.data / "plan.yaml"
    run([args.basinkit, "validate", plan, "-o", html_path, "--quiet"])
    run([args.basinkit, "validate", plan, "-o", json_path, "--quiet"])
    report = json.loads(json_path.read_text(encoding="utf-8"))
    findings = report["findings"]

    page = Page(browser, html_path)
    checks.equal("validation: no error in the browser", page.errors(), [])
    checks.equal("validation: the script ran to its end",
                 page.evaluate("document.documentElement.getAttribute('data-ready')"), "1")
    counts = json.loads(page.evaluate(COUNT_JS))
    check_plan_layers(checks, "validation", counts, info)
    checks.equal("validation: findings drawn", counts["findings"],
                 sum(1 for f in findings if f.get("location") is not None))
    checks.equal("validation: finding rows", counts["finding_rows"], len(findings))

    page.click("#map .findings [data-i]")
    shown = page.evaluate("document.getElementById('details').textContent") or ""
    chosen = page.evaluate(SELECTED_JS.replace("KIND", "findings"))
    checks.check("validation: a click selects a finding", chosen is not None, "nothing selected")
    if chosen is not None:
        checks.check("validation: details show the finding's message",
                     findings[int(chosen)]["message"] in shown, f"details: {shown!r}")
    page.screenshot(shots / "validation-report.png")
    width = "document.getElementById('map').viewBox.baseVal.width"
    base = page.evaluate(width)
    page.wheel("#map", -300)
    zoomed = page.evaluate(width)
    checks.check("validation: the wheel zooms in", zoomed < base, f"{zoomed} vs {base}")
    checks.equal("validation: no error after clicking and zooming", page.errors(), [])
    page.close()
    check_broken_copy(checks, browser, html_path, "validation")


def screening_page(checks, browser, args, info, work, shots):
    html_path, json_path = work / "screening.html", work / "screening.json"
    common = [args.basinkit, "screen", args.data / "plan.yaml", "--rules",
              args.data / "rules.yaml", "--sites", args.data / "sites.gpkg", "--quiet"]
    run(common + ["-o", html_path])
    run(common + ["-o", json_path])
    report = json.loads(json_path.read_text(encoding="utf-8"))
    sites = report["sites"]

    page = Page(browser, html_path)
    checks.equal("screening: no error in the browser", page.errors(), [])
    checks.equal("screening: the script ran to its end",
                 page.evaluate("document.documentElement.getAttribute('data-ready')"), "1")
    counts = json.loads(page.evaluate(COUNT_JS))
    check_plan_layers(checks, "screening", counts, info)
    checks.equal("screening: sites drawn", counts["sites"],
                 sum(1 for s in sites if "error" not in s))
    checks.equal("screening: site rows", counts["site_rows"], report["summary"]["sites"])
    for verdict in ("prohibited", "restricted", "encouraged", "permitted", "unlisted"):
        drawn = page.evaluate(f"document.querySelectorAll('#map .sites .{verdict}').length")
        checks.equal(f"screening: {verdict} sites drawn", drawn,
                     sum(1 for s in sites if s["verdict"] == verdict and "error" not in s))

    page.click("#map .sites .prohibited")
    page.screenshot(shots / "screening-report.png")
    shown = page.evaluate("document.getElementById('details').textContent") or ""
    chosen = page.evaluate(SELECTED_JS.replace("KIND", "sites"))
    checks.check("screening: a click selects a site", chosen is not None, "nothing selected")
    if chosen is not None:
        site = sites[int(chosen)]
        checks.check("screening: details name the site and its verdict",
                     f"site {site['id']}" in shown and site["verdict"] in shown, shown)
        for rule in site["rules"]:
            checks.check(f"screening: details show rule {rule['id']} with title and basis",
                         rule["title"] in shown and rule["basis"] in shown, shown)
        checks.check("screening: details show the unit", (site["location"]["unit"] or "—") in shown,
                     shown)
    page.wheel("#map", -300)
    checks.equal("screening: no error after clicking and zooming", page.errors(), [])
    page.close()
    check_broken_copy(checks, browser, html_path, "screening")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--basinkit", required=True, type=pathlib.Path)
    parser.add_argument("--data", required=True, type=pathlib.Path)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--screenshots", type=pathlib.Path, help="default: --work")
    args = parser.parse_args()

    chromium = find_chromium()
    if not chromium:
        print("SKIP: no chromium on PATH (apt-get install chromium, or set BASINKIT_CHROMIUM)")
        return SKIP
    args.work.mkdir(parents=True, exist_ok=True)
    shots = args.screenshots or args.work
    shots.mkdir(parents=True, exist_ok=True)
    info = json.loads(run([args.basinkit, "info", args.data / "plan.yaml", "--format", "json"]))

    checks = Checks()
    log_path = args.work / "chromium.log"
    with tempfile.TemporaryDirectory(prefix="basinkit-chromium-") as profile, \
            open(log_path, "wb") as log:
        browser = Browser(chromium, profile, log)
        try:
            print("browser:", browser.send("Browser.getVersion")["product"])
            validation_page(checks, browser, args, info, args.work, shots)
            screening_page(checks, browser, args, info, args.work, shots)
        except Failure as e:
            checks.check("browser session", False, str(e))
        finally:
            browser.close()
    print(f"screenshots: {shots / 'validation-report.png'}, {shots / 'screening-report.png'}")
    print(f"{checks.passed} passed, {checks.failed} failed")
    if checks.failed:
        print(f"(chromium's own log: {log_path})")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
