"""nbgrader's exchange on the class server: the same exchange, with a collect that believes only the machine.

Every learner's server writes to one shared ``inbound/`` folder, and nbgrader names a submission
``<student>+<assignment>+<timestamp>+<random>`` from what the learner's own process says. So
:class:`TrustedCollect` (``ExchangeFactory.collect``):

* takes a submission only from a folder owned by that student's own system user (``ldk-learner-<name>``):
  a folder another learner made under someone else's name is skipped and named in the log;
* copies it **as the learner** (``tar`` run with the learner's IDs, read back by root with nothing but plain
  files and folders): a link planted in a submission reaches only what its learner could read anyway;
* records when the submission reached the exchange — the latest change time (``ctime``) of anything in it,
  which no learner can move back — in the course's ``exchange-times.json`` (root-only), which grading's
  ``collection_time`` uses for lateness instead of when the instructor happened to collect.
"""

from __future__ import annotations

import glob
import os
import pwd
import stat
import subprocess
import tarfile
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from traitlets import Unicode

from ..grading.parallel import RECORD, record_time

SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def arrival_time(folder: Path) -> datetime:
    """The latest change time of the folder and everything in it (links not followed)."""
    latest = os.lstat(folder).st_ctime
    for _top, dirs, files, top_fd in os.fwalk(folder, follow_symlinks=False):
        for name in [*dirs, *files]:
            try:
                latest = max(latest, os.stat(name, dir_fd=top_fd, follow_symlinks=False).st_ctime)
            except FileNotFoundError:
                continue
    return datetime.fromtimestamp(latest, tz=timezone.utc)


def copy_as(uid: int, gid: int, source: Path, dest: Path, limit: int, skip: list[str]) -> None:
    """Copy ``source`` to a new ``dest``: read by ``uid``/``gid`` (``tar``), written by root with plain files and
    folders only (no link, device or absolute/``..`` path), at most ``limit`` bytes."""
    reader = subprocess.Popen(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs",
                               "tar", "-C", str(source), "-cf", "-", "."], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env={"PATH": SYSTEM_PATH}, cwd="/")
    dest.mkdir(parents=True, mode=0o755)
    total = 0
    try:
        with tarfile.open(fileobj=reader.stdout, mode="r|") as archive:
            for member in archive:
                parts = Path(member.name).parts
                if any(p in skip for p in parts) or not (member.isfile() or member.isdir()):
                    continue
                total += member.size
                if total > limit:
                    raise RuntimeError(f"제출물이 너무 큽니다 ({limit // 1000} KB 초과): {source.name}")
                archive.extract(member, dest, filter="data")
    finally:
        reader.stdout.close()
        reader.wait()


class TrustedCollect(ExchangeCollect):
    """``nbgrader collect`` with the owner, copy and time rules of the module docstring."""

    owner_prefix = Unicode("ldk-learner-", config=True, help="System user of student X: owner_prefix + X.")

    def _owner_ok(self, record: dict) -> bool:
        path = os.path.join(self.inbound_path, record["filename"])
        try:
            st = os.lstat(path)
            expected = pwd.getpwnam(self.owner_prefix + record["username"]).pw_uid
        except (OSError, KeyError):
            return False
        return stat.S_ISDIR(st.st_mode) and st.st_uid == expected

    def init_src(self):
        super().init_src()  # checks, the due date
        pattern = os.path.join(self.inbound_path, "{}+{}+*".format(self.coursedir.student_id or "*",
                                                                  self.coursedir.assignment_id))
        records = [self._path_to_record(f) for f in glob.glob(pattern)]
        for record in records:
            if not self._owner_ok(record):
                self.log.warning("%s: %s의 계정이 만든 제출물이 아니라서 걷지 않습니다 (다른 학습자가 이름을 흉내 냄?)",
                                 record["filename"], record["username"])
        picked = []
        for group in groupby([r for r in records if self._owner_ok(r)], lambda r: r["username"]).values():
            ordered = self._sort_by_timestamp(group)
            if self.duedate is not None and self.before_duedate:
                ordered = [r for r in ordered if r["timestamp"] <= self.duedate] or ordered
            picked.append(ordered[0])
        self.src_records = picked

    def do_copy(self, src, dest, log=None):
        source = Path(src)
        student = source.name.rsplit("+", 3)[0]
        entry = pwd.getpwnam(self.owner_prefix + student)
        copy_as(entry.pw_uid, entry.pw_gid, source, Path(dest), 1000 * self.coursedir.max_dir_size,
                list(self.coursedir.ignore))
        arrived = arrival_time(source)  # after the copy: a change made while copying moves it later, never earlier
        record_time(Path(self.coursedir.root), student, self.coursedir.assignment_id, Path(dest), arrived)


__all__ = ["RECORD", "TrustedCollect", "arrival_time", "copy_as"]
