"""LayersView on the fake engine: two ``docker history`` reads, layers only in ``after`` highlighted."""

from __future__ import annotations

from helpers.widgets.layers import LayersView

from .ui import assert_bundle

BASE = [{"Id": "sha256:" + "b" * 64, "Created": 2, "CreatedBy": '/bin/sh -c #(nop)  CMD ["sh"]', "Size": 0},
        {"Id": "<missing>", "Created": 1, "CreatedBy": "ADD file:abc in /", "Size": 4_800_000}]
NEW = {"Id": "sha256:" + "c" * 64, "Created": 3, "CreatedBy": "sh", "Size": 1200}


def test_layers_view_highlights_only_new_layers(fake):
    fake.add_image("busybox:1.35", layers=BASE)
    fake.add_image("mine:1", layers=[NEW, *BASE])
    view = LayersView("busybox:1.35", "mine:1")
    assert view.new_layers == [NEW]
    bundle = assert_bundle(view, "mine:1에만 있는 레이어: 1개")
    assert bundle["text/html"].count("새 레이어") == 1 and "background:#e8f5e9" in bundle["text/html"]
    assert " + cccccccccccc" in bundle["text/plain"]
    assert "나머지 2개는 busybox:1.35과(와) 같습니다" in bundle["text/plain"]


def test_layers_view_takes_image_objects_and_names_them_by_tag(fake):
    base = fake.add_image("busybox:1.35", layers=BASE)
    mine = fake.add_image("mine:1", layers=[NEW, *BASE])
    view = LayersView(base, mine)
    assert (view.before_ref, view.after_ref) == (base.id, mine.id)
    assert view.new_layers == [NEW] and view.text().startswith("레이어 비교: busybox:1.35 → mine:1")
