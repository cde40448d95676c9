"""Print how much the course helpers cost next to the raw docker SDK and the docker CLI.

    python benchmarks/bench_helpers.py            # helper vs SDK vs CLI, kit warm check, image sizes
    python benchmarks/bench_helpers.py --cold     # also remove and rebuild the whole kit (minutes!)

Every pair is measured in the same run, interleaved (A, B, A, B, ...), and reported as medians.
Targets: helper/SDK <= 1.15x (like for like), helper >= 5x faster than the CLI, kit warm check <= 5 s,
busybox <= 5 MB, Debian base <= 130 MB. Prints PASS/FAIL per target; exits 1 if any target fails.
Not a test: it measures, it does not assert.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

import helpers as h
from helpers import kit

CHAPTER = "bench"
EXEC_NAME = "bench-helpers-exec"
MB = 1000 * 1000  # docker prints decimal megabytes

results: list[tuple[str, bool]] = []


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def interleaved(fns: dict[str, callable], n: int, warmup: int = 2) -> dict[str, float]:
    """Median milliseconds of each function, measured in turn so drift hits all of them alike.

    Also stores each one's fastest run under ``<name>.min`` (less sensitive to a busy engine).
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(n):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
    out = {k: median_ms(v) for k, v in samples.items()}
    out.update({f"{k}.min": min(v) * 1000 for k, v in samples.items()})
    return out


def verdict(label: str, ok: bool, detail: str) -> None:
    results.append((label, ok))
    print(f"  {'PASS' if ok else 'FAIL'}  {label}: {detail}")


def info(line: str) -> None:
    print(f"  ----  {line}")


def compare(title: str, helper_ms: float, raw_ms: float, raw_label: str, target: float | None,
            mins: tuple[float, float] | None = None) -> None:
    ratio = helper_ms / raw_ms
    detail = f"helper {helper_ms:8.2f} ms | {raw_label} {raw_ms:8.2f} ms | {ratio:5.2f}x"
    if mins:
        detail += f"  (fastest runs: {mins[0]:.2f} vs {mins[1]:.2f} ms, {mins[0] / mins[1]:.2f}x)"
    if target is None:
        info(f"{title}: {detail} (for reference)")
    else:
        verdict(f"{title} (target <= {target:.2f}x)", ratio <= target, detail)


def bench_lists(c, n: int) -> dict[str, float]:
    print(f"\n[1] listing: helper vs SDK (median of {n}, {len(c.api.containers(all=True))} containers, "
          f"{len(c.api.images())} images on the engine)")
    with h.quiet():
        ps = interleaved({
            "helper": lambda: h.ps(all=True),
            "sparse": lambda: c.containers.list(all=True, sparse=True),
            "full": lambda: c.containers.list(all=True),
        }, n)
        images = interleaved({
            "helper": lambda: h.images(),
            "api": lambda: c.api.images(),
            "objects": lambda: c.images.list(),
        }, n)
    compare("ps -a  vs containers.list(all=True, sparse=True)", ps["helper"], ps["sparse"], "sdk sparse", 1.15,
            (ps["helper.min"], ps["sparse.min"]))
    compare("ps -a  vs containers.list(all=True) [inspects each]", ps["helper"], ps["full"], "sdk full  ", None)
    compare("images vs api.images()", images["helper"], images["api"], "sdk api   ", 1.15,
            (images["helper.min"], images["api.min"]))
    compare("images vs images.list() [inspects each]", images["helper"], images["objects"], "sdk full  ", None)
    return {"ps": ps["helper"], "images": images["helper"], "ps_api": ps["sparse"], "images_api": images["api"]}


def bench_run_exec(c, n: int) -> None:
    print(f"\n[2] run and exec: helper vs SDK (median of {n})")
    labels = h.labels(CHAPTER)
    with h.quiet():
        run = interleaved({
            "helper": lambda: h.run("busybox:1.35", "true", rm=True, chapter=CHAPTER),
            "sdk": lambda: c.containers.run("busybox:1.35", "true", remove=True, labels=labels),
        }, n, warmup=1)
        h.run("busybox:1.35", "sleep 600", name=EXEC_NAME, detach=True, chapter=CHAPTER)
        held = c.containers.get(EXEC_NAME)
        exe = interleaved({
            "helper": lambda: h.exec(EXEC_NAME, "true"),
            "sdk": lambda: c.containers.get(EXEC_NAME).exec_run("true"),
            "sdk-held": lambda: held.exec_run("true"),
        }, n * 2)
    compare("run --rm busybox true  vs containers.run(remove=True)", run["helper"], run["sdk"], "sdk", 1.15,
            (run["helper.min"], run["sdk.min"]))
    compare("exec NAME true  vs containers.get(NAME).exec_run()", exe["helper"], exe["sdk"], "sdk", 1.15,
            (exe["helper.min"], exe["sdk.min"]))
    compare("exec NAME true  vs exec_run() on a held Container [no lookup]", exe["helper"], exe["sdk-held"],
            "sdk", None)


