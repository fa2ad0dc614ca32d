"""Figures and the printable report of a redacted export.

Pure functions over the exported `records.json`: the exporter uses them to write
the report, and `verify` uses them again, without any vault or secret, to check
that the report's figures are what the records say.
"""

from __future__ import annotations

import html
from typing import Any

from testimony_app import i18n
from testimony_app.core.records import dates, figure_facts, vocab
from testimony_app.core.records.words import word
from testimony_app.core.workspace import stats
from testimony_app.i18n import Nn_, _

SUPPRESSED = None  # a suppressed cell is null in JSON and "<threshold" in the report
# An incident under a suppressed figure carries this instead of its victims: the parts
# of the figure that are shown, and the qualifier (core/audit/disclosure.py).
WITHHELD = "victims_withheld"
PARTS = ("victims", "women", "children")


def _number(value: Any) -> int:
    """A count in a breakdown: an integer, or a part given with its own qualifier."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        return _number(value.get("count", 0))
    return 0


def _children(breakdown: dict[str, Any]) -> int:
    return sum(_number(breakdown.get(k, 0)) for k in ("girls", "boys", "children"))


def cell_of(incident: dict[str, Any]) -> tuple[str, str]:
    """The figure an incident is counted in: the month its date falls in, or the
    months it spans ("2016-11/2016-12", core/workspace/stats.py), and its type."""
    return figure_facts.month_key(incident["date"]), str(incident["type"])


def cells(incidents: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for incident in incidents:
        out.setdefault(cell_of(incident), []).append(incident)
    return out


def incident_counts(incident: dict[str, Any], persons: dict[str, dict[str, Any]]
                    ) -> dict[str, Any]:
    """Victims, women and children of one incident (None where withheld), and the
    qualifier of its count."""
    if WITHHELD in incident:
        marker = incident[WITHHELD] if isinstance(incident[WITHHELD], dict) else {}
        qualifier = str(marker.get("qualifier", "exact"))
        shown = {part: marker[part] if isinstance(marker.get(part), int)
                 and not isinstance(marker.get(part), bool) else None for part in PARTS}
        return {**shown, "qualifier": qualifier, "qualifiers": {qualifier}}
    victims = women = children = 0
    qualifiers: set[str] = set()
    for victim in incident.get("victims", []):
        if "group" in victim:
            group = victim["group"]
            breakdown = group.get("breakdown", {})
            victims += _number(group["count"])
            women += _number(breakdown.get("women", 0))
            children += _children(breakdown)
            qualifiers.add(str(group["qualifier"]))
        else:
            person = persons.get(victim["person"], {})
            victims += 1
            qualifiers.add("exact")
            if person.get("age_group") == "child":
                children += 1
            elif person.get("sex") == "female":
                women += 1
    return {"victims": victims, "women": women, "children": children,
            "qualifier": stats.combine(qualifiers), "qualifiers": qualifiers}


def tally_incidents(incidents: list[dict[str, Any]], persons: dict[str, dict[str, Any]]
                    ) -> dict[str, Any]:
    """One figure's parts summed over its incidents; a part any incident withholds is
    None, and listed in `partial` when other incidents show it."""
    totals: dict[str, Any] = {part: 0 for part in PARTS}
    shown: dict[str, int] = {part: 0 for part in PARTS}
    qualifiers: set[str] = set()
    for incident in incidents:
        counts = incident_counts(incident, persons)
        qualifiers |= counts["qualifiers"]
        for part in PARTS:
            if counts[part] is None:
                totals[part] = None
            else:
                shown[part] += 1
                if totals[part] is not None:
                    totals[part] += counts[part]
    totals["partial"] = {part for part in PARTS
                         if totals[part] is None and shown[part]}
    totals["qualifiers"] = qualifiers
    totals["records"] = len(incidents)
    return totals


def suppressed_parts(totals: dict[str, Any], threshold: int) -> set[str]:
    """The parts of a documented figure that are not shown: withheld, or from 1 to
    threshold-1; all of them when the victims are."""
    hidden = {part for part in PARTS
              if totals[part] is None or 0 < totals[part] < threshold}
    return set(PARTS) if "victims" in hidden else hidden


def figures(records: dict[str, Any], threshold: int) -> list[dict[str, Any]]:
    """The export's figures, by month (or span of months) and incident type.

    Documented rows (`source` "documented") count the cases in the records, here
    (`computed`, with the incident ids counted in `parts`); a count from 1 to
    threshold-1 is suppressed (null), and so is a part the records withhold
    (core/audit/disclosure.py says which). Every figure another source published is a row
    of its own, as published (core/workspace/stats.py `reported_figure`): never added to
    another. A date or period that crosses a month boundary is filed under its span
    (`spans_months`). No totals across rows are published.
    """
    persons = {p["pseudonym"]: p for p in records.get("persons", [])}
    rows: list[dict[str, Any]] = []
    for (month, type_), members in cells(records.get("incidents", [])).items():
        totals = tally_incidents(members, persons)
        hidden = suppressed_parts(totals, threshold)
        rows.append({
            "kind": stats.DOCUMENTED, "computed": True, "month": month,
            "spans_months": stats.spans_months(month), "incident_type": type_,
            "source": stats.DOCUMENTED,
            **{part: SUPPRESSED if part in hidden else totals[part] for part in PARTS},
            "qualifier": stats.combine(totals["qualifiers"]), "records": totals["records"],
            "parts": sorted(str(i["id"]) for i in members)})
    labels = stats.source_labels(records.get("sources", []))
    places = stats.Places(records.get("places", []))
    for agg in records.get("aggregates", []):
        figure = stats.reported_figure(agg, stats.source_label(labels, agg["source"]), places)
        figure.pop("period_text")  # a source's own words for a date never leave
        rows.append({**figure, "month": figure_facts.month_key(agg["period"])})
    rows.sort(key=lambda r: (r["month"], r["incident_type"], r["source"] != stats.DOCUMENTED,
                             r["source"], r.get("from", ""), r.get("figure_place", ""),
                             r.get("id", "")))
    return rows


def exposed(records: dict[str, Any], threshold: int) -> list[tuple[str, str, str]]:
    """Figures whose suppression the records undo: (month, type, part) for a suppressed
    part that every incident under it still shows, or that some of them show."""
    persons = {p["pseudonym"]: p for p in records.get("persons", [])}
    out = []
    for (month, type_), members in sorted(cells(records.get("incidents", [])).items()):
        totals = tally_incidents(members, persons)
        for part in PARTS:
            if part in suppressed_parts(totals, threshold) and (
                    totals[part] is not None or part in totals["partial"]):
                out.append((month, type_, part))
    return out


def _count(f: dict[str, Any], part: str, threshold: int) -> str:
    """A part of a figure as the report shows it: a documented null is suppressed; a
    reported null is a part its source did not give."""
    value = f.get(part)
    qualifier = f.get("qualifier") if part == "victims" else f.get(f"{part}_qualifier")
    if value is None:
        return f"&lt;{_grouped(threshold)}" if f["source"] == stats.DOCUMENTED else "—"
    # The sign sits with its number in a left-to-right isolate: "≥ 61" never reads "≤ 61".
    return stats.signed(_grouped(value), str(qualifier or "exact"))


def _utc(iso: str) -> str:
    """The export's time as a person reads it, to the second, said to be UTC (the
    report is read far from the machine that made it)."""
    return f"{i18n.digits(iso[:19].replace('T', ' '))} UTC"


def _grouped(value: int) -> str:
    """A number with its thousands grouped, in the reader's digits (Arabic writes its
    own thousands separator beside Arabic-Indic digits)."""
    text = i18n.digits(f"{int(value):,}")
    return text.replace(",", "\u066c") if text != f"{int(value):,}" else text


def month_text(key: str) -> str:
    """A figure's month, or the months its date spans, marked so, in the reader's
    language and digits."""
    if not stats.spans_months(key):
        return i18n.digits(key)
    first, last = (i18n.digits(part) if part != ".." else "…" for part in key.split("/"))
    return _("{first} – {last} (spans months)").format(first=first, last=last)


def _note(f: dict[str, Any]) -> str:
    """How a figure was made: counted here from records, or as its source published
    it, with the parts it gave besides women and children."""
    if f["source"] == stats.DOCUMENTED:
        return i18n.counted(Nn_("computed here from {count} record",
                                "computed here from {count} records"),
                            int(f["records"]), _grouped)
    others = [f"{vocab.label('breakdown', code, i18n.language())} "
              f"{stats.signed(_grouped(int(p['count'])), str(p['qualifier']))}"
              for code, p in (f.get("breakdown") or {}).items()
              if code not in ("women", "children")]
    words = _("count computed here from its parts") if f.get("count_from_parts") \
        else _("as published")
    return i18n.join([words, *others], ";")


def render_html(manifest: dict[str, Any], records: dict[str, Any],
                language: str | None = None) -> str:
    """A self-contained, printable page in the reader's language (the one the export
    is made in). Every value is escaped: it came from records."""
    language = language or i18n.language()
    rtl = i18n.is_rtl_language(language)
    esc = html.escape
    threshold = int(manifest["threshold"])

    def source(name: str) -> str:
        return _("Documented here") if name == stats.DOCUMENTED else name

    rows = []
    for f in manifest["figures"]:
        period = dates.text(f["period"]) if isinstance(f.get("period"), dict) else ""
        rows.append(
            f"<tr><td><bdi>{esc(month_text(f['month']))}</bdi></td>"
            f"<td>{esc(vocab.label('incident_type', f['incident_type'], language))}</td>"
            f"<td><bdi>{esc(source(f['source']))}</bdi></td>"
            f"<td class=n>{_count(f, 'victims', threshold)}"
            f"</td><td class=n>{_count(f, 'women', threshold)}</td>"
            f"<td class=n>{_count(f, 'children', threshold)}</td>"
            f"<td><bdi>{esc(str(f.get('figure_place', '')))}</bdi></td>"
            f"<td><bdi>{esc(i18n.digits(period))}</bdi></td><td>{esc(_note(f))}</td></tr>")
    peak = max((f["victims"] or 0 for f in manifest["figures"]), default=0) or 1
    dot = esc(_(i18n.SEPARATORS["·"]))
    bars = "".join(
        f"<div class=bar><span><bdi>{esc(month_text(f['month']))}</bdi>{dot}"
        f"<bdi>{esc(source(f['source']))}</bdi>"
        f"{dot + '<bdi>' + esc(str(f['figure_place'])) + '</bdi>' if f.get('figure_place') else ''}"
        "</span>"
        f"<i style='width:{max(1, int(300 * (f['victims'] or 0) / peak))}px'></i>"
        f"<b>{_count(f, 'victims', threshold)}</b></div>"
        for f in manifest["figures"] if f["incident_type"] == "arbitrary_arrest")
    log = "".join(f"<li>{esc(_(k))}: {_grouped(v)}</li>"
                  for k, v in sorted(manifest["redaction_log"].items()))
    counts = "".join(f"<li>{esc(word('export_count', k))}: {_grouped(v)}</li>"
                     for k, v in sorted(manifest["counts"].items()))
    narratives = "".join(
        f"<article dir=auto><h3>{esc(t.get('title', t['id'][:8]))}</h3>"
        + "".join(f"<p dir=auto>{esc(text)}</p>" for text in t.get("narrative", {}).values())
        + "</article>" for t in records.get("testimonies", []))
    org = manifest["organisation"]
    heading = esc(_("Organisation: {name} · key {fingerprint} · for {auditor} · {created}")
                  ).format(name=f"<bdi>{esc(org['name'])}</bdi>",
                           fingerprint=f"<bdi>{esc(org['fingerprint'])}</bdi>",
                           auditor=f"<bdi>{esc(manifest['auditor'])}</bdi>",
                           created=f"<bdi>{esc(_utc(str(manifest['created'])))}</bdi>")
    check = esc(_("Check it with {verify} or {sums}.")).format(
        verify="<code>testimony verify</code>", sums="<code>sha256sum -c SHA256SUMS</code>")
    figures_text = esc(_(
        "Cases documented by the organisation are counted here, apart from figures other "
        "sources published; every published figure is shown as its source gave it, on a "
        "row of its own, and no two figures are added together. A date or period that "
        "crosses a month boundary is shown under the months it spans. Documented counts "
        "below {threshold} are suppressed (<{threshold}), and the incidents under a "
        "suppressed figure carry no part of it in any file of this export; — is a part a "
        "source did not give.")).format(threshold=_grouped(threshold))
    headers = "".join(f"<th>{esc(h)}</th>" for h in (
        _("Month"), _("Type"), _("Source"), _("Victims"), _("Women"), _("Children"),
        _("Place"), _("Period"), _("Note")))
    return f"""<!doctype html>
<html lang="{esc(language)}" dir="{'rtl' if rtl else 'ltr'}"><head><meta charset="utf-8">
<title>{esc(_("Testimony — redacted export"))}</title>
<style>body{{font-family:'Noto Sans','Noto Naskh Arabic',sans-serif;margin:2em;max-width:60em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.2em .5em}}
td.n{{text-align:end;font-variant-numeric:tabular-nums}}.bar{{display:flex;gap:.5em;
align-items:center}}.bar span{{width:22em}}.bar i{{display:inline-block;height:.9em;
background:#6a1b9a}}@media print{{body{{margin:0}}}}</style></head><body>
<h1>{esc(_("Redacted export"))}</h1>
<p>{heading}</p>
<p>{check}</p>
<h2>{esc(_("Figures"))}</h2><p>{figures_text}</p>
<table><tr>{headers}</tr>{''.join(rows)}</table>
<h2>{esc(_("Arrests by month"))}</h2>{bars}
<h2>{esc(_("Contents"))}</h2><ul>{counts}</ul><h2>{esc(_("Redaction log"))}</h2><ul>{log}</ul>
<h2>{esc(_("Reviewed narratives"))}</h2>{narratives or '<p>' + esc(_("None.")) + '</p>'}
</body></html>
"""
