"""Setting up a local Syncthing to carry the sync folder, through its REST API.

Nothing else in the app depends on Syncthing: the sync folder works with any tool
that syncs a folder. This is for people who have never used it: where Syncthing
runs on this computer, the app (with the person's consent) reads its API key from
Syncthing's own config.xml and adds the coordinator's device and the folder. Only
the local address Syncthing's config names is ever contacted.

Each researcher's installation shares its own folder, `DIR/<device>`, with the
coordinator only (folder id `testimony-<device>`), so researchers never see each
other's files, not even their sizes.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET  # noqa: N817 (the usual name)
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testimony_app.core.common.errors import InputError

FOLDER_PREFIX = "testimony-"
_DEVICE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMEOUT = 10.0


@dataclass(frozen=True)
class Endpoint:
    """Where a local Syncthing answers, and its API key (from its config.xml)."""

    url: str  # http://127.0.0.1:8384
    api_key: str


def config_candidates() -> list[Path]:
    """Where Syncthing keeps config.xml on this system, newest layout first."""
    home = Path.home()
    state = Path(os.environ.get("XDG_STATE_HOME") or home / ".local" / "state")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    return [state / "syncthing" / "config.xml", config / "syncthing" / "config.xml",
            home / "snap" / "syncthing" / "common" / "syncthing" / "config.xml"]


def find_config() -> Path | None:
    return next((p for p in config_candidates() if p.is_file()), None)


def read_endpoint(config_xml: Path) -> Endpoint:
    """The GUI address and API key from a Syncthing config.xml. Only a loopback
    address is accepted: the key is never sent anywhere else."""
    try:
        root = ET.parse(config_xml).getroot()  # noqa: S314 (the user's own local file)
    except (OSError, ET.ParseError):
        raise InputError("syncthing_config", path=str(config_xml)) from None
    gui = root.find("gui")
    address = (gui.findtext("address") or "").strip() if gui is not None else ""
    key = (gui.findtext("apikey") or "").strip() if gui is not None else ""
    if not address or not key:
        raise InputError("syncthing_config", path=str(config_xml))
    tls = gui is not None and gui.get("tls", "false").lower() == "true"
    host = address.rsplit(":", 1)[0].strip("[]")
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise InputError("syncthing_not_local", path=str(config_xml))
    return Endpoint(f"{'https' if tls else 'http'}://{address}", key)


class Client:
    """The few REST calls the setup needs (docs.syncthing.net, "REST API")."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 (a loopback http URL, checked above)
            self.endpoint.url + path, data=data, method=method,
            headers={"X-API-Key": self.endpoint.api_key,
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                raw = response.read()
        except (urllib.error.URLError, OSError, TimeoutError):
            raise InputError("syncthing_unreachable") from None
        return json.loads(raw) if raw.strip() else None

    def ping(self) -> bool:
        try:
            return bool(self.call("GET", "/rest/system/ping"))
        except InputError:
            return False

    def my_id(self) -> str:
        return str(self.call("GET", "/rest/system/status")["myID"])

    def add_device(self, device_id: str, name: str, addresses: list[str] | None = None) -> None:
        device = self.call("GET", "/rest/config/defaults/device") or {}
        device.update({"deviceID": device_id, "name": name,
                       "addresses": addresses or ["dynamic"]})
        self.call("POST", "/rest/config/devices", device)

    def share_folder(self, folder_id: str, path: Path, device_ids: list[str],
                     label: str = "Testimony") -> None:
        """Add the folder (or replace its settings) and share it with these devices."""
        folder = self.call("GET", "/rest/config/defaults/folder") or {}
        me = self.my_id()
        folder.update({"id": folder_id, "label": label, "path": str(path),
                       "type": "sendreceive",
                       "devices": [{"deviceID": d} for d in [me, *device_ids]],
                       # the app looks at the folder itself; a quick rescan makes what
                       # it writes leave soon even where file-system watching is off
                       "rescanIntervalS": 60, "fsWatcherEnabled": True,
                       "fsWatcherDelayS": 1})
        self.call("POST", "/rest/config/folders", folder)

    def folders(self) -> list[dict[str, Any]]:
        return list(self.call("GET", "/rest/config/folders") or [])

    def scan(self, folder_id: str) -> None:
        self.call("POST", f"/rest/db/scan?folder={folder_id}")

    def completion(self, folder_id: str, device_id: str) -> float:
        data = self.call("GET", f"/rest/db/completion?folder={folder_id}&device={device_id}")
        return float(data.get("completion", 0.0))


def folder_id(device_id: str) -> str:
    """The Syncthing folder id of a researcher installation's part of the sync folder."""
    return FOLDER_PREFIX + device_id


def share_device_folder(client: Client, root: Path, device_id: str, peer: str,
                        peer_name: str, peer_addresses: list[str] | None = None) -> Path:
    """Add the peer's device and share `root/<device_id>` with it (either side)."""
    path = root / device_id
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    client.add_device(peer, peer_name, peer_addresses)
    client.share_folder(folder_id(device_id), path, [peer])
    return path


def accept_offers(client: Client, root: Path) -> int:
    """Coordinator: accept every researcher folder offered by a device already added
    (the person added it by its ID), each in `root/<device>`. Returns how many."""
    offers = client.call("GET", "/rest/cluster/pending/folders") or {}
    known = {d["deviceID"] for d in client.call("GET", "/rest/config/devices") or []}
    accepted = 0
    for fid, offer in offers.items():
        if not fid.startswith(FOLDER_PREFIX):
            continue
        device = fid[len(FOLDER_PREFIX):]
        peers = [d for d in (offer.get("offeredBy") or {}) if d in known]
        if not peers or not _DEVICE.match(device):
            continue
        path = root / device
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        client.share_folder(fid, path, peers)
        accepted += 1
    return accepted
