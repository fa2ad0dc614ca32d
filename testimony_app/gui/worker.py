"""The one thread that owns the vault.

Every use of the Session (key derivation, queries, saves, attachment intake)
runs here, one job after another, so the window never waits on Argon2id or the
disk. A job is a plain function of the session; its result, error and progress
come back to the GUI thread through signals. Cancellation is cooperative: the
job receives a `cancelled()` predicate (Anki's taskman and Dangerzone's
progress callbacks are the models).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from testimony_app.core.common.errors import TestimonyError

if TYPE_CHECKING:
    from testimony_app.core.session import Session

log = logging.getLogger(__name__)

JobFn = Callable[["Job"], Any]


@dataclass(eq=False)
class Job:
    fn: JobFn
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[int, int], None] | None = None
    session: Session | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    reporter: Any = None

    def cancel(self) -> None:
        self.cancel_event.set()

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def progress(self, done: int, total: int) -> None:
        if self.reporter is not None:
            self.reporter.progressed.emit(self, done, total)


class _Executor(QObject):
    """Lives in the worker thread; runs what it is sent."""

    finished = Signal(object, object, object)  # job, result, error
    progressed = Signal(object, int, int)

    def __init__(self) -> None:
        super().__init__()
        self.session: Session | None = None

    @Slot(object)
    def execute(self, job: Job) -> None:
        job.session = self.session
        job.reporter = self
        try:
            result = job.fn(job)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI, never printed
            if not isinstance(exc, TestimonyError):
                log.error("job failed [%s]", type(exc).__name__)
            self.finished.emit(job, None, exc)
            return
        self.finished.emit(job, result, None)


class VaultWorker(QObject):
    """Front of the worker thread, used from the GUI thread."""

    _submit = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("vault-worker")
        self._executor = _Executor()
        self._executor.moveToThread(self._thread)
        self._submit.connect(self._executor.execute)
        self._executor.finished.connect(self._finished)
        self._executor.progressed.connect(self._progressed)
        self._pending = 0
        self._thread.start()

    def run(self, fn: JobFn, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[int, int], None] | None = None) -> Job:
        job = Job(fn, on_done, on_error, on_progress)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._submit.emit(job)
        return job

    def with_session(self, fn: Callable[[Session], Any],
                     on_done: Callable[[Any], None] | None = None,
                     on_error: Callable[[BaseException], None] | None = None) -> Job:
        """Run fn(session) on the worker; fails with 'locked' when there is none."""

        def job_fn(job: Job) -> Any:
            if job.session is None:
                raise TestimonyError("locked")
            return fn(job.session)

        return self.run(job_fn, on_done, on_error)

    def set_session(self, session: Session | None) -> None:
        """Called from a job (worker thread) or when idle: the executor's session."""
        self._executor.session = session

    @property
    def session(self) -> Session | None:
        return self._executor.session

    @property
    def idle(self) -> bool:
        """No job is queued or running. The session's connection is the worker's while
        one is: a caller on another thread waits for this before touching it."""
        return self._pending == 0

    @Slot(object, object, object)
    def _finished(self, job: Job, result: Any, error: BaseException | None) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        try:
            if error is not None:
                if job.on_error:
                    job.on_error(error)
            elif job.on_done:
                job.on_done(result)
        except RuntimeError as exc:
            # The widget that asked is gone (the window was closed or locked meanwhile).
            if "already deleted" not in str(exc):
                raise

    @Slot(object, int, int)
    def _progressed(self, job: Job, done: int, total: int) -> None:
        if job.on_progress:
            job.on_progress(done, total)

    def lock_now(self, on_done: Callable[[Any], None] | None = None) -> None:
        """Close the session on the worker thread (after jobs already queued)."""

        def close(job: Job) -> None:
            if job.session is not None:
                job.session.close()
            self._executor.session = None

        self.run(close, on_done)

    def stop(self) -> None:
        if self._executor.session is not None:
            self.lock_now()
        self._thread.quit()
        self._thread.wait(10_000)
