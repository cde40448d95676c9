"""Grading a class: N driver processes, each with its own worker, scores merged into the course gradebook.

``grade(assignment, students, workers=N)`` — used by ``python -m helpers.grading autograde`` — grades
each submission isolated (see ``isolated``) with N at once, then writes ``autograded/``, the gradebook
and ``feedback/`` of the course as plain nbgrader would. One submission never sees another's engine,
files or scores: each worker is healed to the kit after every submission.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import multiprocessing as mp
import os
import shutil
import time
import warnings
from multiprocessing import util
from pathlib import Path

from .gradebook import Result, ensure_assignment, grades_of, load_config, make_api, merge, scores  # noqa: F401
from .sandbox import DATA_SIZE, Worker, state_root
from .sanitize import sanitize_folder

_DRIVER: dict = {}  # the one driver of this process: worker, agent, stage api


# ------------------------------------------------------------------------------- the instructor's side

def kit_archive() -> Path:
    """The kit as one ``docker save`` archive from the instructor's engine (rewritten when the kit changed)."""
    from .. import kit
    from ..connection import client
    from ..display import quiet

    ids = {name: client().images.get(name).id for name in kit.names()}
    path = state_root() / "kit.tar"
    ids_file = path.with_suffix(".ids.json")
    known = json.loads(ids_file.read_text()) if ids_file.exists() else None
    if known != ids or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o711)
        with quiet():
            kit.save(path)
        ids_file.write_text(json.dumps(ids, indent=1))
    for f in (path, ids_file):
        f.chmod(0o600)  # workers get them as descriptors, never by name
    return path


RECORD = "exchange-times.json"  # in the course folder, root-only: the class server's collect writes it


def record_time(root: Path, student: str, assignment: str, folder: Path, moment) -> None:
    """Note when ``student``'s submission reached the exchange (``helpers.classroom.exchange``), tied to the
    collected folder ``folder`` (by inode: a later plain ``nbgrader collect`` that replaces it is not believed)."""
    path = root / RECORD
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        record = {}
    record[f"{student}/{assignment}"] = {"time": moment.strftime("%Y-%m-%d %H:%M:%S.%f %Z"),
                                         "inode": os.stat(folder, follow_symlinks=False).st_ino}
    tmp = path.with_suffix(".new")
    tmp.write_text(json.dumps(record, indent=1))
    tmp.chmod(0o600)
    tmp.replace(path)


def collection_time(folder: Path) -> str:
    """The submission's time: when it reached the exchange, as the class server's collect recorded it
    (``RECORD``), else when the submission folder reached the instructor's ``submitted/`` (its change time,
    which nothing inside the submission can set) — never the submission's own ``timestamp.txt``, which the
    learner writes."""
    from datetime import datetime, timezone

    st = os.stat(folder, follow_symlinks=False)
    try:
        entry = json.loads((folder.parents[2] / RECORD).read_text()).get(f"{folder.parent.name}/{folder.name}")
    except (OSError, ValueError, IndexError):
        entry = None
    if isinstance(entry, dict) and entry.get("inode") == st.st_ino and isinstance(entry.get("time"), str):
        return entry["time"]
    moment = datetime.fromtimestamp(st.st_ctime, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def protect(root: Path) -> list[str]:
    """Make the instructor's grading files owner-only (source, submissions, feedback, gradebook)."""
    changed = []
    for name in ("source", "submitted", "autograded", "feedback", "gradebook.db"):
        path = root / name
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o700 if path.is_dir() else 0o600)
            changed.append(name)
    return changed


