"""The exchange's time: when a submission arrived, which its learner cannot move back; grading believes it."""

import os
import time
from datetime import datetime, timezone

from helpers.classroom.exchange import arrival_time
from helpers.grading.parallel import RECORD, collection_time, record_time


def test_arrival_is_the_latest_change_and_cannot_be_set_back(tmp_path):
    sub = tmp_path / "kim+02+2020-01-01 00:00:00.000000 UTC+x"
    (sub / "inner").mkdir(parents=True)
    (sub / "inner" / "a.ipynb").write_text("{}")
    first = arrival_time(sub)
    time.sleep(0.05)
    (sub / "inner" / "a.ipynb").write_text("{ }")  # a change after submitting moves the time later ...
    os.utime(sub / "inner" / "a.ipynb", (0, 0))  # ... and setting the file's times back does not undo it
    later = arrival_time(sub)
    assert later > first
    assert later.year == datetime.now(timezone.utc).year  # never the 1970 the learner asked for


def test_collection_time_believes_the_record_only_for_the_same_folder(tmp_path):
    folder = tmp_path / "submitted" / "kim" / "02-hello-world"
    folder.mkdir(parents=True)
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    record_time(tmp_path, "kim", "02-hello-world", folder, moment)
    assert (tmp_path / RECORD).stat().st_mode & 0o777 == 0o600
    assert collection_time(folder) == "2030-01-02 03:04:05.000000 UTC"
    # a plain `nbgrader collect --update` replaced the folder: the record is about another folder now
    folder.rename(tmp_path / "old")
    folder.mkdir()
    assert collection_time(folder) != "2030-01-02 03:04:05.000000 UTC"
    assert collection_time(folder).startswith(str(datetime.now(timezone.utc).year))


def test_without_a_record_the_folder_change_time(tmp_path):
    folder = tmp_path / "submitted" / "lee" / "02-hello-world"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2000-01-01 00:00:00.000000 UTC")  # the learner's own: not believed
    assert not collection_time(folder).startswith("2000")
