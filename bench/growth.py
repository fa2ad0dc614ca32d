"""How each cost of a coordinator's archive grows with the archive: a table and a
log-log plot from the archive rows' results at three sizes.

    python -m bench.growth bench/results-medium-archive.json \\
        bench/results-full-archive.json bench/results-huge.json

prints a Markdown table and writes bench/growth.svg. Each cost is the app's CPU
figure (wall for the list rows, whose verdicts are on wall time), per unit where the
period grows with the size (a period's export, per record in the period: the
periods hold 2 000, 10 000 and 100 000 records). On the plot every cost is divided by
its figure at the smallest size: a line steeper than the dashed one grows faster than
the archive, a flat one not at all.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Cost:
    label: str
    row: str
    unit: str
    per_record: bool = False   # divided by the row's record count
    wall: bool = False         # the list rows are judged on wall time
    plotted: bool = True


COSTS = (
    Cost("intake, every record", "intake", "s"),
    Cost("intake, per record", "intake", "ms", per_record=True, plotted=False),
    Cost("search p50", "search p50", "ms"),
    Cost("search p95", "search p95", "ms"),
    Cost("stats --by month", "stats --by month", "s"),
    Cost("period's redacted export, per record", "redacted export, one period",
         "ms", per_record=True),
    Cost("list first paint", "list first paint", "ms", wall=True),
    Cost("list sort", "list sort", "ms", wall=True),
    # Not plotted: at 1 000 000 the JSON baseline of the period, in the same process,
    # is most of it (bench/README.md).
    Cost("peak RSS", "memory (peak RSS, whole run)", "MiB", wall=True, plotted=False),
)
COLOURS = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#30343f",
           "#c46d0f")


def figure(run: dict[str, Any], cost: Cost) -> float | None:
    found = [r for r in run["results"] if r["name"] == cost.row]
    if not found:
        return None
    r = found[0]
    value = r["app"] if cost.wall or r.get("app_cpu") is None else r["app_cpu"]
    if value is None:
        return None
    if cost.per_record:
        value = value / r["records"] * (1000 if cost.unit == "ms" else 1)
    return float(value)


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if value < 100 else f"{value:,.0f}".replace(",", " ")


def table(runs: list[dict[str, Any]]) -> str:
    sizes = [r["testimonies"] for r in runs]
    head = " | ".join(f"{n:,}".replace(",", " ") for n in sizes)
    lines = [f"| cost | {head} | growth, last ×{sizes[-1] // sizes[-2]} |",
             "| --- |" + " --- |" * (len(sizes) + 1)]
    for cost in COSTS:
        values = [figure(r, cost) for r in runs]
        a, b = values[-2], values[-1]
        growth = f"×{b / a:.2f}" if a and b else "—"
        lines.append(f"| {cost.label} ({cost.unit}) | "
                     + " | ".join(_fmt(v) for v in values) + f" | {growth} |")
    return "\n".join(lines)


def svg(runs: list[dict[str, Any]], width: int = 720, height: int = 440) -> str:
    """Log-log: x the testimonies, y each cost over its first figure."""
    sizes = [r["testimonies"] for r in runs]
    series = []
    for cost in COSTS:
        values = [figure(r, cost) for r in runs]
        if cost.plotted and values[0] and all(v for v in values):
            series.append((cost, [v / values[0] for v in values if v]))
    left, right, top, bottom = 70, 290, 20, 50
    x0, x1 = math.log10(sizes[0]), math.log10(sizes[-1])
    top_ratio = max([sizes[-1] / sizes[0]] + [max(v) for _c, v in series])
    low_ratio = min([1.0] + [min(v) for _c, v in series])
    y0, y1 = math.floor(math.log10(low_ratio)), math.ceil(math.log10(top_ratio))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(n: float) -> float:
        return left + (math.log10(n) - x0) / (x1 - x0) * plot_w

    def y(ratio: float) -> float:
        return top + (y1 - math.log10(ratio)) / (y1 - y0) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for e in range(y0, y1 + 1):
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(10**e):.1f}" '
                   f'y2="{y(10**e):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 8}" y="{y(10**e) + 4:.1f}" text-anchor="end">'
                   f'×{10**e:g}</text>')
    for n in sizes:
        out.append(f'<line x1="{x(n):.1f}" x2="{x(n):.1f}" y1="{top}" y2="{top + plot_h}" '
                   f'stroke="#ddd"/>')
        out.append(f'<text x="{x(n):.1f}" y="{top + plot_h + 18}" text-anchor="middle">'
                   f'{n:,}</text>'.replace(",", " "))
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 8}" text-anchor="middle">'
               'testimonies in the archive (log)</text>')
    out.append(f'<text transform="rotate(-90)" x="{-(top + plot_h / 2)}" y="16" '
               f'text-anchor="middle">cost ÷ cost at {sizes[0]:,} (log)</text>'
               .replace(",", " "))
    out.append(f'<line x1="{x(sizes[0]):.1f}" y1="{y(1):.1f}" x2="{x(sizes[-1]):.1f}" '
               f'y2="{y(sizes[-1] / sizes[0]):.1f}" stroke="#888" stroke-dasharray="3,4"/>')
    out.append(f'<line x1="{x(sizes[0]):.1f}" y1="{y(1):.1f}" x2="{x(sizes[-1]):.1f}" '
               f'y2="{y(1):.1f}" stroke="#888" stroke-dasharray="1,3"/>')
    legend_y = top + 10
    out.append(f'<line x1="{width - right + 15}" x2="{width - right + 40}" y1="{legend_y}" '
               f'y2="{legend_y}" stroke="#888" stroke-dasharray="3,4"/>'
               f'<text x="{width - right + 46}" y="{legend_y + 4}">linear in the size</text>')
    out.append(f'<line x1="{width - right + 15}" x2="{width - right + 40}" y1="{legend_y + 20}" '
               f'y2="{legend_y + 20}" stroke="#888" stroke-dasharray="1,3"/>'
               f'<text x="{width - right + 46}" y="{legend_y + 24}">constant</text>')
    for i, (cost, ratios) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        points = " ".join(f"{x(n):.1f},{y(r):.1f}" for n, r in zip(sizes, ratios, strict=True))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                   'stroke-width="2"/>')
        for n, r in zip(sizes, ratios, strict=True):
            out.append(f'<circle cx="{x(n):.1f}" cy="{y(r):.1f}" r="3" fill="{colour}"/>')
        ly = legend_y + 20 * (i + 2)
        out.append(f'<line x1="{width - right + 15}" x2="{width - right + 40}" y1="{ly}" '
                   f'y2="{ly}" stroke="{colour}" stroke-width="2"/>'
                   f'<text x="{width - right + 46}" y="{ly + 4}">{cost.label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(paths: list[str]) -> int:
    runs = sorted((json.loads(Path(p).read_text()) for p in paths),
                  key=lambda r: r["testimonies"])
    print(table(runs))
    (HERE / "growth.svg").write_text(svg(runs))
    print(f"\nwritten: {HERE / 'growth.svg'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
