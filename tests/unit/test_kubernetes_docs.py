"""docs/kubernetes/: what can be checked without a cluster.

- ``values.yaml`` (and ``values-sysbox.yaml`` over it), merged over the chart's defaults the way Helm merges, is
  valid for Zero to JupyterHub 4.4.0's ``values.schema.json`` (``tests/unit/data/z2jh/``, source in SOURCE.md).
- The learners' and the instructor's pods as KubeSpawner 7.0.0 (the chart's hub) makes them from those values
  under the chart's own hub configuration, after the values' ``pre_spawn_hook``, and the grading Job and the
  volumes, are valid Kubernetes objects for the OpenAPI schemas of Kubernetes 1.33 (user namespaces on by default)
  and the newest that ``kubernetes-validate`` knows, with unknown fields refused; every mount names a volume.
- What a learner's pod must not have (the course volume, a writable view of the released assignments, another
  learner's folder) and what the hook gives the instructor only; the engine sidecar and its socket.
- The shell in the Job and the image's start script parse; the image copies no solution or test.
- Where ``helm`` and the chart's source are given (``LEARN_DOCKER_HELM``, ``LEARN_DOCKER_Z2JH_CHART``): ``helm
  template`` of both variants, every rendered object valid.

Tests that need ``kubernetes-validate`` or ``jupyterhub-kubespawner`` (the ``dev`` extra) skip, saying so, only
when the package is missing.
"""
from __future__ import annotations

import ast
import copy
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "kubernetes"
CHART = Path(__file__).resolve().parent / "data" / "z2jh"
VERSIONS = ["1.33", "latest"]


def helm_merge(base, over):
    """Helm's coalescing of values files: maps merge key by key, anything else replaces, null deletes a key."""
    if not (isinstance(base, dict) and isinstance(over, dict)):
        return copy.deepcopy(over)
    out = copy.deepcopy(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = helm_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load(name: str):
    return yaml.safe_load((DOCS / name).read_text(encoding="utf-8"))


def merged(*files: str) -> dict:
    values = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    for name in files:
        values = helm_merge(values, load(name))
    return values


VARIANTS = {"user-namespaces": ("values.yaml",), "sysbox": ("values.yaml", "values-sysbox.yaml")}


def schema_errors(values: dict) -> list[str]:
    schema = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(values)]


@pytest.mark.parametrize("variant", VARIANTS)
def test_values_are_valid_for_the_chart_schema(variant):
    assert schema_errors(merged(*VARIANTS[variant])) == []


def test_the_schema_check_can_fail():
    values = merged("values.yaml")
    values["singleuser"]["storage"]["tyype"] = "dynamic"  # a misspelt key
    values["cull"]["timeout"] = "an hour"
    errors = schema_errors(values)
    assert any("tyype" in e for e in errors) and any(e.startswith("cull.timeout") for e in errors), errors


# ---------------------------------------------------------------------------------- checks on objects

def validate_k8s(obj: dict, version: str) -> None:
    kv = pytest.importorskip("kubernetes_validate",
                             reason="kubernetes-validate is missing: pip install -e '.[dev]' (the dev extra)")
    from kubernetes_validate.utils import latest_version

    try:
        kv.validate(obj, latest_version() if version == "latest" else version, strict=True)
    except kv.ValidationError as exc:  # its text holds the whole schema: say where and what only
        path = ".".join(map(str, exc.path))
        pytest.fail(f"{obj['kind']} {obj['metadata']['name']} (Kubernetes {version}): {path}: {exc.message}")


def mounts_name_volumes(pod_spec: dict) -> list[str]:
    """What is wrong with a pod's volumes and mounts that the OpenAPI schema does not see: a mount of a volume
    the pod does not have, a path mounted twice, a volume name given twice (the API server refuses both)."""
    listed = [v["name"] for v in pod_spec.get("volumes") or []]
    names = set(listed)
    wrong = [f"volume {n} twice" for n in sorted(names) if listed.count(n) > 1]
    for c in [*(pod_spec.get("initContainers") or []), *pod_spec["containers"]]:
        paths = [m["mountPath"] for m in c.get("volumeMounts") or []]
        wrong += [f"{c['name']}: {m['name']}" for m in c.get("volumeMounts") or [] if m["name"] not in names]
        wrong += [f"{c['name']}: {p} twice" for p in set(paths) if paths.count(p) > 1]
    return wrong


