"""RunBuilder on the fake engine: the form's ``docker run`` line, and running exactly that line."""

from __future__ import annotations

import pytest

from helpers._state import CHAPTER_LABEL
from helpers.widgets.run_builder import RunBuilder

from ..fakes import printed
from .ui import assert_bundle, find_button, text_of


def test_run_builder_command_line_follows_fields():
    rb = RunBuilder()
    assert rb.command_line() == "docker run -d busybox:1.35"
    rb.name.value = "web"
    rb.ports.value = "8080:80, 443"
    rb.command.value = "sh -c 'echo hi'"
    rb.detach.value = False
    assert rb.command_line() == "docker run --name web -p 8080:80 -p 443 busybox:1.35 sh -c 'echo hi'"
    assert "--name web -p 8080:80 -p 443" in rb.preview.value
    rb.ports.value = "80:"
    assert "형식이 잘못" in rb.preview.value
    assert "입력 오류" in rb.text()


def test_run_builder_execute_runs_the_form_through_run(fake, capsys):
    fake.outputs["echo hi"] = (b"hi\n", 0)
    rb = RunBuilder(image="busybox:1.35", name="x", detach=False, ports="18100:80", command="echo hi",
                    chapter="test-widgets")
    result = rb.execute()
    assert result == "hi\n" and result.exit_code == 0
    assert printed(capsys) == ["$ docker run --name x -p 18100:80 busybox:1.35 echo hi"]
    assert "$ " + rb.command_line() == "$ docker run --name x -p 18100:80 busybox:1.35 echo hi"
    created = fake.created[-1]
    assert (created["image"], created["command"], created["name"]) == ("busybox:1.35", ["echo", "hi"], "x")
    assert created["ports"] == {"80/tcp": 18100}
    assert created["labels"] == {CHAPTER_LABEL: "test-widgets"}
    fake.containers.get("x").remove()  # as `docker rm x` before running the same line again
    find_button(rb.widget, "실행 (Run)").click()
    assert "종료 코드 0" in text_of(rb.out)
    assert "$ docker run --name x -p 18100:80 busybox:1.35 echo hi" in text_of(rb.out)
    assert_bundle(rb, "docker run --name x -p 18100:80 busybox:1.35 echo hi", "종료 코드 0")


def test_run_builder_echoes_cli_ports_exactly_and_describes_a_detached_container(fake, capsys):
    rb = RunBuilder(image="httpd:2.4", name="web", ports="127.0.0.1:8081:80/tcp, 443")
    web = rb.execute()  # the -p strings are passed on as typed, and echoed as typed
    assert printed(capsys)[0] == "$ docker run -d --name web -p 127.0.0.1:8081:80/tcp -p 443 httpd:2.4"
    assert rb.command_line() == "docker run -d --name web -p 127.0.0.1:8081:80/tcp -p 443 httpd:2.4"
    assert fake.created[-1]["ports"] == {"80/tcp": ("127.0.0.1", 8081), "443/tcp": None}
    assert web.name == "web" and web.status == "running"
    assert "결과: 컨테이너 web" in rb.text()
    find_button(rb.widget, "실행 (Run)").click()  # the same name again: Docker's own conflict, in Korean
    assert "Conflict" in text_of(rb.out) and "h.rm('web', force=True)" in text_of(rb.out)
    assert [type(e).__name__ for e in rb.errors] == ["NameInUse"] and fake.container_names() == {"web"}


def test_run_builder_button_shows_bad_input(fake):
    rb = RunBuilder(image="")
    find_button(rb.widget, "실행 (Run)").click()
    assert "이미지 이름을 입력하세요" in text_of(rb.out)
    rb.image.value = "busybox:1.35"
    rb.ports.value = "80:"
    find_button(rb.widget, "실행 (Run)").click()
    assert "형식이 잘못" in text_of(rb.out) and len(rb.errors) == 2
    assert fake.created == [] and rb.result is None


@pytest.mark.parametrize("bad", ["abc", "8080:", "70000:80", "1.2.3.4:80"])
def test_run_builder_preview_reports_a_bad_ports_field_in_korean(fake, bad):
    rb = RunBuilder(ports=bad)
    assert f"포트 &#x27;{bad}&#x27;의 형식이 잘못되었습니다" in rb.preview.value  # escaped HTML
    assert f"(입력 오류: 포트 '{bad}'의 형식이 잘못되었습니다.)" in rb.text()
    find_button(rb.widget, "실행 (Run)").click()
    assert "형식이 잘못" in text_of(rb.out) and fake.created == []


@pytest.mark.parametrize(("field", "sdk"), [
    ("127.0.0.1:8081:80 53/udp", {"80/tcp": ("127.0.0.1", 8081), "53/udp": None}),  # spaces separate too
    ("", None),
])
def test_run_builder_ports_field_reaches_the_engine(fake, field, sdk):
    RunBuilder(image="busybox:1.35", ports=field).execute()
    assert fake.created[-1]["ports"] == sdk


def test_run_builder_half_typed_quote_is_an_input_error_not_a_traceback(fake):
    rb = RunBuilder()
    rb.command.value = "sh -c 'echo"  # every learner passes through this while typing
    assert "입력 오류" in rb.text() and "따옴표" in rb.text()
    assert "따옴표" in rb.preview.value
