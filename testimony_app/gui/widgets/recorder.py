"""Records an interview straight into the vault.

Qt Multimedia's QAudioSource hands raw 16-bit PCM to memory; every couple of
seconds what came in is sent to the vault worker, which appends it to the
recording's chunks and commits (core/records/attachment.py: WAV, and why). Nothing is
ever written to a file: a crash loses at most the last FLUSH_MS of audio, and
the next unlock completes what was kept. The widget sits at the top of the
editor, so the researcher goes on typing notes while it records; autosave and
saves are other jobs on the same worker and never stop it.
"""

from __future__ import annotations

import array
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.common.ids import AttachmentId
from testimony_app.core.records.attachment import Attachment
from testimony_app.gui.widgets.audio_player import clock as _clock
from testimony_app.gui.worker import Job, VaultWorker
from testimony_app.i18n import _

if TYPE_CHECKING:
    from testimony_app.core.session import Session

log = logging.getLogger(__name__)

RATE = 16_000  # wideband speech; the device is asked for it, Qt or the sound server resamples
POLL_MS = 100  # read the input, move the level meter and the clock
FLUSH_MS = 2_000  # at most this much audio is lost in a crash


@dataclass
class _Take:
    """One recording. `att_id` is set on the worker thread by the first job, and read
    there by the later ones (the worker runs jobs in order)."""

    record_id: str
    rate: int
    channels: int
    att_id: AttachmentId | None = None
    captured: int = 0  # bytes of audio received from the device
    pending: bytearray = field(default_factory=bytearray)
    markers: list[tuple[int, str]] = field(default_factory=list)

    @property
    def bytes_per_second(self) -> int:
        return self.rate * self.channels * 2

    def ms(self) -> int:
        return self.captured * 1000 // self.bytes_per_second


