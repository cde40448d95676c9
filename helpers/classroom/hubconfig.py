"""The hub's configuration, in one function: ``configure(c)`` from ``jupyterhub_config.py`` (``tools/class.sh``).

Settings come from the environment ``tools/class.sh`` sets: ``LEARN_DOCKER_CLASS_ROSTER`` (the roster file),
``LEARN_DOCKER_CLASS_PORT`` (the public port, 8000), ``LEARN_DOCKER_CLASS_HUB_PORT`` (the hub's API, 8081),
``LEARN_DOCKER_CLASS_PROXY_API_PORT`` (8001, loopback only), ``LEARN_DOCKER_CLASS_CULL`` (seconds idle before a
learner's server is stopped, 3600), ``LEARN_DOCKER_CLASS_CHP`` (the configurable-http-proxy program).
"""

from __future__ import annotations

import os
import sys

from .places import hub_dir
from .roster import read_roster
from .spawner import ClassSpawner

ADMIN_SERVICE = "class-admin"  # warm-up and tests: a token in hub/admin-token (root-only)


def configure(c) -> None:
    roster = read_roster(os.environ["LEARN_DOCKER_CLASS_ROSTER"])
    hub = hub_dir()
    port = int(os.environ.get("LEARN_DOCKER_CLASS_PORT", "8000"))
    hub_port = int(os.environ.get("LEARN_DOCKER_CLASS_HUB_PORT", "8081"))
    proxy_api = int(os.environ.get("LEARN_DOCKER_CLASS_PROXY_API_PORT", "8001"))
    cull = int(os.environ.get("LEARN_DOCKER_CLASS_CULL", "3600"))

    c.JupyterHub.bind_url = f"http://{os.environ.get('LEARN_DOCKER_CLASS_IP', '0.0.0.0')}:{port}"
    c.JupyterHub.hub_bind_url = f"http://0.0.0.0:{hub_port}"  # learners' servers reach it at their gateway
    c.JupyterHub.hub_connect_url = f"http://127.0.0.1:{hub_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api}"
    c.ConfigurableHTTPProxy.command = [os.environ.get("LEARN_DOCKER_CLASS_CHP", "configurable-http-proxy")]
    c.JupyterHub.db_url = f"sqlite:///{hub / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.spawner_class = ClassSpawner
    c.ClassSpawner.hub_port = hub_port
    c.Spawner.default_url = "/lab/tree/00-start-here.md"  # the learner lab opens on the start page (as tools/lab.sh)
    c.Spawner.start_timeout = 900  # a learner's first start loads the kit into the learner's engine
    c.Spawner.http_timeout = 120

    c.JupyterHub.authenticator_class = "firstuseauthenticator.FirstUseAuthenticator"
    c.FirstUseAuthenticator.create_users = False  # only the roster's names
    c.FirstUseAuthenticator.dbm_path = str(hub / "passwords.dbm")
    c.FirstUseAuthenticator.min_password_length = 8
    c.Authenticator.allowed_users = set(roster.everyone)
    c.Authenticator.admin_users = set(roster.instructors)

    token_file = hub / "admin-token"
    culler = [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull}"]
    if os.environ.get("LEARN_DOCKER_CLASS_CULL_EVERY"):  # seconds between the culler's looks (its default: timeout/2)
        culler.append(f"--cull-every={int(os.environ['LEARN_DOCKER_CLASS_CULL_EVERY'])}")
    services = [{"name": "idle-culler", "command": culler}]
    if token_file.exists():
        services.append({"name": ADMIN_SERVICE, "api_token": token_file.read_text().strip()})
    c.JupyterHub.services = services
    c.JupyterHub.load_roles = [
        {"name": "idle-culler", "services": ["idle-culler"],
         "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
        {"name": ADMIN_SERVICE, "services": [ADMIN_SERVICE] if token_file.exists() else [],
         "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "access:servers", "proxy"]},
    ]
