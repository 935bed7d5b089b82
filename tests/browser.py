"""Open a page in headless Chromium, as a donor's browser would, and read back its DOM and its requests.

Import as ``from browser import ...`` (tests/ is on sys.path); bench/ uses it too. Every
external host resolves to nothing (``--host-resolver-rules``) and Chromium's network log is
kept, so a test sees every request the page itself tried: those made for a ``file://`` page
carry a ``file://`` network isolation key, unlike the browser's own background traffic.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


@dataclass
class Need:
    """One need element of the page as the DOM has it."""

    id: str
    hidden: bool
    attrs: dict[str, str]
    title: str = ""
    text: list[str] = field(default_factory=list)


@dataclass
class Page:
    """What Chromium showed: the <html lang>, each need element, elements by id, the page's requests."""

    lang: str
    needs: dict[str, Need]
    ids: dict[str, dict]
    requests: list[str]

    @property
    def shown(self) -> set[str]:
        return {i for i, n in self.needs.items() if not n.hidden}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang, self.needs, self.ids = "", {}, {}
        self.need: Need | None = None
        self.depth = 0
        self.in_title = False
        self.open_ids: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if "id" in a:
            self.ids[a["id"]] = {"tag": tag, "attrs": a, "text": ""}
        if tag == "article" and "data-id" in a:
            self.need = self.needs[a["data-id"]] = Need(a["data-id"], "hidden" in a, a)
            self.depth = 0
        elif self.need is not None:
            self.depth += 1
            self.in_title = tag == "h3"

    def handle_endtag(self, tag):
        if self.need is not None:
            if tag == "article" and self.depth == 0:
                self.need = None
            else:
                self.depth -= 1
                self.in_title = False

    def handle_data(self, data):
        if self.need is not None:
            if self.in_title:
                self.need.title += data
            self.need.text.append(data)


def open_page(
    path: Path, query: str = "", then: str | None = None, budget_ms: int = 3000, size: tuple[int, int] | None = None
) -> tuple[Page, str]:
    """Open `path` (``?query``) in headless Chromium; returns the page after its scripts ran, and the DOM.

    :param then: a script run after the page's own (as if a user acted), e.g. a click.
    :param size: the viewport's (width, height) in CSS pixels, e.g. (390, 844) for a phone: the page is
        opened in a frame of that size (a headless window is at least 500 px wide) and its DOM comes back
        from the frame.
    """
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(path).resolve()
        if then is not None or size:  # a copy of the page with the user's action appended after its own scripts
            html = target.read_text(encoding="utf-8")
            target = Path(tmp, target.name)
            post = "parent.postMessage(document.documentElement.outerHTML, '*');" if size else ""
            script = f"<script>{then or ''}{post}</script>\n</body>"
            target.write_text(html.replace("</body>", script), encoding="utf-8")
        log = Path(tmp, "net.json")
        url = target.as_uri() + (f"?{query}" if query else "")
        if size:
            url = framed(Path(tmp), url, size).as_uri()
        done = subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={tmp}/profile",
                f"--log-net-log={log}",
                f"--virtual-time-budget={budget_ms}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        dom = done.stdout
        if size:
            import html as markup

            dom = markup.unescape(dom.split('<textarea id="framed">', 1)[1].split("</textarea>", 1)[0])
        reader = _Reader()
        reader.feed(dom)
        return Page(reader.lang, reader.needs, reader.ids, page_requests(log)), dom


def framed(folder: Path, url: str, size: tuple[int, int]) -> Path:
    """A page holding `url` in a frame of `size` (width, height); what the frame posts lands in <textarea id=framed>."""
    wrapper = folder / "frame.html"
    wrapper.write_text(
        f'<!doctype html><html><body style="margin:0"><iframe src="{url}" width="{size[0]}" height="{size[1]}" '
        'style="border:0;display:block"></iframe><textarea id="framed"></textarea><script>'
        'addEventListener("message", function (e) { document.getElementById("framed").textContent = e.data; });'
        "</script></body></html>",
        encoding="utf-8",
    )
    return wrapper


def page_requests(log: Path) -> list[str]:
    """The URLs (other than file:) that a file:// page asked for, from Chromium's network log."""
    events = json.loads(log.read_text(encoding="utf-8"))
    start = events["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    out = []
    for e in events["events"]:
        p = e.get("params", {})
        if e["type"] == start and "file://" in p.get("network_isolation_key", "") and not p["url"].startswith("file:"):
            out.append(p["url"])
    return out


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Languages(HTMLParser):
    """Each text of a DOM with the language it is marked in (the nearest ``lang``), scripts and styles left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("", "")]
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append((tag, dict(attrs).get("lang") or self.stack[-1][1]))

    def handle_endtag(self, tag):
        while len(self.stack) > 1:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack[-1][0] not in ("script", "style") and data.strip():
            self.texts.append((self.stack[-1][1], data.strip()))


def unmarked_vietnamese(dom: str) -> list[str]:
    """The texts of the DOM with Vietnamese diacritics (or đ) that are not inside an element marked ``lang="vi"``."""
    from toolkit.glossary import is_vietnamese

    reader = _Languages()
    reader.feed(dom)
    return [text for lang, text in reader.texts if lang != "vi" and is_vietnamese(text)]
