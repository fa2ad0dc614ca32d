"""`testimony-app`: start the window.

The controller here owns the worker, the start window (create / unlock) and the
main window, and does the locking: autosave, close the database on the worker,
forget what was shown, clear the clipboard if it holds our text.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QLibraryInfo,
    QLocale,
    QMimeData,
    QSettings,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from testimony_app import __version__, i18n, portable
from testimony_app.core.common import hygiene
from testimony_app.gui import latin_digits, view_state
from testimony_app.gui.config import AppConfig
from testimony_app.gui.idle_lock import IdleLock
from testimony_app.gui.start_window import StartWindow
from testimony_app.gui.worker import VaultWorker

if TYPE_CHECKING:
    # Imported when first needed (unlock, an export to check): they pull in most of
    # the app, which the start window does not need to be painted (bench/README.md).
    from testimony_app.core.records.drafts import Draft
    from testimony_app.gui.audit.auditor_window import AuditorWindow
    from testimony_app.gui.main_window import MainWindow

DEFAULT_AUTOLOCK_MINUTES = 5
# Text copied from the app is cleared this long after the last copy (and on lock and quit).
CLIPBOARD_CLEAR_MS = 60_000
# Clipboard managers (KDE Klipper, and others following it) keep no history of such data.
SECRET_HINT = "x-kde-passwordManagerHint"  # noqa: S105 (a MIME type)


class Controller:
    def __init__(self, app: QApplication, config: AppConfig) -> None:
        self.app = app
        self.config = config
        self.worker = VaultWorker()
        from testimony_app.gui import gc_guard

        self.collector = gc_guard.install(app)  # cycles freed here, never in the worker
        self.main: MainWindow | None = None
        self.auditor: AuditorWindow | None = None
        self.idle = IdleLock(DEFAULT_AUTOLOCK_MINUTES)
        self.idle.idle.connect(self.lock)  # watches the app's input while started
        app.focusChanged.connect(self._focus_changed)
        self._qt_translator: QTranslator | None = None
        self._clipboard_from_us: set[str] = set()
        self.clipboard_timer = QTimer(singleShot=True, interval=CLIPBOARD_CLEAR_MS)
        self.clipboard_timer.timeout.connect(self._clear_clipboard)
        self._resume: dict[str, object] | None = None  # ids and positions, never content
        self._lock_on_sleep = True
        from testimony_app.gui.sleep_watch import SleepWatch

        self.sleep_watch = SleepWatch(app)
        self.sleep_watch.going_away.connect(self._going_away)
        QGuiApplication.clipboard().dataChanged.connect(self._clipboard_changed)
        self.apply_language(config.language)
        self.start = self._make_start()

    def _make_start(self) -> StartWindow:
        start = StartWindow(self.worker, self.config.folder, self._remember_folder)
        start.unlocked.connect(self.unlocked)
        start.language_chosen.connect(self.change_language)
        start.open_export_requested.connect(self.open_auditor)
        return start

    def open_auditor(self) -> AuditorWindow:
        """An auditor has no vault: a window that checks an export, beside the start."""
        if self.auditor is None:
            from testimony_app.gui.audit.auditor_window import AuditorWindow

            self.auditor = AuditorWindow()
        self.auditor.show()
        self.auditor.raise_()
        return self.auditor

    def _clipboard_changed(self) -> None:
        """Remember (as a digest) text copied from our windows while the vault is open."""
        clipboard = QGuiApplication.clipboard()
        if self.main is not None and (clipboard.ownsClipboard()
                                      or QApplication.activeWindow() is not None):
            text = clipboard.text()
            self._clipboard_from_us.add(_digest(text))
            mime = clipboard.mimeData()
            if text and (mime is None or not mime.hasFormat(SECRET_HINT)):
                # Copied with a widget's own shortcut: put the same text back, marked
                # secret (plain text only, so no rich-text copy lingers either).
                marked = QMimeData()
                marked.setText(text)
                marked.setData(SECRET_HINT, QByteArray(b"secret"))
                clipboard.setMimeData(marked)
            self.clipboard_timer.start()

    def _clear_clipboard(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard.ownsClipboard() or _digest(clipboard.text()) in self._clipboard_from_us:
            clipboard.clear()
        self._clipboard_from_us.clear()
        self.clipboard_timer.stop()

    def _remember_folder(self, folder: Path) -> None:
        self.config.vault_folder = str(folder)
        self.config.save()

    def apply_language(self, language: str) -> None:
        i18n.set_digits(self.config.digits)
        self._qt_translator = install_language(self.app, language, self._qt_translator)

    def show(self) -> None:
        self.start.show()

    def unlocked(self, folder: str) -> None:
        self.start.hide()
        self.start.clear_secrets()
        from testimony_app.gui.main_window import MainWindow

        self.main = MainWindow(self.worker, Path(folder).name)
        self.main.lock_requested.connect(self.lock)
        self.main.language_changed.connect(self.change_language)
        self.main.settings_changed.connect(self._settings_changed)
        self.main.open_vault_requested.connect(self._open_other_vault)
        self.main.quit_requested.connect(self._quit_from_window)
        self.main.show()
        self.main.refresh()
        self.worker.with_session(lambda s: (s.drafts(), s.settings()), self._after_unlock)
        self.idle.start()

    def _after_unlock(self, result: tuple[list[Draft], dict[str, str]]) -> None:
        drafts, settings = result
        self._settings_changed(settings)
        resume, self._resume = self._resume, None
        if self.main is None:
            return
        if resume is not None:
            drafts = self.main.resume(resume, drafts)
        if drafts:
            self.main.offer_drafts(drafts)

    def _going_away(self) -> None:
        """The computer is going to sleep or the screen locks."""
        if self.main is not None and self._lock_on_sleep:
            self.lock()

    def _open_other_vault(self) -> None:
        self.lock()
        self._resume = None
        self.start._choose_folder()

    def _quit_from_window(self) -> None:
        if self.main is not None and not self.app.closingDown():
            self.app.quit()

    def _settings_changed(self, settings: dict[str, str]) -> None:
        self._lock_on_sleep = settings.get("lock_on_sleep", "1") != "0"
        seconds = settings.get("clipboard_seconds", "")
        self.clipboard_timer.setInterval(int(seconds) * 1000 if seconds.isdigit()
                                         else CLIPBOARD_CLEAR_MS)
        digits = settings.get("digits")
        if digits in ("native", "latin") and digits != self.config.digits:
            # Digits are drawn when a widget is built: rebuild as for a new language.
            self.config.digits = digits
            self.change_language(self.config.language)
            return
        self.idle.set_minutes(float(settings.get("autolock_minutes", DEFAULT_AUTOLOCK_MINUTES)))
        if self.idle.timer.isActive():
            self.idle.start()

    def _focus_changed(self, _old: object, _new: object) -> None:
        main = self.main
        if main is not None and shiboken6.isValid(main.editor) and main.editor.dirty:
            # RuntimeError: the window is being torn down (quit); closeEvent kept the draft
            with contextlib.suppress(RuntimeError):
                main.editor.autosave()

    def change_language(self, language: str) -> None:
        self.config.language = language
        self.config.save()
        self.apply_language(language)
        # Every text is read when a widget is built: rebuild the windows in the new language.
        old_start, visible = self.start, self.start.isVisible()
        self.start = self._make_start()
        old_start.close()
        old_start.deleteLater()
        if visible:
            self.start.show()
        if self.main is not None:
            # Rebuild the window in the new language; the vault stays open.
            old = self.main
            if old.editor.dirty:
                old.editor.autosave()
            state = view_state.window_state(old)
            self.main = None
            old.quit_requested.disconnect()
            old._closing = True  # rebuilt, not left: nothing to ask
            old.close()
            old.deleteLater()
            self.unlocked(str(self.config.folder))
            if self.main is not None:
                view_state.restore_window(self.main, state)

    def lock(self) -> None:
        self.idle.stop()
        if self.main is not None:
            # Where the person was, to go back there after unlocking (ids only).
            self._resume = self.main.resume_state()
            self.main.editor.stop_recording()  # saved (queued) before the lock
            if self.main.editor.dirty:
                self.main.editor.autosave()  # queued before the lock on the worker
            self.main.clear()
            self.main.hide()
            self.main.deleteLater()
            self.main = None
        self.worker.lock_now()
        self._clear_clipboard()
        self.start.clear_secrets()
        self.start.show_start()
        self.start.show()

    def shutdown(self) -> None:
        if self.main is not None and shiboken6.isValid(self.main.editor):
            self.main.editor.stop_recording()
        if self.main is not None and self.main.editor.dirty:
            self.main.editor.autosave()
        self._clear_clipboard()
        self.worker.stop()
        # Qt's own translations leave with this controller: a translator left installed
        # would go on translating Qt's words for whatever runs next in the process.
        if self._qt_translator is not None:
            self.app.removeTranslator(self._qt_translator)
            self._qt_translator = None


def _icon_path() -> Path | None:
    for base in (getattr(sys, "_MEIPASS", None), Path(__file__).resolve().parents[2]):
        if base:
            path = Path(base) / "resources" / "icons" / "testimony-256.png"
            if path.exists():
                return path
    return None


def install_language(app: QApplication, language: str,
                     previous: QTranslator | None = None) -> QTranslator | None:
    """Our catalog, Qt's own translations and the layout direction for `language`;
    returns the Qt translator installed (to remove on the next change)."""
    i18n.set_language(language)
    QLocale.setDefault(QLocale(i18n.locale_name()))
    latin_digits.install(app)
    if previous is not None:
        app.removeTranslator(previous)
    installed = None
    if language != "en":
        translator = QTranslator()
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{language}", path):
            app.installTranslator(translator)
            installed = translator
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if i18n.is_rtl_language()
                           else Qt.LayoutDirection.LeftToRight)
    return installed


def open_export_window(app: QApplication, language: str, path: Path,
                       expect: str | None = None) -> AuditorWindow:
    """The auditor's start (`--open-export`): no vault, no worker, no passphrase; the
    export is verified and shown."""
    # Kept on the application: a collected translator would take Qt's own words with it.
    app._testimony_qt_translator = install_language(app, language)  # type: ignore[attr-defined]
    from testimony_app.gui.audit.auditor_window import AuditorWindow

    window = AuditorWindow()
    window.open_export(path, expect)
    window.show()
    return window


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def private_qt_settings() -> Path:
    """Point QSettings (and so QFileDialog's remembered folders) at a private temp
    folder that is removed at exit, instead of ~/.config/QtProject.conf. In portable
    mode it sits on the stick too."""
    carried = portable.root()
    folder = Path(tempfile.mkdtemp(prefix=".testimony-qt-", dir=carried) if carried
                  else tempfile.mkdtemp(prefix="testimony-qt-"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(folder))
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="testimony-app")
    parser.add_argument("--version", action="version", version=f"testimony {__version__}")
    parser.add_argument("--vault", metavar="DIR", help="vault folder to open")
    parser.add_argument("--language", choices=sorted(i18n.LANGUAGES))
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--open-export", metavar="DIR|ZIP",
                        help="check and browse a redacted export (no vault needed)")
    parser.add_argument("--expect", metavar="FINGERPRINT",
                        help="with --open-export: the organisation's expected fingerprint")
    parser.add_argument("--portable", action="store_true",
                        help="keep the vault and settings beside the program")
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    args, qt_args = parser.parse_known_args(argv)
    if args.portable:
        portable.enable()
    hygiene.install(debug=args.debug)

    # SIGTERM (logout, shutdown) and Ctrl+C: before the event loop runs they end
    # start-up through the finally below; once it runs they quit through it, so the
    # editor's draft is kept. Either way the private settings folder is removed.
    def stop(*_args: object) -> None:
        running = QApplication.instance()
        if running is None:
            raise SystemExit(1)
        running.quit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
    settings_dir: Path | None = None
    controller: Controller | None = None
    try:
        settings_dir = private_qt_settings()
        app = QApplication([sys.argv[0], *qt_args])
        app.setApplicationName("Testimony")
        app.setApplicationVersion(__version__)
        icon = _icon_path()
        if icon is not None:
            app.setWindowIcon(QIcon(str(icon)))
        config = AppConfig.load()
        if args.vault:
            config.vault_folder = str(Path(args.vault).resolve())
        if args.language:
            config.language = args.language
        if args.open_export:  # an auditor: the vault is skipped entirely
            auditor = open_export_window(app, config.language,  # noqa: F841
                                         Path(args.open_export), args.expect)
        else:
            controller = Controller(app, config)
            controller.show()
        wake = QTimer()
        wake.timeout.connect(lambda: None)  # lets Python run signal handlers
        wake.start(250)
        if args.smoke_test:
            # Packaging check: the unlock (or welcome) window painted, then a clean quit.
            def painted() -> None:
                print("ready", flush=True)  # noqa: T201
                app.quit()

            QTimer.singleShot(0, painted)
        return int(app.exec())
    finally:
        if controller is not None:
            controller.shutdown()
        if settings_dir is not None:
            shutil.rmtree(settings_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
