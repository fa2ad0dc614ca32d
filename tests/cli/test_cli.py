"""The `testimony` command line, run as a real process in an isolated HOME."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, ROOT, SEEDS, Cli, CliResult

SNHR = "Syrian Network for Human Rights"


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo vault made through the CLI, copied by the tests that change it."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("cli") / "vault"
    env = {**os.environ, "TESTIMONY_PASSPHRASE": PASSPHRASE,
           "HOME": str(folder.parent), "XDG_DATA_HOME": str(folder.parent / "data")}
    proc = subprocess.run([sys.executable, "-m", "testimony_app.cli", "demo", "--json",
                           "--vault", str(folder)], capture_output=True, env=env, cwd=ROOT,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["counts"]["testimony"] >= 5 and info["recovery_code"]
    return folder


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_init_prints_the_recovery_code_once(cli: Cli, tmp_path: Path) -> None:
    r: CliResult = cli("init", "--vault", str(tmp_path / "v"))
    assert r.code == 0, r.err
    assert "Recovery code" in r.out
    code = r.out.strip().splitlines()[-1].strip()
    assert len(code.split("-")) == 8
    assert (tmp_path / "v" / "vault.db").exists()
    r = cli("list", "--json", "--vault", str(tmp_path / "v"))
    assert r.code == 0 and json.loads(r.out) == []
    r = cli("passwd", "--vault", str(tmp_path / "v"), TESTIMONY_NEW_PASSPHRASE="second passphrase!")
    assert r.code == 0, r.err
    r = cli("recover", "--vault", str(tmp_path / "v"), TESTIMONY_RECOVERY_CODE=code,
            TESTIMONY_NEW_PASSPHRASE="third passphrase!!")
    assert r.code == 0, r.err
    r = cli("check", "--vault", str(tmp_path / "v"), TESTIMONY_PASSPHRASE="third passphrase!!")
    assert r.code == 0, r.err


def test_default_vault_lives_in_the_user_data_folder(
        cli: Cli, isolated_env: dict[str, str]) -> None:
    r = cli("init")
    assert r.code == 0, r.err
    assert (Path(isolated_env["XDG_DATA_HOME"]) / "Testimony" / "vault" / "vault.key").exists()


def test_init_refuses_a_short_passphrase(cli: Cli, tmp_path: Path) -> None:
    r = cli("init", "--vault", str(tmp_path / "v"), TESTIMONY_PASSPHRASE="short")
    assert r.code == 1
    assert r.err.strip() == "The passphrase must be at least 12 characters long."
    assert not (tmp_path / "v").exists()


def test_passphrase_file(cli: Cli, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("from a file, long enough\n")
    r = cli("init", "--vault", str(tmp_path / "v"), "--passphrase-file", str(secret),
            TESTIMONY_PASSPHRASE="ignored when a file is given")
    assert r.code == 0, r.err
    r = cli("list", "--vault", str(tmp_path / "v"), "--passphrase-file", str(secret))
    assert r.code == 0, r.err


def test_no_passphrase_and_no_terminal_is_a_clear_error(
        cli: Cli, tmp_path: Path, isolated_env: dict[str, str]) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in isolated_env.items() if k != "TESTIMONY_PASSPHRASE"}
    proc = subprocess.run([sys.executable, "-m", "testimony_app.cli", "init", "--vault",
                           str(tmp_path / "v")], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, cwd=ROOT, check=False)
    assert proc.returncode == 1
    assert "no terminal" in proc.stderr


def test_wrong_passphrase_one_line_exit_1_bytes_unchanged(cli: Cli, demo_vault: Path) -> None:
    before = digest(demo_vault)
    r = cli("list", "--vault", str(demo_vault), TESTIMONY_PASSPHRASE="wrong but long enough")
    assert r.code == 1
    assert r.err.splitlines() == ["Wrong passphrase or not a Testimony vault. Nothing was changed."]
    assert r.out == ""
    assert digest(demo_vault) == before


def test_not_a_vault(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("list", "--vault", str(empty))
    assert r.code == 1 and "There is no Testimony vault" in r.err
    assert list(empty.iterdir()) == []


def test_usage_errors_exit_2_without_echoing_values(cli: Cli) -> None:
    assert cli("frobnicate").code == 2
    assert cli().code == 2
    r = cli("stats", "--by", "Secretname")
    assert r.code == 2 and "Secretname" not in r.err
    r = cli("search", "Ahmad", "Secretname")
    assert r.code == 2 and "Secretname" not in r.err


def test_a_second_session_on_the_same_vault_is_refused(cli: Cli, demo_vault: Path) -> None:
    from testimony_app.core.session import Session

    with Session.open(demo_vault, PASSPHRASE):
        r = cli("list", "--vault", str(demo_vault))
    assert r.code == 1 and "open in another window" in r.err


def test_a_folder_name_with_uri_characters(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "usb #2 ?x=1 %20" / "vault"
    assert cli("init", "--vault", str(folder)).code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["vault.db", "vault.key", "vault.lock"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "usb #2 ?x=1 %20"]
    assert cli("check", "--vault", str(folder)).code == 0


def test_list_show_round_trip(cli: Cli, demo_vault: Path) -> None:
    r = cli("list", "--json", "--vault", str(demo_vault))
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert isinstance(rows, list) and len(rows) >= 5
    assert {"id", "date", "status", "language", "witness"} <= set(rows[0])
    seeds = json.loads(SEEDS.read_text())
    original = next(t for t in seeds["testimonies"] if t["id"] == rows[0]["id"])
    r = cli("show", rows[0]["id"], "--json", "--vault", str(demo_vault))
    assert r.code == 0, r.err
    assert json.loads(r.out)["testimonies"] == [original]
    r = cli("show", rows[0]["id"][:8], "--history", "--vault", str(demo_vault))
    assert r.code == 0 and r.out.startswith("#1 ")


def test_search_in_arabic_and_english(cli: Cli, demo_vault: Path) -> None:
    for query in ("checkpoint", "حاجز", "الحاجز", "مستشفى"):
        r = cli("search", query, "--json", "--vault", str(demo_vault))
        assert r.code == 0, r.err
        assert json.loads(r.out), query
        # typed at the prompt (standard input), out of the shell history
        r = cli("search", "--json", "--vault", str(demo_vault), stdin=query.encode() + b"\n")
        assert r.code == 0, r.err
        assert json.loads(r.out), query
    r = cli("search", "checkpoint", "--vault", str(demo_vault))
    assert "testimony" in r.out


def test_stats_by_month_json_is_the_report_table(cli: Cli, demo_vault: Path) -> None:
    r = cli("stats", "--by", "month", "--json", "--vault", str(demo_vault))
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    table = {row["month"]: (row["victims"], row["women"], row["children"])
             for row in rows if row["source"] == SNHR and not row["spans_months"]}
    assert table == {"2016-07": (61, 11, 10), "2016-08": (48, 8, 6), "2016-09": (65, 6, 7),
                     "2016-10": (89, 4, 9), "2016-11": (61, 13, 11),
                     "2016-12": (1897, 47, 21)}
    assert all({"month", "incident_type", "source", "victims", "women", "children"} <= set(x)
               for x in rows)
    r = cli("stats", "--vault", str(demo_vault))
    assert "at least 1897" in r.out and "documented" in r.out
    for by in ("type", "place"):
        r = cli("stats", "--by", by, "--json", "--vault", str(demo_vault))
        assert r.code == 0 and json.loads(r.out)


def test_add_validates_with_paths_and_adds_nothing(
        cli: Cli, demo_vault: Path, tmp_path: Path) -> None:
    bad = {"format": "testimony/1", "incidents": [{"id": "not-a-uuid", "type": "x"}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    before = cli("list", "--kind", "incident", "--json", "--vault", str(demo_vault)).out
    r = cli("add", "--json", str(path), "--vault", str(demo_vault))
    assert r.code == 1
    assert "$.incidents[0].id" in r.err and "$.incidents[0].type" in r.err
    assert "Traceback" not in r.err
    assert cli("list", "--kind", "incident", "--json", "--vault", str(demo_vault)).out == before
    path.write_text("{not json")
    r = cli("add", "--json", str(path), "--vault", str(demo_vault))
    assert r.code == 1 and "not valid JSON" in r.err
    r = cli("add", "--json", "-", "--vault", str(demo_vault), stdin=SEEDS.read_bytes())
    # nothing added nor updated: only the unchanged count is said (zeros are left out)
    assert r.code == 0 and re.fullmatch(r"\d+ unchanged\n", r.out), r.out


def test_attach_and_extract(cli: Cli, demo_vault: Path, tmp_path: Path) -> None:
    rows = json.loads(cli("list", "--json", "--vault", str(demo_vault)).out)
    source = tmp_path / "photo.jpg"
    source.write_bytes(os.urandom(100_000))
    r = cli("attach", rows[0]["id"], str(source), "--json", "--vault", str(demo_vault))
    assert r.code == 0, r.err
    att = json.loads(r.out)
    assert att["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "copy.jpg"
    r = cli("extract", att["id"], "--to", str(out), "--vault", str(demo_vault))
    assert r.code == 0, r.err
    assert out.read_bytes() == source.read_bytes()
    assert "plaintext copy" in r.err
    r = cli("check", "--vault", str(demo_vault))
    assert r.code == 0, r.out + r.err


def test_log_shows_ids_and_actions(cli: Cli, demo_vault: Path) -> None:
    r = cli("log", "--json", "--vault", str(demo_vault))
    assert r.code == 0
    entries = json.loads(r.out)
    assert [e["action"] for e in entries][:2] == ["create", "add"]
    assert "unlock" in [e["action"] for e in entries]
    assert set(entries[1]["detail"]) == {"added", "updated", "unchanged",
                                         "anchored", "anchors_from", "anchors"}


def test_unexpected_errors_show_no_traceback_and_no_value(cli: Cli, demo_vault: Path) -> None:
    r = cli("show", "Mohammad Secretname", "--vault", str(demo_vault), "--debug")
    assert r.code == 1
    assert "Secretname" not in r.err + r.out
    assert "Traceback" not in r.err


def test_portable_mode_keeps_everything_on_the_stick(
        cli: Cli, tmp_path: Path, isolated_env: dict[str, str]) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    home = Path(isolated_env["HOME"])
    before = sorted(p for p in home.rglob("*") if p.is_file())
    assert cli("init", TESTIMONY_PORTABLE=str(stick)).code == 0
    assert (stick / "vault" / "vault.key").exists()
    assert cli("demo", TESTIMONY_PORTABLE=str(stick)).code == 0
    assert sorted(p for p in home.rglob("*") if p.is_file()) == before


def test_export_redacted_refuses_a_threshold_out_of_bounds(cli: Cli, demo_vault: Path,
                                                          tmp_path: Path) -> None:
    for threshold in ("1", "101"):
        r = cli("export-redacted", "--to", str(tmp_path / "x"), "--threshold", threshold,
                "--vault", str(demo_vault))
        assert r.code == 1
        assert "threshold for small counts must be from 2 to 100" in r.err
        assert not (tmp_path / "x").exists()
