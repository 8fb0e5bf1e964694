"""What is inside the encrypted stream: a tar (pax) archive with

    database/cfcity.sqlite3 | database/cfcity.pgdump    the engine's snapshot
    media/…                                             the uploaded files (evidence, reports)
    manifest.json                                       last: format, engine, migration state,
                                                        rows per table, size and SHA-256 of each member

Reading never trusts a name: only those three kinds of member, no links, no "..", no
absolute paths, no duplicates; every member is hashed as it is written out and compared
with the manifest once the whole file has been authenticated.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import BackupError
from .database import MEMBER, Snapshot
from .stream import DecryptingReader, EncryptingWriter

FORMAT = "cfcity-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
COPY = 1024 * 1024


class _Hashing:
    """Reads ``size`` bytes of a file, hashing them and reporting progress."""

    def __init__(self, f, progress):
        self.f, self.progress, self.sha = f, progress, hashlib.sha256()

    def read(self, n=-1):
        data = self.f.read(n)
        self.sha.update(data)
        self.progress(len(data))
        return data


class HashingOut:
    """The output file, counting and hashing what is written (the archive's own SHA-256)."""

    def __init__(self, f):
        self.f, self.sha, self.size = f, hashlib.sha256(), 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.f.write(data)


def media_files(root: Path) -> list[tuple[str, Path]]:
    """(member name, path) of every regular file under the media root; links are not followed."""
    out = []
    if not root.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            out.append((str(PurePosixPath(MEDIA, path.relative_to(root).as_posix())), path))
    return out


def _add(tar: tarfile.TarFile, name: str, path: Path, members: dict, progress) -> bool:
    try:
        f = open(path, "rb")
    except FileNotFoundError:  # removed since the listing: it was not in the snapshot either
        return False
    with f:
        st = os.fstat(f.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = st.st_size, int(st.st_mtime), 0o600
        reader = _Hashing(f, progress)
        tar.addfile(info, reader)  # copies exactly info.size bytes: a file still growing is cut there
    members[name] = {"size": info.size, "sha256": reader.sha.hexdigest()}
    return True


def write(out, key: bytes, *, snap: Snapshot, media_root: Path, head: dict, progress=lambda n: None) -> dict:
    """Write the archive of ``snap`` and the media files to ``out``; returns the manifest."""
    enc = EncryptingWriter(out, key)
    members: dict[str, dict] = {}
    with tarfile.open(fileobj=enc, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, MEMBER[snap.engine], snap.path, members, progress)
        d = tarfile.TarInfo(MEDIA)
        d.type, d.mode = tarfile.DIRTYPE, 0o700
        tar.addfile(d)
        files = media_files(media_root)
        enc.compression(0)  # evidence (PDF, images, Office files) is compressed already: store it
        count = sum(_add(tar, name, path, members, progress) for name, path in files)
        enc.compression(6)
        manifest = {
            "format": FORMAT, "version": FORMAT_VERSION, **head,
            "engine": snap.engine, "migrations": snap.migrations, "tables": snap.tables,
            "media": {"files": count, "bytes": sum(m["size"] for n, m in members.items() if n.startswith(MEDIA + "/"))},
            "members": members,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(head.get("timestamp", 0)), 0o600
        tar.addfile(info, io.BytesIO(data))
    enc.close()
    return manifest


@dataclass
class Unpacked:
    dir: Path
    manifest: dict

    @property
    def engine(self) -> str:
        return self.manifest["engine"]

    @property
    def database(self) -> Path:
        return self.dir / MEMBER[self.engine]

    @property
    def media(self) -> Path:
        return self.dir / MEDIA


def _safe_name(name: str) -> PurePosixPath:
    p = PurePosixPath(name)
    ok = (name and not p.is_absolute() and ".." not in p.parts and "\\" not in name and "\x00" not in name
          and (name in (MANIFEST, MEDIA) or name in MEMBER.values() or p.parts[0] == MEDIA))
    if not ok:
        raise BackupError(f"备份中有不应出现的内容：{name[:100]!r}")
    return p


def unpack(src, key: bytes, dest: Path, *, progress=lambda n: None) -> Unpacked:
    """Decrypt and unpack ``src`` into the empty directory ``dest``, then check every member
    against the manifest. Raises BackupError (the caller removes ``dest``)."""
    reader = DecryptingReader(src, key, on_read=progress)
    seen: dict[str, dict] = {}
    manifest_bytes = None
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for info in tar:
                rel = _safe_name(info.name)
                name = str(rel)
                if name in seen or (name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"备份中同一内容出现了两次：{name}")
                if info.isdir():
                    (dest / rel).mkdir(parents=True, exist_ok=True, mode=0o700)
                    continue
                if not info.isfile():
                    raise BackupError(f"备份中有不应出现的链接或特殊文件：{name}")
                f = tar.extractfile(info)
                if name == MANIFEST:
                    manifest_bytes = f.read()
                    continue
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                sha, size = hashlib.sha256(), 0
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
                with os.fdopen(fd, "wb") as out:
                    while chunk := f.read(COPY):
                        sha.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[name] = {"size": size, "sha256": sha.hexdigest()}
        reader.drain()  # the tar ends before the stream: authenticate the rest, and its end
    except tarfile.TarError as e:
        raise BackupError(f"备份文件内容无法读取：{e}") from None
    return Unpacked(dest, _check_manifest(manifest_bytes, seen))


def _check_manifest(data: bytes | None, seen: dict) -> dict:
    if data is None:
        raise BackupError("备份中没有清单（manifest.json）：文件不完整")
    try:
        manifest = json.loads(data)
    except ValueError:
        raise BackupError("备份清单无法读取") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"备份清单的格式 {manifest.get('format')} {manifest.get('version')} 不受支持")
    if manifest.get("engine") not in MEMBER:
        raise BackupError(f"备份清单中的数据库类型不对：{manifest.get('engine')!r}")
    listed = manifest.get("members") or {}
    if MEMBER[manifest["engine"]] not in listed:
        raise BackupError("备份中没有数据库")
    missing = sorted(set(listed) - set(seen))
    extra = sorted(set(seen) - set(listed))
    changed = sorted(n for n in set(listed) & set(seen) if listed[n] != seen[n])
    for what, names in (("缺少", missing), ("多出", extra), ("校验值不符", changed)):
        if names:
            raise BackupError(f"备份内容与清单不符（{what}：{'、'.join(names[:5])}{'……' if len(names) > 5 else ''}）")
    return manifest
