"""Two vaults on one machine exchange the demo data set through the command line:
organisation, enrolment, trust, bundle, receipt, purge; and the standard `age`
tool opens the bundle with the exported organisation key."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import Cli, CliResult


def ok(r: CliResult) -> CliResult:
    assert r.code == 0, r.err
    return r


def test_researcher_to_coordinator_and_back(cli: Cli, tmp_path: Path) -> None:
    coord, res = str(tmp_path / "coordinator"), str(tmp_path / "researcher")
    ok(cli("init", "--vault", coord))
    info = json.loads(ok(cli("org", "init", "--name", "Aleppo Documentation Team",
                             "--vault", coord, "--json")).out)
    assert info["recipients"][0].startswith("age1")
    r = cli("org", "init", "--name", "again", "--vault", coord)
    assert r.code == 1 and "already belongs" in r.err
    enrol = tmp_path / "usb" / "enrolment.age"
    enrol.parent.mkdir()
    code = json.loads(ok(cli("org", "enrollment", "--to", str(enrol), "--vault", coord,
                             "--json")).out)["code"]
    # a wrong code leaves no vault behind
    r = cli("init", "--enroll", str(enrol), "--vault", res,
            TESTIMONY_ENROLMENT_CODE="AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    assert r.code == 1 and "Wrong enrolment code" in r.err and not Path(res).exists()
    r = ok(cli("init", "--enroll", str(enrol), "--vault", res, TESTIMONY_ENROLMENT_CODE=code))
    assert "Aleppo Documentation Team" in r.out and "Recovery code" in r.out
    me = json.loads(ok(cli("whoami", "--vault", res, "--json")).out)
    assert len(me["words"].split()) == 8
    ok(cli("demo", "--vault", res))
    bundle = tmp_path / "usb" / "bundle-1.age"
    sent = json.loads(ok(cli("export-bundle", "--to", str(bundle), "--vault", res,
                             "--json")).out)
    assert sent["sequence"] == 1 and sent["records"] > 100
    r = cli("export-bundle", "--to", str(tmp_path / "usb" / "empty.age"), "--vault", res)
    assert r.code == 1 and "Nothing new" in r.err

    # the coordinator does not know this key yet: refused, with the way to trust it
    r = cli("import-bundle", str(bundle), "--vault", coord)
    assert r.code == 1 and me["fingerprint"] in r.err and "testimony trust" in r.err
    ok(cli("trust", me["fingerprint"].lower(), "--name", "Researcher One", "--vault", coord))
    results = json.loads(ok(cli("import-bundle", str(bundle), "--vault", coord, "--json")).out)
    assert len(results[0]["added"]) == sent["records"] and results[0]["receipt"]
    r = ok(cli("import-bundle", str(bundle), "--vault", coord, "--no-receipt"))
    assert "already imported" in r.out
    people = json.loads(ok(cli("people-keys", "--vault", coord, "--json")).out)
    assert [p["name"] for p in people["people"]] == ["Researcher One"]
    listed = json.loads(ok(cli("list", "--kind", "person", "--json", "--vault", coord)).out)
    assert len(listed) == len(json.loads(ok(cli("list", "--kind", "person", "--json",
                                                "--vault", res)).out))
    log = ok(cli("log", "--vault", coord)).out
    assert " import_refused " in log and " import " in log

    # receipt back to the researcher, then purge
    r = ok(cli("import-receipt", results[0]["receipt"], "--vault", res))
    assert "safely received" in r.out
    r = cli("purge", "--received", "--vault", res)
    assert r.code == 1 and "--yes" in r.err
    purged = json.loads(ok(cli("purge", "--received", "--yes", "--vault", res, "--json")).out)
    assert purged["records"] == sent["records"]
    assert json.loads(ok(cli("list", "--json", "--vault", res)).out) == []

    # disaster recovery: the organisation key, then the standard age and tar tools
    key = tmp_path / "usb" / "org-key.age"
    ok(cli("org", "export-keys", "--to", str(key), "--vault", coord,
           TESTIMONY_NEW_PASSPHRASE="recovery passphrase 2026"))
    if shutil.which("age") is None:
        pytest.skip("the age tool is not installed (apt-get install age)")
    identity = tmp_path / "identity.txt"
    age_with_passphrase(["age", "-d", "-o", str(identity), str(key)],
                        "recovery passphrase 2026")
    plain = subprocess.run(["age", "-d", "-i", str(identity), str(bundle)],
                           capture_output=True, check=True, timeout=60).stdout
    listing = subprocess.run(["tar", "-t"], input=plain, capture_output=True, check=True,
                             timeout=60).stdout.decode().split()
    assert listing[:3] == ["manifest.json", "manifest.sig", "records.jsonl"]


def age_with_passphrase(argv: list[str], passphrase: str) -> None:
    """age reads a passphrase only from a terminal: give it one."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvp(argv[0], argv)  # noqa: S606
    output = b""
    sent = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if not sent and b"passphrase" in output.lower():
            os.write(fd, passphrase.encode() + b"\r")
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, output


def test_finalise_and_people_from_the_cli(cli: Cli, tmp_path: Path) -> None:
    import json as _json

    from tests.conftest import SEEDS

    vault = tmp_path / "v"
    assert cli("demo", "--vault", str(vault)).code == 0
    seeds = _json.loads(SEEDS.read_text())
    draft = next(t for t in seeds["testimonies"] if t["status"] == "draft")
    r = cli("finalise", draft["id"], "--json", "--vault", str(vault))
    assert r.code == 0, r.err
    assert _json.loads(r.out) == {"finalised": True, "sealed_identities": 0}  # not enrolled
    r = cli("people", "--json", "--vault", str(vault))
    assert r.code == 0
    people = _json.loads(r.out)
    assert len(people) == len(seeds["persons"])
    assert any(p["public_domain"] for p in people)
    assert all(p["code"].startswith("P-") for p in people)
