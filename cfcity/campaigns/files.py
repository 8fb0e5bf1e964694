"""What a child's work may be, read from its bytes, never from its name.

Drawings (and photographed writing) are PNG or JPEG that Pillow can decode; they are
re-encoded on the way in (cfcity.cases.files.clean_photo), which drops EXIF — a phone photo's
GPS position must not reach the public gallery. Songs are MP3, M4A, WAV or Ogg; videos MP4,
QuickTime (.mov, as phones record them) or WebM; a song may also be a video of the child
singing. Audio and video are stored as sent (we do not transcode), under the type found in
their first bytes, and are always served with that type and ``nosniff``.

Size limits per medium: ``CAMPAIGN_MAX_BYTES = {"image": …, "audio": …, "video": …}`` in
settings, defaults 10, 20 and 100 MB.
"""
from __future__ import annotations

import hashlib

from django.conf import settings

from cfcity.cases.files import FileRefused, clean_photo
from cfcity.reporting import workflow

from .models import Kind

MB = 1024 * 1024
DEFAULT_MAX = {"image": 10 * MB, "audio": 20 * MB, "video": 100 * MB}
EXTENSIONS = {
    "image/png": ".png", "image/jpeg": ".jpg",
    "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/wav": ".wav", "audio/ogg": ".ogg",
    "video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm",
}
ACCEPTS = {  # kind → the media it may be
    Kind.DRAWING: ("image",), Kind.WRITING: ("image",), Kind.SONG: ("audio", "video"), Kind.VIDEO: ("video",),
}
ACCEPT_ATTR = {  # the file picker's hint (the bytes decide)
    "image": "image/png,image/jpeg", "audio": "audio/*,.mp3,.m4a,.wav,.ogg", "video": "video/*,.mp4,.mov,.webm"}
MEDIA_WORDS = {"image": "PNG 或 JPG 图片", "audio": "MP3、M4A、WAV 或 OGG 录音", "video": "MP4、MOV 或 WebM 视频"}
AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}


class WorkRefused(FileRefused):
    """A file or a form we do not take; the message is for the child and the guardian as is."""


def max_bytes(media: str) -> int:
    return {**DEFAULT_MAX, **getattr(settings, "CAMPAIGN_MAX_BYTES", {})}[media]


def sniff(head: bytes) -> str | None:
    """The content type of a work from its first bytes (64 are enough)."""
    image = workflow.sniff(head[:16])
    if image in ("image/png", "image/jpeg"):
        return image
    if head[4:8] == b"ftyp" and int.from_bytes(head[:4], "big") >= 8:
        brand = head[8:12]
        if brand in AUDIO_BRANDS:
            return "audio/mp4"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
                              and head[1] & 0x06 == 0x02):  # an MPEG frame sync, layer III
        return "audio/mpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return "video/webm"
    return None


def allowed_media(kind: str) -> tuple[str, ...]:
    return ACCEPTS.get(kind, ())


def check_size(kind: str, size: int):
    """Refuse an empty file, or one larger than the largest medium ``kind`` may be — before it is read."""
    if size <= 0:
        raise WorkRefused("上传的文件是空的，请重新选择作品文件")
    limit = max(max_bytes(m) for m in allowed_media(kind))
    if size > limit:
        raise WorkRefused(f"文件太大了（{size / MB:.1f} MB），{Kind(kind).label}作品的文件不能超过 {limit // MB} MB")


def clean(kind: str, data: bytes) -> tuple[bytes, str]:
    """The bytes to store and their type; ``WorkRefused`` with a message a child understands."""
    check_size(kind, len(data))
    ctype = sniff(data[:64])
    media = ctype.split("/", 1)[0] if ctype else None
    accepted = allowed_media(kind)
    if media not in accepted:
        words = "或".join(MEDIA_WORDS[m] for m in accepted)
        raise WorkRefused(f"这个文件不是{Kind(kind).label}作品能用的格式。请上传{words}"
                          f"（文件的内容要和格式一致，只改文件名是不行的）")
    if len(data) > max_bytes(media):
        raise WorkRefused(f"文件太大了（{len(data) / MB:.1f} MB），{MEDIA_WORDS[media]}不能超过 "
                          f"{max_bytes(media) // MB} MB")
    if media == "image":
        try:
            data, ctype = clean_photo("作品图片", data)
        except FileRefused:
            raise WorkRefused("图片打不开（可能已损坏），请换一张 PNG 或 JPG 图片再试")
    return data, ctype


def stored(data: bytes, ctype: str) -> dict:
    return {"content_type": ctype, "extension": EXTENSIONS[ctype], "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}
