"""docs/kubernetes/: what can be checked without a cluster or helm.

- ``values.yaml`` (and ``values-sysbox.yaml`` over it), merged over the chart's defaults the way Helm merges, is
  valid for Zero to JupyterHub 4.4.0's ``values.schema.json`` (``tests/unit/data/z2jh/``, source in SOURCE.md).
- A learner's pod assembled from those values (the notebook container, the engine sidecar, the init container,
  the volumes — by hand, not by KubeSpawner) and the grading Job and the volumes are valid Kubernetes objects for
  the OpenAPI schemas of Kubernetes 1.33 (user namespaces on by default) and the newest that
  ``kubernetes-validate`` knows, with unknown fields refused; every mount names a volume of its pod.
- What the learner's pod must not have (the course volume, a writable view of the released assignments) and what
  the instructor's hook gives the instructor only.
- The shell in the Job and the image's start script parse; the image copies no solution or test.

The Kubernetes schema tests skip, saying so, only when ``kubernetes-validate`` (the ``dev`` extra) is missing.
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


# ---------------------------------------------------------------------------------- a learner's pod

def expand(value, username: str):
    """KubeSpawner 7's expansion of ``{unescaped_username}`` (the hub's name) and ``{username}`` (its slug; the
    test's names are their own slug) in volumes, mounts, init and extra containers (``get_pod_manifest``)."""
    if isinstance(value, str):
        return value.replace("{unescaped_username}", username).replace("{username}", username)
    if isinstance(value, list):
        return [expand(v, username) for v in value]
    if isinstance(value, dict):
        return {k: expand(v, username) for k, v in value.items()}
    return value


def learner_pod(values: dict, username: str = "kim") -> dict:
    su = values["singleuser"]
    storage = su["storage"]
    home = f"volume-{username}"
    notebook = {
        "name": "notebook",
        "image": f"{su['image']['name']}:{su['image']['tag']}",
        "args": su["cmd"],  # KubeSpawner passes cmd as args: the image's ENTRYPOINT (tini) stays
        "env": [{"name": k, "value": str(v)} for k, v in (su.get("extraEnv") or {}).items()],
        "securityContext": {"runAsUser": su["uid"], "allowPrivilegeEscalation": su["allowPrivilegeEscalation"]},
        "resources": {"requests": {"memory": su["memory"]["guarantee"], "cpu": su["cpu"]["guarantee"]},
                      "limits": {"memory": su["memory"]["limit"], "cpu": su["cpu"]["limit"]}},
        "volumeMounts": [{"name": home, "mountPath": storage["homeMountPath"]}, *storage["extraVolumeMounts"]],
        "ports": [{"name": "notebook-port", "containerPort": 8888}],
    }
    spec = {
        "securityContext": {"fsGroup": su["fsGid"]},
        "initContainers": su.get("initContainers") or [],
        "containers": [notebook, *(su.get("extraContainers") or [])],
        "volumes": [{"name": home, "persistentVolumeClaim": {"claimName": f"claim-{username}"}},
                    *storage["extraVolumes"]],
        **(su.get("extraPodConfig") or {}),
    }
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": f"jupyter-{username}", "annotations": su.get("extraAnnotations") or {}},
           "spec": spec}
    return expand(pod, username)


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
    names = {v["name"] for v in pod_spec.get("volumes") or []}
    wrong = []
    for c in [*(pod_spec.get("initContainers") or []), *pod_spec["containers"]]:
        paths = [m["mountPath"] for m in c.get("volumeMounts") or []]
        wrong += [f"{c['name']}: {m['name']}" for m in c.get("volumeMounts") or [] if m["name"] not in names]
        wrong += [f"{c['name']}: {p} twice" for p in set(paths) if paths.count(p) > 1]
    return wrong


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_learners_pod_from_the_values_is_a_valid_pod(variant, version):
    pod = learner_pod(merged(*VARIANTS[variant]))
    validate_k8s(pod, version)
    assert mounts_name_volumes(pod["spec"]) == []