def grade(assignment: str, students: list[str], *, root: Path, workers: int, echo=print) -> list[Result]:
    """Grade ``students`` isolated, ``workers`` at once; merge each result into the course as it comes."""
    api = make_api(root)
    if ensure_assignment(api, assignment):
        echo(f"성적부에 과제 {assignment}를 등록했습니다")
    hidden = protect(Path(api.coursedir.root))
    if hidden:
        echo(f"(학습자 코드가 읽지 못하도록 {', '.join(hidden)}을(를) 강사만 읽을 수 있게 바꿨습니다)")
    archive = kit_archive()
    workers = max(1, min(workers, len(students)))
    first = int(os.environ.get("LEARN_DOCKER_WORKER_OFFSET", "0")) + 1  # two grading runs on one machine
    numbers = list(range(first, first + workers))
    indexes = mp.get_context("fork").Queue()
    for i in numbers:
        indexes.put(i)
    results: list[Result] = []
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                                  initializer=_init_driver, initargs=(indexes, assignment, str(root), str(archive)))
    try:
        futures = {pool.submit(_grade, student): student for student in students}
        for future in cf.as_completed(futures):
            try:
                data = future.result()
            except Exception as exc:  # noqa: BLE001 - one driver's failure is that submission's result
                data = {"student": futures[future], "ok": False, "error": f"{type(exc).__name__}: {exc}"}
            result = Result(data["student"], data.get("score", 0.0), data.get("max_score", 0.0),
                            data.get("seconds", 0.0), data["ok"], data.get("failed", []), data.get("error", ""))
            if data["ok"]:
                merge(api, assignment, data)
            echo(result.line() + (f"   (환경 손상: {'; '.join(data['damage'])})" if data.get("damage") else ""))
            results.append(result)
    finally:
        pool.shutdown(wait=True)
        for i in numbers:  # whatever a driver could not stop: processes, mounts, namespace
            with contextlib.suppress(Exception):
                Worker(i).close()
    return sorted(results, key=lambda r: students.index(r.student))


# ------------------------------------------------------------------------------------- one driver

def _init_driver(indexes, assignment: str, root: str, archive: str) -> None:
    from nbgrader.preprocessors import Execute

    from .isolated import SandboxKernelManager, make_execute, setup_cell_id

    warnings.simplefilter("ignore")
    os.chdir("/")  # nothing of the instructor's folder is this process's working folder
    worker = Worker(indexes.get())
    worker.prepare()
    stage = state_root() / "stages" / f"w{worker.index}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True, mode=0o700)
    (stage / "source").mkdir(mode=0o700)
    shutil.copytree(Path(root) / "source" / assignment, stage / "source" / assignment)
    execute = make_execute()
    cfg = load_config(root)
    cfg.CourseDirectory.root = str(stage)
    cfg.Autograde.pre_convert_hook = None  # the agent heals the worker; the instructor's engine is never touched
    cfg.Autograde.autograde_preprocessors = [execute if p is Execute else p
                                             for p in _default_autograde_preprocessors()]
    api = make_api(stage, cfg)
    outcome = api.generate_assignment(assignment, force=True)
    if not outcome["success"]:
        raise RuntimeError(outcome.get("error") or outcome.get("log"))
    execute.setup_id = _setup_id(stage / "source" / assignment, setup_cell_id)
    SandboxKernelManager.worker = worker
    _DRIVER.update(worker=worker, api=api, stage=stage, assignment=assignment, root=Path(root),
                   archive=Path(archive), execute=execute, agent=None, kit=worker.kept_kit())
    util.Finalize(None, _stop_driver, exitpriority=10)


def _setup_id(folder: Path, find) -> str | None:
    import nbformat

    for path in sorted(folder.glob("*.ipynb")):
        found = find(nbformat.read(path, as_version=4))
        if found:
            return found
    return None


def _default_autograde_preprocessors() -> list:
    from nbgrader.converters.autograde import Autograde

    return list(Autograde.class_traits()["autograde_preprocessors"].default())


def _stop_driver() -> None:
    if _DRIVER:
        if _DRIVER.get("agent"):
            _DRIVER["agent"].close()
        _DRIVER["worker"].close()


def _fresh_world(d: dict) -> None:
    """Before each submission (the worker's processes are gone): a new scratch folder, a new engine (in a
    new namespace this process enters) and a new agent that brings it to the kit and a new registry."""
    from .isolated import AgentClient
    from .kitcheck import fingerprint, layer_folders
    from .sandbox import setns_net

    worker: Worker = d["worker"]
    worker.fresh_scratch()
    worker.start_engine()
    setns_net(worker.wait_inner())
    worker.wait_socket()
    d["agent"] = AgentClient(worker, d["archive"])
    heal = d["agent"].ask(op="heal")
    if not heal.get("ok"):
        raise RuntimeError(f"채점 환경을 준비하지 못했습니다: {heal.get('error')}")
    folders = layer_folders(heal.get("layers") or [], worker.data_root / "docker")
    if d.get("kit") is None or d["kit"]["folders"] != folders:  # first load, or a reload: nothing learner ran yet
        d["kit"] = {"folders": folders, "digest": fingerprint(folders, worker.data_root / "docker")}
    worker.keep_kit(None)  # learner code runs from now on: only _after's check may record the kit again


