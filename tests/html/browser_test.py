#!/usr/bin/env python3
"""The HTML reports in a real browser: headless Chromium, driven over the DevTools
protocol (--remote-debugging-pipe), with Python's standard library only.

For the demo plan's pages of validate, screen, assess, diff and rules list it proves:
  - each page loads with no JavaScript exception, no console error, no log error (an SVG
    path it cannot parse is one), no request leaving the file (offline), and its script,
    where it has one, runs to its end (data-ready);
  - validation, screening: the map draws as many units, townships, rivers, findings and
    sites as the JSON reports and `basinkit info` count; the tables have a row per
    finding / site;
  - assessment: every section is drawn in its warning's class and colour (green, yellow,
    red counts as the JSON's), exactly the units of the red sections' incremental
    catchments are shaded; the section, county and township tables match the JSON;
  - diff, of the demo against itself and against the CLI tests' revision of it
    (tests/cli/diff_revision.sh): changes drawn by type, findings by status, the old
    units, and the tables by change, county and township as the JSON has them;
  - rules list (no script): the index and every unit's page list the JSON's rules, each
    unit has its map with a piece per rule not covering the whole unit, every index link
    reaches its unit's page;
  - a real mouse click on a finding / a prohibited site / a red section / a table row / a
    change shows its details (verdict, rule titles and legal basis; parameters over
    target with their multiples; the change's message), the details fit their panel,
    and the wheel zooms;
  - a copy of each page with a deliberately broken script (rules list: a broken map
    path) IS caught (else the error checks above prove nothing);
and takes a screenshot of three pages (validation-report.png, screening-report.png,
assessment-report.png).

    browser_test.py --basinkit BIN --data data/shapefiles --work DIR [--screenshots DIR]

Exit 0 passed, 1 failed, 77 skipped (no Chromium: set BASINKIT_CHROMIUM or put chromium
on PATH). The diff's revision is made with ogr2ogr, as in the CLI tests. The screenshots in
docs/img are regenerated with
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
READY_JS = "document.documentElement.getAttribute('data-ready')"
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
    """One tab: navigates to a file, records every error and every request. A scripted
    page is waited for until its script has run to its end (data-ready)."""

    def __init__(self, browser, path, scripted=True):
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
        while scripted and self.evaluate(READY_JS) != "1":
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


# The rows of the table that follows the <h2> titled TITLE, as lists of cell texts (the
# header row left out), or null when no table follows such a heading.
TABLE_AFTER_JS = """(function(){var h=[].find.call(document.querySelectorAll('h2'),
function(e){return e.textContent===TITLE;}),t=h&&h.nextElementSibling;
if(!t||t.tagName!=='TABLE')return null;
return [].slice.call(t.rows,1).map(function(r){return [].map.call(r.cells,
function(c){return c.textContent;});});})()"""


def table_after(page, title):
    return page.evaluate(TABLE_AFTER_JS.replace("TITLE", json.dumps(title)))


def write_reports(command, work, stem):
    """Runs a basinkit command once for STEM.html and once for STEM.json; returns the
    page's path and the JSON report."""
    html_path, json_path = work / f"{stem}.html", work / f"{stem}.json"
    run(command + ["-o", html_path])
    run(command + ["-o", json_path])
    return html_path, json.loads(json_path.read_text(encoding="utf-8"))


def open_page(checks, browser, html_path, name, scripted=True):
    """Loads a page and checks that it loaded clean and its script ran to its end."""
    page = Page(browser, html_path, scripted)
    checks.equal(f"{name}: no error in the browser", page.errors(), [])
    if scripted:
        checks.equal(f"{name}: the script ran to its end", page.evaluate(READY_JS), "1")
    return page


def check_plan_layers(checks, name, counts, info):
    for layer in ("units", "townships", "rivers"):
        checks.equal(f"{name}: {layer} drawn", counts[layer], info["layers"][layer]["count"])


