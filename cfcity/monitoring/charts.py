"""Charts for the Word documents, as PNG bytes (python-docx inserts them with add_picture).

Drawn with matplotlib's Agg renderer on a ``matplotlib.figure.Figure`` of their own — never
pyplot, whose global figure registry and rcParams would leak between request threads — and
every text in the CJK font from ``fonts.cjk_family()``, asked for by name on each element.
The status colours and labels are those of the browser charts (cfcity/static/cfcity/charts.js).
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cfcity.monitoring import fonts

# (key, label, colour) in display order: the same as monitoring.models.STATUS_CHOICES
STATUSES = (
    ("achieved", "已达标", "#2e7d32"),
    ("on_track", "进展正常", "#66bb6a"),
    ("at_risk", "存在风险", "#f9a825"),
    ("off_track", "严重滞后", "#c62828"),
    ("no_data", "暂无数据", "#9e9e9e"),
    ("not_due", "未到评估期", "#90caf9"),
)
STATUS_LABELS = {key: label for key, label, _ in STATUSES}
STATUS_COLORS = {key: colour for key, _, colour in STATUSES}

WIDTH_IN = 6.3  # a portrait A4 page's text width (16 cm)
DPI = 200
VALUE_COLOR = "#1565c0"
TARGET_COLOR = "#c62828"
EXPECTED_COLOR = "#757575"


def fmt(value: float) -> str:
    """4.5 → "4.5", 12.0 → "12", 0.1 + 0.2 → "0.3"."""
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _natural_key(label: str):
    return [int(n) for n in re.findall(r"\d+", label)], label


def _categories(*series: Sequence[tuple[str, float]]) -> list[str]:
    """The x axis: every label once; in numeric order when all labels carry numbers (years,
    quarters), otherwise in order of first appearance."""
    seen: dict[str, None] = {}
    for points in series:
        for label, _ in points:
            seen.setdefault(str(label), None)
    labels = list(seen)
    if labels and all(re.search(r"\d", label) for label in labels):
        labels.sort(key=_natural_key)
    return labels


def _figure(height_in: float) -> Figure:
    fig = Figure(figsize=(WIDTH_IN, height_in), layout="constrained")
    FigureCanvasAgg(fig)  # Agg, whatever backend matplotlib would otherwise pick
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _axes(fig: Figure, family: str):
    ax = fig.subplots()
    ax.tick_params(labelfontfamily=family, labelsize=8)
    # plain "-" for negatives: CJK fonts such as WenQuanYi lack U+2212, matplotlib's minus
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def trend_png(title: str, points: list[tuple[str, float]], *, target: float | None,
              unit: str | None, expected: list[tuple[str, float]] | None = None) -> bytes:
    """A target's values over time (``points``: period label, value) as a line, the target
    value as a dashed line, and the expected path (baseline → target at the deadline) as a
    dotted one; the unit labels the value axis."""
    family = fonts.cjk_family()
    font = FontProperties(family=family, size=8)
    expected = list(expected or [])
    points = list(points)
    labels = _categories(points, expected)
    index = {label: i for i, label in enumerate(labels)}

    fig = _figure(3.2)
    ax = _axes(fig, family)
    ax.set_title(title, fontproperties=FontProperties(family=family, size=10, weight="bold"),
                 loc="left", pad=16 if unit else 6)
    if expected:
        ax.plot([index[str(x)] for x, _ in expected], [y for _, y in expected],
                color=EXPECTED_COLOR, linestyle=":", linewidth=1.5, marker="o", markersize=3,
                label="预期进度")
    if points:
        xs = [index[str(x)] for x, _ in points]
        ys = [y for _, y in points]
        ax.plot(xs, ys, color=VALUE_COLOR, linewidth=2, marker="o", markersize=5, label="实际值")
        for x, y in zip(xs, ys):
            ax.annotate(fmt(y), (x, y), xytext=(0, 6), textcoords="offset points",
                        ha="center", va="bottom", fontproperties=font, color=VALUE_COLOR)
    else:
        ax.text(0.5, 0.5, "暂无数据", transform=ax.transAxes, ha="center", va="center",
                fontproperties=FontProperties(family=family, size=12), color="#9e9e9e")
    if target is not None:
        target_label = f"目标值 {fmt(target)}{' ' + unit if unit else ''}"
        ax.axhline(target, color=TARGET_COLOR, linestyle="--", linewidth=1.2, label=target_label)
    if labels:
        ax.set_xticks(range(len(labels)), labels)
        ax.set_xlim(-0.5, len(labels) - 0.5)
    else:
        ax.set_xticks([])
    if unit:  # written level above the value axis: a rotated 个 or % reads badly
        ax.set_ylabel(f"单位：{unit}", fontproperties=font, rotation=0, ha="left", va="bottom")
        ax.yaxis.set_label_coords(-0.02, 1.03)
    if not points and not expected and target is None:
        ax.set_yticks([])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.margins(y=0.18)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(prop=font, loc="best", frameon=False)
    return _png(fig)


def status_bar_png(title: str, rows: list[tuple[str, dict[str, int]]]) -> bytes:
    """Status counts per group (domain, action, department or town) as stacked horizontal
    bars, the first row on top; keys are those of STATUSES (missing ones count 0)."""
    family = fonts.cjk_family()
    font = FontProperties(family=family, size=8)
    rows = list(rows)
    for name, counts in rows:
        unknown = set(counts) - set(STATUS_LABELS)
        if unknown:
            raise ValueError(f"未知状态 {sorted(unknown)}（{name}）；可用：{list(STATUS_LABELS)}")

    height = 1.3 + 0.32 * max(len(rows), 1)
    fig = _figure(height)
    ax = _axes(fig, family)
    ax.set_title(title, fontproperties=FontProperties(family=family, size=10, weight="bold"),
                 loc="left")
    names = [str(name) for name, _ in rows]
    ys = list(range(len(rows)))
    left = [0] * len(rows)
    totals = [sum(counts.values()) for _, counts in rows]
    widest = max(totals, default=0) or 1
    for key, label, colour in STATUSES:
        widths = [counts.get(key, 0) for _, counts in rows]
        bars = ax.barh(ys, widths, left=left, height=0.62, color=colour, label=label,
                       edgecolor="white", linewidth=0.5)
        for bar, w in zip(bars, widths):
            if w and w / widest >= 0.04:  # room for the number
                ax.text(bar.get_x() + w / 2, bar.get_y() + bar.get_height() / 2, str(w),
                        ha="center", va="center", fontproperties=font,
                        color="white" if key in ("achieved", "off_track") else "black")
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(ys, names)
    ax.invert_yaxis()
    ax.set_xlim(0, widest * 1.02)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("目标数", fontproperties=font)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    if not rows:
        ax.text(0.5, 0.5, "暂无数据", transform=ax.transAxes, ha="center", va="center",
                fontproperties=FontProperties(family=family, size=12), color="#9e9e9e")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=6,
               prop=font, frameon=False, handlelength=1, columnspacing=1)
    return _png(fig)
