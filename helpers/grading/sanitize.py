"""The instructor's view is safe: an autograded notebook keeps no learner script or event handler.

Before an autograded notebook reaches the course's ``autograded/`` (read by formgrader) and the feedback
HTML, every output keeps only inert types (text, images as PNG/JPEG; HTML through nbconvert's
``SanitizeHTML``, which drops ``<script>``, ``on…`` handlers and ``javascript:`` links), markdown cells
and attachments are sanitized the same way, raw cells are emptied, and widget state is removed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

_SCRIPT_URL = re.compile(r"(?i)\b(?:java|vb)script\s*:|\bdata\s*:\s*text/html")

# the course's own tables and notes (h.ps, h.images ...) stay readable; no script, handler or frame
TAGS = ["a", "abbr", "b", "blockquote", "br", "code", "details", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "li", "ol", "p", "pre", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul"]
ATTRIBUTES = {"*": ["style", "title", "class"], "a": ["href", "title"], "td": ["colspan", "rowspan", "style"],
              "th": ["colspan", "rowspan", "style"]}
SAFE_OUTPUT = ("text/plain", "text/html", "text/markdown", "image/png", "image/jpeg")


def sanitize_notebook(nb) -> None:
    """In place: what the instructor's browser renders of ``nb`` runs no code of the learner's."""
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    for cell in nb.cells:
        cell.pop("attachments", None)
        if cell.cell_type == "raw":
            cell.source = ""
        for out in cell.get("outputs", []):
            if "data" in out:
                out.data = {k: v for k, v in out.data.items() if k in SAFE_OUTPUT}
                out.pop("metadata", None)
                out.metadata = {}
    nb.metadata.pop("widgets", None)
    SanitizeHTML(tags=TAGS, attributes=ATTRIBUTES).preprocess(nb, {})  # html/markdown outputs and cells via bleach
    for cell in nb.cells:  # markdown links are HTML only once rendered: no script URL survives to it
        if cell.cell_type == "markdown":
            cell.source = _defuse(cell.source)
        for out in cell.get("outputs", []):
            if "text/markdown" in out.get("data", {}):
                out.data["text/markdown"] = _defuse(out.data["text/markdown"])


def _defuse(text) -> str:
    """Markdown that cannot render a script link: text that spells a script URL in any way the renderer
    would decode (entities, percent-escapes) is shown as a code block instead of being rendered."""
    text = "".join(text) if isinstance(text, list) else text
    decoded = html.unescape(text)
    if _SCRIPT_URL.search(decoded) or _SCRIPT_URL.search(unquote(decoded)):
        return "```\n" + text.replace("`", "'") + "\n```"
    return text


def sanitize_folder(folder: Path) -> None:
    """Every notebook of an autograded submission folder, rewritten sanitized."""
    import nbformat

    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        sanitize_notebook(nb)
        nbformat.write(nb, path)
