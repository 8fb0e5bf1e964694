"""The CJK font the Word charts are drawn with.

matplotlib's own font (DejaVu Sans) has no Chinese glyphs: every 已达标 would print as boxes.
``cjk_family()`` finds a CJK font — the file named by ``CFCITY_CJK_FONT``, else the first of
the Debian fonts below that is installed — registers it with matplotlib's font manager once,
and returns its family name, which the charts then ask for by name (no global rcParams).
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cfcity.env import envstr

DEBIAN_PACKAGE = "fonts-wqy-zenhei"
# in order of preference; the first is what `make` installs
KNOWN_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),            # fonts-wqy-zenhei
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # fonts-noto-cjk
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),          # fonts-wqy-microhei
)
# characters a font must have to count as CJK here (the status labels among them)
PROBE = "中文已达标进展正常存在风险严重滞后暂无数据未到评估期"


class CJKFontMissing(ImproperlyConfigured):
    """No usable CJK font: the message says in Chinese and English how to get one."""


def _configured() -> str | None:
    if settings.configured:
        return getattr(settings, "CJK_FONT", None) or None
    return envstr("CJK_FONT") or None


def _missing_glyphs(path: Path) -> str:
    from matplotlib import ft2font

    font = ft2font.FT2Font(str(path))
    return "".join(ch for ch in PROBE if font.get_char_index(ord(ch)) == 0)


def find_cjk_font() -> Path:
    """The CJK font file to use; raises CJKFontMissing (never falls back to a Latin font)."""
    configured = _configured()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise CJKFontMissing(
                f"CFCITY_CJK_FONT 指定的字体文件不存在：{path}。"
                f"CFCITY_CJK_FONT names a font file that does not exist: {path}")
        try:
            missing = _missing_glyphs(path)
        except (OSError, RuntimeError) as e:  # not a font FreeType can read
            raise CJKFontMissing(
                f"CFCITY_CJK_FONT 指定的文件无法作为字体读取：{path}（{e}）。"
                f"CFCITY_CJK_FONT is not a readable font file: {path} ({e})") from e
        if missing:
            raise CJKFontMissing(
                f"CFCITY_CJK_FONT 指定的字体不含中文字形（缺少“{missing}”）：{path}。"
                f"The font named by CFCITY_CJK_FONT has no Chinese glyphs: {path}")
        return path
    for path in KNOWN_PATHS:
        if path.is_file():
            return path
    raise CJKFontMissing(
        "找不到中文字体，图表中的汉字将无法显示。请安装 Debian 软件包 "
        f"{DEBIAN_PACKAGE}（sudo apt-get install {DEBIAN_PACKAGE}），"
        "或用环境变量 CFCITY_CJK_FONT 指定一个中文字体文件。"
        f"No CJK font found, so chart labels cannot be drawn: install Debian's {DEBIAN_PACKAGE} "
        f"(sudo apt-get install {DEBIAN_PACKAGE}) or set CFCITY_CJK_FONT to a CJK font file. "
        f"Looked for: {', '.join(str(p) for p in KNOWN_PATHS)}")


_lock = threading.Lock()
_registered: dict[Path, str] = {}


class _QuietWeightFallback(logging.Filter):
    """A CJK font usually comes in one weight (WenQuanYi Zen Hei: 500 only), so matplotlib
    logs "Failed to find font weight normal/bold" for every text style it is asked for:
    expected here, and not worth a warning in the server log."""

    def __init__(self, families: set[str]):
        super().__init__()
        self.families = families

    def filter(self, record: logging.LogRecord) -> bool:
        return not (str(record.msg).startswith("findfont: Failed to find font weight")
                    and isinstance(record.args, tuple) and len(record.args) > 1
                    and any(f in str(record.args[1]) for f in self.families))


_quiet = _QuietWeightFallback(set())


def cjk_family() -> str:
    """Register the CJK font with matplotlib (once per file) and return its family name."""
    path = find_cjk_font()
    with _lock:
        family = _registered.get(path)
        if family is None:
            from matplotlib import font_manager

            font_manager.fontManager.addfont(str(path))
            family = font_manager.FontProperties(fname=str(path)).get_name()
            _registered[path] = family
            _quiet.families.add(family)
            logger = logging.getLogger("matplotlib.font_manager")
            if _quiet not in logger.filters:
                logger.addFilter(_quiet)
    return family
