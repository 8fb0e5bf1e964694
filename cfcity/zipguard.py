"""Before a zip-based document (.xlsx, .docx) is opened: will it unpack to a sane size?

openpyxl and python-docx inflate whatever a file declares, and a 50 KB file can declare
gigabytes (a zip bomb). Python's zipfile never inflates a member beyond the size declared in
the central directory (the CRC check fails instead), so checking the declared sizes here
bounds the memory and time of every reader that opens the file afterwards. Plain Python, no
Django: the plan importer uses it too.
"""
from __future__ import annotations

import io
import zipfile
from os import PathLike

MAX_MEMBERS = 5000          # an .xlsx has a few dozen parts; tens of thousands is not a workbook
MAX_RATIO = 200             # sheet XML compresses 10–50×; hundreds of × is filler
RATIO_FLOOR = 4 * 1024 * 1024  # below this a member is too small to matter, whatever its ratio


class ZipRefused(ValueError):
    """The file would unpack too big (or is not a zip: ``ZipDamaged``); ``str(e)`` is for the user."""


class ZipDamaged(ZipRefused):
    """Not a readable zip at all."""


def check_zip(source: bytes | str | PathLike, *, max_unpacked: int, what: str = "文件") -> list[zipfile.ZipInfo]:
    """Refuse a zip that is damaged, has too many parts, would unpack to more than
    ``max_unpacked`` bytes, or has a member compressed beyond any real document. Returns the
    members (so callers can look for the parts they need without opening the zip again)."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ZipDamaged(f"{what}已损坏，或不是有效的压缩格式文档") from None
    if len(infos) > MAX_MEMBERS:
        raise ZipRefused(f"{what}内含 {len(infos)} 个部件，超过上限 {MAX_MEMBERS}，不是正常的文档")
    total = sum(i.file_size for i in infos)
    if total > max_unpacked:
        raise ZipRefused(f"{what}解压后约 {_mb(total)}，超过上限 {_mb(max_unpacked)}，"
                         f"可能是“压缩炸弹”，已拒绝读取")
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise ZipRefused(f"{what}中的“{i.filename[:60]}”压缩比异常（{i.file_size // max(i.compress_size, 1)} 倍），"
                             f"可能是“压缩炸弹”，已拒绝读取")
    return infos


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"
