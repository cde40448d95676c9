"""NetworkMap on the fake engine: who sits on which network (with addresses and published ports), the SVG and
text renderings, redrawing from code and from the button, the chapter filter, and the bounded ``watch``."""

from __future__ import annotations

import helpers as h
from helpers._state import CHAPTER_LABEL
from helpers.widgets import NetworkMap, network_map_svg, read_network_map

from .ui import assert_bundle, find_button


def shop(fake):
    """Two containers on a user-defined bridge (one also on the default bridge, one published), one on none."""
    with h.quiet():
        h.network_create("shop-net", chapter="08")
        h.run("busybox:1.35", "sleep 300", name="shop-api", detach=True, chapter="08")
        h.network_connect("shop-net", "shop-api")
        h.run("python:3.11-slim", "sleep 300", name="shop-web", detach=True, network="shop-net",
              ports="127.0.0.1:8088:8000", chapter="08")
        h.run("busybox:1.35", "sleep 300", name="alone", detach=True, network="none", chapter="08")


def test_network_map_reads_who_is_where(fake):
    fake.add_image("python:3.11-slim")
    shop(fake)
    fake.add_container("someone-else")  # not the chapter's: left out, and so is nothing else
    data = read_network_map("08")
    assert [n["name"] for n in data["networks"]] == ["bridge", "host", "none", "shop-net"]
    by_net = {n["name"]: n["containers"] for n in data["networks"]}
    assert by_net == {"bridge": ["shop-api"], "host": [], "none": ["alone"], "shop-net": ["shop-api", "shop-web"]}
    web = next(c for c in data["containers"] if c["name"] == "shop-web")
    assert web["mode"] == "shop-net" and web["networks"]["shop-net"].startswith("172.")
    assert web["ports"] == "127.0.0.1:8088->8000/tcp" and web["state"] == "running"
    assert next(n for n in data["networks"] if n["name"] == "shop-net")["course"] is True
    everyone = read_network_map()
    assert "someone-else" in [c["name"] for c in everyone["containers"]]


def test_the_svg_draws_a_box_per_network_and_container_and_a_line_per_connection(fake):
    fake.add_image("python:3.11-slim")
    shop(fake)
    svg = network_map_svg(read_network_map("08"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('rx="10"') == 4 and svg.count('rx="8"') == 3  # 4 networks, 3 containers
    assert svg.count("<line ") == 4  # shop-api ×2, shop-web, alone
    assert "게시 127.0.0.1:8088-&gt;8000/tcp" in svg and "네트워크 없음" in svg and "과정이 만듦" in svg
    empty = network_map_svg({"networks": [], "containers": []})
    assert "(보여 줄 컨테이너가 없습니다)" in empty


def test_the_widget_renders_text_and_html_and_redraws(fake):
    fake.add_image("python:3.11-slim")
    shop(fake)
    view = NetworkMap(chapter="08")
    bundle = assert_bundle(view, "네트워크 지도 — 08장", "shop-net", "shop-web")
    text = bundle["text/plain"]
    assert "[shop-net] (bridge, 과정이 만듦): shop-api(172." in text and "[host] (host): (없음)" in text
    assert "호스트에 게시된 포트: shop-web 127.0.0.1:8088->8000/tcp" in text
    assert "<svg" in bundle["text/html"] and "실행 중" in bundle["text/html"]
    assert view.where("shop-api") == ["bridge", "shop-net"]
    with h.quiet():
        h.network_disconnect("bridge", "shop-api")
        h.network_disconnect("shop-net", "shop-api")
    assert view.where("shop-api") == ["bridge", "shop-net"]  # as last read
    view.update()
    assert view.where("shop-api") == []
    assert "어느 네트워크에도 없는 컨테이너: shop-api" in view.text()
    with h.quiet():
        h.network_connect("shop-net", "shop-api")
    find_button(view.widget, "다시 그리기").click()
    assert view.where("shop-api") == ["shop-net"] and view.errors == []
    assert "<svg" in view.view.value


def test_watch_is_bounded_and_counts_its_redraws(fake, monkeypatch):
    sleeps = []
    monkeypatch.setattr("helpers.widgets.network_map.time.sleep", sleeps.append)
    view = NetworkMap()
    before = len(fake.calls)
    view.watch(every=0.5, times=3)
    assert sleeps == [0.5, 0.5] and "(자동 3/3)" in view.status.value
    assert sum(1 for c in fake.calls[before:] if c[0] == "list_containers") == 3
    view.watch(times=0)
    assert sleeps == [0.5, 0.5]


def test_stopped_containers_keep_their_networks_but_no_address(fake):
    with h.quiet():
        h.network_create("shop-net", chapter="08")
        h.run("busybox:1.35", "sleep 300", name="api", detach=True, network="shop-net", chapter="08")
        h.stop("api")
    data = read_network_map("08")
    api = data["containers"][0]
    assert api["networks"] == {"shop-net": ""} and api["state"] == "exited"
    assert 'stroke-dasharray="5 4"' in network_map_svg(data)
    assert fake.api.inspect_network("shop-net")["Labels"] == {CHAPTER_LABEL: "08"}