def check_broken_copy(checks, browser, html_path, name, scripted=True):
    """A copy of the page whose script has a syntax error must be caught; a page without
    a script gets a map path the browser cannot parse instead."""
    text = pathlib.Path(html_path).read_text(encoding="utf-8")
    if scripted:
        at = text.rfind("<script>")
        text = text[:at] + "<script>var = ;" + text[at + 8:]
    else:
        at = text.index(' d="M') + 4
        text = text[:at] + "M x" + text[at + 1:]
    broken = pathlib.Path(html_path).with_name(f"broken-{pathlib.Path(html_path).name}")
    broken.write_text(text, encoding="utf-8")
    page = Page(browser, broken, scripted)
    errors = page.errors()
    ready = page.evaluate(READY_JS)
    page.close()
    checks.check(f"{name}: a broken {'script' if scripted else 'map'} is caught",
                 errors and (ready != "1" or not scripted),
                 f"errors {errors}, data-ready {ready!r}")


def shown_details(checks, page, name):
    """The text of the details panel, checked to fit it: nothing cut off at its side."""
    widths = page.evaluate("(function(){var d=document.getElementById('details');"
                           "return [d.scrollWidth,d.clientWidth];})()")
    checks.check(f"{name}: the details fit their panel", widths[0] <= widths[1],
                 f"{widths[0]} px wide in {widths[1]} px")
    return page.evaluate("document.getElementById('details').textContent") or ""


def check_zoom_and_errors(checks, page, name):
    width = "document.getElementById('map').viewBox.baseVal.width"
    base = page.evaluate(width)
    page.wheel("#map", -300)
    zoomed = page.evaluate(width)
    checks.check(f"{name}: the wheel zooms in", zoomed < base, f"{zoomed} vs {base}")
    checks.equal(f"{name}: no error after clicking and zooming", page.errors(), [])


def validation_page(checks, browser, args, info, work, shots):
    html_path, report = write_reports(
        [args.basinkit, "validate", args.data / "plan.yaml", "--quiet"], work, "validation")
    findings = report["findings"]

    page = open_page(checks, browser, html_path, "validation")
    counts = json.loads(page.evaluate(COUNT_JS))
    check_plan_layers(checks, "validation", counts, info)
    checks.equal("validation: findings drawn", counts["findings"],
                 sum(1 for f in findings if f.get("location") is not None))
    checks.equal("validation: finding rows", counts["finding_rows"], len(findings))

    page.click("#map .findings [data-i]")
    shown = shown_details(checks, page, "validation")
    chosen = page.evaluate(SELECTED_JS.replace("KIND", "findings"))
    checks.check("validation: a click selects a finding", chosen is not None, "nothing selected")
    if chosen is not None:
        checks.check("validation: details show the finding's message",
                     findings[int(chosen)]["message"] in shown, f"details: {shown!r}")
    page.screenshot(shots / "validation-report.png")
    check_zoom_and_errors(checks, page, "validation")
    page.close()
    check_broken_copy(checks, browser, html_path, "validation")


def screening_page(checks, browser, args, info, work, shots):
    html_path, report = write_reports(
        [args.basinkit, "screen", args.data / "plan.yaml", "--rules", args.data / "rules.yaml",
         "--sites", args.data / "sites.gpkg", "--quiet"], work, "screening")
    sites = report["sites"]

    page = open_page(checks, browser, html_path, "screening")
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
    shown = shown_details(checks, page, "screening")
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
    check_zoom_and_errors(checks, page, "screening")
    page.close()
    check_broken_copy(checks, browser, html_path, "screening")


# Each section circle: its data-i, class and the fill the browser paints it with.
SECTIONS_JS = """JSON.stringify([].map.call(document.querySelectorAll('#map .sections circle'),
function(c){return {i:+c.getAttribute('data-i'),cls:c.getAttribute('class'),
fill:getComputedStyle(c).fill};}))"""