# ---------------------------------------------------------------------------------- the Job and the volumes

def documents(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((DOCS / name).read_text(encoding="utf-8")) if d]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", ["grading-job.yaml", "volumes.yaml"])
def test_manifests_are_valid_kubernetes_objects(name, version):
    docs = documents(name)
    assert docs
    for doc in docs:
        validate_k8s(doc, version)
        if doc["kind"] == "Job":
            assert mounts_name_volumes(doc["spec"]["template"]["spec"]) == []


def test_the_job_grades_with_the_course_command_on_the_shared_volumes():
    (job,) = documents("grading-job.yaml")
    pod = job["spec"]["template"]["spec"]
    (grader,) = pod["containers"]
    script = grader["command"][-1]
    assert "python -m helpers.grading autograde \"$ASSIGNMENT\"" in script
    assert "python -m helpers.classroom.report" in script
    claims = {v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v}
    assert claims == {d["metadata"]["name"] for d in documents("volumes.yaml")}
    assert all(d["spec"]["accessModes"] == ["ReadWriteMany"] for d in documents("volumes.yaml"))
    result = subprocess.run(["sh", "-n", "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_start_script_parses_and_the_image_copies_no_solution_or_test():
    assert subprocess.run(["sh", "-n", str(DOCS / "start-singleuser.sh")]).returncode == 0
    dockerfile = (DOCS / "Dockerfile").read_text(encoding="utf-8")
    printed = re.search(r"printf '%s\\n' (.*?)\s*> \S+/nbgrader_config\.py", dockerfile, re.S)
    config = "\n".join(re.findall(r"'([^']*)'", printed.group(1)))  # the image's nbgrader settings
    ast.parse(config)
    assert 'c.Exchange.root = "/srv/nbgrader/exchange"' in config and "assignment_dir" in config
    copies = re.findall(r"^COPY\s+(.+?)\s+\S+$", dockerfile, re.M)
    sources = [s for line in copies for s in line.split()]
    assert sources and not any(s.rstrip("/").split("/")[0] in ("source", "tests", "autograded", "submitted",
                                                                  "gradebook.db", ".") for s in sources), sources


def test_the_guide_keeps_the_sizing_placeholder_and_says_what_was_checked():
    text = (DOCS / "README.md").read_text(encoding="utf-8")
    assert "부하 측정 결과" in text and "확인한 것" in text and "4.4.0" in text
    assert "5c5f5df751588a68a7781ead01d0f62e88e2e72f" in (CHART / "SOURCE.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------- helm, where there is one

def test_helm_renders_the_chart_and_every_object_is_valid(tmp_path):
    """With ``helm`` (on PATH or ``LEARN_DOCKER_HELM``) and the chart's source at 4.4.0 (``LEARN_DOCKER_Z2JH_CHART``,
    the ``jupyterhub/`` folder of zero-to-jupyterhub-k8s): ``helm template`` with both variants (helm checks the
    values against the schema itself), then every rendered object against Kubernetes 1.33 and the newest schemas."""
    import os
    import shutil

    helm = os.environ.get("LEARN_DOCKER_HELM") or shutil.which("helm")
    chart_src = os.environ.get("LEARN_DOCKER_Z2JH_CHART")
    if not helm or not chart_src:
        pytest.skip("helm과 차트 원본이 없습니다 (LEARN_DOCKER_HELM, LEARN_DOCKER_Z2JH_CHART): values는 위의 스키마 테스트로만 확인")
    chart = tmp_path / "jupyterhub"
    shutil.copytree(chart_src, chart)
    shutil.copy(CHART / "values.schema.json", chart)  # what the packaged chart carries (the source has the YAML)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    for variant, files in VARIANTS.items():
        args = [helm, "template", "ldk", str(chart), "-n", "ldk", "--kube-version", "1.33.0"]
        for name in files:
            args += ["-f", str(DOCS / name)]
        out = subprocess.run(args, capture_output=True, text=True, env=env)
        assert out.returncode == 0, (variant, out.stderr[-2000:])
        objects = [d for d in yaml.safe_load_all(out.stdout) if d]
        assert any(d["kind"] == "Deployment" and d["metadata"]["name"] == "hub" for d in objects)
        for doc in objects:
            for version in VERSIONS:
                validate_k8s(doc, version)
    bad = tmp_path / "bad.yaml"
    bad.write_text("singleuser:\n  storage:\n    tyype: dynamic\n", encoding="utf-8")
    out = subprocess.run([helm, "template", "ldk", str(chart), "-f", str(DOCS / "values.yaml"), "-f", str(bad)],
                         capture_output=True, text=True, env=env)
    assert out.returncode != 0 and "tyype" in out.stderr


# ---------------------------------------------------------------------------------- KubeSpawner's own pods

def kubespawner_pods(tmp_path: Path, values: dict, users: tuple[tuple[str, bool], ...]) -> dict[str, dict]:
    """The pods KubeSpawner 7.0.0 makes for ``users`` ((name, admin)) under the chart's own hub configuration
    (``files/hub/jupyterhub_config.py`` and ``z2jh.py`` of chart 4.4.0, reading the values from where the chart's
    hub Secret mounts them; only its file prefix and its curl HTTP client line are changed), after the values'
    ``pre_spawn_hook``; a name given again is the same server started again, with that admin flag (the last start's
    pod is returned). No cluster: KubeSpawner's test mode and a kube config that points nowhere."""
    import asyncio
    import os
    import sys
    from unittest import mock

    pytest.importorskip("kubespawner", reason="jupyterhub-kubespawner is missing: pip install -e '.[dev]' (the dev extra)")
    from jupyterhub.objects import Hub, Server
    from kubernetes_asyncio.client import ApiClient
    from kubespawner import KubeSpawner
    from traitlets.config.loader import PyFileConfigLoader

    etc, conf = tmp_path / "etc", tmp_path / "hubconf"
    (etc / "secret").mkdir(parents=True)
    (etc / "config").mkdir()
    conf.mkdir()
    chart_values = {**values, "Chart": {"Name": "jupyterhub", "Version": "4.4.0", "AppVersion": "5.5.0"},
                    "Release": {"Name": "ldk", "Namespace": "ldk", "Service": "Helm"}}
    (etc / "secret" / "values.yaml").write_text(yaml.safe_dump(chart_values), encoding="utf-8")
    for key in ("hub.config.ConfigurableHTTPProxy.auth_token", "hub.config.CryptKeeper.keys",
                "hub.config.JupyterHub.cookie_secret"):
        (etc / "secret" / key).write_text("0" * 64, encoding="utf-8")
    for key, value in json.loads((CHART / "hub" / "names.json").read_text(encoding="utf-8")).items():
        (etc / "config" / key).write_text(value, encoding="utf-8")
    z2jh = (CHART / "hub" / "z2jh.py.txt").read_text(encoding="utf-8")
    (conf / "z2jh.py").write_text(z2jh.replace("/usr/local/etc/jupyterhub", str(etc)), encoding="utf-8")
    hub_config = (CHART / "hub" / "jupyterhub_config.py.txt").read_text(encoding="utf-8")
    curl = 'AsyncHTTPClient.configure("tornado.curl_httpclient.CurlAsyncHTTPClient")'
    assert curl in hub_config
    (conf / "jupyterhub_config.py").write_text(hub_config.replace(curl, ""), encoding="utf-8")
    (tmp_path / "kubeconfig").write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "none",
        "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "none", "user": {"token": "none"}}],
        "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none"}}]}), encoding="utf-8")
    env = {"PROXY_API_SERVICE_PORT": "8001", "HUB_SERVICE_HOST": "10.0.0.1", "HUB_SERVICE_PORT": "8081",
           "POD_NAMESPACE": "ldk"}

    class User(mock.Mock):
        server = Server()

        def __init__(self, name: str, admin: bool, uid: int):
            super().__init__()
            self.name, self.admin, self.id = name, admin, uid

        @property
        def escaped_name(self):
            return self.name

        @property
        def url(self):
            return self.server.url

    async def make() -> dict[str, dict]:
        pods, spawners = {}, {}
        for name, admin in users:  # a name given again: the same server started again (the hub keeps its spawner)
            if name not in spawners:
                user = User(name, admin, len(spawners) + 1)
                spawners[name] = KubeSpawner(hub=Hub(), config=config, user=user, api_token="x", _mock=True)
            spawner = spawners[name]
            spawner.user.admin = admin
            spawner.pre_spawn_hook(spawner)
            pods[name] = ApiClient().sanitize_for_serialization(await spawner.get_pod_manifest())
        return pods

    kube_config = "kubernetes_asyncio.config.kube_config.KUBE_CONFIG_DEFAULT_LOCATION"  # read from KUBECONFIG at import
    # sys.modules restored afterwards: the chart's z2jh module caches the values it loaded (lru_cache)
    with mock.patch.dict(os.environ, env), mock.patch("sys.path", [str(conf), *sys.path]), \
            mock.patch.dict(sys.modules), mock.patch(kube_config, str(tmp_path / "kubeconfig")):
        sys.modules.pop("z2jh", None)
        config = PyFileConfigLoader("jupyterhub_config.py", path=str(conf)).load_config()
        return asyncio.run(make())


