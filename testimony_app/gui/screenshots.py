"""Render each main screen in English and Arabic to PNG (`make screenshots`).

Runs offscreen against a throwaway demo vault; the images land in
docs/screenshots/ and are shown in the README.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from testimony_app import i18n  # noqa: E402
from testimony_app.core import demo  # noqa: E402
from testimony_app.gui.app import Controller  # noqa: E402
from testimony_app.gui.config import AppConfig  # noqa: E402

PASSPHRASE = "screenshots passphrase"  # noqa: S105 (a throwaway demo vault)


def settle(app: QApplication, worker_idle: list[bool], ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def shoot(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def shoot_dialogs(app: QApplication, idle: list[bool], window: Any, target: Path,
                  language: str, testimony_id: str) -> None:
    """The person dialog, the finalise dialog, the unsaved-changes prompt, a person's
    page and an incident's page."""
    from testimony_app.core.identity.finalising import Preview
    from testimony_app.gui.editor.finalise_dialog import FinaliseDialog
    from testimony_app.gui.editor.unsaved_prompt import make_box
    from testimony_app.gui.people.person_dialog import PersonDialog

    dialog = PersonDialog(window.worker, window, title=None)
    dialog.search.setText("Abu" if language == "en" else "أبو")
    dialog.show()
    settle(app, idle, 900)
    shoot(dialog, target / f"person-find-{language}.png")
    dialog.show_form(None)
    dialog.form.name.setText("Abu Baker" if language == "en" else "أبو بكر")
    settle(app, idle, 400)
    shoot(dialog, target / f"person-new-{language}.png")
    dialog.close()
    # As a researcher's vault in an organisation would see it: before the consent is
    # recorded, then what sealing will do.
    preview = Preview(missing=["consent.recorded_by"], organisation="Aleppo Documentation",
                      identities=2, witness=True, public_names=1, tagged_names=3)
    finalise = FinaliseDialog(preview, window)
    finalise.show()
    settle(app, idle, 400)
    shoot(finalise, target / f"finalise-{language}.png")
    finalise.close()
    box = make_box(window)[0]
    box.show()
    settle(app, idle, 400)
    shoot(box, target / f"unsaved-{language}.png")
    box.close()
    worker = window.worker
    found: list[Any] = []
    worker.with_session(lambda s: s.person_view(s.find_persons("", language)[0].id),
                        found.append)
    settle(app, idle, 600)
    named = [p for p in (found[0].testimonies if found else [])]
    window.open_person(found[0].summary.id if found else "")
    settle(app, idle, 900)
    if named or found:
        shoot(window, target / f"person-{language}.png")
    window.nav.setCurrentRow(1)
    settle(app, idle, 900)
    row = window.incidents.model.row_id(0)
    if row:
        window.open_incident(row)
        settle(app, idle, 900)
        shoot(window, target / f"incident-{language}.png")
    window.nav.setCurrentRow(0)
    settle(app, idle, 300)


def main(out: str = "docs/screenshots") -> int:
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        # The workspace demo: the Aleppo data set plus two researchers' bundles, so
        # that the coordinator's pages (corroboration, duplicates) have work to show.
        folder = Path(tmp) / "demo-vault"
        session, _code = demo.build_workspace(folder, PASSPHRASE)
        first = session.list_testimonies()[0].id
        session.close()
        for language in ("en", "ar"):
            controller = Controller(app, AppConfig(language=language, vault_folder=str(folder)))
            controller.config.save = lambda *a, **k: None  # type: ignore[method-assign]
            controller.show()
            idle: list[bool] = []
            settle(app, idle)
            shoot(controller.start, target / f"unlock-{language}.png")
            controller.start.passphrase.setText(PASSPHRASE)
            controller.start._unlock()
            while controller.main is None:
                settle(app, idle, 200)
            main_window = controller.main
            main_window.resize(1366, 768)  # a common laptop screen: everything must fit
            settle(app, idle, 800)
            for row, name in enumerate(("testimonies", "incidents", "people", "activity")):
                main_window.nav.setCurrentRow(row)
                settle(app, idle, 700)
                shoot(main_window, target / f"{name}-{language}.png")
            # Figures: the report's monthly arrest table, chart and discrepancies.
            main_window.nav.setCurrentRow(main_window.workspace.row_of(
                main_window.workspace.figures))
            settle(app, idle, 1200)
            shoot(main_window, target / f"figures-{language}.png")
            workspace = main_window.workspace
            for name, page in (("corroboration", workspace.corroboration),
                               ("duplicates", workspace.duplicates)):
                main_window.nav.setCurrentRow(workspace.row_of(page))
                settle(app, idle, 1500)
                # the best suggestion, shown in detail (selectRow misses in right-to-left)
                page.suggestion_table.setCurrentCell(0, 0)
                settle(app, idle, 700)
                shoot(main_window, target / f"{name}-{language}.png")
            main_window.nav.setCurrentRow(main_window.sync.row)
            settle(app, idle, 900)
            shoot(main_window, target / f"researchers-{language}.png")
            main_window.nav.setCurrentRow(0)
            main_window.testimonies.search.setText("الجرحى" if language == "ar" else "checkpoint")
            settle(app, idle, 900)
            table = main_window.testimonies.table  # its excerpt shows where it matched
            table.setCurrentIndex(table.model().index(0, 0))
            settle(app, idle, 500)
            shoot(main_window, target / f"search-{language}.png")
            main_window.open_testimony(first)
            settle(app, idle, 900)
            for index in range(main_window.editor.tabs.count() - 1):
                main_window.editor.tabs.setCurrentIndex(index)
                settle(app, idle, 500)
                shoot(main_window, target / f"editor-{index + 1}-{language}.png")
            # A researcher's testimony at the coordinator: the names tagged in its
            # narrative are highlighted (they travelled sealed and were opened here).
            main_window.open_testimony(demo.workspace_testimony_id("a:nour-1"))
            settle(app, idle, 900)
            main_window.editor.tabs.setCurrentIndex(1)
            settle(app, idle, 700)
            shoot(main_window, target / f"editor-tags-{language}.png")
            shoot_dialogs(app, idle, main_window, target, language, first)
            controller.lock()
            settle(app, idle, 500)
            controller.shutdown()
            controller.start.close()
            i18n.set_language("en")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
