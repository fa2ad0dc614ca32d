"""`make bench` (BENCH_SIZE=small for a quick run): every benchmark with its baseline,
a table on stdout and bench/results.json. See bench/README.md."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench import core

HERE = Path(__file__).resolve().parent


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


HEADER = """\
The machine is shared: wall-clock times vary 3-10x with the other processes' load.
Verdicts are on CPU time (user + system of this process, every thread, plus its
child processes': tar and age for the export baseline, cp and sync for the backup's,
the start row's processes), when both sides have one; on the figure as measured
otherwise (peak RSS, longest gaps), and on wall time for the list rows (a delay while
two threads work: their CPU times add up). Wall time is beside it for the record."""


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'':38} {'wall':>27}   {'CPU':>27}",
             f"{'benchmark':32} {'unit':5} {'app':>9} {'baseline':>9} {'ratio':>7}   "
             f"{'app':>9} {'baseline':>9} {'ratio':>7}  {'target':26} result"]
    for r in rows:
        ok = {True: "pass", False: "FAIL", None: "not measured"}[r["ok"]]
        lines.append(f"{r['name']:32} {r.get('unit', ''):5} {_fmt(r['app']):>9} "
                     f"{_fmt(r['baseline']):>9} {_fmt(r['ratio']):>7}   "
                     f"{_fmt(r.get('app_cpu')):>9} {_fmt(r.get('baseline_cpu')):>9} "
                     f"{_fmt(r.get('cpu_ratio')):>7}  {r['target']:26} {ok}")
    children = [r for r in rows if r.get("app_children_cpu") or r.get("baseline_children_cpu")]
    if children:
        lines.append("")
        lines.append("of which child processes' CPU: " + "; ".join(
            f"{r['name']} app {_fmt(r.get('app_children_cpu'))}, baseline "
            f"{_fmt(r.get('baseline_children_cpu'))} {r['unit']}" for r in children))
    return "\n".join(lines)


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=HERE, capture_output=True,
                             text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def main() -> int:
    size_name = os.environ.get("BENCH_SIZE", "full")
    if size_name not in core.SIZES:
        sys.stderr.write(f"BENCH_SIZE must be one of {', '.join(core.SIZES)}\n")
        return 2
    size = core.SIZES[size_name]
    # BENCH_ROWS=archive runs a coordinator's archive's rows at any size: the growth
    # from 10 000 to 100 000 to 1 000 000 is measured on the same rows.
    kind = os.environ.get("BENCH_ROWS", "archive" if size.name == "huge" else "all")
    if kind not in ("all", "archive"):
        sys.stderr.write("BENCH_ROWS must be all or archive\n")
        return 2
    run_name = size.name if kind == "all" or size.name == "huge" else f"{size.name}-{kind}"
    work = Path(tempfile.mkdtemp(prefix="testimony-bench-", dir=os.environ.get("BENCH_DIR")))
    rows: list[dict[str, Any]] = []
    began = time.perf_counter()

    def step(label: str, fn: Any, *args: Any) -> Any:
        t = time.perf_counter()
        sys.stderr.write(f"[bench] {label}…\n")
        try:
            return fn(*args)
        except Exception:  # noqa: BLE001 - one broken row must not hide the others
            traceback.print_exc()
            rows.append({"name": label, "unit": "", "app": None, "baseline": None,
                         "app_cpu": None, "baseline_cpu": None,
                         "target": "", "ok": False, "detail": "benchmark failed"})
            return None
        finally:
            sys.stderr.write(f"[bench] {label}: {time.perf_counter() - t:.1f} s\n")

    def save() -> None:
        # After every step: a run of hours that stops halfway keeps what it measured.
        write(size, run_name, [r for r in rows if r], began, partial=True)

    try:
        if kind == "archive":
            archive_rows(size, work, step, rows, save)
        else:
            all_rows(size, work, step, rows, save)
    finally:
        if os.environ.get("BENCH_KEEP"):
            sys.stderr.write(f"[bench] kept: {work}\n")
        else:
            shutil.rmtree(work, ignore_errors=True)
    write(size, run_name, [r for r in rows if r], began, partial=False)
    return 0


def all_rows(size: core.Size, work: Path, step: Any, rows: list[Any], save: Any) -> None:
    age = core.ensure_age()
    got = step("intake", core.intake, size, work)
    if got:
        row, folder, key, base_path = got
        rows.append(row)
        rows += step("search", core.search, size, folder, key, base_path) or []
        rows.append(step("unlock", core.unlock, size, folder, key))
        rows.append(step("redacted export", core.redacted, size, folder, key, work))
        rows.append(step("backup", core.backup, size, folder, key, work))
        save()
    pair = step("pair", core.make_pair, work)
    bundle_path = None
    if pair:
        got2 = step("export/import", core.export_import, size, work, pair, age)
        if got2:
            rows += got2[0]
            bundle_path = got2[1]
            rows += step("refusal", core.refusal, size, work, pair, bundle_path,
                         got2[0][1]) or []
        rows.append(step("memory", core.memory, size, work, pair))
        save()
    from bench import gui
    rows.append(step("start", gui.start, size, work))
    if got:
        empty, empty_key = gui.empty_vault(work)
        rows += step("list", gui.lists, size, folder, key, empty, empty_key) or []
        if pair and bundle_path:
            rows += step("responsiveness", gui.responsiveness, size, work, folder, pair,
                         bundle_path) or []


def archive_rows(size: core.Size, work: Path, step: Any, rows: list[Any], save: Any) -> None:
    """A coordinator's archive (BENCH_SIZE=huge): intake, search, figures, a redacted
    export of one period, the list, and the peak memory of all of it."""
    from bench import archive, gui
    # The list's baseline vault is made first: its Argon2id (256 MiB, as at every
    # unlock) then overlaps the intake vault's, not the window's memory, which the
    # app itself never holds at the same time as a second key derivation.
    empty, empty_key = gui.empty_vault(work)
    peaks: dict[str, int] = {"start": archive.peak_kib()}

    def mark(label: str) -> None:
        peaks[label] = archive.peak_kib()
        save()

    got = step("intake", lambda: core.intake(size, work, stream=True))
    if not got:
        return
    row, folder, key, base_path = got
    rows.append(row)
    mark("intake")
    rows += step("search", core.search, size, folder, key, base_path) or []
    mark("search")
    rows.append(step("stats --by month", archive.figures_by_month, 3, folder, key, base_path))
    mark("figures")
    rows.append(step("redacted export, one period", archive.redacted_period, size.runs,
                     size.export_testimonies, folder, key, work))
    mark("redacted export")
    rows += step("list", gui.lists, size, folder, key, empty, empty_key) or []
    mark("list")
    rows.append(step("start", gui.start, size, work))
    rows.append(archive.peak_memory(500, peaks))


def write(size: core.Size, run_name: str, rows: list[dict[str, Any]], began: float, *,
          partial: bool) -> None:
    for r in rows:
        app, base = r.get("app"), r.get("baseline")
        r["ratio"] = app / base if app is not None and base else None
        app, base = r.get("app_cpu"), r.get("baseline_cpu")
        r["cpu_ratio"] = app / base if app is not None and base else None
    elapsed = time.perf_counter() - began
    if not partial:
        print(f"Testimony benchmarks, {run_name} ({elapsed:.0f} s wall, "
              f"{time.process_time():.0f} s CPU)\n")
        print(HEADER + "\n")
        print(table(rows))
    keys = ("name", "unit", "app", "baseline", "ratio", "app_cpu", "app_children_cpu",
            "baseline_cpu", "baseline_children_cpu", "cpu_ratio", "target", "verdict_on")
    results = [{**{k: r.get(k) for k in keys}, "pass": r["ok"], "detail": r.get("detail", ""),
                **({"records": r["records"]} if "records" in r else {})} for r in rows]
    document = json.dumps({
        "size": size.name, "rows": run_name, "testimonies": size.testimonies, "batch": size.batch,
        "export_testimonies": size.export_testimonies, "export_bytes": size.export_bytes,
        "memory_bytes": size.memory_bytes, "runs": size.runs,
        "python": sys.version.split()[0], "commit": _git_commit(),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "wall_s": elapsed, "cpu_s": time.process_time(),
        "load_average": os.getloadavg(), "verdicts_on": "cpu (see verdict_on per row)",
        "results": results}, indent=1, ensure_ascii=False) + "\n"
    # results.json is the last run; results-<size>.json keeps each size's last run side
    # by side, so growth tables (small -> medium -> full) can be made from them.
    unfinished = HERE / f"results-{run_name}.partial.json"
    if partial:
        unfinished.write_text(document)
        return
    for out in (HERE / "results.json", HERE / f"results-{run_name}.json"):
        out.write_text(document)
        print(f"\nwritten: {out}", flush=True)
    unfinished.unlink(missing_ok=True)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: Qt objects of the GUI rows (workers, windows) being
    # destroyed in arbitrary order at exit has aborted the process after the results
    # were written; nothing is left to clean up by then.
    os._exit(code)