# Each shaded catchment: the section it belongs to, its title ("UNIT → SECTION") and how
# opaque its fill is painted.
CATCHMENTS_JS = """JSON.stringify([].map.call(document.querySelectorAll('#map .catchments path'),
function(p){return {i:+p.getAttribute('data-i'),title:p.querySelector('title').textContent,
opacity:+getComputedStyle(p).fillOpacity,fill:getComputedStyle(p).fill};}))"""

# The details' parameter table: a list of cell texts per row, the header row left out.
DETAIL_ROWS_JS = """JSON.stringify([].slice.call(
document.querySelectorAll('#details table tr'),1).map(function(r){
return [].map.call(r.cells,function(c){return c.textContent;});}))"""


def looks_like(warning, fill):
    """Whether a computed "rgb(r, g, b)" fill reads as the warning's colour."""
    r, g, b = (int(v) for v in fill[fill.index("(") + 1:fill.index(")")].split(",")[:3])
    return {"green": g > r and g > b, "yellow": r > 200 and g > 150 and b < 100,
            "red": r > 150 and g < 100 and b < 100}.get(warning, False)


def number_or_text(text):
    try:
        return float(text)
    except ValueError:
        return text


def assessment_page(checks, browser, args, info, work, shots):
    html_path, report = write_reports(
        [args.basinkit, "assess", args.data / "plan.yaml", "--monitoring",
         args.data / "monitoring.csv"], work, "assessment")
    sections, summary = report["sections"], report["summary"]

    page = open_page(checks, browser, html_path, "assessment")
    check_plan_layers(checks, "assessment", json.loads(page.evaluate(COUNT_JS)), info)
    drawn = json.loads(page.evaluate(SECTIONS_JS))
    checks.equal("assessment: sections drawn", sorted(c["i"] for c in drawn),
                 [i for i, s in enumerate(sections) if s["location"] is not None])
    for warning in ("green", "yellow", "red"):
        checks.equal(f"assessment: {warning} sections drawn",
                     sum(1 for c in drawn if c["cls"] == warning), summary[warning])
    for c in drawn:
        s = sections[c["i"]]
        checks.check(f"assessment: {s['code']} painted {s['warning']}",
                     c["cls"] == s["warning"] and looks_like(s["warning"], c["fill"]),
                     f"class {c['cls']!r}, fill {c['fill']}")

    shaded = json.loads(page.evaluate(CATCHMENTS_JS))
    red = [(u, s["code"]) for s in sections if s["warning"] == "red" for u in s["units"]]
    checks.check("assessment: the demo has a red section with units", red, "no red unit")
    checks.equal("assessment: units shaded under red sections",
                 sorted(tuple(p["title"].split(" → ")) for p in shaded), sorted(red))
    checks.check("assessment: the shading is visible and red",
                 all(p["opacity"] > 0 and looks_like("red", p["fill"]) for p in shaded), shaded)

    checks.equal("assessment: section rows",
                 page.evaluate("document.querySelectorAll('#items tr[data-i]').length"),
                 len(sections))
    for title, key in (("By county", "by_county"), ("By township", "by_township")):
        rows = table_after(page, title) or []
        checks.equal(f"assessment: {title.lower()} rows (code, green, yellow, red)",
                     [[r[0], int(r[2]), int(r[3]), int(r[4])] for r in rows],
                     [[code, t["green"], t["yellow"], t["red"]]
                      for code, t in sorted(report[key].items())])

    page.click("#map .sections circle.red")
    chosen = page.evaluate(SELECTED_JS.replace("KIND", "sections"))
    checks.check("assessment: a click selects a red section",
                 chosen is not None and sections[int(chosen)]["warning"] == "red",
                 f"selected {chosen!r}")
    if chosen is not None:
        s = sections[int(chosen)]
        shown = shown_details(checks, page, "assessment")
        checks.check(f"assessment: details name {s['code']} and its class",
                     f"{s['code']} {s['name']}" in shown and f"class {s['class']}" in shown, shown)
        # The last column marks a parameter over target: its multiple, or "yes" (DO, pH).
        over = [[r[0].split(" ")[0], number_or_text(r[-1])]
                for r in json.loads(page.evaluate(DETAIL_ROWS_JS)) if r[-1]]
        checks.equal("assessment: details show the parameters over target with multiples", over,
                     [[p["parameter"], "yes" if p["multiple"] is None else p["multiple"]]
                      for p in s["parameters"] if p["over_target"]])
        checks.check("assessment: the red section has parameters over target", over, shown)
    page.screenshot(shots / "assessment-report.png")
    page.click("#items tr[data-i] td")
    shown = shown_details(checks, page, "assessment (table row)")
    checks.check("assessment: a click on a table row shows its section",
                 shown.startswith(f"{sections[0]['code']} {sections[0]['name']}"), shown)
    check_zoom_and_errors(checks, page, "assessment")
    page.close()
    check_broken_copy(checks, browser, html_path, "assessment")


