"""Markdown a learner reads renders as written: every `**` opens and closes bold under CommonMark.

CommonMark closes `**` only when it is right-flanking. A closing `**` right after punctuation and directly
followed by a letter (`**이름(name)**은`, `**`image:`**는`) is not, so the reader sees the asterisks. JupyterLab
(marked) and nbconvert (mistune) both follow that rule; this test renders with mistune, nbconvert's renderer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

mistune = pytest.importorskip("mistune", reason="mistune comes with nbconvert (nbgrader needs it)")

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN_FILES = ("README.md", "docs/glossary.md", "docs/instructor-guide.md", "tools/start-here.md")
NOTEBOOK_GLOBS = ("notebooks/[0-9][0-9]-*.ipynb", "source/*/*.ipynb", "release/*/*.ipynb")
PRE = re.compile(r"<pre>.*?</pre>", re.S)
CODE = re.compile(r"<code>(.*?)</code>", re.S)

render = mistune.create_markdown(renderer="html", plugins=["table", "strikethrough"])


def stray_bold(text: str) -> list[str]:
    """Rendered lines (code removed) that still show a literal `**`: bold that did not open or close."""
    html = CODE.sub(lambda m: "`" + m.group(1).replace("*", "") + "`", PRE.sub("", render(text)))
    return [line.strip() for line in html.splitlines() if "**" in line]


def markdown_sources() -> list[tuple[str, str]]:
    """(where, markdown) for every markdown file and markdown cell a learner or instructor reads."""
    found = [(rel, (ROOT / rel).read_text(encoding="utf-8")) for rel in MARKDOWN_FILES if (ROOT / rel).is_file()]
    for pattern in NOTEBOOK_GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            for i, cell in enumerate(cells):
                if cell.get("cell_type") == "markdown":
                    source = cell["source"]
                    found.append((f"{path.relative_to(ROOT)} [{i}]", "".join(source) if isinstance(source, list)
                                  else source))
    return found


@pytest.mark.parametrize("text", [
    "**이름(name)**은",                    # ')' then '**' then Hangul: not right-flanking
    "**`image:`**는",                      # code span, then '**', then Hangul
    '단계마다 **"같은 줄인가?"**를 묻습니다',  # quote, then '**', then Hangul
    "**두 `RUN`**으로",
])
def test_the_check_catches_bold_that_does_not_close(text):
    assert stray_bold(text), f"should have been caught: {text}"


@pytest.mark.parametrize("text", [
    "**이름**은",                          # letter before '**': closes
    "**이름(name)**: 뜻",                  # punctuation after '**': closes
    "**`image:`** 아래",                   # space after '**': closes
    "- **기억할 것:** 빌드 컨텍스트",
    "`f(**kwargs)`와\n\n```\n**x\n```",  # asterisks inside code are code
])
def test_the_check_passes_bold_that_closes(text):
    assert not stray_bold(text), f"should have passed: {text}"


def test_every_bold_span_opens_and_closes():
    sources = markdown_sources()
    assert sources, "no markdown found"
    broken = [f"{where}: {line[:120]}" for where, text in sources for line in stray_bold(text)]
    assert not broken, ("`**` that CommonMark does not close (put the closing `**` after a letter, or move the "
                        "punctuation or code inside/outside so a space or punctuation follows it):\n"
                        + "\n".join(broken))


def test_the_start_page_lists_every_file_a_learner_submits():
    from helpers.grading.autograde import LEARNER_FILES

    start = (ROOT / "tools" / "start-here.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in start.splitlines() if line.startswith("| ") and "장 `" in line}
    missing = []
    for assignment, files in LEARNER_FILES.items():
        row = next((line for key, line in rows.items() if f"`{assignment}`" in key), "")
        missing += [f"{assignment}/{name}" for name in files if f"`{name}`" not in row]
    assert not missing, f"tools/start-here.md does not tell learners to submit: {', '.join(missing)}"


def test_every_chapter_with_an_exercise_ends_with_a_clickable_link_to_it():
    """The last words of chapters 02-12 are a markdown link to their exercise as the learner's workspace has it."""
    import nbformat

    root = Path(__file__).resolve().parents[2]
    missing = []
    for assignment in sorted(p.name for p in (root / "release").iterdir() if p.is_dir()):
        chapter = next((root / "notebooks").glob(f"{assignment[:2]}-*.ipynb"))
        nb = nbformat.read(chapter, as_version=4)
        tail = " ".join(c.source for c in nb.cells[-3:] if c.cell_type == "markdown")
        target = f"exercises/{assignment}/{assignment}.ipynb"
        if not re.search(r"\]\(" + re.escape(target) + r"\)", tail):
            missing.append(f"{chapter.name} → {target}")
    assert not missing, missing
