"""helpers.ports: the CLI's ``-p`` spelling and docker-py's dict, both ways."""

from __future__ import annotations

import pytest

from helpers import errors, ports


@pytest.mark.parametrize(("spec", "flags"), [
    ({80: 8080}, ["-p", "8080:80"]),
    ({80: None}, ["-p", "80"]),
    ({"80/tcp": 8080}, ["-p", "8080:80"]),
    ({"53/udp": 5353}, ["-p", "5353:53/udp"]),
    ({80: ("127.0.0.1", 8080)}, ["-p", "127.0.0.1:8080:80"]),
    ({80: ("127.0.0.1", None)}, ["-p", "127.0.0.1::80"]),
    ({80: 8080, 443: 8443}, ["-p", "8080:80", "-p", "8443:443"]),
    (None, []),
])
def test_dict_ports_become_the_cli_flags(spec, flags):
    assert ports.flags(spec) == flags


def test_ports_for_sdk_adds_the_protocol():
    assert ports.to_sdk({80: 8080, "443": None, "53/udp": 53}) == {"80/tcp": 8080, "443/tcp": None, "53/udp": 53}
    assert ports.to_sdk({}) is None




@pytest.mark.parametrize(("spec", "sdk"), [
    ("8080:80", {"80/tcp": 8080}),
    ("80", {"80/tcp": None}),
    ("127.0.0.1:8080:80", {"80/tcp": ("127.0.0.1", 8080)}),
    ("127.0.0.1::80", {"80/tcp": ("127.0.0.1", None)}),
    ("8080:80/udp", {"80/udp": 8080}),
    ("8080:80, 443", {"80/tcp": 8080, "443/tcp": None}),
    (["8080:80", "8443:443"], {"80/tcp": 8080, "443/tcp": 8443}),
])
def test_cli_spelling_reads_in_the_order_learners_type_it(spec, sdk):
    assert ports.to_sdk(spec) == sdk


@pytest.mark.parametrize("spec", ["8080:80", "127.0.0.1:8080:80", "8080:80/udp", "80"])
def test_cli_spelling_is_echoed_exactly(spec):
    assert ports.flags(spec) == ["-p", spec]
    assert ports.flags([spec, "9000:9000"]) == ["-p", spec, "-p", "9000:9000"]


@pytest.mark.parametrize("bad", ["abc", "8080:", "70000:80", "8080:0", "8000-8001:80-81", "1.2.3.4:x:80"])
def test_bad_specs_are_a_korean_error_with_a_hint(bad):
    with pytest.raises(errors.CourseError) as info:
        ports.parse(bad)
    assert bad in info.value.message and "8080:80" in info.value.hint


def test_host_ports_and_the_ps_column():
    assert ports.host_ports("127.0.0.1:8080:80, 443") == ["8080"]
    assert ports.column([{"PrivatePort": 80, "Type": "tcp", "PublicPort": 8080, "IP": "0.0.0.0"},
                         {"PrivatePort": 80, "Type": "tcp", "PublicPort": 8080, "IP": "::"},
                         {"PrivatePort": 443, "Type": "tcp"}]) == "0.0.0.0:8080->80/tcp, 443/tcp"


def test_one_container_port_on_two_host_ports_keeps_both():
    assert ports.to_sdk("8080:80, 8081:80") == {"80/tcp": [8080, 8081]}
    assert ports.flags({80: [8080, 8081]}) == ["-p", "8080:80", "-p", "8081:80"]
    assert ports.host_ports("8080:80 8081:80") == ["8080", "8081"]


@pytest.mark.parametrize(("spec", "sdk"), [("53/udp", {"53/udp": None}), ("", None),
                                           ("127.0.0.1:8081:80 53/udp", {"80/tcp": ("127.0.0.1", 8081),
                                                                         "53/udp": None})])
def test_spaces_separate_specs_and_empty_is_none(spec, sdk):
    assert ports.to_sdk(spec) == sdk
