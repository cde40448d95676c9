"""The hub's configuration from the roster and the environment."""

from traitlets.config import Config

from helpers.classroom.hubconfig import configure
from helpers.classroom.spawner import ClassSpawner


def test_roster_ports_culler_and_admin_service(tmp_path, monkeypatch):
    roster = tmp_path / "roster.txt"
    roster.write_text("teacher instructor\nkim\nlee\n")
    monkeypatch.setenv("LEARN_DOCKER_CLASS_ROOT", str(tmp_path / "class"))
    monkeypatch.setenv("LEARN_DOCKER_CLASS_ROSTER", str(roster))
    monkeypatch.setenv("LEARN_DOCKER_CLASS_HUB_PORT", "9081")
    monkeypatch.setenv("LEARN_DOCKER_CLASS_CULL", "600")
    (tmp_path / "class" / "hub").mkdir(parents=True)
    (tmp_path / "class" / "hub" / "admin-token").write_text("secret\n")
    c = Config()
    configure(c)
    assert c.Authenticator.allowed_users == {"teacher", "kim", "lee"}
    assert c.Authenticator.admin_users == {"teacher"}
    assert c.FirstUseAuthenticator.create_users is False  # nobody outside the roster
    assert c.JupyterHub.spawner_class is ClassSpawner and c.ClassSpawner.hub_port == 9081
    assert c.JupyterHub.hub_bind_url == "http://0.0.0.0:9081"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")  # the proxy's API: loopback only
    culler = next(s for s in c.JupyterHub.services if s["name"] == "idle-culler")
    assert "--timeout=600" in culler["command"]
    admin = next(s for s in c.JupyterHub.services if s["name"] == "class-admin")
    assert admin["api_token"] == "secret"