def diff_page(checks, browser, args, info, work, revision):
    """The diff page of the demo against REVISION (a command whose arguments end with the
    diff's own), or against itself when REVISION is None."""
    name = "diff (revision)" if revision else "diff (itself)"
    plan = args.data / "plan.yaml"
    command = revision or [args.basinkit, "diff", plan, plan, "--quiet"]
    html_path, report = write_reports(command, work, "diff-revision" if revision else "diff-self")
    changes, findings, summary = report["changes"], report["findings"], report["summary"]

    page = open_page(checks, browser, html_path, name)
    check_plan_layers(checks, name, json.loads(page.evaluate(COUNT_JS)), info)
    checks.equal(f"{name}: old units drawn",
                 page.evaluate("document.querySelectorAll('#map .old-units path').length"),
                 info["layers"]["units"]["count"])
    for change in ("added", "removed", "recoded", "split", "merged", "reshaped", "reassigned",
                   "reparented", "attribute"):
        checks.equal(f"{name}: {change} changes drawn",
                     page.evaluate(f"document.querySelectorAll('#map .changes .{change}').length"),
                     summary["by_change"].get(change, 0))
    for status in ("resolved", "new"):
        checks.equal(f"{name}: {status} findings drawn",
                     page.evaluate(f"document.querySelectorAll('#map .findings .{status}').length"),
                     sum(1 for f in findings[status] if f.get("location") is not None))
    checks.equal(f"{name}: change and finding rows",
                 page.evaluate("document.querySelectorAll('#items tr[data-i]').length"),
                 len(changes) + len(findings["resolved"]) + len(findings["new"]))
    checks.equal(f"{name}: by change rows", table_after(page, "By change"),
                 [[t, str(n)] for t, n in sorted(summary["by_change"].items())])
    for title, key in (("By county", "by_county"), ("By township", "by_township")):
        checks.equal(f"{name}: {title.lower()} rows (code, changes, resolved, new, unchanged)",
                     [[r[0], int(r[2]), int(r[3]), int(r[4]), int(r[6])]
                      for r in table_after(page, title) or []],
                     [[code, t["changes"], t["resolved"], t["new"], t["unchanged"]]
                      for code, t in sorted(summary[key].items())])
    if revision:  # the recoded unit: the reassigned one's middle holds its new findings' marks
        page.click("#map .changes .recoded")
        chosen = page.evaluate(SELECTED_JS.replace("KIND", "changes"))
        shown = shown_details(checks, page, name)
        checks.check(f"{name}: a click on a change shows its message",
                     chosen is not None and changes[int(chosen)]["message"] in shown,
                     f"selected {chosen!r}, details {shown!r}")
    check_zoom_and_errors(checks, page, name)
    page.close()
    check_broken_copy(checks, browser, html_path, name)


