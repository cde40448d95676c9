"""JupyterHub's side of a learner: :class:`ClassSpawner` starts a learner's world and server (``learner``), or
the instructor's server.

* a learner (anyone not an admin in the hub) gets :class:`~.learner.Learner`: own user, network namespace,
  cgroup, disk and rootless engine (kit loaded), then the learner lab (``jupyterhub-singleuser`` with the course's
  learner settings, the workspace as root folder) at ``10.77.S.2:8888``. Its API calls reach the hub at the
  machine's end of the learner's veth pair.
* the instructor (an admin: ``instructor`` in the roster) gets the instructor lab, as ``bash tools/lab.sh
  --instructor`` does: the course folder, every nbgrader panel, on the machine's loopback, as root (the
  instructor grades with ``sudo``; nothing of a learner runs there).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from jupyterhub.spawner import Spawner
from jupyterhub.utils import random_port
from traitlets import Integer

from . import firewall
from .learner import SERVER_PORT, Learner, slot_of
from .places import config_dir, course_root


class ClassSpawner(Spawner):
    """Starts each learner's server in the learner's own world (see module docstring)."""

    hub_port = Integer(8081, config=True, help="The hub's API port (bound on every address of the machine).")

    _learner: Learner | None = None
    _proc: subprocess.Popen | None = None

    @property
    def instructor(self) -> bool:
        return bool(self.user.admin)

    async def start(self):
        if self.instructor:
            return await self._start_instructor()
        learner = Learner(slot_of(self.user.name), name=self.user.name)
        self._learner = learner
        loop = asyncio.get_running_loop()
        self.ip, self.port = learner.address, SERVER_PORT
        self.hub_connect_url = f"http://{learner.gateway}:{self.hub_port}"
        try:
            # the firewall first (fails closed: without it the learner's world does not start)
            await loop.run_in_executor(None, firewall.admit, learner.address, self.hub_port)
            await loop.run_in_executor(None, learner.begin)
            self._proc = learner.start_server(self.get_env())  # JupyterLab starts while the engine gets ready
            seconds = await loop.run_in_executor(None, learner.engine_ready)
            learner.server_at_full_speed()
        except BaseException:
            await loop.run_in_executor(None, learner.close)
            await loop.run_in_executor(None, firewall.dismiss, learner.address, self.hub_port)
            raise
        self.log.info("learner %s: engine ready in %.1f s", self.user.name, seconds)
        return (self.ip, self.port)

    async def _start_instructor(self):
        root = course_root()
        venv = Path(sys.prefix)
        repo = Path(__file__).resolve().parents[2]
        self.ip, self.port = "127.0.0.1", random_port()
        self.default_url = "/lab"  # the course folder has no start page
        self.hub_connect_url = f"http://127.0.0.1:{self.hub_port}"
        env = {**self.get_env(), "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
               "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8", "JUPYTER_PREFER_ENV_PATH": "1",
               "JUPYTER_CONFIG_PATH": f"{repo / 'tools' / 'jupyter' / 'instructor'}:{config_dir()}",
               "JUPYTER_CONFIG_DIR": str(venv / "etc" / "learn-docker-ko" / "instructor")}
        argv = [str(venv / "bin" / "python"), "-m", "jupyterhub.singleuser", f"--ServerApp.root_dir={root}",
                f"--ServerApp.ip={self.ip}", f"--ServerApp.port={self.port}", "--allow-root"]
        self._proc = subprocess.Popen(argv, cwd=root, env=env, start_new_session=True, stdin=subprocess.DEVNULL)
        return (self.ip, self.port)

    async def poll(self):
        if self._proc is None:
            return 0
        state = self._proc.poll()
        if state is None and self._learner is not None:  # the table back if someone flushed the machine's rules
            try:
                await asyncio.get_running_loop().run_in_executor(None, firewall.admit, self._learner.address,
                                                                 self.hub_port)
            except firewall.FirewallError as exc:
                self.log.error("learner %s: %s", self.user.name, exc)
                return 1  # the hub stops a server it cannot keep behind the firewall
        return state

    async def stop(self, now: bool = False):
        loop = asyncio.get_running_loop()
        if self._learner is not None:
            learner, self._learner = self._learner, None
            try:
                await loop.run_in_executor(None, learner.close)
            finally:
                await loop.run_in_executor(None, firewall.dismiss, learner.address, self.hub_port)
        elif self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                await loop.run_in_executor(None, self._proc.wait, 10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._proc = None