def bench_cli(helper_ms: dict[str, float], n: int) -> None:
    print(f"\n[3] helper vs the docker CLI as a subprocess (median of {n})")
    docker_cli = shutil.which("docker")
    if not docker_cli:
        info("no `docker` CLI on PATH: skipped")
        return
    for name, argv, helper in (("ps -a", [docker_cli, "ps", "-a"], helper_ms["ps"]),
                               ("images", [docker_cli, "images"], helper_ms["images"])):
        cli = interleaved({"cli": lambda argv=argv: subprocess.run(argv, capture_output=True, check=True)}, n,
                          warmup=1)["cli"]
        speedup = cli / helper
        verdict(f"h.{name.split()[0]}() vs `docker {name}` (target >= 5x faster)", speedup >= 5,
                f"helper {helper:8.2f} ms | cli {cli:8.2f} ms | {speedup:5.1f}x faster")
    info(f"engine-side floor: api.images() alone takes {helper_ms['images_api']:.2f} ms, containers.list(sparse=True) "
         f"{helper_ms['ps_api']:.2f} ms; no client can be faster than that")


def bench_kit(cold: bool) -> None:
    print("\n[4] offline kit")
    t0 = time.perf_counter()
    absent = kit.missing()
    warm = time.perf_counter() - t0
    if absent:
        verdict("kit warm check (target <= 5 s, all present)", False, f"missing: {', '.join(absent)}")
    else:
        verdict("kit warm check: kit.missing() with all present (target <= 5 s)", warm <= 5, f"{warm * 1000:.1f} ms")
    if not cold:
        info("kit cold build: skipped (pass --cold to remove and rebuild every kit image)")
        return
    c = h.client()
    in_use = [x.name for x in c.containers.list(all=True) if x.attrs["Config"]["Image"] in kit.names()]
    if in_use:
        info(f"kit cold build: skipped, containers use kit images: {', '.join(in_use)}")
        return
    for name in reversed(kit.names()):  # children before their bases
        c.api.remove_image(name)
    t0 = time.perf_counter()
    kit.ensure()
    info(f"kit cold build (every image, {'pull' if kit.registry_answers() else 'offline build'}): "
         f"{time.perf_counter() - t0:.1f} s")


# Sizes of the official images the kit stands in for (amd64, as Docker Hub lists them uncompressed by
# `docker images` after a pull), to keep the classroom bundle small: the kit aims at <= 1.3x each.
OFFICIAL_MB = {"debian:bookworm": 117, "busybox:1.35": 4.3, "httpd:2.4": 148, "registry:2.8": 25,
               "python:3.11-slim": 130, "redis:7.0": 130}
SIZE_RATIO_TARGET = 1.3


def bench_sizes(c) -> None:
    print("\n[5] image sizes: kit vs official (target <= 1.3x)")
    print(f"    {'image':<28}{'kit MB':>9}{'official MB':>13}{'ratio':>8}")
    for name in kit.names():
        try:
            size = c.images.get(name).attrs["Size"] / MB
        except Exception as exc:  # noqa: BLE001 - report, do not crash
            verdict(f"{name} size", False, f"not available: {exc}")
            continue
        official = OFFICIAL_MB.get(name)
        if official is None:
            print(f"    {name:<28}{size:>9.1f}{'-':>13}{'-':>8}  (the course's own image)")
            continue
        ratio = size / official
        print(f"    {name:<28}{size:>9.1f}{official:>13.1f}{ratio:>7.2f}x")
        verdict(f"{name} <= {SIZE_RATIO_TARGET}x official", ratio <= SIZE_RATIO_TARGET, f"{ratio:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="remove and rebuild the kit (takes minutes)")
    parser.add_argument("-n", type=int, default=30, help="samples per listing measurement (default 30)")
    args = parser.parse_args()
    c = h.client()
    v = c.version()
    print(f"engine {v['Version']} (API {v['ApiVersion']}), docker SDK {__import__('docker').__version__}, "
          f"Python {sys.version.split()[0]}")
    try:
        helper_ms = bench_lists(c, args.n)
        bench_run_exec(c, max(5, args.n // 2))
        bench_cli(helper_ms, max(5, args.n // 3))
        bench_kit(args.cold)
        bench_sizes(c)
    finally:
        with h.quiet():
            h.reset(CHAPTER, verbose=False)
    failed = [label for label, ok in results if not ok]
    print(f"\n{len(results) - len(failed)}/{len(results)} targets met" + (f"; FAIL: {'; '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
