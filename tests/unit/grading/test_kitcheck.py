"""helpers.grading.kitcheck: the on-disk fingerprint of the kit's layer folders, over a tree in tmp_path."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from helpers.grading.kitcheck import fingerprint, layer_folders


@pytest.fixture
def root(tmp_path) -> Path:
    """An engine data root with two overlay2 layers (and a folder outside it)."""
    data = tmp_path / "data"
    for layer in ("aaa", "bbb"):
        diff = data / "overlay2" / layer / "diff"
        (diff / "etc").mkdir(parents=True)
        (diff / "etc" / "config").write_text(f"setting={layer}\n")
        (diff / "bin").mkdir()
        (diff / "bin" / "tool").write_bytes(b"\x7fELF" + layer.encode() * 10)
        (diff / "link").symlink_to("bin/tool")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret").write_text("root's\n")
    return data


def layers(root: Path) -> list[Path]:
    return [root / "overlay2" / x / "diff" for x in ("aaa", "bbb")]


def unsafe_digest(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in sorted(folders):
        digest.update(str(folder).encode() + b"\0" + b"<unsafe>")
    return digest.hexdigest()


def ctime_tick(root: Path) -> None:
    """Wait until the file clock has moved past every change time in the tree, so a change made now gets a
    change time of its own (the clock is coarse, and some file systems keep whole seconds). The probe file
    lies outside the layers."""
    newest = max(os.lstat(p).st_ctime_ns for p in [root.parent, *root.parent.rglob("*")])
    probe = root.parent / "tick"
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        probe.write_text(str(time.monotonic()))
        if os.stat(probe).st_ctime_ns > newest:
            return
        time.sleep(0.005)
    raise AssertionError("the file clock did not move in 3 seconds")


# -- fingerprint --------------------------------------------------------------------------------------------

def test_fingerprint_is_stable(root):
    first = fingerprint(layers(root), root / "overlay2")
    assert first == fingerprint(layers(root), root / "overlay2")
    assert first == fingerprint(list(reversed(layers(root))), root / "overlay2")  # order of the list is not part
    assert len(first) == 64


def test_fingerprint_sees_content_rewritten_with_size_and_mtime_put_back(root):
    inside = root / "overlay2"
    path = layers(root)[0] / "etc" / "config"
    before_stat = os.stat(path)
    before = fingerprint(layers(root), inside)
    ctime_tick(root)
    with open(path, "r+b") as f:  # same inode, same size
        f.write(b"SETTING")
    os.utime(path, ns=(before_stat.st_atime_ns, before_stat.st_mtime_ns))
    after_stat = os.stat(path)
    assert (after_stat.st_size, after_stat.st_mtime_ns, after_stat.st_ino) == (
        before_stat.st_size, before_stat.st_mtime_ns, before_stat.st_ino)
    assert after_stat.st_ctime_ns != before_stat.st_ctime_ns  # the premise: only the change time tells
    assert fingerprint(layers(root), inside) != before


def test_fingerprint_sees_a_file_replaced_by_rename(root):
    inside = root / "overlay2"
    path = layers(root)[1] / "bin" / "tool"
    before = fingerprint(layers(root), inside)
    ctime_tick(root)
    new = path.with_name(".tool.new")
    new.write_bytes(path.read_bytes())  # the very same content
    st = os.stat(path)
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(new, path)
    assert fingerprint(layers(root), inside) != before


def test_fingerprint_sees_a_new_file(root):
    inside = root / "overlay2"
    before = fingerprint(layers(root), inside)
    (layers(root)[0] / "etc" / "new").write_text("")
    assert fingerprint(layers(root), inside) != before


def test_fingerprint_sees_a_mode_change(root):
    inside = root / "overlay2"
    before = fingerprint(layers(root), inside)
    ctime_tick(root)
    (layers(root)[0] / "bin" / "tool").chmod(0o4755)
    assert fingerprint(layers(root), inside) != before


def test_fingerprint_sees_a_symlink_pointed_elsewhere(root):
    inside = root / "overlay2"
    link = layers(root)[0] / "link"
    before = fingerprint(layers(root), inside)
    ctime_tick(root)
    link.unlink()
    link.symlink_to("etc/tool")  # as long as the old target "bin/tool": same size
    assert fingerprint(layers(root), inside) != before


def test_fingerprint_never_follows_a_symlink_inside_a_layer(root, tmp_path):
    inside = root / "overlay2"
    (layers(root)[0] / "escape").symlink_to(tmp_path / "outside")
    (layers(root)[0] / "escape-file").symlink_to(tmp_path / "outside" / "secret")
    before = fingerprint(layers(root), inside)
    ctime_tick(root)
    (tmp_path / "outside" / "secret").write_text("changed\n")
    (tmp_path / "outside" / "more").write_text("new\n")
    (tmp_path / "outside" / "sub").mkdir()
    assert fingerprint(layers(root), inside) == before


@pytest.mark.parametrize("how", ["symlinked layer", "symlinked parent", "outside", "dot-dot", "missing", "a file"])
def test_an_unsafe_folder_gets_the_unsafe_digest_and_is_not_walked(root, tmp_path, how):
    inside = root / "overlay2"
    real = layers(root)[0]
    if how == "symlinked layer":
        folder = inside / "ccc" / "diff"
        folder.parent.mkdir()
        folder.symlink_to(real)
    elif how == "symlinked parent":
        (inside / "ccc").symlink_to(real.parent)
        folder = inside / "ccc" / "diff"
    elif how == "outside":
        folder = tmp_path / "outside"
    elif how == "dot-dot":
        folder = inside / "aaa" / ".." / ".." / ".." / "outside"
    elif how == "missing":
        folder = inside / "zzz" / "diff"
    else:
        folder = real / "etc" / "config"
    got = fingerprint([folder], inside)
    assert got == unsafe_digest(folder)
    ctime_tick(root)
    (real / "etc" / "config").write_text("changed\n")
    (tmp_path / "outside" / "secret").write_text("changed\n")
    assert fingerprint([folder], inside) == got  # nothing behind it was read


def test_an_unsafe_folder_changes_the_whole_fingerprint(root):
    inside = root / "overlay2"
    good = fingerprint(layers(root), inside)
    link = inside / "ccc"
    link.symlink_to(layers(root)[0].parent)
    assert fingerprint([*layers(root), link / "diff"], inside) != good


# -- layer_folders ------------------------------------------------------------------------------------------

def test_layer_folders_splits_lower_dirs_and_keeps_only_overlay2_folders(root, tmp_path):
    a, b = layers(root)
    c = root / "overlay2" / "ccc" / "diff"
    c.mkdir(parents=True)
    volume = root / "volumes" / "v" / "_data"
    volume.mkdir(parents=True)
    data = [
        {"LowerDir": f"{a}:{b}", "UpperDir": str(c), "MergedDir": str(root / "overlay2" / "ccc" / "merged")},
        {"LowerDir": f"{b}:{volume}:{tmp_path / 'outside'}", "UpperDir": str(a)},  # shared layers once
        {"UpperDir": f"{root}/overlay2/aaa/../../../outside"},
        {"LowerDir": None, "UpperDir": ""},
        {},
    ]
    assert layer_folders(data, root) == sorted([a, b, c])


def test_layer_folders_drops_a_symlinked_layer(root):
    a, _b = layers(root)
    (root / "overlay2" / "ccc").mkdir()
    (root / "overlay2" / "ccc" / "diff").symlink_to(a)
    assert layer_folders([{"UpperDir": str(root / "overlay2" / "ccc" / "diff"), "LowerDir": str(a)}], root) == [a]
