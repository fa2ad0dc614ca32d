"""Comparing two person names: a bounded edit distance, and a consonant skeleton that
lets a name written in Arabic meet its Latin transliteration.

Pure stdlib, no secrets kept: callers hold the names only as long as they compare
them. Names are first brought to `textnorm.normalize_name` (Mohammad/Muhammad,
Abdul Rahman/Abd al-Rahman, hamza and ta marbuta forms folded), then:

- same script: Levenshtein distance on the normalised names, a near miss being
  one edit, or more spread over parts that are each one edit apart;
- different scripts: Levenshtein distance on skeletons, which keep the consonants
  only, in one alphabet for both scripts (Muhammad is `mhmd` in either). Long
  vowels are dropped with the short ones, so Hasan and Husayn share a skeleton:
  across scripts they meet, and the tie-breakers and the reviewer decide;
- either way, a shorter name whose parts all appear, in order, in a longer one
  with the same first and last parts ("Muhammad al-Hasan" in "Muhammad Abd
  al-Rahman al-Hasan").
"""

from __future__ import annotations

from dataclasses import dataclass

from testimony_app.core.records import spelling, textnorm

# Arabic letter -> skeleton letter. Short vowels are not written in Arabic, so long
# vowels (alef, and waw/yeh inside a word) are dropped like Latin vowels; ayn and
# hamza have no reliable Latin spelling and are dropped too.
_AR: dict[str, str] = {
    "\u0628": "b", "\u067e": "b", "\u062a": "t", "\u062b": "t", "\u062c": "j",
    "\u0686": "j", "\u062d": "h", "\u062e": "x", "\u062f": "d", "\u0630": "d",
    "\u0631": "r", "\u0632": "z", "\u0698": "z", "\u0633": "s", "\u0634": "S",
    "\u0635": "s", "\u0636": "d", "\u0637": "t", "\u0638": "z", "\u0639": "",
    "\u063a": "g", "\u0641": "f", "\u06a4": "f", "\u0642": "k", "\u0643": "k",
    "\u06af": "g", "\u0644": "l", "\u0645": "m", "\u0646": "n", "\u0647": "h",
    "\u0648": "w", "\u064a": "y", "\u0627": "", "\u0621": "", "\u0649": "y",
}
_AR_ARTICLE = "\u0627\u0644"
# Latin digraphs first (to one placeholder letter each), then single letters.
_DIGRAPHS = (("kh", "x"), ("sh", "S"), ("ch", "S"), ("th", "t"), ("dh", "d"), ("gh", "G"),
             ("ph", "f"))
_LATIN: dict[str, str] = {"a": "", "e": "", "i": "", "o": "", "u": "", "q": "k", "c": "k",
                          "g": "j", "G": "g", "p": "b", "v": "f"}
_SEMIVOWELS = frozenset("wy")


def is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)


def _skeleton_token(token: str) -> str:
    token = spelling.bare(token)  # a glued article (Alhasan, الحسن): the spelling grammar's
    if is_arabic(token):
        letters = [_AR.get(ch, "") for ch in token]
    else:
        for src, dst in _DIGRAPHS:
            token = token.replace(src, dst)
        letters = [_LATIN.get(ch, ch) if ch.isalpha() else "" for ch in token]
    # waw and yeh (w, y) are consonants at the start of a word, vowels inside it.
    letters = [ch if ch not in _SEMIVOWELS or i == 0 else "" for i, ch in enumerate(letters)]
    out: list[str] = []
    for ch in "".join(letters):
        if not out or out[-1] != ch:  # doubled letters: shadda is not written
            out.append(ch)
    if len(out) > 1 and out[-1] == "h":  # final -h/-ah and teh marbuta, either script
        out.pop()
    return "".join(out)


def skeleton(normalised: str) -> tuple[str, ...]:
    """The consonant skeleton of each part of a normalised name, articles left out."""
    parts = (_skeleton_token(t) for t in normalised.split() if t not in ("al", _AR_ARTICLE))
    return tuple(p for p in parts if p)


def levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance of `a` and `b`, or `limit + 1` as soon as it must exceed `limit`.

    Only a band of width 2*limit+1 around the diagonal is computed, so the cost is
    about len * (2*limit+1) steps, and unequal lengths are refused at once.
    """
    if a == b:
        return 0
    if len(a) > len(b):
        a, b = b, a
    la, lb = len(a), len(b)
    over = limit + 1
    if lb - la > limit:
        return over
    previous = [j if j <= limit else over for j in range(lb + 1)]
    for i in range(1, la + 1):
        current = [over] * (lb + 1)
        if i <= limit:
            current[0] = i
        low, high = max(1, i - limit), min(lb, i + limit)
        char = a[i - 1]
        best = current[0]
        for j in range(low, high + 1):  # min() of three, written out: the hot loop
            value = previous[j - 1] + (char != b[j - 1])
            other = previous[j] + 1
            if other < value:
                value = other
            other = current[j - 1] + 1
            if other < value:
                value = other
            current[j] = value
            if value < best:
                best = value
        if best > limit:
            return over
        previous = current
    return min(previous[lb], over)


Part = tuple[str, str]  # a part of a name and its skeleton


def _part_alike(x: Part, y: Part) -> bool:
    """One edit apart, in a part of five letters or more or one that keeps its
    consonants (Sato, Satu); Mahmud and Muhammad, Amjad and Majd stay apart."""
    if x[0] == y[0]:
        return True
    if min(len(x[0]), len(y[0])) >= 5 or x[1] == y[1]:
        return levenshtein(x[0], y[0], 1) <= 1
    return False


def _bare(part: str) -> str:
    """A Latin part without a glued article (Alhasan -> hasan, Elhasan -> hasan)."""
    return part if is_arabic(part) else spelling.bare(part)


def allowed_edits(length: int) -> int:
    """How many edits still count as a near miss for a name of this length."""
    return 1 if length <= 10 else (2 if length <= 20 else 3)


@dataclass(frozen=True)
class Name:
    """One name, prepared once for many comparisons."""

    normalised: str
    parts: tuple[Part, ...]  # without articles; Latin parts without a glued al-
    skeleton: tuple[str, ...]
    arabic: bool
    flat: str  # the skeleton in one string

    @classmethod
    def of(cls, text: str) -> Name | None:
        normalised = textnorm.normalize_name(text)
        if not normalised:
            return None
        parts = tuple((p, _skeleton_token(p)) for p in (
            _bare(w) for w in normalised.split() if w not in ("al", _AR_ARTICLE)))
        bones = skeleton(normalised)
        return cls(normalised, parts, bones, is_arabic(normalised), "".join(bones))


@dataclass(frozen=True)
class Likeness:
    """How two names are alike, closest first: same_name; name_distance (same script,
    `edits` letters apart); spelling (same script, each part one letter apart, too
    many letters in all for name_distance); transliteration
    (Arabic and Latin, `edits` apart on the skeleton); name_parts (one is the other
    without its middle parts)."""

    kind: str
    edits: int


def compare(a: Name, b: Name) -> Likeness | None:
    """The closest likeness of two names, or None when they are not alike."""
    if a.normalised == b.normalised:
        return Likeness("same_name", 0)
    if a.arabic == b.arabic:
        limit = allowed_edits(max(len(a.normalised), len(b.normalised)))
        # More edits than one count only spread over parts that are each alike: "Karim
        # Abd X" and "Karim Ali X" are two edits apart, and two people; "Mahmoud
        # al-Sato" and "Mahmoud Alsatu" are one person (spelling: too far apart as a
        # whole). Otherwise the distance is wanted only up to one (cheaper).
        alike = len(a.parts) == len(b.parts) and all(
            _part_alike(x, y) for x, y in zip(a.parts, b.parts, strict=True))
        edits = levenshtein(a.normalised, b.normalised, limit if alike else 1)
        if edits <= 1:
            return Likeness("name_distance", edits)
        if alike:
            return Likeness("name_distance", edits) if edits <= limit else (
                Likeness("spelling", 0))
    else:
        flat_a, flat_b = a.flat, b.flat
        longest = max(len(flat_a), len(flat_b))
        limit = 0 if longest <= 5 else (1 if longest <= 12 else 2)
        edits = levenshtein(flat_a, flat_b, limit)
        if edits <= limit:
            return Likeness("transliteration", edits)
    if _parts_within(a, b) or _parts_within(b, a):
        return Likeness("name_parts", 0)
    return None


def _parts_within(short: Name, long: Name) -> bool:
    """Every part of `short` (two or more) found in order in `long`, first with first
    and last with last: a name given without its middle parts."""
    s, t = ((short.parts, long.parts) if short.arabic == long.arabic
            else (tuple((b, b) for b in short.skeleton), tuple((b, b) for b in long.skeleton)))
    if len(s) < 2 or len(s) >= len(t):
        return False
    if not (_part_alike(s[0], t[0]) and _part_alike(s[-1], t[-1])):
        return False
    position = 1
    for part in s[1:-1]:
        while position < len(t) - 1 and not _part_alike(part, t[position]):
            position += 1
        if position >= len(t) - 1:
            return False
        position += 1
    return True


def _deletions(part: str) -> set[str]:
    """`part` with one letter left out, each way (none for a part of one letter). Two
    strings one edit apart share one of these or one is the other's."""
    if len(part) < 2:
        return set()
    return {part[:i] + part[i + 1:] for i in range(len(part))}


