"""report.html in a real browser: Debian's headless Chromium opens the report the installed `digits report`
writes for the distill fixture run, at a desktop width and at a phone's, and screenshots the whole page.
The screenshots are the size asked for and not blank, the embedded PNGs decode and are painted, the page
fetches nothing, and on the phone nothing makes the page scroll sideways.

Chromium is driven over --remote-debugging-pipe (the DevTools protocol on two pipes, no port, no
extra Python package) rather than with --screenshot: headless Chromium keeps its window at least 500 px
wide, so `--window-size=390,… --screenshot` crops a 500 px layout instead of showing a phone's; device
metrics emulation lays the page out at 390 CSS px, as a phone does with the page's viewport tag.

Without Chromium the tests skip, unless CI is set (.ci/run sets it and installs chromium): then they fail.
The screenshots (desktop.png, phone.png and each without its images) are written to pytest's temporary
directory, report-browser0/; to keep them, run pytest with --basetemp=DIR."""

import base64
import contextlib
import io
import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from terminal_session import DIGITS

FIXTURE = Path(__file__).parent / "fixtures" / "runs" / "distill-tiny"
CHROMIUM = shutil.which("chromium")
TIMEOUT = 60  # seconds for the whole browser session
DESKTOP, PHONE = (1280, 800), (390, 844)
# The figures' first two Okabe-Ito colours (report/style.py): nothing but a figure paints them.
BLUE, ORANGE = 0x0072B2, 0xE69F00

MEASURE = """(async width => {
  const images = [...document.images];
  const decoded = await Promise.all(images.map(i => i.decode().then(() => true, () => false)));
  const root = document.documentElement;
  const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
                           if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '');
  return {
    width: window.innerWidth, scrollWidth: root.scrollWidth, height: root.scrollHeight,
    images: images.map((i, n) => ({alt: i.alt.slice(0, 60), decoded: decoded[n], complete: i.complete,
                                   natural: [i.naturalWidth, i.naturalHeight],
                                   shown: Math.round(i.getBoundingClientRect().width), scrolls: clipped(i)})),
    sticking_out: [...document.body.querySelectorAll('*')]
      .filter(e => e.getBoundingClientRect().right > width + 0.5 && !clipped(e))
      .map(e => name(e) + ' to x=' + Math.round(e.getBoundingClientRect().right)).slice(0, 20),
    resources: performance.getEntriesByType('resource').map(r => r.name),
  };
})(%d)"""


def ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        message = "Debian's chromium is not installed (apt-get install -y chromium; .ci/run installs it as root)"
        if ci():
            pytest.fail(message + ", and CI is set: the report's browser check must run there", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


class DevTools:
    """Chromium's DevTools protocol over --remote-debugging-pipe: NUL-terminated JSON, commands written to
    the browser's fd 3, replies and events read from its fd 4, each read bounded by the session's deadline."""

    def __init__(self, writer: int, reader: int, deadline: float, log: Path):
        self.writer, self.reader, self.deadline, self.log = writer, reader, deadline, log
        self.buffer, self.events, self.next_id = b"", [], 0

    def message(self) -> dict:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.reader], [], [], left)[0]:
                raise TimeoutError(f"Chromium did not answer within {TIMEOUT} s (see {self.log})")
            chunk = os.read(self.reader, 1 << 20)
            if not chunk:
                raise ConnectionError(f"Chromium closed its DevTools pipe: did it crash? (see {self.log})")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, **params):
        self.next_id += 1
        command = {"id": self.next_id, "method": method, "params": params} | ({"sessionId": session} if session
                                                                                else {})
        os.write(self.writer, json.dumps(command).encode() + b"\0")
        while True:
            reply = self.message()
            if reply.get("id") == self.next_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> dict:
        for n, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(n)
        while True:
            event = self.message()
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            self.events.append(event)