class Recorder(QWidget):
    need_saved_record = Signal()
    chunk_saved = Signal(int)  # bytes of audio committed so far
    finished = Signal(object)  # the Attachment
    recording_changed = Signal(bool)

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.record_id: str | None = None
        self._take: _Take | None = None
        self._source: Any = None
        self._io: Any = None
        self._devices: Any = None
        self._start_when_saved = False
        self._since_flush = 0
        self.device = QComboBox()
        self.device.setAccessibleName(_("Microphone"))
        self.record_button = QPushButton(_("Record"))
        self.record_button.clicked.connect(self.record)
        self.pause_button = QPushButton(_("Pause"))
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button = QPushButton(_("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.level = QProgressBar()
        self.level.setAccessibleName(_("Input level"))
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setMaximumWidth(120)
        self.elapsed = QLabel(_clock(0))
        self.elapsed.setAccessibleName(_("Elapsed time"))
        self.marker_label = QLineEdit()
        self.marker_label.setAccessibleName(_("Marker label"))
        self.marker_label.setPlaceholderText(_("Marker label (optional)"))
        self.marker_label.returnPressed.connect(self.add_marker)
        self.marker_button = QPushButton(_("Add marker"))
        self.marker_button.clicked.connect(self.add_marker)
        self.markers = QListWidget()
        self.markers.setAccessibleName(_("Markers"))
        self.markers.setMaximumHeight(70)
        self.markers.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        # The controls show only where audio can be recorded; elsewhere one quiet line.
        self.controls = QWidget()
        row = QHBoxLayout(self.controls)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(_("Audio")))
        row.addWidget(self.device, 1)
        for w in (self.record_button, self.pause_button, self.stop_button, self.level,
                  self.elapsed, self.marker_label, self.marker_button):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.controls)
        layout.addWidget(self.message)
        layout.addWidget(self.markers)
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._poll)
        self._update_buttons()
        self.refresh_devices()

    # -- devices --------------------------------------------------------------

    def _multimedia(self) -> Any:
        try:  # QtMultimedia needs libpulse; without it, say so instead of failing
            from PySide6 import QtMultimedia
        except ImportError:
            return None
        return QtMultimedia

    def refresh_devices(self) -> None:
        mm = self._multimedia()
        self.device.clear()
        if mm is None:
            self._say(_("Recording is not available on this computer (no sound system)."))
            self._update_buttons()
            return
        if self._devices is None:
            self._devices = mm.QMediaDevices(self)
            self._devices.audioInputsChanged.connect(self.refresh_devices)
        default = mm.QMediaDevices.defaultAudioInput()
        for dev in mm.QMediaDevices.audioInputs():
            self.device.addItem(dev.description(), dev)
            if dev.id() == default.id():
                self.device.setCurrentIndex(self.device.count() - 1)
        if self.device.count() == 0:
            self._say(_("No microphone was found. Connect one, or check that the sound "
                        "settings let this app use it."))
        elif self._take is None:
            self._say("")
        self._update_buttons()

    def select_device(self, device_id: bytes) -> bool:
        for i in range(self.device.count()):
            if bytes(self.device.itemData(i).id()) == device_id:
                self.device.setCurrentIndex(i)
                return True
        return False

    # -- state ------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self._take is not None

    @property
    def paused(self) -> bool:
        if self._source is None:
            return False
        state = self._source.state()
        return bool(state == type(state).SuspendedState)

    def set_record(self, record_id: str | None) -> None:
        """The testimony shown in the editor; a recording of another one is saved first."""
        if self._take is not None and self._take.record_id != record_id:
            self.stop()
        self.record_id = record_id
        if record_id and self._start_when_saved:
            self._start_when_saved = False
            self.record()
        self._update_buttons()

    def _say(self, text: str, error: bool = True) -> None:
        unavailable = self.device.count() == 0 and self._take is None
        self.controls.setVisible(not unavailable)
        if unavailable:
            error = False  # not a fault of the person's: said once, quietly, on one line
            self.message.setStyleSheet("color: palette(placeholder-text)")
            self.message.setWordWrap(False)
            self.message.setText(text)
            self.message.setVisible(bool(text))
            return
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020" if error else "color: #1b5e20")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _update_buttons(self) -> None:
        active = self._take is not None
        self.record_button.setEnabled(not active and self.device.count() > 0)
        self.device.setEnabled(not active)
        self.pause_button.setEnabled(active)
        self.pause_button.setText(_("Resume") if self.paused else _("Pause"))
        self.stop_button.setEnabled(active)
        self.marker_button.setEnabled(active)
        self.marker_label.setEnabled(active)

    # -- recording ----------------------------------------------------------------

    def record(self) -> None:
        if self._take is not None:
            return
        if not self.record_id:
            self._start_when_saved = True
            self.need_saved_record.emit()  # the editor saves, then set_record() starts
            return
        mm = self._multimedia()
        dev = self.device.currentData()
        if mm is None or dev is None:
            self.refresh_devices()
            return
        fmt = mm.QAudioFormat()
        fmt.setSampleRate(RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(mm.QAudioFormat.SampleFormat.Int16)
        if not dev.isFormatSupported(fmt):
            preferred = dev.preferredFormat()
            fmt.setSampleRate(preferred.sampleRate())
            fmt.setChannelCount(min(max(preferred.channelCount(), 1), 2))
        source = mm.QAudioSource(dev, fmt, self)
        io = source.start()
        error = source.error()
        if io is None or error != type(error).NoError:  # QtAudio.Error in Qt 6.8+
            source.stop()
            source.deleteLater()
            self._say(_("The microphone cannot be opened. Check that it is connected and "
                        "that this app is allowed to use it."))
            return
        self._source, self._io = source, io
        take = _Take(self.record_id, fmt.sampleRate(), fmt.channelCount())
        self._take = take
        self._since_flush = 0
        self.markers.clear()
        self.markers.setVisible(False)
        self._say(_("Recording into the vault…"), error=False)
        name = _("recording") + "-" + QTime.currentTime().toString("HHmmss") + ".wav"

        def begin(job: Job) -> str:
            take.att_id = _session(job).begin_recording(take.record_id, name, take.rate,
                                                        take.channels)
            return take.att_id

        self.worker.run(begin, None, self._failed)
        self.poll.start()
        self._update_buttons()
        self.recording_changed.emit(True)

    def toggle_pause(self) -> None:
        if self._source is None:
            return
        if self.paused:
            self._source.resume()
            self._say(_("Recording into the vault…"), error=False)
        else:
            self._poll()
            self._source.suspend()
            self._flush()
            self._say(_("Paused"), error=False)
        self._update_buttons()

    def add_marker(self) -> None:
        take = self._take
        if take is None:
            return
        self._poll()
        label = self.marker_label.text().strip() or _("Marker {n}").format(
            n=i18n.number(len(take.markers) + 1))
        at = take.ms()
        take.markers.append((at, label))
        self.marker_label.clear()
        self.markers.addItem(f"{_clock(at)}  {label}")
        self.markers.setVisible(True)
        self.worker.run(lambda job: _session(job).add_marker(_att(take), at, label),
                        None, self._failed)

    def stop(self) -> None:
        """Stop and save: the last samples, the WAV sizes and the SHA-256 (also on lock)."""
        take = self._take
        if take is None:
            self._start_when_saved = False
            return
        self._poll()
        self.poll.stop()
        if self._source is not None:
            self._source.stop()
            self._source.deleteLater()
        self._source = self._io = None
        self._flush()
        self._take = None
        self.level.setValue(0)

        def finish(job: Job) -> Attachment:
            return _session(job).finish_recording(_att(take))

        def done(att: Attachment) -> None:
            if not shiboken6.isValid(self):  # locked meanwhile: saved all the same
                return
            rec = att.recording or {}
            self._say(_("Recording saved in the vault ({length}).").format(
                length=_clock(int(rec.get("duration_ms", 0)))), error=False)
            self.finished.emit(att)

        self.worker.run(finish, done, self._failed)
        self._update_buttons()
        self.recording_changed.emit(False)

    # -- samples ----------------------------------------------------------------

    def _poll(self) -> None:
        take, io = self._take, self._io
        if take is None or io is None:
            return
        data = bytes(io.readAll().data())
        if data:
            take.pending += data
            take.captured += len(data)
            self._since_flush += len(data)
            self.level.setValue(_level(data))
        self.elapsed.setText(_clock(take.ms()))
        if self._since_flush >= take.bytes_per_second * FLUSH_MS // 1000:
            self._flush()

    def _flush(self) -> None:
        take = self._take
        if take is None or not take.pending:
            return
        data = bytes(take.pending)
        take.pending.clear()
        self._since_flush = 0
        self.worker.run(lambda job: _session(job).append_recording(_att(take), data),
                        self._chunk_saved, self._failed)

    def _chunk_saved(self, size: int) -> None:
        if shiboken6.isValid(self):  # the editor may be gone (locked) by now
            self.chunk_saved.emit(size)

    def _failed(self, error: BaseException) -> None:
        log.warning("recording job failed [%s]", type(error).__name__)
        if not shiboken6.isValid(self):
            return
        if isinstance(error, TestimonyError):
            self._say(str(error))
        else:
            self._say(_("The recording could not be saved ({type}).").format(
                type=type(error).__name__))

    def clear(self) -> None:
        """On lock: the caller stops (and so saves) the recording first."""
        self.stop()
        self.record_id = None
        self.markers.clear()
        self.markers.setVisible(False)
        self.elapsed.setText(_clock(0))
        self._say("")


def _level(data: bytes) -> int:
    """Peak of 16-bit samples, 0-100."""
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    if not samples:
        return 0
    return min(100, max(abs(max(samples)), abs(min(samples))) * 100 // 32768)


def _session(job: Job) -> Session:
    if job.session is None:
        raise TestimonyError("locked")
    return job.session


def _att(take: _Take) -> AttachmentId:
    if take.att_id is None:  # begin failed: nothing to add to
        raise TestimonyError("attachment_not_found", id="-")
    return take.att_id