@pytest.mark.parametrize("variant", VARIANTS)
def test_kubespawners_own_pods_are_valid_and_keep_each_learner_to_their_part(variant, tmp_path):
    users = (("kim_mj", False), ("instructor", True), ("instructor", True))  # the instructor's server started twice
    pods = kubespawner_pods(tmp_path, merged(*VARIANTS[variant]), users)
    for pod in pods.values():
        for version in VERSIONS:
            validate_k8s(pod, version)
        assert mounts_name_volumes(pod["spec"]) == []
        assert [c["name"] for c in pod["spec"]["containers"]] == ["notebook", "dockerd"]
        assert pod["spec"]["containers"][0]["args"] == ["/opt/learn-docker-ko/docs/kubernetes/start-singleuser.sh"]
    learner, instructor = pods["kim_mj"]["spec"], pods["instructor"]["spec"]
    if variant == "sysbox":
        assert "hostUsers" not in learner and learner["runtimeClassName"] == "sysbox-runc"
    else:
        assert learner["hostUsers"] is False
    base = "/srv/nbgrader/exchange/learn-docker-ko"
    mounts = {m["mountPath"]: m for m in learner["containers"][0]["volumeMounts"]}
    # the hub's name, not KubeSpawner's slug of it (the home volume's name is the slug: kim-mj---<hash>)
    assert mounts[f"{base}/inbound"]["subPath"] == "learners/kim_mj"
    assert mounts[f"{base}/outbound"]["readOnly"] and mounts[f"{base}/feedback"]["readOnly"]
    assert "/srv/nbgrader/exchange" not in mounts and "/srv/course" not in mounts
    assert "ldk-course" not in json.dumps(learner)
    assert learner["initContainers"][0]["command"] == ["mkdir", "-p", "/exchange/learners/kim_mj"]
    env = {e["name"]: e.get("value") for e in instructor["containers"][0]["env"]}
    assert env["JUPYTER_CONFIG_PATH"].endswith("tools/jupyter/instructor") and env["LEARN_DOCKER_ROOT_DIR"] == "/srv/course"
    mounts = {m["mountPath"]: m for m in instructor["containers"][0]["volumeMounts"]}
    assert mounts["/srv/course"]["name"] == "ldk-course" and "subPath" not in mounts["/srv/nbgrader/exchange"]
    assert not any(p.startswith(f"{base}/") for p in mounts)


