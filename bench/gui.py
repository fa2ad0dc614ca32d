"""GUI benchmarks under offscreen Qt: start, list paint/sort/filter, responsiveness."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.clock import Clock, Target, medians, row  # noqa: E402
from bench.core import PASSPHRASE, ROOT, Pair, Size  # noqa: E402
from testimony_app.core.session import Session  # noqa: E402
from testimony_app.core.sync import bundle  # noqa: E402
from testimony_app.core.vault import keyfile

# Each child prints the seconds from its own start (passed in) to the first paint.
_START_APP = r"""
import os, sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
import testimony_app.gui.app as app_mod
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time() - t0, flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False
shown = app_mod.Controller.show
def show(self):
    self._bench_filter = Painted()
    self.start.installEventFilter(self._bench_filter)
    shown(self)
app_mod.Controller.show = show
sys.exit(app_mod.main([]))
"""
_START_BARE = r"""
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time() - t0, flush=True)
            QTimer.singleShot(0, app.quit)
        return False
f = Painted()
w.installEventFilter(f)
w.resize(640, 480)
w.show()
sys.exit(app.exec())
"""


def _child_seconds(code: str, env: dict[str, str]) -> Clock:
    """Wall: the child's start to its first paint; CPU: the whole child, to its exit."""
    with Clock() as clock:
        out = subprocess.run([sys.executable, "-c", code, repr(time.time())], env=env,
                             cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    clock.wall = float(out.stdout.strip().splitlines()[-1])
    return clock


def start(size: Size, work: Path) -> dict[str, Any]:
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".data"),
           "TESTIMONY_VAULT": str(work / "no-vault-here")}
    app_t, bare_t = [], []
    for _ in range(size.runs if size.name == "small" else max(5, size.runs)):
        app_t.append(_child_seconds(_START_APP, env))
        bare_t.append(_child_seconds(_START_BARE, env))
    return row("start", "ms", Target("ratio", 2), medians(app_t), medians(bare_t),
               "process start to the unlock window painted (offscreen; CPU: the child "
               "process's, to its exit); baseline a bare PySide6 window", scale=1000)


