"""The rows only a coordinator's archive has: figures by month, a redacted export of
one period, and the peak memory of the whole run.

`BENCH_SIZE=huge` runs these with the intake, search, list and start rows, and not
the bundle rows: an export and import of 100 000 testimonies and 4 GiB is the full
run's pair at ten times the size and would need more disk than the archive itself
(bench/README.md, "A coordinator's archive").
"""

from __future__ import annotations

import calendar
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlcipher3

from bench.clock import Clock, Target, medians, row
from bench.core import redacted_runs
from testimony_app.core.audit import redact
from testimony_app.core.session import Session
from testimony_app.core.vault import db, keyfile
from testimony_app.core.workspace import stats


def _baseline_months(base_path: Path) -> Clock:
    """Incidents counted by month and type straight from their JSON: plain SQLite."""
    conn = sqlcipher3.connect(str(base_path), isolation_level=None)
    try:
        with Clock() as clock:
            conn.execute(
                "SELECT substr(coalesce(json_extract(data, '$.date.value'), "
                "json_extract(data, '$.date.from')), 1, 7) AS month, "
                "json_extract(data, '$.type'), count(*) FROM records "
                "WHERE kind = 'incident' GROUP BY 1, 2").fetchall()
    finally:
        conn.close()
    return clock


def figures_by_month(runs: int, folder: Path, key: bytes, base_path: Path) -> dict[str, Any]:
    """`stats --by month` (what the Figures page and the CLI compute), without printing."""
    app_t: list[Clock] = []
    base_t: list[Clock] = []
    with Session.open_with_key(folder, key) as session:
        for _ in range(runs):
            with Clock() as clock:
                figures = stats.compute(session.conn, by="month")
            app_t.append(clock)
            base_t.append(_baseline_months(base_path))
    return row("stats --by month", "s", Target("app", 2, "app <= 2 s"), medians(app_t),
               medians(base_t), f"{len(figures.rows)} rows (month × type × source × "
               "place); baseline plain SQLite counting incidents by month and type "
               "from their JSON (no duplicates, no figures' parts)")


def _period(conn: Any, wanted: int) -> tuple[str, str, int]:
    """The first dated period of whole months holding about `wanted` records."""
    first = conn.execute("SELECT min(sort_date) FROM records WHERE sort_date != ''"
                         ).fetchone()[0]
    months = [m for (m,) in conn.execute(
        "SELECT DISTINCT substr(sort_date, 1, 7) FROM records WHERE sort_date >= ? "
        "ORDER BY 1", (first,))]
    if not months:
        raise RuntimeError("the vault holds no dated record to export a period of")
    count, last = 0, ""
    for month in months:
        last = _month_end(month)
        count = conn.execute("SELECT count(*) FROM records WHERE sort_date BETWEEN ? AND ?",
                             (first, last)).fetchone()[0]
        if count >= wanted:
            break
    return first[:10], last, count


def _month_end(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def _baseline_period(conn: Any, date_from: str, date_until: str, target: Path) -> Clock:
    with Clock() as clock:
        target.mkdir()
        records: dict[str, list[Any]] = {}
        for kind, data in conn.execute(
                "SELECT kind, data FROM records WHERE sort_date BETWEEN ? AND ? "
                "ORDER BY sort_date, id", (date_from, date_until)):
            records.setdefault(kind, []).append(json.loads(data))
        (target / "records.json").write_bytes(json.dumps(
            records, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    return clock


def _baseline_period_apart(folder: Path, key: bytes, date_from: str, date_until: str,
                           target: Path) -> Clock:
    """`_baseline_period` in a process of its own, so that the records it holds at once
    do not count in this process's peak memory (the row that reports the app's).
    The child times itself once the vault is open, as this process would."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.archive", str(folder), date_from, date_until,
         str(target)], input=key.hex(), capture_output=True, text=True, check=True)
    measured = json.loads(done.stdout)
    return Clock(measured["wall"], measured["own"], 0.0)


def redacted_period(runs: int, wanted: int, folder: Path, key: bytes, work: Path
                    ) -> dict[str, Any]:
    """A redacted export of one period of about `wanted` records, against those
    records as they are stored, written as JSON."""
    with Session.open_with_key(folder, key) as session:
        date_from, date_until, in_period = _period(session.conn, wanted)
        options = redact.Options(auditor="Bench auditor", date_from=date_from,
                                 date_until=date_until)
        app_t, base_t, manifest = redacted_runs(
            session, runs, options, work,
            lambda plain: _baseline_period_apart(folder, key, date_from, date_until,
                                                 plain))
    counts = ", ".join(f"{n} {k}" for k, n in manifest["counts"].items() if n)
    result = row("redacted export, one period", "s", Target("ratio", 2), medians(app_t),
                 medians(base_t), f"{date_from} to {date_until}: {in_period} records "
                 f"dated in it; exported {counts} (consent and status filter, period); "
                 "then verify; baseline the period's stored records as JSON")
    result["records"] = in_period
    return result


def peak_kib() -> int:
    """This process's peak RSS so far (VmHWM), in KiB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def peak_memory(limit_mb: float, after: dict[str, int]) -> dict[str, Any]:
    """This process's peak RSS over the whole run: every row above ran in it. `after`
    is the peak as it stood after each step, to show which one raised it."""
    steps = ", ".join(f"{label} {kib / 1024:.0f}" for label, kib in after.items())
    return row("memory (peak RSS, whole run)", "MiB",
               Target("app", limit_mb * 1e6 / 2**20, f"<= {limit_mb:.0f} MB"),
               peak_kib() / 1024, None,
               f"one process for every row but the period's JSON baseline, which runs "
               f"apart (the bench's other baseline connections and the window's libraries "
               f"included); peak after each step, MiB: {steps}")


if __name__ == "__main__":  # the period's baseline, apart: folder from until target; key on stdin
    _folder, _from, _until, _target = sys.argv[1:5]
    # The vault's own connection, without a session: the parent holds the vault's lock.
    _conn = db.connect(Path(_folder) / keyfile.DB_FILE, bytes.fromhex(sys.stdin.read().strip()))
    _clock = _baseline_period(_conn, _from, _until, Path(_target))
    _conn.close()
    sys.stdout.write(json.dumps({"wall": _clock.wall, "own": _clock.own}))
