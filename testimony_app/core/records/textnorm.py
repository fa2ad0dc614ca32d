"""Text normalisation for full-text search and person-name matching.

Pure stdlib (no Qt) so it can run in workers, migrations and tests alike.
Arabic letters are written as escapes to keep the source free of mixed-
direction text, which editors and diffs render confusingly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = ["is_rtl", "normalize_for_search", "normalize_name"]

# Each step is designed to be stable, but NFKC/casefold/NFC interplay on exotic
# input can need another pass; iterate to a fixed point, bounded for safety.
_MAX_ROUNDS = 4

# Bidi controls and zero-width characters (all category Cf, which is dropped
# wholesale anyway; listed explicitly to document intent).
_INVISIBLE = (
    *range(0x200B, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x061C,
    0xFEFF,
    0x00AD,
    0x2060,
)
# Arabic tashkeel and Quranic marks. Most are Mn (dropped generically too), but
# U+06E5/U+06E6 (small waw/yeh) and tatweel U+0640 are Lm and must be listed.
_ARABIC_MARKS = (
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E9),
    *range(0x06EA, 0x06EE),
    0x0640,
)
_LETTERS = {
    # Alef variants -> bare alef. (Hamza/madda forms are already split off by
    # NFD before this table runs; kept here to state the intent.)
    "\u0623": "\u0627",
    "\u0625": "\u0627",
    "\u0622": "\u0627",
    "\u0671": "\u0627",
    "\u0672": "\u0627",
    "\u0673": "\u0627",
    "\u0624": "\u0648",  # waw with hamza -> waw
    "\u0626": "\u064a",  # yeh with hamza -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c3": "\u0647",  # Urdu teh marbuta goal -> heh
    "\u0649": "\u064a",  # alef maksura -> yeh
    # Persian/Urdu letters that keyboards produce inside Arabic text.
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u06aa": "\u0643",  # swash kaf -> kaf
    "\u06cc": "\u064a",  # Farsi yeh -> yeh
    "\u06c1": "\u0647",  # heh goal -> heh
    "\u06be": "\u0647",  # heh doachashmee -> heh
    # Typographic apostrophes, transliteration ayn/hamza marks, and quotes.
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u02bb": "'",
    "\u02bc": "'",
    "\u02be": "'",
    "\u02bf": "'",
    "\u02b9": "'",
    "\u2032": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
}
_TABLE: dict[int, str | None] = {cp: None for cp in (*_INVISIBLE, *_ARABIC_MARKS)}
_TABLE.update({ord(src): dst for src, dst in _LETTERS.items()})
for _d in range(10):  # Arabic-Indic and Extended (Persian) digits -> ASCII
    _TABLE[0x0660 + _d] = str(_d)
    _TABLE[0x06F0 + _d] = str(_d)
# NFKC would turn an acute accent used as apostrophe into space + U+0301.
_PRE_NFKC: dict[int, str | None] = {0x00B4: "'"}
_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def _fixed_point(step: Callable[[str], str], text: str) -> str:
    current = step(text)
    for _ in range(_MAX_ROUNDS):
        following = step(current)
        if following == current:
            break
        current = following
    return current


def _search_once(text: str) -> str:
    if "\u00b4" in text:  # translate() looks up every character, even for one entry
        text = text.translate(_PRE_NFKC)
    s = unicodedata.normalize("NFKC", text)
    # NFD splits precomposed letters (é, Arabic hamza/madda seats) so that the
    # marks can be dropped by category and the base letters mapped.
    s = unicodedata.normalize("NFD", s.casefold()).translate(_FOLD)
    return " ".join(unicodedata.normalize("NFC", s).split())


class _CategoryTable(dict[int, str | None]):
    """str.translate table built as characters are met: marks and format characters
    dropped, controls (NUL, tabs) turned into spaces that separate words, the rest
    kept. Looked up in C after the first sight of a character, unlike a Python loop."""

    def __missing__(self, code: int) -> str | None:
        cat = unicodedata.category(chr(code))
        value = None if cat in _DROP_CATEGORIES else (" " if cat == "Cc" else chr(code))
        self[code] = value
        return value


_BY_CATEGORY = _CategoryTable()


class _FoldTable(dict[int, str | None]):
    """`_TABLE` then `_BY_CATEGORY` as one table: one translate() pass instead of two
    (bench/README.md: two thirds of the search normalisation time was translate)."""

    def __missing__(self, code: int) -> str | None:
        if code in _TABLE:
            mapped = _TABLE[code]
            value = None if mapped is None else "".join(
                _BY_CATEGORY[ord(ch)] or "" for ch in mapped) or None
        else:
            value = _BY_CATEGORY[code]
        self[code] = value
        return value


_FOLD = _FoldTable()

# Text made only of these characters (single spaces between words, as one round
# leaves it) is a fixed point of `_search_once`: none has a compatibility or
# canonical decomposition, a case mapping, an entry in `_TABLE` or a dropped
# category, and none composes with a neighbour (no combining marks). Checked
# character by character and pair by pair in tests/core/records/test_textnorm.py.
# ASCII without upper case and the backtick; Arabic letters but for the alef,
# waw and yeh seats, teh marbuta and alef maksura; four Persian letters; Arabic
# comma, semicolon and question mark.
_STABLE_CHARS = (r"\x20-\x40\x5b-\x5f\x61-\x7e"
                 r"\u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a"
                 r"\u067e\u0686\u0698\u06af\u060c\u061b\u061f")
_STABLE = re.compile(f"[{_STABLE_CHARS}]*")


def normalize_for_search(text: str) -> str:
    """Fold case, accents, Arabic spelling variants and digits for search.

    Used both for the FTS shadow column and for queries; idempotent.
    """
    # `_fixed_point` inlined: most text is stable after one round, which the
    # pattern tells without running a second round to compare.
    current = _search_once(text)
    if _STABLE.fullmatch(current):
        return current
    for _ in range(_MAX_ROUNDS):
        following = _search_once(current)
        if following == current:
            break
        current = following
    return current


# --- person names ---------------------------------------------------------

# Canonical token -> Latin spellings. Keys are run through _phonetic() when the
# lookup table is built, so spellings differing only by ou/oo/ee can be omitted.
# NOTE: "Hassan" and "Hasan" are conflated. In Arabic script they are different
# names (hassan vs hasan) but Latin records use both spellings for hasan, so
# merging avoids far more missed matches than it creates false ones.
_ALIAS_GROUPS: dict[str, str] = {
    "muhammad": "mohammad mohammed mohamed mohamad muhammed muhamad muhamed mohammd mhd mohd"
    " mouhamad mouhammad",
    "ahmad": "ahmed",
    "mahmud": "mahmoud mahmood mahmod",
    "hasan": "hassan",
    "husayn": "hussein husein hussain husain hossein hussien",
    "yusuf": "yousef youssef yosef yossef yousif yusif yusef",
    "umar": "omar omer",
    "mustafa": "mostafa moustafa mustapha mostapha mostefa",
    "khalid": "khaled",
    "ibrahim": "ebrahim ebraheem",
    "ismail": "esmail ismael",
    "usama": "osama osamah usamah",
    "uthman": "othman osman usman",
    "ali": "aly",
    "abu": "abo abou",
    "umm": "um om omm",
    "bin": "ibn ben bn",
    "allah": "alla ullah ulla",
}
_AR_ABD = "\u0639\u0628\u062f"  # abd
_AR_AL = "\u0627\u0644"  # definite article al-
_AR_BIN = "\u0628\u0646"  # bin


def _phonetic(tok: str) -> str:
    """Vowel folding for Latin tokens (Waleed/Walid, Yousef/Yusef, -ah/-a)."""
    if not (tok.isascii() and tok.isalpha()):
        return tok
    previous = ""
    while previous != tok:  # each replacement shortens, so this terminates
        previous = tok
        for src, dst in (("ou", "u"), ("oo", "u"), ("ee", "i")):
            tok = tok.replace(src, dst)
    # Final -ah/-a both render teh marbuta (Fatimah/Fatima, Abdullah/Abdulla).
    return tok[:-1] if len(tok) > 3 and tok.endswith("ah") else tok


_ALIASES: dict[str, str] = {
    _phonetic(spelling): canon
    for canon, spellings in _ALIAS_GROUPS.items()
    for spelling in (canon, *spellings.split())
}
_ALIASES["\u0627\u0628\u0646"] = _AR_BIN  # ibn -> bin

# A Latin article: al/el/ul/ol, or its sun-letter assimilated form (ar-Rahman,
# as-Salam, ad-Din), which only counts when the next word repeats the letter.
_ARTICLE = re.compile(r"[aeou](?:l|th|dh|sh|[tdrzsn])")
_GLUED_ABD = re.compile(r"abd([aeou](?:l|th|dh|sh|[tdrzsn]))([a-z]*)")


def _split_glued(tok: str, nxt: str) -> list[str]:
    """Split Abdul+X / Abdurrahman / Arabic abd+al-X into "abd", "al", X."""
    if tok.startswith(_AR_ABD + _AR_AL) and len(tok) >= len(_AR_ABD + _AR_AL) + 2:
        return [_AR_ABD, *_split_glued(tok[len(_AR_ABD) :], nxt)]
    match = _GLUED_ABD.fullmatch(tok)
    if match is None:
        return [tok]
    article, tail = match.groups()
    sun = article[1:]
    if sun == "l":
        if tail in ("a", "la"):  # Abdulla(h), Abdallah, Abdulah
            return ["abd", "alla"]
        if tail and len(tail) < 2:
            return [tok]
    elif not tail:  # "Abdur Rahman": needs the repeated letter next
        return ["abd", "al"] if nxt.startswith(sun) else [tok]
    elif not tail.startswith(sun):  # Abdurahman -> restore the sun letter
        if len(tail) < 3:
            return [tok]
        tail = sun + tail
    return ["abd", "al", *(_split_glued(tail, nxt) if tail else [])]


def _name_once(text: str) -> str:
    chars: list[str] = []
    for ch in _search_once(text):  # the outer fixed-point loop re-runs it
        if ch == "'":  # apostrophes mark hamza/ayn inside a word: Sha'ar
            continue
        # Hyphens, dots and other punctuation/symbols separate tokens.
        chars.append(" " if unicodedata.category(ch)[0] in "PS" else ch)
    words = [_phonetic(w) for w in "".join(chars).split()]
    tokens: list[str] = []
    for i, word in enumerate(words):
        tokens.extend(_split_glued(word, words[i + 1] if i + 1 < len(words) else ""))
    tokens = [_ALIASES.get(t, t) for t in tokens]
    out: list[str] = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _ARTICLE.fullmatch(tok) and (tok[1:] == "l" or nxt.startswith(tok[1:])):
            tok = "al"  # al-/el-/ul-/ar-... become a separate "al" token
        if out and out[-1] == _AR_AL:
            out[-1] += tok  # a stray space after Arabic al- is a typo: glue it
        else:
            out.append(tok)
    # A title in front of a name is not part of it: "Dr. Mahmoud" is "Mahmoud".
    while len(out) > 1 and out[0] in _TITLES:
        out.pop(0)
    return " ".join(out)


# Titles as they come out of the steps above (Arabic: already normalised, ة→ه).
_TITLES = frozenset({"dr", "doctor", "haj", "hajj", "hajji", "sheikh", "shaikh", "shaykh",
                     "sheikha", "eng", "ustaz", "ustadh", "imam",
                     "د", "دكتور", "الدكتور", "الحاج", "الحاجه", "حاج", "الشيخ", "شيخ",
                     "الشيخه", "المهندس", "الاستاذ", "الامام"})


def normalize_name(text: str) -> str:
    """Canonical form of a person's name for cross-researcher matching.

    Builds on normalize_for_search, then folds punctuation, common Latin
    transliteration variants of Arabic names and Abd al-/Abu/Umm/bin particles,
    and drops titles in front (Dr., Haj, Sheikh, الحاج). Glued Latin articles
    ("Aljadla") are left as is. Idempotent.
    """
    return _fixed_point(_name_once, text)


def is_rtl(text: str) -> bool:
    """True if the first strong directional character is right-to-left."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return True
        if bidi == "L":
            return False
    return False


def _dropped_ranges() -> str:
    """Every code point search drops (marks, format characters: soft hyphen, zero-width
    and bidi controls, word joiner, variation selectors, tatweel) as a regex character
    class body, so that a word cut by one of them is one word for sealing and
    redaction as it is for search."""
    dropped = set(_INVISIBLE) | set(_ARABIC_MARKS)
    dropped |= {cp for cp in range(0x110000)
                if unicodedata.category(chr(cp)) in _DROP_CATEGORIES}
    out: list[str] = []
    start = previous = -2
    for cp in sorted(dropped) + [-1]:
        if cp == previous + 1:
            previous = cp
            continue
        if start >= 0:
            out.append(re.escape(chr(start)) if start == previous
                       else f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
        start = previous = cp
    return "".join(out)


# Inside a word: what search folds away (see `_dropped_ranges`).
DROPPED_IN_WORD = _dropped_ranges()