def processes_mentioning(marker: str) -> list[int]:
    """Live (not zombie) processes whose command line contains `marker`: those this test started."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker.encode() in (proc / "cmdline").read_bytes() \
                    and (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(proc.name))
        except OSError:
            continue  # gone meanwhile
    return found


def screenshot(tools: DevTools, session: str, size: tuple[int, int], mobile: bool, path: Path) -> dict:
    """Lay the page out at `size` (CSS px, scale 1), measure it, then screenshot the whole page: as it
    is, and again with its images hidden. Returns the measurements and the screenshots' paths."""
    width, height = size
    tools.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
               mobile=mobile)
    evaluated = tools.call("Runtime.evaluate", session, expression=MEASURE % width, awaitPromise=True,
                           returnByValue=True)
    assert "exceptionDetails" not in evaluated, evaluated["exceptionDetails"]
    measured = evaluated["result"]["value"]
    full = (width, min(measured["height"], 16000))
    tools.call("Emulation.setDeviceMetricsOverride", session, width=full[0], height=full[1], deviceScaleFactor=1,
               mobile=mobile)
    shots = {"page": path, "bare": path.with_name(path.stem + "-no-images.png")}
    for kind, target in shots.items():
        if kind == "bare":
            tools.call("Runtime.evaluate", session,
                       expression="document.querySelectorAll('img').forEach(i => i.style.visibility = 'hidden')")
        target.write_bytes(base64.b64decode(tools.call("Page.captureScreenshot", session, format="png")["data"]))
    tools.call("Runtime.evaluate", session,
               expression="document.querySelectorAll('img').forEach(i => i.style.visibility = '')")
    return measured | {"requested": full, "shots": shots}


@pytest.fixture(scope="module")
def browsed(chromium, tmp_path_factory):
    """The distill fixture run's report, built with the real CLI and opened in headless Chromium."""
    work = tmp_path_factory.mktemp("report-browser")
    shutil.copytree(FIXTURE, work / "distill-tiny")
    env = {**os.environ, "DIGITS_HOME": str(work / "home")}
    built = subprocess.run([DIGITS, "report", str(work / "distill-tiny"), "-o", str(work / "out"), "--format",
                            "html", "--json"], capture_output=True, text=True, timeout=120, env=env)
    assert built.returncode == 0, built.stderr
    page = Path(json.loads(built.stdout)["report"])
    assert page == work / "out" / "report.html" and page.is_file()
    return browse(chromium, page, work)