def _given_and_rest(name: Name) -> tuple[str, tuple[str, ...]]:
    parts = name.skeleton
    if len(parts) >= 2 and parts[0] == "bd":
        return parts[0] + parts[1], parts[2:]
    return parts[0], parts[1:]


def given_and_family(name: Name) -> tuple[str, str | None]:
    """The skeleton of the given name and of the family name (the last part; None for a
    name of one part). "Abd" and the part after it are one given name (Abd al-Rahman):
    alone, "Abd" would put every Abd al-Something in one block."""
    given, rest = _given_and_rest(name)
    return given, (rest[-1] if rest else None)


def middle(name: Name) -> str:
    """The skeleton of the parts between the given and the family name."""
    return " ".join(_given_and_rest(name)[1][:-1])


def block_keys(name: Name, near: bool = True) -> set[str]:
    """Keys under which a name is compared with others. Script-independent (built from
    the skeleton, so vowels, doubled letters, articles and the script do not count):

    - the given and the family name (`g|f`): every spelling, in either script, of the
      same given and family names, whatever the parts between (a name given without
      its middle parts);
    - the whole skeleton, as it is and with any one letter left out (`=...`): a
      one-letter difference anywhere, the first letter included, and names whose parts
      are cut differently (Nour al-Din, Noureddine);
    - with `near`, the given name with one letter of the family name left out: a
      family name one letter apart (Hajjar, Hajjaj) even where the middle parts differ.
      These keys share the `g|f` form: "Hajj" meets "Hajjar" left without its r.

    Not met: names whose skeletons differ by two letters or more, unless their given
    names are the same and their family names one letter apart (a consonant differing
    in both the given and the family name; a given name one consonant apart and the
    middle parts left out or spelt with other consonants). The given name is not
    blocked with a letter left out: one letter turns Muhammad into Ahmad or Mahmud,
    and compare() keeps those apart anyway.
    """
    if not name.skeleton:
        return set()
    keys = {"=" + name.flat} | {"=" + d for d in _deletions(name.flat)}
    given, family = given_and_family(name)
    if family is not None:
        keys.add(given + "|" + family)
        if near:
            keys.update(given + "|" + d for d in _deletions(family))
    return keys
