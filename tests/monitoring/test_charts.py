"""The charts for Word documents: real PNGs, every Chinese label drawn as glyphs (not boxes)
in a CJK font that fonts.py finds, and no pyplot state shared between threads."""
import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from matplotlib import ft2font
from PIL import Image

from cfcity.monitoring import charts, fonts

TREND = dict(title="每千人口3岁以下婴幼儿托位数",
             points=[("2023年", 2.4), ("2024年", 3.1), ("2025年", 3.6)],
             target=4.5, unit="个", expected=[("2022年", 2.1), ("2025年", 4.5)])
ROWS = [("社会政策友好", {"achieved": 3, "on_track": 2, "at_risk": 1}),
        ("公共服务友好", {"on_track": 5, "off_track": 2, "no_data": 1, "not_due": 2}),
        ("成长空间友好", {})]
CHINESE = "".join(label for _, label, _ in charts.STATUSES) + TREND["title"] + "实际值预期进度目标值单位暂无数据"


def draw_both() -> tuple[bytes, bytes]:
    return charts.trend_png(**TREND), charts.status_bar_png("各领域目标进展", ROWS)


def missing_glyph_warnings(record) -> list[str]:
    return [str(w.message) for w in record
            if issubclass(w.category, UserWarning) and "missing from font" in str(w.message)]


def image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    img = Image.open(io.BytesIO(png))
    img.load()  # a truncated or corrupt file fails here
    assert img.format == "PNG"
    return img


def test_trend_png_is_an_image_of_the_page_width():
    img = image(charts.trend_png(**TREND))
    assert img.size == (round(charts.WIDTH_IN * charts.DPI), round(3.2 * charts.DPI))
    colours = {c[:3] for _, c in img.convert("RGBA").getcolors(maxcolors=1 << 20)}
    assert (0x15, 0x65, 0xc0) in colours  # the values' line
    assert (0xc6, 0x28, 0x28) in colours  # the target's dashed line


def test_trend_png_without_data_or_target():
    img = image(charts.trend_png("新指标", [], target=None, unit=None))
    assert img.size[0] == round(charts.WIDTH_IN * charts.DPI)


def test_status_bar_png_uses_the_fixed_status_colours():
    img = image(charts.status_bar_png("各领域目标进展", ROWS))
    assert img.size == (round(charts.WIDTH_IN * charts.DPI), round((1.3 + 0.32 * len(ROWS)) * charts.DPI))
    colours = {c[:3] for _, c in img.convert("RGBA").getcolors(maxcolors=1 << 20)}
    for key in ("achieved", "on_track", "at_risk", "off_track", "no_data", "not_due"):
        rgb = tuple(int(charts.STATUS_COLORS[key][i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, key


def test_status_bar_refuses_an_unknown_status():
    with pytest.raises(ValueError, match="late"):
        charts.status_bar_png("x", [("县民政局", {"late": 1})])


def test_statuses_are_the_models_statuses():
    from cfcity.monitoring.models import STATUS_CHOICES
    assert [(k, label) for k, label, _ in charts.STATUSES] == list(STATUS_CHOICES)
    assert charts.STATUS_COLORS == {"achieved": "#2e7d32", "on_track": "#66bb6a", "at_risk": "#f9a825",
                                    "off_track": "#c62828", "no_data": "#9e9e9e", "not_due": "#90caf9"}


def test_x_axis_in_period_order():
    assert charts._categories([("2024年", 3.1), ("2023年", 2.4)], [("2022年", 2.1), ("2025年", 4.5)]) \
        == ["2022年", "2023年", "2024年", "2025年"]
    assert charts._categories([("基期", 1), ("目前", 2)]) == ["基期", "目前"]


def test_chinese_is_drawn_with_glyphs():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        draw_both()
    assert missing_glyph_warnings(record) == []


def test_a_latin_font_would_be_caught(monkeypatch):
    """The check above can fail: drawn in DejaVu Sans, matplotlib warns of missing glyphs."""
    monkeypatch.setattr(fonts, "cjk_family", lambda: "DejaVu Sans")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        draw_both()
    missing = missing_glyph_warnings(record)
    assert missing and all("DejaVu Sans" in m for m in missing)


def test_the_font_found_is_a_cjk_font():
    path = fonts.find_cjk_font()
    font = ft2font.FT2Font(str(path))
    assert [ch for ch in CHINESE if font.get_char_index(ord(ch)) == 0] == []
    assert fonts.cjk_family() == font.family_name


def test_cjk_font_setting(settings, tmp_path):
    path = fonts.find_cjk_font()
    settings.CJK_FONT = str(path)
    assert fonts.find_cjk_font() == path

    settings.CJK_FONT = str(tmp_path / "nowhere.ttf")
    with pytest.raises(fonts.CJKFontMissing, match="CFCITY_CJK_FONT"):
        fonts.find_cjk_font()

    import matplotlib
    settings.CJK_FONT = str(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf")
    with pytest.raises(fonts.CJKFontMissing, match="不含中文字形"):
        fonts.find_cjk_font()


def test_no_cjk_font_says_which_package(settings, monkeypatch, tmp_path):
    settings.CJK_FONT = None
    monkeypatch.setattr(fonts, "KNOWN_PATHS", (tmp_path / "wqy-zenhei.ttc",))
    with pytest.raises(fonts.CJKFontMissing) as e:
        fonts.find_cjk_font()
    message = str(e.value)
    assert "apt-get install fonts-wqy-zenhei" in message
    assert "找不到中文字体" in message and "No CJK font found" in message


def test_threads_draw_the_same_charts():
    """No pyplot: figures drawn at once in several threads are those drawn one by one."""
    alone = charts.trend_png(**TREND)
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(lambda _: charts.trend_png(**TREND), range(2)))
    assert together == [alone, alone]