def test_the_pod_check_can_fail():
    pod = learner_pod(merged("values.yaml"))
    pod["spec"]["containers"][1]["securityContext"]["procMount"] = "Unmasked"
    pod["spec"]["containers"][1]["securityContext"]["prcMount"] = "Unmasked"  # misspelt: refused
    with pytest.raises(pytest.fail.Exception, match="prcMount"):
        validate_k8s(pod, "1.33")
    pod["spec"]["containers"][0]["volumeMounts"].append({"name": "nowhere", "mountPath": "/x"})
    assert mounts_name_volumes(pod["spec"]) == ["notebook: nowhere"]


def test_the_learners_pod_is_in_a_user_namespace_with_the_engine_beside_it():
    pod = learner_pod(merged("values.yaml"))
    spec = pod["spec"]
    assert spec["hostUsers"] is False
    notebook, dockerd = spec["containers"]
    assert not dockerd["securityContext"].get("privileged")
    socket = dict((e["name"], e["value"]) for e in notebook["env"])["DOCKER_HOST"]
    assert socket == "unix:///run/ldk-docker/docker.sock" and f"--host={socket}" in dockerd["args"]
    run = {m["mountPath"]: m["name"] for c in (notebook, dockerd) for m in c["volumeMounts"]}
    assert run["/run/ldk-docker"] == "ldk-docker-run"
    sysbox = learner_pod(merged(*VARIANTS["sysbox"]))["spec"]
    assert "hostUsers" not in sysbox and sysbox["runtimeClassName"] == "sysbox-runc"
    assert not sysbox["containers"][1].get("securityContext")


def test_a_learner_sees_only_their_own_part_of_the_exchange_and_never_the_course():
    values = merged("values.yaml")
    text = json.dumps(values["singleuser"])
    # the learner's folder is named as nbgrader names the student (the hub's name), never by KubeSpawner's slug
    assert "learners/{unescaped_username}" in text and "learners/{username}" not in text
    pod = learner_pod(values, "kim")
    mounts = {m["mountPath"]: m for m in pod["spec"]["containers"][0]["volumeMounts"]}
    base = "/srv/nbgrader/exchange/learn-docker-ko"
    assert mounts[f"{base}/outbound"]["readOnly"] and mounts[f"{base}/feedback"]["readOnly"]
    assert mounts[f"{base}/inbound"]["subPath"] == "learners/kim"
    assert not any(m["mountPath"] == "/srv/nbgrader/exchange" for m in mounts.values())
    assert "ldk-course" not in json.dumps(pod)
    assert pod["spec"]["initContainers"][0]["command"] == ["mkdir", "-p", "/exchange/learners/kim"]


class _Spawner:
    """What the hook reads and writes of a KubeSpawner (the hook itself is the values' own code)."""

    def __init__(self, admin: bool, values: dict):
        storage = values["singleuser"]["storage"]
        self.user = type("User", (), {"admin": admin})()
        self.environment: dict = {}
        self.volumes = copy.deepcopy(storage["extraVolumes"])
        self.volume_mounts = copy.deepcopy(storage["extraVolumeMounts"])


def test_the_instructors_hook_gives_the_course_and_the_whole_exchange_to_an_admin_only():
    values = merged("values.yaml")
    c = type("Config", (), {"KubeSpawner": type("KubeSpawner", (), {})()})()
    for code in values["hub"]["extraConfig"].values():
        exec(compile(code, "hub.extraConfig", "exec"), {"c": c})  # noqa: S102 - the values' own code
    learner, instructor = _Spawner(False, values), _Spawner(True, values)
    before = copy.deepcopy((learner.environment, learner.volumes, learner.volume_mounts))
    c.KubeSpawner.pre_spawn_hook(learner)
    c.KubeSpawner.pre_spawn_hook(instructor)
    assert (learner.environment, learner.volumes, learner.volume_mounts) == before
    assert instructor.environment["JUPYTER_CONFIG_PATH"].endswith("tools/jupyter/instructor")
    assert (ROOT / "tools" / "jupyter" / "instructor").is_dir()
    mounts = {m["mountPath"]: m for m in instructor.volume_mounts}
    assert mounts["/srv/course"]["name"] == "ldk-course" and "subPath" not in mounts["/srv/nbgrader/exchange"]
    assert not any(p.startswith("/srv/nbgrader/exchange/") for p in mounts)


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
