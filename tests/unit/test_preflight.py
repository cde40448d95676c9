"""helpers.preflight without an engine: which engine the learner is on, from recorded version/info data."""

from __future__ import annotations

import pytest

from helpers.preflight import engine_kind

LINUX_INFO = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "SecurityOptions": ["name=seccomp,profile=default"]}


@pytest.mark.parametrize(("version", "info", "kind"), [
    ({"Components": [{"Name": "Engine"}]}, LINUX_INFO, "Linux dockerd"),
    ({"Components": [{"Name": "Engine"}]},
     {"OperatingSystem": "Docker Desktop", "SecurityOptions": ["name=seccomp,profile=unconfined", "name=cgroupns"]},
     "Docker Desktop"),
    ({"Components": [{"Name": "Engine"}]},
     {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
      "SecurityOptions": ["name=seccomp,profile=default", "name=rootless"]}, "rootless Docker (root 없이 도는 dockerd)"),
    ({"Components": [{"Name": "Podman Engine"}, {"Name": "Conmon"}]}, {"OperatingSystem": "fedora"}, "Podman"),
])
def test_engine_kind_from_recorded_engines(version, info, kind):
    assert engine_kind(version, info) == kind


@pytest.mark.parametrize(("version", "old"), [("19.03.13", True), ("18.09.1-ce", True), ("20.10.24+dfsg1", False),
                                              ("28.5.2+dfsg4", False), ("29.0.1", False), ("", False)])
def test_an_engine_below_the_oldest_supported_is_named_in_korean(version, old):
    from helpers.preflight import OLDEST_ENGINE, too_old

    said = too_old(version)
    assert bool(said) is old
    if old:
        assert version in said and OLDEST_ENGINE in said and "오래" in said
