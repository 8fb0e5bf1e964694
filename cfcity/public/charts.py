"""Charts of the public site as server-drawn SVG (no script, no inline style: the strict CSP
holds), each with a title for screen readers and a data table beside it as its text form."""
from __future__ import annotations

from dataclasses import dataclass

from cfcity.monitoring.charts import STATUS_COLORS, STATUSES

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 600, 280, 76, 24, 20, 48  # text at 20 units: ~13 px on a phone


@dataclass
class Point:
    x: float
    y: float
    label: str
    value: float


def line_chart(series: list, target_value: float | None = None) -> dict | None:
    """``series``: [[iso date, value], …] → the coordinates the template draws."""
    if not series:
        return None
    values = [float(v) for _, v in series]
    top = max(values + ([target_value] if target_value is not None else []))
    bottom = min(0.0, *values)
    span = (top - bottom) or 1.0
    n = len(series)
    inner_w, inner_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def y(v):
        return round(PAD_T + inner_h * (1 - (v - bottom) / span), 1)

    points = [Point(x=round(PAD_L + (inner_w * (i / (n - 1)) if n > 1 else inner_w / 2), 1), y=y(float(v)),
                    label=str(d)[:10], value=float(v)) for i, (d, v) in enumerate(series)]
    return {"w": W, "h": H, "points": points, "polyline": " ".join(f"{p.x},{p.y}" for p in points),
            "target_y": y(target_value) if target_value is not None else None, "target": target_value,
            "axis_y": H - PAD_B, "left": PAD_L, "right": W - PAD_R, "top_label": _fmt(top),
            "bottom_label": _fmt(bottom), "top_y": PAD_T, "label_y": H - PAD_B + 32}


def status_bar(counts: dict[str, int]) -> dict:
    """One stacked bar of the targets by status, and the rows of its table."""
    total = sum(counts.values()) or 1
    x, parts = 0.0, []
    for key, label, colour in STATUSES:
        n = counts.get(key, 0)
        width = round(W * n / total, 1)
        parts.append({"key": key, "label": label, "n": n, "x": round(x, 1), "width": width, "colour": colour,
                      "share": round(100 * n / total)})
        x += width
    return {"w": W, "h": 28, "parts": parts, "total": sum(counts.values())}


def _fmt(v: float) -> str:
    return f"{v:g}"


__all__ = ["line_chart", "status_bar", "STATUS_COLORS"]