# Per unit page: its code, the rule ids of its negative and positive tables, the scope
# pieces its map draws; and the index: its rows and the links that reach a unit page.
UNIT_LISTS_JS = """JSON.stringify({units:[].map.call(document.querySelectorAll('section.unit'),
function(s){var lists=[].map.call(s.querySelectorAll('h3'),function(h){
var t=h.nextElementSibling;return t&&t.tagName==='TABLE'?[].slice.call(t.rows,1).map(
function(r){return r.cells[1].textContent;}):[];});
return {code:s.id.slice(2),negative:lists[0],positive:lists[1],
maps:s.querySelectorAll('svg.unitmap').length,
pieces:s.querySelectorAll('svg.unitmap path:not(.unit)').length};}),
index:[].map.call(document.querySelectorAll('#index tr'),function(r){
return [].map.call(r.cells,function(c){return c.textContent;});}).slice(1),
linked:[].filter.call(document.querySelectorAll('#index a[href^="#u-"]'),function(a){
var t=document.getElementById(a.getAttribute('href').slice(1));
return t&&t.tagName==='SECTION'&&t.id==='u-'+a.textContent;}).length})"""


def unit_lists_page(checks, browser, args, work):
    html_path, report = write_reports(
        [args.basinkit, "rules", "list", args.data / "plan.yaml", "--rules",
         args.data / "rules.yaml", "--quiet"], work, "unit-lists")
    units = report["units"]
    name = "unit lists"

    page = open_page(checks, browser, html_path, name, scripted=False)
    shown = json.loads(page.evaluate(UNIT_LISTS_JS))
    checks.equal(f"{name}: index rows (unit, negative, positive)",
                 [[r[2], int(r[5]), int(r[6])] for r in shown["index"]],
                 [[u["code"], len(u["negative"]), len(u["positive"])] for u in units])
    checks.equal(f"{name}: index links reaching a unit page", shown["linked"], len(units))
    checks.equal(f"{name}: unit pages (negative and positive rule ids)",
                 [[u["code"], u["negative"], u["positive"]] for u in shown["units"]],
                 [[u["code"], [r["id"] for r in u["negative"]], [r["id"] for r in u["positive"]]]
                  for u in units])
    checks.equal(f"{name}: rules listed", sum(len(u["negative"]) + len(u["positive"])
                                              for u in shown["units"]), report["summary"]["listed"])
    checks.equal(f"{name}: a map per unit", [u["maps"] for u in shown["units"]], [1] * len(units))
    checks.equal(f"{name}: scope pieces drawn (rules not covering the whole unit)",
                 [u["pieces"] for u in shown["units"]],
                 [sum(1 for r in u["negative"] + u["positive"] if not r["whole_unit"])
                  for u in units])
    page.close()
    check_broken_copy(checks, browser, html_path, name, scripted=False)



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
    # The CLI tests' revision of the demo (a unit recoded, one reassigned), diffed by it.
    revision = [pathlib.Path(__file__).resolve().parent.parent / "cli" / "diff_revision.sh",
                args.basinkit, args.data, "0", "", "--", "--quiet"]

    checks = Checks()
    log_path = args.work / "chromium.log"
    with tempfile.TemporaryDirectory(prefix="basinkit-chromium-") as profile, \
            open(log_path, "wb") as log:
        browser = Browser(chromium, profile, log)
        try:
            print("browser:", browser.send("Browser.getVersion")["product"])
            validation_page(checks, browser, args, info, args.work, shots)
            screening_page(checks, browser, args, info, args.work, shots)
            assessment_page(checks, browser, args, info, args.work, shots)
            diff_page(checks, browser, args, info, args.work, None)
            diff_page(checks, browser, args, info, args.work, revision)
            unit_lists_page(checks, browser, args, args.work)
        except Failure as e:
            checks.check("browser session", False, str(e))
        finally:
            browser.close()
    print("screenshots:", ", ".join(str(shots / f"{page}-report.png")
                                    for page in ("validation", "screening", "assessment")))
    print(f"{checks.passed} passed, {checks.failed} failed")
    if checks.failed:
        print(f"(chromium's own log: {log_path})")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
