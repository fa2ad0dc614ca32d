"""`make bench` (BENCH_SIZE=small for a quick run): every benchmark with its baseline,
a table on stdout and bench/results.json. See bench/README.md."""

from __future__ import annotations

import json
import os
import shutil
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


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'benchmark':32} {'unit':5} {'app':>9} {'baseline':>9} {'ratio':>7}  "
             f"{'target':26} result"]
    for r in rows:
        ok = {True: "pass", False: "FAIL", None: "not measured"}[r["ok"]]
        lines.append(f"{r['name']:32} {r.get('unit', ''):5} {_fmt(r['app']):>9} "
                     f"{_fmt(r['baseline']):>9} {_fmt(r['ratio']):>7}  {r['target']:26} {ok}")
    return "\n".join(lines)


def main() -> int:
    size_name = os.environ.get("BENCH_SIZE", "full")
    if size_name not in core.SIZES:
        sys.stderr.write(f"BENCH_SIZE must be one of {', '.join(core.SIZES)}\n")
        return 2
    size = core.SIZES[size_name]
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
                         "target": "", "ok": False, "detail": "benchmark failed"})
            return None
        finally:
            sys.stderr.write(f"[bench] {label}: {time.perf_counter() - t:.1f} s\n")

    try:
        age = core.ensure_age()
        got = step("intake", core.intake, size, work)
        if got:
            row, folder, key, base_path = got
            rows.append(row)
            rows += step("search", core.search, size, folder, key, base_path) or []
            rows.append(step("unlock", core.unlock, size, folder, key))
            rows.append(step("redacted export", core.redacted, size, folder, key, work))
            rows.append(step("backup", core.backup, size, folder, key, work))
        pair = step("pair", core.make_pair, work)
        bundle_path = None
        if pair:
            got2 = step("export/import", core.export_import, size, work, pair, age)
            if got2:
                rows += got2[0]
                bundle_path = got2[1]
                rows += step("refusal", core.refusal, size, work, pair, bundle_path,
                             got2[0][1]["app"]) or []
            rows.append(step("memory", core.memory, size, work, pair))
        from bench import gui
        rows.append(step("start", gui.start, size, work))
        if got:
            empty, empty_key = gui.empty_vault(work)
            rows += step("list", gui.lists, size, folder, key, empty, empty_key) or []
            if pair and bundle_path:
                rows += step("responsiveness", gui.responsiveness, size, work, folder, pair,
                             bundle_path) or []
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [r for r in rows if r]
    for r in rows:
        app, base = r.get("app"), r.get("baseline")
        r["ratio"] = app / base if app is not None and base else None
    print(f"Testimony benchmarks, BENCH_SIZE={size.name} "
          f"({time.perf_counter() - began:.0f} s)\n")
    print(table(rows))
    results = [{"name": r["name"], "unit": r.get("unit", ""), "app": r.get("app"),
                "baseline": r.get("baseline"), "ratio": r.get("ratio"),
                "target": r["target"],
                "pass": r["ok"], "detail": r.get("detail", "")} for r in rows]
    out = HERE / "results.json"
    out.write_text(json.dumps({"size": size.name, "python": sys.version.split()[0],
                               "results": results}, indent=1, ensure_ascii=False) + "\n")
    print(f"\nwritten: {out}", flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: Qt objects of the GUI rows (workers, windows) being
    # destroyed in arbitrary order at exit has aborted the process after the results
    # were written; nothing is left to clean up by then.
    os._exit(code)
