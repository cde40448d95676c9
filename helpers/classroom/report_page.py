"""The class report as a page of the instructor's JupyterLab: a Jupyter Server extension.

``/learn-docker-ko/report`` (HTML) and ``/learn-docker-ko/report.csv`` (the same CSV as the command line), built
anew from the gradebook on every request. Enabled only by the instructor's configuration
(``tools/jupyter/instructor/jupyter_server_config.json``, read by ``tools/lab.sh --instructor``); the learner's
configuration never names it, so a learner's server has no such URL.

The course root is the server's root folder (the repository, in the instructor's mode); elsewhere, e.g. on a
class server, set ``c.ClassReport.course_root = "/srv/course"`` in the server's configuration.
"""

from __future__ import annotations

import asyncio

from ..errors import CourseError
from . import report

URL = "learn-docker-ko/report"
# defence in depth beside the escaping: the page runs no script, loads nothing, posts nothing
POLICY = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; img-src 'none'; form-action 'none'; "
          "base-uri 'none'; frame-ancestors 'self'")


def _jupyter_server_extension_points():
    return [{"module": "helpers.classroom.report_page"}]


def _handlers():
    from jupyter_server.base.handlers import JupyterHandler
    from tornado import web

    class ReportHandler(JupyterHandler):
        """GET the class report (HTML, or CSV when ``fmt`` is ``csv``) for a logged-in user."""

        def initialize(self, root: str, fmt: str) -> None:
            self.root, self.fmt = root, fmt

        @property
        def content_security_policy(self) -> str:
            return POLICY

        @web.authenticated
        async def get(self) -> None:
            loop = asyncio.get_running_loop()
            try:  # the gradebook and the notebooks are read in a thread: the server keeps answering meanwhile
                made = await loop.run_in_executor(None, report.build, self.root)
            except CourseError as exc:
                self.set_status(404)
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish(f"{type(exc).__name__}: {exc}\n")
                return
            if self.fmt == "csv":
                self.set_header("Content-Type", "text/csv; charset=utf-8")
                self.set_header("Content-Disposition", 'attachment; filename="class-report.csv"')
                self.finish(report.to_csv(made))
            else:
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(report.to_html(made, csv_url="report.csv"))

    return ReportHandler


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.utils import url_path_join

    root = serverapp.config.get("ClassReport", {}).get("course_root") or serverapp.root_dir
    base = url_path_join(serverapp.web_app.settings["base_url"], URL)
    handler = _handlers()
    serverapp.web_app.add_handlers(".*$", [
        (base, handler, {"root": str(root), "fmt": "html"}),
        (base + r"\.csv", handler, {"root": str(root), "fmt": "csv"}),
    ])
    serverapp.log.info("반 보고서: %s (과정 폴더 %s)", base, root)
