"""helpers.grading.autograde's namespace cleanup: what ``clean_exercise`` removes before each submission
(containers ``exNN-…``, images in ``exNN-``/``exNN/``, volumes ``exNN-…``, the ``exNN`` label) and what it keeps."""

from __future__ import annotations

from helpers._state import CHAPTER_LABEL
from helpers.grading.autograde import clean_exercise


def test_clean_exercise_removes_the_namespace_with_its_volumes(replay):
    replay.load_image("multi")
    replay.containers.create("busybox:1.35", ["true"], name="ex07-writer", volumes={"ex07-data": {"bind": "/data"}})
    replay.containers.create("busybox:1.35", ["true"], name="ex07-restore-check",
                             volumes={"ex07-restore": {"bind": "/data"}})
    replay.containers.create("busybox:1.35", ["true"], name="learner-box", volumes={"ex077": {"bind": "/data"}})
    replay.volumes.create("ex07-labelled-elsewhere", labels={CHAPTER_LABEL: "ex07"})
    replay.volumes.create("ex08-data")
    removed = clean_exercise("07")
    assert sorted(removed["containers"]) == ["ex07-restore-check", "ex07-writer"]
    assert sorted(removed["volumes"]) == ["ex07-data", "ex07-labelled-elsewhere", "ex07-restore"]
    assert set(replay._volumes) == {"ex077", "ex08-data"} and replay.container_names() == {"learner-box"}
    assert replay.image("busybox:1.35")  # the kit stays
