"""The command line speaks the user's language: LANG, TESTIMONY_LANG or --lang choose
Arabic for messages, errors, --help and tables; --json stays language-neutral."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import demo_vault  # noqa: F401 (a module fixture)
from tests.conftest import Cli, CliResult

ARABIC = re.compile("[\u0600-\u06ff]")
AR = {"LANG": "ar_SY.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
EN = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}


def test_help_is_arabic_under_an_arabic_locale(cli: Cli) -> None:
    r: CliResult = cli("--help", **AR)
    assert r.code == 0
    assert "الاستخدام" in r.out and "الخيارات" in r.out
    assert "show this help message" not in r.out and "usage:" not in r.out
    r = cli("list", "--help", **AR)
    assert "عرض رسالة المساعدة" in r.out
    english = cli("--help", **EN)
    assert "usage:" in english.out and not ARABIC.search(english.out)


def test_wrong_passphrase_is_told_in_arabic(cli: Cli, demo_vault: Path) -> None:  # noqa: F811
    r = cli("list", "--vault", str(demo_vault), TESTIMONY_PASSPHRASE="not the passphrase", **AR)
    assert r.code == 1
    assert ARABIC.search(r.err) and "Wrong passphrase" not in r.err


def test_lang_option_and_variable_choose_the_language(cli: Cli, demo_vault: Path) -> None:  # noqa: F811
    r = cli("list", "--kind", "person", "--vault", str(demo_vault), "--lang", "ar", **EN)
    assert r.code == 0, r.err
    assert "ذكر" in r.out or "أنثى" in r.out
    assert not re.search(r"\b(male|female|elderly|adult)\b", r.out)
    r = cli("list", "--kind", "person", "--vault", str(demo_vault), TESTIMONY_LANG="ar", **EN)
    assert "ذكر" in r.out or "أنثى" in r.out
    r = cli("list", "--kind", "person", "--vault", str(demo_vault), "--lang", "en", **AR)
    assert re.search(r"\b(male|female)\b", r.out)


def test_list_and_stats_in_arabic_json_unchanged(
        cli: Cli, demo_vault: Path, tmp_path: Path) -> None:  # noqa: F811
    vault = tmp_path / "vault"
    shutil.copytree(demo_vault, vault)
    r = cli("list", "--vault", str(vault), **AR)
    assert r.code == 0, r.err
    assert "مسودة" in r.out or "نهائية" in r.out or ARABIC.search(r.out)
    assert not re.search(r"\b(draft|finalised)\b", r.out)
    r = cli("stats", "--by", "sex", "--vault", str(vault), **AR)
    assert r.code == 0, r.err
    assert "نوع الحادثة" in r.out or ARABIC.search(r.out.splitlines()[0])
    assert "at least" not in r.out and "≥" not in r.out and "≤" not in r.out
    assert re.search("[٠-٩]", r.out)
    for args in (("list",), ("stats", "--by", "sex"), ("list", "--kind", "person")):
        arabic = cli(*args, "--json", "--vault", str(vault), **AR)
        english = cli(*args, "--json", "--vault", str(vault), **EN)
        assert arabic.code == english.code == 0
        assert json.loads(arabic.out) == json.loads(english.out)
        assert not re.search("[٠-٩]", arabic.out.replace("\\u", ""))


@pytest.mark.parametrize("env", [{"LANG": "ar_SY.UTF-8"}, {"LC_ALL": "ar_SY.UTF-8"},
                                 {"LANGUAGE": "ar:en", "LANG": "C"},
                                 {"TESTIMONY_LANG": "ar", "LANG": "C"}])
def test_locale_variables(env: dict[str, str]) -> None:
    from testimony_app import i18n

    assert i18n.from_environment(env) == "ar"
    assert i18n.from_environment({"LANG": "en_GB.UTF-8"}) == "en"
    assert i18n.from_environment({"LANG": "ar_SY.UTF-8"}, ["--lang", "en"]) == "en"


def test_stats_discrepancies_and_log_in_arabic(cli, demo_vault: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Months, periods and dates in Arabic-Indic digits and isolated; sources isolated;
    documented rows and the log's details in words; --json as in English."""
    vault = tmp_path / "vault"
    shutil.copytree(demo_vault, vault)
    isolated = re.compile("[\u2066\u2068][^\u2069]*\u2069")
    for args in (("stats",), ("discrepancies",), ("log", "--limit", "5")):
        r = cli(*args, "--vault", str(vault), **AR)
        assert r.code == 0, r.err
        bare = re.sub(r"\[[^\]]*\]", "", isolated.sub("", r.out))  # [record ids] are data
        assert not re.search("[0-9]", bare), (args, r.out)
        assert not re.search(r"\b(documented|added|anchored|unchanged)\b", bare), (args, r.out)
    r = cli("discrepancies", "--vault", str(vault), **AR)
    assert "\u2068٢٠١٦-" in r.out and "\u2068Syrian Network for Human Rights\u2069" in r.out
    for args in (("stats",), ("discrepancies",)):
        arabic = cli(*args, "--json", "--vault", str(vault), **AR)
        english = cli(*args, "--json", "--vault", str(vault), **EN)
        assert json.loads(arabic.out) == json.loads(english.out)


def test_counts_take_their_arabic_plural_forms(
        cli: Cli, demo_vault: Path, tmp_path: Path) -> None:  # noqa: F811
    """1, 2, 3, 11 and 100 days each in their own form (0 turns the reminder off), and
    the places' counts of incidents and figures, each agreeing with its own noun."""
    vault = tmp_path / "vault"
    shutil.copytree(demo_vault, vault)
    said = {}
    for days in (0, 1, 2, 3, 11, 100):
        r = cli("backup", "--remind-after", str(days), "--vault", str(vault), **AR)
        assert r.code == 0, r.err
        said[days] = next(line for line in r.out.splitlines() if "تذكير" in line)
    assert said[1] == "تذكير بعد يوم واحد دون نسخة احتياطية."
    assert said[2] == "تذكير بعد يومين دون نسخة احتياطية."
    assert said[3] == "تذكير بعد ٣ أيام دون نسخة احتياطية."
    assert said[11] == "تذكير بعد ١١ يومًا دون نسخة احتياطية."
    assert said[100] == "تذكير بعد ١٠٠ يوم دون نسخة احتياطية."
    assert "days" not in said[0] and len(set(said.values())) == 6
    r = cli("places", "--vault", str(vault), **AR)
    assert r.code == 0, r.err
    assert "حادث" in r.out and "incidents" not in r.out and "figures" not in r.out
    assert not re.search(r"\b\d+ (incidents|reported)", r.out)
