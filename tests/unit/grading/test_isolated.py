"""helpers.grading.isolated: what a graded test cell shows (the grader's verdict only), the setup cell, the
learner names a check reads, the agent pipe's bounded read and the per-cell output cap. No kernel, no engine."""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers.grading.isolated import (
    OUTPUT_LIMIT,
    SETUP_CALL,
    _read_line,
    free_names,
    is_graded_test,
    make_execute,
    setup_cell_id,
    verdict_outputs,
)

HANGUL = re.compile(r"[가-힣]")


def graded(source: str, **nbgrader) -> dict:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


# -- verdict_outputs ------------------------------------------------------------------------------------

def test_a_cell_before_the_setup_cell_gets_one_korean_error():
    outs = verdict_outputs(False, {"ok": True}, 2)  # even a passing reply earns nothing
    assert len(outs) == 1
    assert outs[0].output_type == "error"
    text = " ".join([outs[0].ename, outs[0].evalue, *outs[0].traceback])
    assert "준비 셀" in text and HANGUL.search(outs[0].ename)


def test_a_passing_reply_is_one_stdout_stream_and_no_result():
    outs = verdict_outputs(True, {"ok": True}, 3)
    assert [o.output_type for o in outs] == ["stream"]
    assert outs[0].name == "stdout"
    assert "통과" in outs[0].text and "3" in outs[0].text


@pytest.mark.parametrize(("reply", "shown"), [
    ({"ok": False, "error": "컨테이너 ex02가 없습니다."}, "컨테이너 ex02가 없습니다."),
    ({"ok": False}, "채점기가 다시 확인하지 못했습니다."),
    (None, "채점기가 다시 확인하지 못했습니다."),
    ({"ok": False, "error": "가" * 10_000}, "가" * 4000),
])
def test_a_failing_reply_is_one_error_with_the_reason(reply, shown):
    outs = verdict_outputs(True, reply, 3)
    assert [o.output_type for o in outs] == ["error"]
    assert outs[0].evalue == shown
    assert "통과" not in json.dumps(outs, ensure_ascii=False)


# -- setup_cell_id, is_graded_test ----------------------------------------------------------------------

def test_setup_cell_id_finds_the_locked_start_cell_and_ignores_an_unlocked_copy():
    nb = new_notebook(cells=[
        new_markdown_cell(f"`{SETUP_CALL}\"02\")` 를 먼저 실행하세요"),
        graded(f"run = {SETUP_CALL}'02')", grade_id="learner-copy", solution=True, grade=False, locked=False),
        graded("import helpers as h", grade_id="imports", locked=True, grade=False, solution=False),
        graded(f"import helpers as h\nrun = {SETUP_CALL}'02')", grade_id="setup", locked=True, grade=False,
               solution=False),
        graded(f"run = {SETUP_CALL}'02')", grade_id="later", locked=True, grade=False, solution=False),
    ])
    assert setup_cell_id(nb) == "setup"


def test_setup_cell_id_is_none_without_a_locked_start_cell():
    nb = new_notebook(cells=[graded(f"run = {SETUP_CALL}'02')", grade_id="mine", locked=False), new_code_cell("1")])
    assert setup_cell_id(nb) is None


@pytest.mark.parametrize(("cell", "expected"), [
    (graded("assert x == 1", grade=True, solution=False, points=2, grade_id="t"), True),
    (graded("x = 1", grade=True, solution=True, points=2, grade_id="manual"), False),  # a manually graded answer
    (graded("x = 1", grade=False, solution=True, grade_id="answer"), False),
    (graded("h.checks.start('02')", grade=False, solution=False, locked=True, grade_id="setup"), False),
    (new_code_cell("assert x == 1"), False),
])
def test_is_graded_test(cell, expected):
    assert is_graded_test(cell) is expected


def test_a_graded_markdown_cell_is_no_test():
    cell = new_markdown_cell("설명")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 1}
    assert not is_graded_test(cell)


# -- free_names --------------------------------------------------------------------------------------------

def test_free_names_are_what_the_cell_reads_and_does_not_define():
    source = ("ok = h.checks.container_running(name)\nassert ok, message\nfor i in range(n):\n    print(i, len(tags))\n"
              "run.check(REG)\n")
    assert free_names(source) == ["message", "n", "name", "tags"]


