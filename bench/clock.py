"""Wall time and CPU time side by side, and the targets judged on CPU.

The machine the benchmarks run on is shared: wall-clock time varies 3–10× with the
other processes' load, CPU time much less. Each figure is therefore taken three ways:
wall time, the process's own CPU (user + system, every thread: `time.process_time`)
and the CPU of its child processes that ended meanwhile (`RUSAGE_CHILDREN` deltas:
`tar` and `age` for the export baseline, `cp` and `sync` for the backup's, the
start row's processes). A row's CPU figure is own + children; the verdict is on the
CPU figures whenever both sides have one.
"""

from __future__ import annotations

import resource
import statistics
import time
from dataclasses import dataclass, field
from typing import Any


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Clock:
    """Accumulates wall, own CPU and children's CPU over every `with clock:` lap."""

    wall: float = 0.0
    own: float = 0.0
    children: float = 0.0
    _marks: tuple[float, float, float] = field(default=(0.0, 0.0, 0.0), repr=False)

    def __enter__(self) -> Clock:
        self._marks = (time.perf_counter(), time.process_time(), _children())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, own, children = self._marks
        self.wall += time.perf_counter() - wall
        self.own += time.process_time() - own
        self.children += _children() - children

    @property
    def cpu(self) -> float:
        return self.own + self.children


def medians(clocks: list[Clock]) -> Clock:
    """Each measure's median on its own (the median wall lap need not be the median
    CPU lap)."""
    return Clock(statistics.median(c.wall for c in clocks),
                 statistics.median(c.own for c in clocks),
                 statistics.median(c.children for c in clocks))


@dataclass(frozen=True)
class Target:
    """`kind` is "ratio" (app / baseline), "app" (the app's figure alone) or "diff"
    (app − baseline); `limit` in the row's unit. `latency`: the figure is a delay a
    person waits through while two threads work (the list rows: the worker's query and
    the window's paint); their CPU times add up and say nothing of the delay, so the
    verdict is on wall time."""

    kind: str
    limit: float
    text: str = ""
    latency: bool = False

    def describe(self, unit: str) -> str:
        if self.text:
            return self.text
        return {"ratio": f"ratio <= {self.limit:g}", "app": f"app <= {self.limit:g} {unit}",
                "diff": f"app - baseline <= {self.limit:g} {unit}"}[self.kind]

    def met(self, app: float | None, base: float | None) -> bool | None:
        if app is None or (self.kind != "app" and not base):
            return None
        if self.kind == "ratio":
            assert base
            return app / base <= self.limit
        if self.kind == "diff":
            assert base is not None
            return app - base <= self.limit
        return app <= self.limit


def row(name: str, unit: str, target: Target, app: Clock | float | None,
        baseline: Clock | float | None, detail: str = "", scale: float = 1.0
        ) -> dict[str, Any]:
    """A result row. Clocks give wall and CPU figures; a plain number (a peak RSS, a
    longest gap) gives the figure alone. `scale` turns seconds into the row's unit.
    The verdict is on CPU when both sides have a CPU figure (or the target is the
    app's alone and the app has one) and the target is no latency, on the figures as
    measured otherwise."""
    def wall(x: Clock | float | None) -> float | None:
        if x is None:
            return None
        return x.wall * scale if isinstance(x, Clock) else x

    def part(x: Clock | float | None, which: str) -> float | None:
        return getattr(x, which) * scale if isinstance(x, Clock) else None

    a_cpu, b_cpu = part(app, "cpu"), part(baseline, "cpu")
    on_cpu = not target.latency and a_cpu is not None and (
        b_cpu is not None or baseline is None or target.kind == "app")
    ok = (target.met(a_cpu, b_cpu) if on_cpu
          else target.met(wall(app), wall(baseline)))
    return {"name": name, "unit": unit, "detail": detail,
            "app": wall(app), "baseline": wall(baseline),
            "app_cpu": a_cpu, "app_children_cpu": part(app, "children"),
            "baseline_cpu": b_cpu, "baseline_children_cpu": part(baseline, "children"),
            "target": target.describe(unit), "verdict_on": "cpu" if on_cpu else "wall", "ok": ok}
