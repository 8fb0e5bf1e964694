"""Checking an uploaded file by its bytes (as reporting evidence is) before it is stored.

Photos must be JPEG, PNG or WebP that Pillow can decode; they are re-encoded on the way in,
which drops EXIF and every other metadata block (a phone photo's GPS position of a
children's activity must not reach the public site). Attachments take the evidence types.
"""
from __future__ import annotations

import hashlib
import io

from cfcity.reporting import workflow
from cfcity.reporting.services import ReportingError

PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


class FileRefused(ReportingError):
    pass


def content_type(name: str, data: bytes) -> str:
    return workflow.evidence_type(name, data, FileRefused)


def clean_photo(name: str, data: bytes) -> tuple[bytes, str]:
    """The photo re-encoded without metadata, and its type; ``FileRefused`` if it is none."""
    from PIL import Image, UnidentifiedImageError
    ctype = content_type(name, data)
    if ctype not in PHOTO_TYPES:
        raise FileRefused(f"文件“{name}”不是照片（只接受 JPEG、PNG、WebP 图片）")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise FileRefused(f"照片“{name}”像素过多（{probe.width}×{probe.height}）")
            probe.load()
            image = probe.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise FileRefused(f"照片“{name}”已损坏，无法打开")
    out = io.BytesIO()
    if ctype == "image/jpeg":
        image.convert("RGB").save(out, "JPEG", quality=88)
    elif ctype == "image/png":
        image.save(out, "PNG")
    else:
        image.save(out, "WEBP", quality=88)
    return out.getvalue(), ctype


def stored(name: str, data: bytes, ctype: str) -> dict:
    """The fields every stored file row keeps."""
    return {"original_name": workflow.safe_name(name), "content_type": ctype,
            "extension": workflow.ALLOWED_EVIDENCE[ctype], "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}