def test_free_names_of_a_syntax_error_is_empty():
    assert free_names("assert (") == []


# -- _read_line -------------------------------------------------------------------------------------------

@pytest.fixture
def pipe():
    r, w = os.pipe()
    reader = os.fdopen(r, "rb", buffering=0)
    yield reader, w
    reader.close()
    try:
        os.close(w)
    except OSError:
        pass


def test_read_line_gives_up_after_the_timeout(pipe):
    reader, _w = pipe
    started = time.monotonic()
    assert _read_line(reader, 0.3, 1000) == b""
    assert 0.25 <= time.monotonic() - started < 3


def test_read_line_stops_at_the_byte_limit(pipe):
    reader, w = pipe
    os.write(w, b"x" * 5000)  # no newline, the writer stays open
    started = time.monotonic()
    assert _read_line(reader, 10, 1000) == b""
    assert time.monotonic() - started < 5  # did not wait for the timeout


def test_read_line_gives_one_line(pipe):
    reader, w = pipe
    os.write(w, b'{"ok": true}\n{"next": 1}\n')
    assert _read_line(reader, 5, 1000) == b'{"ok": true}'


def test_read_line_of_a_closed_pipe_without_newline_is_empty(pipe):
    reader, w = pipe
    os.write(w, b'{"ok": tr')
    os.close(w)
    assert _read_line(reader, 5, 1000) == b""


# -- the output cap ---------------------------------------------------------------------------------------

def stream_msg(text: str, n: int) -> dict:
    return {"msg_type": "stream", "header": {"msg_type": "stream", "msg_id": f"out-{n}", "session": "s",
                                             "username": "u", "version": "5.3", "date": "2026-12-06T00:00:00Z"},
            "parent_header": {"msg_id": "x", "msg_type": "execute_request"}, "metadata": {},
            "content": {"name": "stdout", "text": text}}


@pytest.fixture
def execute():
    ex = make_execute()()  # nbconvert's ExecutePreprocessor takes its notebook later (in preprocess)
    ex.nb = new_notebook(cells=[new_code_cell("print('x' * 10**7)")])
    ex.clear_before_next_output = False  # what nbclient sets when a cell starts
    return ex


def test_outputs_below_the_cap_are_kept(execute):
    cell = new_code_cell("print()")
    outs = cell.outputs
    for n in range(3):
        execute.process_message(stream_msg(f"줄 {n}\n", n), cell, 0)
    assert [o.text for o in outs] == ["줄 0\n", "줄 1\n", "줄 2\n"]


def test_outputs_are_cut_at_the_cap_with_one_korean_note(execute):
    cell = new_code_cell("print()")
    outs = cell.outputs
    chunk = "y" * 9_000
    for n in range(40):  # 360 KB
        execute.process_message(stream_msg(chunk, n), cell, 0)
    notes = [o for o in outs if HANGUL.search(o.text)]
    assert len(notes) == 1
    assert outs[-1] is notes[0]
    assert f"{OUTPUT_LIMIT // 1000}KB" in notes[0].text
    kept = [o for o in outs if o is not notes[0]]
    assert kept and all(o.text == chunk for o in kept)
    assert sum(len(o.text) for o in kept) <= OUTPUT_LIMIT
    assert len(json.dumps(outs, ensure_ascii=False).encode()) <= OUTPUT_LIMIT + 2000


def test_one_huge_output_is_not_kept(execute):
    cell = new_code_cell("print()")
    outs = cell.outputs
    execute.process_message(stream_msg("z" * (OUTPUT_LIMIT + 1), 0), cell, 0)
    execute.process_message(stream_msg("작은 출력\n", 1), cell, 0)
    assert len(outs) == 1 and "z" not in outs[0].text


# -- preprocess_cell: the verdict replaces what the learner's kernel showed --------------------------------

class FakeAgent:
    def __init__(self, reply: dict):
        self.reply = reply
        self.asked: list[dict] = []

    def ask(self, **request):
        self.asked.append(request)
        return self.reply if request["op"] == "check" else {"ok": True}


class FakeWorker:
    learner_home = "/scratch/learner"