def test_the_pod_checks_can_fail(tmp_path):
    pod = kubespawner_pods(tmp_path, merged("values.yaml"), (("kim", False),))["kim"]
    pod["spec"]["containers"][1]["securityContext"]["prcMount"] = "Unmasked"  # misspelt: refused
    with pytest.raises(pytest.fail.Exception, match="prcMount"):
        validate_k8s(pod, "1.33")
    pod["spec"]["containers"][0]["volumeMounts"].append({"name": "nowhere", "mountPath": "/x"})
    assert mounts_name_volumes(pod["spec"]) == ["notebook: nowhere"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_learners_engine_is_beside_the_notebook_unprivileged_and_reached_by_its_socket(variant, tmp_path):
    spec = kubespawner_pods(tmp_path, merged(*VARIANTS[variant]), (("kim", False),))["kim"]["spec"]
    notebook, dockerd = spec["containers"]
    assert not (dockerd.get("securityContext") or {}).get("privileged")
    assert not (notebook.get("securityContext") or {}).get("allowPrivilegeEscalation")
    socket = {e["name"]: e.get("value") for e in notebook["env"]}["DOCKER_HOST"]
    assert socket == "unix:///run/ldk-docker/docker.sock" and f"--host={socket}" in dockerd["args"]
    shared = {m["mountPath"]: m["name"] for c in (notebook, dockerd) for m in c["volumeMounts"]
              if m["mountPath"] == "/run/ldk-docker"}
    assert shared == {"/run/ldk-docker": "ldk-docker-run"}
    if variant == "user-namespaces":  # rootless: the sidecar is the learner's uid, as the notebook
        assert dockerd["securityContext"]["runAsUser"] == notebook["securityContext"]["runAsUser"] == 1000
        assert dockerd["securityContext"]["procMount"] == "Unmasked"
    else:  # Sysbox: root in the pod's own user namespace, the socket's group is the learner's (fsGroup 100)
        assert "--group=100" in dockerd["args"] and spec["securityContext"]["fsGroup"] == 100


@pytest.fixture
def open_tmp():
    """A folder user 65534 can reach (pytest's own tmp_path is under a 0700 folder of root's)."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="ldk-k8s-collect-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_the_jobs_collect_takes_each_submission_only_from_its_own_learners_folder_and_drops_links(open_tmp):
    """The Job's first step, run for real (root, setpriv, tar) on a small exchange: a submission under another
    learner's name and everything that is not a plain file or folder stay out of what nbgrader collects, and a
    submission the copying user cannot read is skipped without stopping the others."""
    import os
    import shutil

    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("the Job's collect copies as user 65534: needs root and setpriv (util-linux)")
    tmp_path = open_tmp
    (job,) = documents("grading-job.yaml")
    script = job["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    collect = script[: script.index("nbgrader collect")]  # the folder-by-folder copy, before nbgrader
    exchange, inbox_root = tmp_path / "exchange", tmp_path / "private"
    collect = collect.replace("/srv/exchange", str(exchange)).replace("/tmp/exchange", str(inbox_root))
    secret = tmp_path / "gradebook-secret.txt"
    secret.write_text("the instructor's", encoding="utf-8")
    secret.chmod(0o600)
    kim = exchange / "learners" / "kim" / "kim+02-hello-world+2026-12-06 10:00:00.000000 UTC+abc"
    forged = exchange / "learners" / "lee" / "kim+02-hello-world+2026-12-06 11:00:00.000000 UTC+def"
    other = exchange / "learners" / "kim" / "kim+03-images-and-containers+2026-12-06 10:00:00.000000 UTC+ghi"
    closed = exchange / "learners" / "aaa" / "aaa+02-hello-world+2026-12-06 09:00:00.000000 UTC+jkl"  # first in the loop
    for folder in (kim, forged, other, closed):
        folder.mkdir(parents=True)
        (folder / "02-hello-world.ipynb").write_text("{}", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"  # a folder the copying user can read, outside every learner's folder
    elsewhere.mkdir(mode=0o755)
    (elsewhere / "not-a-submission.txt").write_text("x", encoding="utf-8")
    (kim.parent / "kim+02-hello-world+2026-12-06 12:00:00.000000 UTC+lnk").symlink_to(elsewhere)
    (kim / "steal").symlink_to(secret)
    (kim / "up").symlink_to(tmp_path)
    os.mkfifo(kim / "fifo")
    for path in (exchange, *exchange.rglob("*")):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    closed.chmod(0o700)  # its learner made it unreadable
    result = subprocess.run(["sh", "-ceu", collect], env={**os.environ, "ASSIGNMENT": "02-hello-world"},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"건너뜀 (읽을 수 없는 제출물): {closed}" in result.stderr
    inbox = inbox_root / "learn-docker-ko" / "inbound"
    # not lee's forgery, not another assignment, not a link named like a submission
    assert sorted(p.name for p in inbox.iterdir()) == [kim.name]
    copied = inbox / kim.name
    assert sorted(p.name for p in copied.iterdir()) == ["02-hello-world.ipynb"]  # links and the fifo dropped


def test_a_user_no_longer_an_admin_gets_a_learners_pod_at_the_next_start(tmp_path):
    pods = kubespawner_pods(tmp_path, merged("values.yaml"), (("lee", True), ("lee", False)))
    spec = pods["lee"]["spec"]
    assert "ldk-course" not in json.dumps(spec) and mounts_name_volumes(spec) == []
    env = {e["name"] for e in spec["containers"][0]["env"]}
    assert not env & {"JUPYTER_CONFIG_PATH", "LEARN_DOCKER_ROOT_DIR"}
    mounts = {m["mountPath"]: m for m in spec["containers"][0]["volumeMounts"]}
    assert mounts["/srv/nbgrader/exchange/learn-docker-ko/inbound"]["subPath"] == "learners/lee"
