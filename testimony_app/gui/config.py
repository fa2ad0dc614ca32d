"""Preferences needed before a vault is open: UI language and which vault folder.

Everything else (auto-lock delay, defaults for new interviews) lives inside the
encrypted vault. This file holds no content; it is a plain object passed in,
never a global.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from testimony_app.core.vault.keyfile import default_vault_dir


def config_path() -> Path:
    from testimony_app import portable

    carried = portable.root()
    if carried is not None:
        return carried / "testimony-settings.json"
    return Path(platformdirs.user_config_dir("Testimony", appauthor=False)) / "settings.json"


@dataclass
class AppConfig:
    language: str = "en"
    vault_folder: str = ""
    digits: str = "native"  # the UI language's own digits, or "latin"

    @property
    def folder(self) -> Path:
        return Path(self.vault_folder) if self.vault_folder else default_vault_dir()

    @classmethod
    def load(cls, path: Path | None = None) -> AppConfig:
        path = path or config_path()
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(language=str(data.get("language", "en")),
                       vault_folder=str(data.get("vault_folder", "")),
                       digits="latin" if data.get("digits") == "latin" else "native")
        except (OSError, ValueError, AttributeError):
            return cls()

    def save(self, path: Path | None = None) -> None:
        path = path or config_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(asdict(self), indent=1), "utf-8")
        os.replace(temp, path)