def _after(d: dict) -> list[str]:
    """After each submission: what it damaged (the kit by name and ID, then by its layers on disk once every
    process of the worker is gone). Damaged layers mean a new engine data folder for the next submission."""
    from .kitcheck import fingerprint

    worker: Worker = d["worker"]
    damage: list[str] = []
    agent = d.get("agent")
    if agent is not None and worker.alive():
        try:
            heal = agent.ask(op="heal", registry=False, timeout=60)
            damage += heal.get("damage") or ([] if heal.get("ok") else [f"엔진을 되돌리지 못했습니다: {heal.get('error')}"])
        except (RuntimeError, ValueError) as exc:
            damage.append(f"채점용 엔진이 응답하지 않았습니다: {exc}")
        agent.close()
    elif agent is not None:
        damage.append("채점용 엔진이 멈춰 있었습니다 (다시 시작했습니다).")
        agent.close()
    d["agent"] = None
    worker.kill()
    if d.get("kit") is not None and fingerprint(d["kit"]["folders"], worker.data_root / "docker") != d["kit"]["digest"]:
        damage.append("과정 키트 이미지의 레이어 파일이 디스크에서 바뀌어 있었습니다 (엔진 데이터를 새로 만들었습니다).")
        worker._mount(worker.data_root, DATA_SIZE)
        d["kit"] = None
    worker.keep_kit(d.get("kit"))
    return damage


def _grade(student: str) -> dict:
    d = _DRIVER
    assignment, stage, api = d["assignment"], d["stage"], d["api"]
    began = time.perf_counter()
    try:
        _fresh_world(d)
    except Exception:
        _after(d)  # nothing of a half-made world (an engine, an agent) is left for the next submission
        raise
    d["execute"].agent = d["agent"]
    submitted = stage / "submitted" / student / assignment
    shutil.rmtree(stage / "submitted", ignore_errors=True)
    shutil.rmtree(stage / "autograded", ignore_errors=True)
    shutil.copytree(d["root"] / "submitted" / student / assignment, submitted, symlinks=True)
    collected = collection_time(d["root"] / "submitted" / student / assignment)
    (submitted / "timestamp.txt").unlink(missing_ok=True)
    (submitted / "timestamp.txt").write_text(collected)
    d["worker"].copy_in(submitted)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome = api.autograde(assignment, student, force=True, create=True)
    finally:
        damage = _after(d)
    data = {"student": student, "seconds": time.perf_counter() - began, "damage": damage}
    if not outcome["success"]:
        text = (outcome.get("error") or outcome.get("log") or "").strip()
        return {**data, "ok": False, "error": text[-300:], "log": (outcome.get("log") or "")[-6000:]}
    folder = stage / "autograded" / student / assignment
    sanitize_folder(folder)
    if damage:
        _note_damage(folder, damage)
    result = scores(api, assignment, student)
    export = state_root() / "out" / f"{student}-{assignment}-{time.time_ns()}"
    shutil.copytree(folder, export)
    return {**data, "ok": True, "score": result.score, "max_score": result.max_score, "failed": result.failed,
            "folder": str(export), **grades_of(api, assignment, student)}


def _note_damage(folder: Path, damage: list[str]) -> None:
    """Say at the top of the graded notebook what the submission damaged (it was repaired afterwards)."""
    import nbformat

    for path in folder.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        text = ("**채점 환경 안내**: 이 제출물을 실행한 뒤 채점 환경이 손상되어 있어 원래대로 되돌렸습니다 "
                "(다른 학생의 채점에는 영향이 없습니다).\n\n" + "\n".join(f"- {line}" for line in damage))
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(text))
        nbformat.write(nb, path)
