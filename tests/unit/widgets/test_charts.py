"""Charts render as HTML bars / SVG with a readable text fallback, without an engine."""

from __future__ import annotations

import re

import pytest

from helpers._state import STATE
from helpers.widgets import charts


def test_bars_text_and_html():
    chart = charts.bars({"컨테이너": 0.4, "VM 부팅": 30.0}, title="시작 시간", unit="초", note="VM 수치 출처: 예시")
    text = repr(chart)
    lines = text.splitlines()
    assert lines[0] == "시작 시간"
    assert lines[1].startswith("컨테이너  █ ") and lines[1].endswith("0.4초")
    assert lines[2].count("█") == 40 and lines[2].endswith("30초")
    assert lines[-1] == "※ VM 수치 출처: 예시"
    page = chart._repr_html_()
    widths = [float(x) for x in re.findall(r"width:([\d.]+)%", page)]
    assert widths == [pytest.approx(100 * 0.4 / 30, abs=0.05), 100.0]
    assert "컨테이너" in page and "VM 부팅" in page and "VM 수치 출처" in page and "<svg" not in page


def test_bars_escape_and_units_and_log():
    chart = charts.bars({"<b>": 10, "b": 1000}, unit="MB", log=True)
    assert "&lt;b&gt;" in chart.html() and "<b>:" not in chart.html()
    assert "1,000 MB" in chart.text() and "(로그 눈금)" in chart.text()
    assert chart.fractions()["<b>"] == pytest.approx(0.347, abs=0.01)
    assert charts.bars({"a": 0}).fractions() == {"a": 0.0}
    with pytest.raises(ValueError):
        charts.bars({"a": -1})


VERSION = {"client": {"name": "docker SDK for Python", "version": "7.2.0", "api_version": "1.41"},
           "server": {"version": "20.10.24", "api_version": "1.41", "os": "linux", "arch": "amd64",
                      "components": {}}}
INFO = {"Containers": 5, "ContainersRunning": 2, "Images": 30, "Driver": "overlay2",
        "OperatingSystem": "Debian GNU/Linux 12 (bookworm)"}


def test_architecture_from_version_and_info(no_engine):
    # counts were given: no engine call expected (any use of the client fails the test)
    arch = charts.architecture(VERSION, INFO, "127.0.0.1:5050", volumes=4, networks=3)
    assert no_engine.touched == []
    text = repr(arch)
    assert "REST API (v1.41" in text and "Docker Engine 20.10.24" in text
    assert "이미지 30개, 컨테이너 5개 (실행 중 2), 볼륨 4개, 네트워크 3개" in text
    assert "[레지스트리] 127.0.0.1:5050" in text
    svg = arch._repr_html_()
    assert svg.count("<svg") == 1 and "데몬 (dockerd)" in svg and "127.0.0.1:5050" in svg
    for needle in ("30개", "5개 (실행 중 2)", "4개", "3개", "REST API v1.41"):
        assert needle in svg


def test_architecture_counts_volumes_and_networks_on_the_engine(fake):
    fake.volumes.create("data")
    arch = charts.architecture(VERSION, INFO, "127.0.0.1:5050")
    assert "볼륨 1개, 네트워크 3개" in arch.text()  # the fake engine's bridge, host and none


def test_architecture_without_engine_shows_unknown_counts():
    assert STATE.client is None  # the unit tier's dead socket: connecting fails fast
    arch = charts.architecture(VERSION, INFO, "127.0.0.1:5050")
    assert "볼륨 ?개" in arch.text() and "네트워크 ?개" in arch.text()
    assert STATE.client is None
