"""Plays an audio attachment from memory: the decrypted bytes never touch disk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTime, QUrl
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from testimony_app import i18n
from testimony_app.i18n import _

if TYPE_CHECKING:  # QtMultimedia may be missing: imported where it is used
    from PySide6.QtMultimedia import QMediaPlayer


class AudioPlayer(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player: QMediaPlayer | None = None
        self._buffer: QBuffer | None = None
        self.play_button = QPushButton(_("Play"))
        self.play_button.setAccessibleName(_("Play or pause"))
        self.play_button.clicked.connect(self.toggle)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setAccessibleName(_("Position in the recording"))
        self.position.sliderMoved.connect(self._seek)
        self.time = QLabel(f"{clock(0)} / {clock(0)}")
        self.message = QLabel()
        layout = QHBoxLayout(self)
        layout.addWidget(self.play_button)
        layout.addWidget(self.position, 1)
        layout.addWidget(self.time)
        layout.addWidget(self.message)
        self.setEnabled(False)

    def _make_player(self) -> bool:
        if self.player is not None:
            return True
        try:  # QtMultimedia needs libpulse; without it, say so instead of failing
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        except ImportError:
            self.message.setText(_("Audio playback is not available on this computer."))
            return False
        self.player = QMediaPlayer(self)
        self.output = QAudioOutput(self)
        self.player.setAudioOutput(self.output)
        self.player.durationChanged.connect(self._duration)
        self.player.positionChanged.connect(self._position)
        self.player.playbackStateChanged.connect(self._state)
        return True

    def load(self, data: bytes, filename: str) -> None:
        if not self._make_player() or self.player is None:
            return
        self.stop()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        # The URL only tells the decoder the format; nothing is read from a file.
        self.player.setSourceDevice(buffer, QUrl(filename))
        self.setEnabled(True)

    def toggle(self) -> None:
        if self.player is None:
            return
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def stop(self) -> None:
        """Stop and forget the recording (also on lock)."""
        if self.player is not None:
            self.player.stop()
            # Qt takes no device to mean none; PySide6's stubs leave None out.
            self.player.setSourceDevice(None)  # type: ignore[arg-type]
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
            self._buffer = None
        self.position.setValue(0)
        self.time.setText(f"{clock(0)} / {clock(0)}")
        self.setEnabled(False)

    @property
    def duration_ms(self) -> int:
        return 0 if self.player is None else int(self.player.duration())

    def seek(self, ms: int) -> None:
        """Jump to `ms` into the recording (a marker)."""
        if self.player is not None:
            self.player.setPosition(max(int(ms), 0))
            self._position(max(int(ms), 0))

    def _seek(self, value: int) -> None:
        if self.player is not None:
            self.player.setPosition(value)

    def _duration(self, duration: int) -> None:
        self.position.setRange(0, duration)
        self._position(self.player.position() if self.player else 0)

    def _position(self, position: int) -> None:
        if not self.position.isSliderDown():
            self.position.setValue(position)
        self.time.setText(f"{_clock(position)} / {_clock(self.duration_ms)}")

    def _state(self, _state: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = self.player is not None and \
            self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(_("Pause") if playing else _("Play"))


def clock(ms: int) -> str:
    return i18n.digits(QTime(0, 0).addMSecs(max(ms, 0)).toString(
        "H:mm:ss" if ms >= 3_600_000 else "m:ss"))


_clock = clock