def browse(chromium: str, page: Path, work: Path) -> dict:
    """Open `page` at both widths; what was measured and screenshot (into `work`), the requests the page
    made, and what was still running once the browser had closed (killed then)."""
    # Its own profile, home and crash-report database, so that every process it starts names `home`.
    home = work / "chromium-home"
    browser_env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                   "XDG_CACHE_HOME": str(home / ".cache")}
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
             "--disable-extensions", "--disable-component-update", "--disable-sync", "--mute-audio",
             f"--user-data-dir={home / 'profile'}", "--force-device-scale-factor=1",
             f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--remote-debugging-pipe", "about:blank"]
    to_browser, from_browser = os.pipe(), os.pipe()
    log = (work / "chromium.log").open("wb")
    # Chromium reads the protocol on fd 3 and writes it on fd 4; bash puts the pipes there (dash cannot: it
    # takes one-digit fds only).
    process = subprocess.Popen(["bash", "-c", f'exec "$0" "$@" 3<&{to_browser[0]} 4>&{from_browser[1]}', chromium,
                                *flags], env=browser_env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                               pass_fds=(to_browser[0], from_browser[1]), start_new_session=True)
    os.close(to_browser[0])
    os.close(from_browser[1])
    result = {"page": page, "html": page.read_text(encoding="utf-8")}
    tools = DevTools(to_browser[1], from_browser[0], time.monotonic() + TIMEOUT, work / "chromium.log")
    try:
        target = tools.call("Target.createTarget", url="about:blank")["targetId"]
        session = tools.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        tools.call("Page.enable", session)
        tools.call("Network.enable", session)
        tools.call("Page.navigate", session, url=page.as_uri())
        tools.wait_for("Page.loadEventFired", session)
        result["desktop"] = screenshot(tools, session, DESKTOP, False, work / "desktop.png")
        result["phone"] = screenshot(tools, session, PHONE, True, work / "phone.png")
        result["requests"] = [e["params"]["request"]["url"] for e in tools.events
                              if e.get("method") == "Network.requestWillBeSent"]
        tools.call("Browser.close")
        process.wait(timeout=max(1.0, tools.deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        os.close(to_browser[1])
        os.close(from_browser[0])
        log.close()
        # Chromium's children, and the crash handlers it starts in sessions of their own, go with it.
        marker = f"{home}{os.sep}"
        for _ in range(100):
            if not (left := processes_mentioning(marker)):
                break
            time.sleep(0.1)
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        result["left_running"] = left
    return result


class Screenshot:
    """A screenshot's pixels as 0xRRGGBB integers, and how much of it is not white."""

    def __init__(self, path: Path):
        from PIL import Image

        with Image.open(path) as image:
            self.size = image.size
            rgb = np.asarray(image.convert("RGB"), dtype=np.uint32)
            self.inked = float((np.asarray(image.convert("L")) < 245).mean())
        self.path, self.pixels = path, (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]

    @staticmethod
    def size_of(png: bytes) -> tuple[int, int]:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as image:
            return image.size

    def count(self, colour: int) -> int:
        return int((self.pixels == colour).sum())


def test_chromium_exits_and_leaves_nothing_running(browsed):
    assert browsed["left_running"] == [], f"Chromium processes outlived the browser: {browsed['left_running']}"


def test_the_page_asks_for_nothing_but_itself(browsed):
    html, page = browsed["html"], browsed["page"]
    for needle in ("<script", "http://", "https://", "@import", "url("):
        assert needle not in html.lower(), f"{page} has {needle!r}"
    assert not re.search(r"<(link|iframe|object|embed|base)\b", html, re.IGNORECASE), f"{page} embeds or links"
    sources = re.findall(r"""\b(?:src|href|srcset|poster)\s*=\s*["']?([^"'\s>]*)""", html, re.IGNORECASE)
    elsewhere = [s[:60] for s in sources if not s.startswith(("data:image/png;base64,", "#"))]
    assert sources and not elsewhere, f"{page} loads {elsewhere}"
    # The browser's own account: one request, for the page; the figures come from their data URIs.
    requests = [url for url in browsed["requests"] if not url.startswith("data:")]
    assert requests == [page.as_uri()], f"opening {page} requested {requests}"
    for width in ("desktop", "phone"):
        assert browsed[width]["resources"] == [], f"{page} fetched {browsed[width]['resources']}"


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_screenshot_is_the_page_with_its_figures(browsed, width):
    seen = browsed[width]
    shot, bare = Screenshot(seen["shots"]["page"]), Screenshot(seen["shots"]["bare"])
    assert shot.size == tuple(seen["requested"]), f"{shot.path}: {shot.size}, asked for {seen['requested']}"
    assert seen["requested"][1] == seen["height"], f"{shot.path} is cut off: the page is {seen['height']} px tall"
    # Not blank: text, tables and figures cover a good part of the page, in many colours.
    colours = len(np.unique(shot.pixels))
    assert shot.inked > 0.05 and colours > 300, f"{shot.path} looks blank: {shot.inked:.1%} inked, {colours} colours"
    # Every figure decoded in the browser, at the size its PNG has, and fits the column (on a phone it
    # keeps a readable size and scrolls sideways in its own box)...
    pngs = re.findall(r'src="data:image/png;base64,([^"]+)"', browsed["html"])
    assert len(seen["images"]) == len(pngs) >= 5, f"{len(seen['images'])} images, {len(pngs)} embedded PNGs"
    for figure, png in zip(seen["images"], pngs):
        assert figure["decoded"] and figure["complete"] and figure["shown"] > 0, figure
        assert figure["shown"] <= seen["width"] or (width == "phone" and figure["scrolls"]), figure
        assert figure["natural"] == list(Screenshot.size_of(base64.b64decode(png))), figure
    # ...and was painted: the palette's blue and orange are there, and go when the images are hidden.
    blue, orange = shot.count(BLUE), shot.count(ORANGE)
    scale = (seen["width"] / DESKTOP[0]) ** 2
    assert blue > 20000 * scale and orange > 2000 * scale, f"{shot.path}: {blue} blue, {orange} orange pixels"
    assert bare.size == shot.size and bare.count(BLUE) + bare.count(ORANGE) == 0, f"{bare.path} shows figure colours"
    assert bare.inked < shot.inked - 0.03, f"hiding the figures hardly changed {shot.path}"


def test_on_a_phone_the_page_does_not_scroll_sideways(browsed):
    phone = browsed["phone"]
    # Anything wider than the phone either makes the page scroll sideways or, in a phone's browser,
    # widens the layout (the page is shown zoomed out); both show here.
    assert phone["width"] == phone["scrollWidth"] == PHONE[0] and phone["sticking_out"] == [], \
        f"{phone['shots']['page']}: the page is {phone['scrollWidth']} px wide (laid out at {phone['width']}) " \
        f"on a {PHONE[0]} px phone; sticking out: {phone['sticking_out']}"
