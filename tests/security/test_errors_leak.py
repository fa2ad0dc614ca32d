"""Failures forced on canary inputs through the CLI, with --debug: what it prints
holds no canary and no key material; the CLI process cannot dump core."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.conftest import CANARY_ARABIC, CANARY_LATIN, PASSPHRASE, ROOT, Cli, Template
from tests.security.test_no_plaintext import NEEDLES


def secrets_in(text: str, template: Template) -> list[str]:
    data = text.encode("utf-8")
    found = [repr(n[:12]) for n in NEEDLES if n in data]
    for name, secret in (("passphrase", PASSPHRASE), ("key", template.key.hex()),
                         ("KEY", template.key.hex().upper()),
                         ("recovery code", template.recovery_code)):
        if secret in text:
            found.append(name)
    return found


def test_failures_on_canary_input_print_no_canary_and_no_key(
        cli: Cli, vault_dir: Path, template: Template, tmp_path: Path) -> None:
    vault = ["--vault", str(vault_dir), "--debug"]
    invalid = {"format": "testimony/1",
               "persons": [{"id": CANARY_LATIN, "sex": CANARY_ARABIC, CANARY_LATIN: 1,
                            "identity": {"name": {"en": CANARY_LATIN}, "public_domain": False,
                                         CANARY_ARABIC: CANARY_LATIN}}],
               "testimonies": [{"id": str(uuid.uuid4()), "title": CANARY_LATIN,
                                "interview": {"date": {"precision": "day",
                                                       "value": CANARY_LATIN},
                                              "language": CANARY_ARABIC, "mode": "x"},
                                "consent": {"scope": CANARY_LATIN}, "status": "draft",
                                "witness": CANARY_ARABIC}]}
    bad_json = tmp_path / "invalid.json"
    bad_json.write_text(json.dumps(invalid, ensure_ascii=False))
    not_json = tmp_path / "notjson.json"
    not_json.write_text(f'{{"title": "{CANARY_LATIN}", {CANARY_ARABIC}', "utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + json.dumps(CANARY_LATIN))
    runs = [
        cli("add", "--json", str(bad_json), *vault),
        cli("add", "--json", str(not_json), *vault),
        cli("add", "--json", str(deep), *vault),
        cli("add", "--json", "-", *vault, stdin=CANARY_ARABIC.encode()),
        cli("show", CANARY_LATIN, *vault),
        cli("search", f'"{CANARY_LATIN} AND (', *vault),
        cli("check", *vault, TESTIMONY_PASSPHRASE=CANARY_LATIN + " wrong"),
        cli("extract", CANARY_LATIN, "--to", str(tmp_path / "x"), *vault),
    ]
    for r in runs:
        assert r.code in (0, 1, 2), (r.code, r.err)  # search: no match is no failure
        assert r.code == 0 or r.err.strip(), "a failure says something"
        assert secrets_in(r.out + r.err, template) == [], r.err
        assert "Traceback" not in r.err or "messages withheld" in r.err


def test_cli_process_cannot_dump_core(isolated_env: dict[str, str], vault_dir: Path) -> None:
    # `search` with no query waits for one on standard input: the process is alive.
    proc = subprocess.Popen([sys.executable, "-m", "testimony_app.cli", "search", "--vault",
                             str(vault_dir)], cwd=ROOT, env=isolated_env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        core = ""
        while time.monotonic() < deadline:
            limits = Path(f"/proc/{proc.pid}/limits").read_text()
            core = next(line for line in limits.splitlines() if line.startswith("Max core"))
            if core.split()[4:6] == ["0", "0"]:
                break
            time.sleep(0.05)
        assert core.split()[4:6] == ["0", "0"], core
        status = Path(f"/proc/{proc.pid}/status").read_text()
        assert proc.poll() is None and status
    finally:
        proc.communicate(b"nothing\n", timeout=60)
