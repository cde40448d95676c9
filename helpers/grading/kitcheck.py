"""Is the worker engine's kit still what was loaded? A fingerprint of the kit's layer folders on disk.

An image ID says nothing once a layer's files are edited on disk (a container that bind-mounts the engine's
data folder can do it). The fingerprint records, for every entry of every kit layer, its path, type, mode,
owner, size, inode and change time (``st_ctime_ns``). No program can write a file, or put its times back,
without the kernel moving its change time, so an equal fingerprint means untouched content. It is taken
by root right after the kit is loaded (before any learner code ran) and again after each submission, when
every process of the worker is gone. The walk goes through directory descriptors and never follows a
symbolic link (``os.fwalk``), so a planted link cannot send root elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


def fingerprint(folders: list[Path], inside: Path) -> str:
    """One digest of the folders (each must be a real folder under ``inside``; else a digest of that fact)."""
    digest = hashlib.sha256()
    for folder in sorted(folders):
        digest.update(str(folder).encode() + b"\0")
        if not _safe(folder, inside):
            digest.update(b"<unsafe>")
            continue
        for top, dirs, files, top_fd in os.fwalk(folder, follow_symlinks=False):
            dirs.sort()
            for name in sorted([*dirs, *files]):
                try:
                    st = os.stat(name, dir_fd=top_fd, follow_symlinks=False)
                except FileNotFoundError:
                    continue
                link = os.readlink(name, dir_fd=top_fd) if stat.S_ISLNK(st.st_mode) else ""
                rel = os.path.relpath(os.path.join(top, name), folder)
                digest.update(f"{rel}\0{st.st_mode}\0{st.st_uid}\0{st.st_gid}\0{st.st_size}\0{st.st_ino}\0"
                              f"{st.st_ctime_ns}\0{link}\n".encode())
    return digest.hexdigest()


def _safe(folder: Path, inside: Path) -> bool:
    """``folder`` lies under ``inside`` by its own name (no ``..``) and no part of it is a symbolic link."""
    try:
        rel = folder.relative_to(inside)
    except ValueError:
        return False
    if ".." in rel.parts:
        return False
    path = inside
    for part in rel.parts:
        path = path / part
        if path.is_symlink() or not path.is_dir():
            return False
    return True


def layer_folders(graph_driver_data: list[dict], data_root: Path) -> list[Path]:
    """The layer folders named by ``docker image inspect``'s GraphDriver.Data (overlay2), under the data root."""
    found: set[Path] = set()
    for data in graph_driver_data:
        for key in ("LowerDir", "UpperDir"):
            for part in (data.get(key) or "").split(":"):
                if part:
                    found.add(Path(part))
    return sorted(p for p in found if _safe(p, data_root / "overlay2"))