class _PaintWatch(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted_at: float | None = None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.painted_at = time.perf_counter()
        return False


def _wait(app: QApplication, done: Callable[[], bool], timeout: float = 60) -> None:
    limit = time.perf_counter() + timeout
    while not done():
        app.processEvents()
        if time.perf_counter() > limit:
            raise TimeoutError("GUI benchmark timed out")
        time.sleep(0.0005)


def _list_times(app: QApplication, session: Session, runs: int) -> dict[str, Clock]:
    """First paint, sort and filter of the testimonies list over `session`."""
    from testimony_app.core.records.listing import Filter
    from testimony_app.gui.list_page import ListPage
    from testimony_app.gui.worker import VaultWorker

    worker = VaultWorker()
    worker.set_session(session)
    page = ListPage(worker, "testimony")
    page.resize(1200, 800)
    page.show()
    _wait(app, lambda: page.isVisible())
    watch = _PaintWatch()
    page.table.viewport().installEventFilter(watch)
    model = page.model

    marks: list[float] = []  # when the rows (or an empty count) arrived
    model.modelReset.connect(lambda: marks.append(time.perf_counter())
                             if model.rowCount() == 0 else None)
    model.dataChanged.connect(lambda *_a: marks.append(time.perf_counter()))

    def measure(action: Callable[[], None]) -> Clock:
        """From the action to the view painted with the first page of its rows (CPU:
        to the moment the wait saw the paint, both threads)."""
        marks.clear()
        watch.painted_at = None
        with Clock() as clock:
            start = time.perf_counter()
            action()
            _wait(app, lambda: bool(marks) and watch.painted_at is not None
                  and watch.painted_at >= marks[0])
        assert watch.painted_at is not None
        clock.wall = watch.painted_at - start
        return clock

    results: dict[str, list[Clock]] = {"paint": [], "sort": [], "filter": []}
    for i in range(runs):
        results["paint"].append(measure(model.reload))
        results["sort"].append(measure(functools.partial(model.sort, 1 + i % 2, Qt_desc())))
        status = Filter(status="draft" if i % 2 else "finalised")
        results["filter"].append(measure(functools.partial(model.set_filter, status)))
        model.set_filter(Filter())
        _wait(app, lambda: 0 in model._pages or model._count == 0)
    page.close()
    worker.set_session(None)
    worker.stop()
    return {k: medians(v) for k, v in results.items()}


def Qt_desc() -> Any:  # noqa: N802
    from PySide6.QtCore import Qt
    return Qt.SortOrder.DescendingOrder


def lists(size: Size, folder: Path, key: bytes, empty: Path, empty_key: bytes
          ) -> list[dict[str, Any]]:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with Session.open_with_key(folder, key) as session:
        full = _list_times(app, session, max(3, size.runs))
    with Session.open_with_key(empty, empty_key) as session:
        bare = _list_times(app, session, max(3, size.runs))
    detail = f"testimonies view over {size.testimonies}; baseline the same view, no data"
    # A coordinator's archive of 1 000 000 has its own, looser targets.
    paint, sort = (100, 200) if size.testimonies > 100_000 else (75, 100)
    return [
        row("list first paint", "ms", Target("app", paint, latency=True), full["paint"],
            bare["paint"], detail, scale=1000),
        row("list sort", "ms", Target("app", sort, latency=True), full["sort"], bare["sort"],
            detail + "; by title and status", scale=1000),
        row("list filter", "ms", Target("app", 100, latency=True), full["filter"], bare["filter"],
            detail + "; by status", scale=1000),
    ]


def _longest_gap(app: QApplication, start_job: Callable[[Callable[[Any], None]], Any]) -> float:
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    finished: list[bool] = []
    timer.start()
    _wait(app, lambda: len(ticks) >= 3)
    start_job(lambda _r: finished.append(True))
    _wait(app, lambda: bool(finished), timeout=600)
    app.processEvents()
    timer.stop()
    return max(b - a for a, b in zip(ticks, ticks[1:], strict=False))


def responsiveness(size: Size, work: Path, intake_vault: Path, pair: Pair, bundle_path: Path
                   ) -> list[dict[str, Any]]:
    from testimony_app.gui.worker import Job, VaultWorker

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    worker = VaultWorker()
    errors: list[BaseException] = []
    gaps: dict[str, float] = {}

    def run(fn: Callable[[Job], Any]) -> Callable[[Callable[[Any], None]], Any]:
        def go(done: Callable[[Any], None]) -> Any:
            def failed(error: BaseException) -> None:
                errors.append(error)
                done(None)

            return worker.run(fn, done, failed)
        return go

    gaps["key derivation"] = _longest_gap(
        app, run(lambda job: keyfile.unlock(intake_vault, PASSPHRASE)))
    researcher = Session.open_with_key(pair.researcher, pair.key)
    out = work / "gui-bundle.age"
    gaps["export"] = _longest_gap(
        app, run(lambda job: bundle.export(researcher, out, everything=True)))
    researcher.close()
    copy = work / "gui-coordinator"
    shutil.copytree(pair.coordinator, copy)
    coordinator = Session.open_with_key(copy, pair.key)
    gaps["import"] = _longest_gap(app, run(lambda job: bundle.import_bundle(coordinator,
                                                                            bundle_path)))
    coordinator.close()
    worker.stop()
    if errors:
        raise errors[0]
    return [row(f"responsiveness: {what}", "ms", Target("app", 100, "<= 100 ms"), gap * 1000,
                None, "longest gap between 5 ms GUI-thread timer ticks while the worker "
                "runs it (no CPU figure: a gap, not work)")
            for what, gap in gaps.items()]


def empty_vault(work: Path) -> tuple[Path, bytes]:
    folder = Path(tempfile.mkdtemp(dir=work)) / "empty"
    session, _ = Session.create(folder, PASSPHRASE, keyfile.FLOOR)
    key = session.data_key()
    session.close()
    return folder, key