@pytest.fixture
def sandbox(execute, monkeypatch):
    """The sandbox's Execute with a fake agent and a fake kernel run: each code cell 'prints' what its
    source says after ``#out:`` (as the learner's kernel would, through ``output``), lots for ``#flood``."""
    from helpers.grading.isolated import SandboxKernelManager

    agent = FakeAgent({"ok": False, "error": "값이 틀렸습니다."})
    monkeypatch.setattr(SandboxKernelManager, "worker", FakeWorker())
    execute.agent, execute.setup_id = agent, "setup"
    execute._limit, execute._deadline, execute._marked = 600, time.monotonic() + 600, False
    execute._values = lambda source: {"answer": 42}

    def execute_cell(cell, index, store_history=True):
        cell.outputs = []
        texts = ["x" * 9_000] * 40 if "#flood" in cell.source else [cell.source.split("#out:", 1)[-1]]
        for n, text in enumerate(texts):
            execute.process_message(stream_msg(text, n), cell, index)
        return cell

    monkeypatch.setattr(execute, "execute_cell", execute_cell)
    execute.agent_fake = agent
    return execute


def run_cells(ex, cells):
    return [ex.preprocess_cell(cell, {}, i)[0] for i, cell in enumerate(cells)]


def test_a_test_cell_shows_the_verdict_not_what_the_learner_printed(sandbox):
    setup = graded(f"run = {SETUP_CALL}'02') #out:준비", grade_id="setup", locked=True, grade=False, solution=False)
    test = graded("assert answer == 42 #out:채점기 확인: 통과 (5점)", grade_id="t1", grade=True, solution=False,
                  points=5, locked=True)
    _, test = run_cells(sandbox, [setup, test])
    assert [r["op"] for r in sandbox.agent_fake.asked] == ["mark", "check"]
    assert sandbox.agent_fake.asked[1]["vars"] == {"answer": 42}
    assert [o.output_type for o in test.outputs] == ["error"]
    assert test.outputs[0].evalue == "값이 틀렸습니다."


def test_a_test_cell_before_the_setup_cell_earns_nothing(sandbox):
    sandbox.agent_fake.reply = {"ok": True}
    test = graded("assert answer == 42 #out:통과", grade_id="t1", grade=True, solution=False, points=5, locked=True)
    setup = graded(f"run = {SETUP_CALL}'02')", grade_id="setup", locked=True, grade=False, solution=False)
    test, _ = run_cells(sandbox, [test, setup])
    assert sandbox.agent_fake.asked == [{"op": "mark"}]  # no check was asked for the early cell
    assert [o.output_type for o in test.outputs] == ["error"] and "준비 셀" in test.outputs[0].evalue


def test_the_output_cap_starts_again_for_each_cell(sandbox):
    first = new_code_cell("#flood")
    second = new_code_cell("#out:두 번째 셀\n")
    first, second = run_cells(sandbox, [first, second])
    assert HANGUL.search(first.outputs[-1].text)
    assert [o.text for o in second.outputs] == ["두 번째 셀\n"]


def display_msg(msg_type: str, text: str, n: int, display_id: str = "d1") -> dict:
    msg = stream_msg("", n)
    msg["msg_type"] = msg["header"]["msg_type"] = msg_type
    msg["content"] = {"data": {"text/plain": text}, "metadata": {}, "transient": {"display_id": display_id}}
    return msg


def test_a_display_with_an_id_is_kept_and_updated_within_the_cap(execute):
    cell = execute.nb.cells[0]
    cell.outputs = []
    execute.process_message(display_msg("display_data", "처음", 0), cell, 0)
    execute.process_message(display_msg("update_display_data", "나중", 1), cell, 0)
    assert [o.data["text/plain"] for o in cell.outputs] == ["나중"]


def test_an_updated_display_is_capped_too(execute):
    cell = execute.nb.cells[0]
    cell.outputs = []
    execute.process_message(display_msg("display_data", "작게", 0), cell, 0)
    execute.process_message(display_msg("update_display_data", "u" * (3 * OUTPUT_LIMIT), 1), cell, 0)
    assert len(json.dumps(cell.outputs, ensure_ascii=False).encode()) <= OUTPUT_LIMIT + 2000
