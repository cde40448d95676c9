"""The chapter 12 exercise's three containers that will not stay up, made by its locked setup cell.

Each breaks the way real containers most often do: a misspelled program (the engine refuses the start: exit code
127, ``State.Error``), a missing config file under a restart policy (exit code 1 again and again: a restart loop),
and a server that sends itself to the background (exit code 0, nothing in the logs). The learner finds out which is
which from ``docker logs``, ``docker inspect`` and ``docker events``, and fixes each.
"""

from __future__ import annotations

from ..display import quiet

DOCS, APP, SITE = "ex12-docs", "ex12-app", "ex12-site"
NAMES = [DOCS, APP, SITE]

CONF = "/etc/app/app.conf"
EXAMPLE = 'PORT=8080\nGREETING="안녕하세요, 설정 파일을 찾았습니다"\n'
APP_SCRIPT = (f'conf={CONF}\n'
              'if [ ! -f "$conf" ]; then echo "app: 설정 파일 $conf 이(가) 없습니다 (예시: $conf.example)" >&2; exit 1; fi\n'
              '. "$conf"\n'
              'mkdir -p /www && echo "$GREETING" > /www/index.html\n'
              'echo "app: 설정을 읽었습니다 (포트 $PORT)"\n'
              'exec httpd -f -p "$PORT" -h /www\n')
SITE_PAGE = "<h1>안녕, 12장</h1>"


def prepare_broken(run) -> None:
    """Make the three broken containers for the exercise ``run`` (a :class:`~helpers.grading.exercise.Run`)."""
    with quiet():
        run.prepare_container(DOCS, "python:3.11-slim", ["pyhton3", "-m", "http.server", "8000"], state="started")
        run.prepare_container(APP, "busybox:1.35", ["sh", "-c", APP_SCRIPT], state="started",
                              files={f"{CONF}.example": EXAMPLE}, restart_policy={"Name": "on-failure"})
        run.prepare_container(SITE, "busybox:1.35",
                              ["sh", "-c", f"mkdir -p /www && echo '{SITE_PAGE}' > /www/index.html && httpd -p 8080 -h /www"],
                              state="started")
