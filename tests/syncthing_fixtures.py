"""Real Syncthing instances for the tests: each with its own home, on 127.0.0.1
ports of its own, global discovery, local discovery and relays off, told of its
peers by their device ids. Tests that need one skip, saying why, when Syncthing is
not installed (scripts/system-packages.sh installs it)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ET  # noqa: N817
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from testimony_app.core.sync import syncthing
from tests.children import dying_with_parent

SYNCTHING = shutil.which("syncthing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _set(parent: ET.Element, tag: str, value: str) -> None:
    for old in parent.findall(tag):
        parent.remove(old)
    ET.SubElement(parent, tag).text = value


class Instance:
    def __init__(self, home: Path, limit_kib: int = 0) -> None:
        assert SYNCTHING is not None
        self.home = home
        self.env = {**os.environ, "HOME": str(home), "STNODEFAULTFOLDER": "1",
                    "STNOUPGRADE": "1", "STNORESTART": "1"}
        subprocess.run([SYNCTHING, "generate", "--home", str(home), "--no-default-folder"],
                       env=self.env, check=True, capture_output=True, timeout=60)
        self.gui_port, self.port = _free_port(), _free_port()
        config = home / "config.xml"
        tree = ET.parse(config)  # noqa: S314
        root = tree.getroot()
        gui = root.find("gui")
        assert gui is not None
        _set(gui, "address", f"127.0.0.1:{self.gui_port}")
        options = root.find("options")
        assert options is not None
        for tag, value in [("listenAddress", f"tcp://127.0.0.1:{self.port}"),
                           ("globalAnnounceEnabled", "false"),
                           ("localAnnounceEnabled", "false"), ("relaysEnabled", "false"),
                           ("natEnabled", "false"), ("startBrowser", "false"),
                           ("urAccepted", "-1"), ("autoUpgradeIntervalH", "0"),
                           ("crashReportingEnabled", "false"),
                           ("limitBandwidthInLan", "true" if limit_kib else "false"),
                           ("maxRecvKbps", str(limit_kib))]:
            _set(options, tag, value)
        tree.write(config)
        self.client = syncthing.Client(syncthing.read_endpoint(config))
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()
        self.device_id = self.client.my_id()
        self.address = f"tcp://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert SYNCTHING is not None
        self.proc = subprocess.Popen(dying_with_parent(
            [SYNCTHING, "serve", "--home", str(self.home), "--no-browser", "--no-restart",
             "--no-upgrade", "--logfile", str(self.home / "log.txt")]),
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.client.ping, 60, "syncthing did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(what)


@pytest.fixture
def syncthing_pair(tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    """Two introduced Syncthing instances: the researcher's and the coordinator's (whose
    downloads are slowed so that a test can stop one midway)."""
    if SYNCTHING is None:
        pytest.skip("syncthing is not installed (Debian package 'syncthing'; "
                    "scripts/system-packages.sh installs it as root)")
    started: list[Instance] = []
    try:
        researcher = Instance(tmp_path / "st-researcher")
        started.append(researcher)
        coordinator = Instance(tmp_path / "st-coordinator", limit_kib=4096)
        started.append(coordinator)
        researcher.client.add_device(coordinator.device_id, "coordinator",
                                     [coordinator.address])
        coordinator.client.add_device(researcher.device_id, "researcher", [researcher.address])
        yield researcher, coordinator
    finally:
        for instance in started:
            instance.kill()
