"""Checks for the capstone (chapter 11): a two-service Compose app — a web service built from the learner's
Dockerfile and a redis cache — judged by what the engine holds and what the services do: the web image's own
``HEALTHCHECK``, the web process's user, redis running with ``--appendonly yes`` and the visit counter that redis
keeps (read with ``redis-cli`` inside the redis container). Services are found by Compose's labels, as in
``compose.py``, so any way of running Compose grades the same. Introduced with the chapter 11 exercise.
"""

from __future__ import annotations

from ...connection import client
from .base import fail, plain, run_inside, show_value
from .compose import service_container
from .dockerfile import container_user_not_root


def _exec(c, argv: list[str]) -> tuple[int, str]:
    """Run ``argv`` in the running container ``c`` (as its own user); exit code and text."""
    result = run_inside(c, argv)
    return result.exit_code, (result.output or b"").decode("utf-8", "replace").strip()


def compose_image_healthcheck(project: str, service: str) -> list[str]:
    """The image the running container of ``service`` was made from carries its own healthcheck (a Dockerfile
    ``HEALTHCHECK``, not only ``healthcheck:`` in the compose file). Returns the image's test command."""
    c = service_container(project, service)
    image = client().api.inspect_image(c.attrs["Image"])
    test = ((image.get("Config") or {}).get("Healthcheck") or {}).get("Test") or []
    if not test or test == ["NONE"]:
        in_compose = ((c.attrs.get("Config") or {}).get("Healthcheck") or {}).get("Test") or []
        fail(f"서비스 '{service}'의 이미지에는 Dockerfile의 HEALTHCHECK가 있어야 합니다.",
             "이미지 설정의 Healthcheck (Dockerfile HEALTHCHECK)",
             "compose.yaml에만 있음" if in_compose and in_compose != ["NONE"] else "헬스체크 없음",
             "web/Dockerfile의 CMD 앞에 `HEALTHCHECK --interval=2s CMD [\"python3\", \"app.py\", \"check\"]`를 쓰고 "
             "h.compose_up(build=True)(docker compose up -d --build)로 다시 빌드하세요.")
    return test


def compose_non_root(project: str, service: str) -> int:
    """The running container of ``service`` runs as a user other than root (``id -u`` inside it). Returns the uid."""
    c = service_container(project, service)
    return container_user_not_root(c.name)


def compose_redis_appendonly(project: str, service: str = "redis") -> bool:
    """The redis of ``service`` runs with appendonly on (``redis-cli CONFIG GET appendonly`` answers ``yes``)."""
    c = service_container(project, service)
    code, text = _exec(c, ["redis-cli", "CONFIG", "GET", "appendonly"])
    lines = text.split()
    if code != 0 or lines[-1:] != ["yes"]:
        fail(f"서비스 '{service}'의 redis는 appendonly로 실행되어야 합니다.", "appendonly yes",
             f"appendonly {lines[-1]}" if code == 0 and lines else show_value(text) or f"종료 코드 {code}",
             f"서비스 {service} 아래에 `command: [\"redis-server\", \"--appendonly\", \"yes\"]`를 쓰고 h.compose_up()하세요.")
    return True


def compose_redis_counter(project: str, service: str, key: str, value, *, at_least: int = 2,
                          what: str = "값") -> bool:
    """The learner's number ``value`` is at least ``at_least`` and at most the counter ``key`` that the redis of
    ``service`` holds now (``redis-cli GET key``): a count that went on from before, read from the engine."""
    got = plain(value, what)
    if isinstance(got, bool) or not isinstance(got, int):
        fail(f"{what}에는 정수를 넣어야 합니다.", "정수(int)", show_value(got), "int(...)로 바꿔 넣으세요.")
    c = service_container(project, service)
    code, text = _exec(c, ["redis-cli", "GET", key])
    count = int(text) if code == 0 and text.isdigit() else None
    if count is None:
        fail(f"서비스 '{service}'의 redis에 카운터 '{key}'가 있어야 합니다.", f"{key}의 숫자",
             show_value(text) or "없음", "웹 페이지를 한 번 이상 열어 보세요 (h.fetch).")
    if got < at_least:
        fail(f"{what}의 방문 수는 down/up 전부터 이어져야 합니다.", f"{at_least} 이상",
             f"{got} ({service}의 {key}: {count})",
             "redis의 데이터(/data)가 이름 있는 볼륨에 있다면 다시 띄운 뒤에도 방문 수가 이어집니다. 처음부터 다시 셌다면 "
             "볼륨이 지워졌거나(down -v) 마운트되지 않았습니다 (redis 서비스의 volumes:).")
    if got > count:
        fail(f"{what}의 방문 수는 {service}의 카운터 {key}를 넘을 수 없습니다.", f"{count} 이하", str(got),
             "웹에서 받은 페이지를 그대로 넣으세요.")
    return True
