"""helpers.grading.sanitize: an autograded notebook keeps nothing the instructor's browser would run."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from helpers.grading.sanitize import sanitize_folder, sanitize_notebook

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
WIDGET = "application/vnd.jupyter.widget-view+json"


def hostile() -> nbformat.NotebookNode:
    """A learner's notebook with every way to script the instructor's browser this module closes."""
    nb = new_notebook()
    md = new_markdown_cell(
        "# 답\n<script>alert('md')</script>\n<img src=x onerror=\"alert('img')\">\n"
        "[클릭](javascript:alert('link')) [또](JavaScript :alert(1)) [vb](vbscript:msgbox) "
        "[data](data:text/html;base64,PHNjcmlwdD4=)\n<a href=\"javascript:alert('a')\">a</a>\n평범한 문장")
    md.attachments = {"x.png": {"image/png": PNG}, "y.html": {"text/html": "<script>alert('att')</script>"}}
    code = new_code_cell("display(...)", outputs=[
        new_output("stream", name="stdout", text="평범한 출력\n"),
        new_output("display_data", data={"application/javascript": "alert('js')",
                                         "text/html": "<b>굵게</b><script>alert('html')</script>"
                                                      "<div onclick=\"alert('click')\">x</div>",
                                         "text/plain": "<표시>"}),
        new_output("display_data", data={"image/png": PNG, "image/svg+xml": "<svg onload=\"alert('svg')\"/>"},
                   metadata={"image/png": {"width": 10}}),
        new_output("execute_result", data={"text/plain": "42", WIDGET: {"model_id": "m1"}}, execution_count=1),
    ])
    raw = new_raw_cell("<script>alert('raw')</script>")
    raw.metadata["format"] = "text/html"
    nb.cells = [md, code, raw]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"m1": {}}}}
    return nb


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster"}
SCRIPT_URL = re.compile(r"^(?:javascript|vbscript|data:text/html)", re.IGNORECASE)


class LiveScript(HTMLParser):
    """What in a piece of HTML a browser would run: script-like tags, ``on…`` handlers, script URLs
    (attribute values are unescaped by the parser, and a browser drops tabs and newlines from a URL)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "svg", "math"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = re.sub(r"[\x00-\x20]", "", value or "")
            if name.startswith("on") or (name in URL_ATTRIBUTES and SCRIPT_URL.match(url)):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def live_scripts(nb) -> list[str]:
    """Everything live in the HTML the instructor's view renders of ``nb`` (nbconvert's markdown renderer,
    which formgrader and the feedback HTML use, for markdown cells and text/markdown outputs)."""
    parser = LiveScript()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parser.feed(markdown2html_mistune(cell.source))
        if cell.cell_type == "raw":
            parser.feed(cell.source)
        parser.found += [f"attachment {name}" for name in cell.get("attachments", {})]
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parser.feed(data.get("text/html", ""))
            parser.feed(markdown2html_mistune(data.get("text/markdown", "")))
            parser.found += [f"output {k}" for k in data if k not in ("text/plain", "text/html", "text/markdown",
                                                                         "image/png", "image/jpeg")]
    if "widgets" in nb.metadata:
        parser.found.append("widget state")
    return parser.found


def test_nothing_that_runs_survives():
    nb = hostile()
    assert live_scripts(nb)  # the premise
    sanitize_notebook(nb)
    assert live_scripts(nb) == []


def test_markdown_keeps_its_text_and_loses_its_scripts():
    nb = hostile()
    sanitize_notebook(nb)
    md = nb.cells[0]
    assert "# 답" in md.source and "평범한 문장" in md.source and "[클릭](" in md.source
    assert "attachments" not in md


def test_outputs_keep_only_inert_types():
    nb = hostile()
    sanitize_notebook(nb)
    stream, html, png, result = nb.cells[1].outputs
    assert stream.text == "평범한 출력\n"
    assert set(html.data) == {"text/html", "text/plain"}
    assert "<b>굵게</b>" in html.data["text/html"]
    assert html.data["text/plain"] == "<표시>"
    assert png.data == {"image/png": PNG}
    assert png.metadata == {}
    assert result.data == {"text/plain": "42"}


def test_raw_cells_and_widget_state_are_gone():
    nb = hostile()
    sanitize_notebook(nb)
    assert nb.cells[2].source == ""
    assert "widgets" not in nb.metadata


def test_the_sanitized_notebook_is_still_valid():
    nb = hostile()
    sanitize_notebook(nb)
    nbformat.validate(nb)


def test_sanitize_folder_rewrites_every_notebook(tmp_path):
    for name in ("01-a.ipynb", "02-b.ipynb"):
        nbformat.write(hostile(), tmp_path / name)
    other = tmp_path / "Dockerfile"
    other.write_text("FROM busybox:1.35\n# <script>alert(1)</script>\n")
    sanitize_folder(tmp_path)
    for name in ("01-a.ipynb", "02-b.ipynb"):
        nb = nbformat.read(tmp_path / name, as_version=4)
        assert live_scripts(nb) == []
        assert nb.cells[1].outputs[0].text == "평범한 출력\n"
    assert other.read_text() == "FROM busybox:1.35\n# <script>alert(1)</script>\n"  # not a notebook: untouched


@pytest.mark.parametrize("source", [
    "[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x]( javascript:alert(1))", "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))", "<javascript:alert(1)>", "[x][r]\n\n[r]: javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>', '<a href="&#106;avascript:alert(1)">x</a>', "<a href='java\tscript:alert(1)'>x</a>",
])
def test_markdown_script_links_are_blocked(source):
    nb = new_notebook(cells=[new_markdown_cell(source)])
    assert live_scripts(nb)  # the premise: nbconvert would render it live
    sanitize_notebook(nb)
    assert live_scripts(nb) == []


@pytest.mark.parametrize("source", ["[x](&#106;avascript:alert(1))", "[x](javascript&colon;alert(1))",
                                    "[x](&#x6A;avascript&#58;alert(1))"])
def test_markdown_script_links_spelled_with_entities_are_blocked(source):
    nb = new_notebook(cells=[new_markdown_cell(source)])
    assert live_scripts(nb)
    sanitize_notebook(nb)
    assert live_scripts(nb) == []


def test_markdown_outputs_lose_their_script_links():
    out = new_output("display_data", data={"text/markdown": "[x](javascript:alert(1))", "text/plain": "x"})
    nb = new_notebook(cells=[new_code_cell("show()", outputs=[out])])
    assert live_scripts(nb)
    sanitize_notebook(nb)
    assert live_scripts(nb) == []
