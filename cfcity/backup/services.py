"""Create, verify and restore a backup — what ``cfcity backup`` calls.

Create: database snapshot first, then the media files. Files are only ever added (evidence
is named by its hash), and a row is committed only after its file is written, so every
file the snapshot refers to is already there when the directory is walked; a file added
meanwhile is merely an extra.

Restore: the whole archive is decrypted, authenticated and checked into a temporary
directory beside the media directory (manifest hashes, database file, migration state equal
to the code's). Only then — and after the operator has said yes — is the database replaced
(in one transaction) and the media directory swapped by renaming.
"""
from __future__ import annotations

import getpass
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from cfcity.audit.services import log_action

from . import BackupError, archive, database, keys


class _NoBar:
    def update(self, n):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def no_progress(total, desc):
    return _NoBar()


def media_root() -> Path:
    location = getattr(default_storage, "location", None)
    if location is None:
        raise BackupError("文件存储不是本机目录，无法备份上传的文件")
    return Path(location).resolve()


@dataclass
class Created:
    path: Path
    size: int
    sha256: str
    manifest: dict
    key: keys.KeySource
    seconds: float


def create(path, *, progress=no_progress, actor=None) -> Created:
    """Write an encrypted backup to ``path`` (never overwriting a file)."""
    started = time.monotonic()
    path = Path(path).expanduser().absolute()
    media = media_root()
    if path.exists():
        raise BackupError(f"{path} 已存在：备份不会覆盖已有文件，请换一个文件名")
    if path.resolve().is_relative_to(media):
        raise BackupError(f"备份文件不能放在上传文件目录 {media} 里")
    if not path.parent.is_dir():
        raise BackupError(f"目录 {path.parent} 不存在")
    key = keys.load(create=True)
    partial = path.with_name(path.name + ".partial")
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    # the plain snapshot stays in the data directory, beside the live database
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".backup-") as work:
        snap = database.snapshot(Path(work))
        total = snap.path.stat().st_size + sum(p.stat().st_size for _, p in archive.media_files(media))
        now = timezone.now()
        head = {"created_at": timezone.localtime(now).isoformat(), "timestamp": int(now.timestamp()),
                "cfcity": _version("cfcity"), "django": _version("django")}
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise BackupError(f"{partial} 已存在：可能另一个备份正在进行；若不是，请删除它再试") from None
        except OSError as e:
            raise BackupError(f"无法写入 {partial}：{e.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as f, progress(total, "备份") as bar:
                out = archive.HashingOut(f)
                manifest = archive.write(out, key.key, snap=snap, media_root=media, head=head,
                                         progress=bar.update)
                f.flush()
                os.fsync(f.fileno())
            os.rename(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    result = Created(path, out.size, out.sha.hexdigest(), manifest, key, time.monotonic() - started)
    log_action("backup.created", actor=actor, data={
        "file": str(path), "size": result.size, "sha256": result.sha256, "engine": snap.engine,
        "tables": len(snap.tables), "rows": sum(snap.tables.values()),
        "files": manifest["media"]["files"], "key": key.where, "os_user": _os_user()})
    return result


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


@contextmanager
def unpacked(path, *, progress=no_progress):
    """The backup at ``path`` decrypted and checked in a temporary directory, removed on exit.
    Nothing outside that directory is touched. Raises BackupError for any problem."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    key = keys.load(create=False)
    media = media_root()
    media.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=media.parent, prefix=".restore-"))
    try:
        with open(path, "rb") as f, progress(path.stat().st_size, "校验") as bar:
            result = archive.unpack(f, key.key, work, progress=bar.update)
        _check(result)
        yield result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check(u: archive.Unpacked):
    here = database.engine()
    if u.engine != here:
        raise BackupError(f"这是 {database.ENGINE_NAMES[u.engine]} 数据库的备份，当前使用的是 "
                          f"{database.ENGINE_NAMES[here]}：不能跨数据库类型恢复")
    problems = database.migration_problems(u.manifest.get("migrations") or {})
    if problems:
        raise BackupError("备份的数据库结构与当前程序版本不一致：" + "；".join(problems) +
                          "。请用做备份时的 cfcity 版本恢复（恢复后再升级）")
    problems = database.check(u.engine, u.database, u.manifest.get("tables") or {})
    if problems:
        raise BackupError("；".join(problems))


def _swap(media: Path, new: Path):
    """Put the directory ``new`` (beside ``media``) in the place of ``media``: two renames."""
    new.mkdir(exist_ok=True)
    old = media.with_name(f"{media.name}.before-restore-{int(time.time())}")
    try:
        if media.exists():
            os.rename(media, old)
    except OSError:  # a mount point cannot be renamed: replace what is inside it instead
        for child in list(media.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        for child in list(new.iterdir()):
            shutil.move(child, media / child.name)
        return
    try:
        os.rename(new, media)
    except OSError:
        os.rename(old, media)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def restore(u: archive.Unpacked, *, actor=None, source: str = "") -> dict:
    """Replace the database and the media files with those of the checked backup ``u``."""
    database.restore(u.engine, u.database)
    _swap(media_root(), u.media)
    counts = database.row_counts()
    expected = u.manifest["tables"]
    differ = sorted(t for t in expected if counts.get(t) != expected[t])
    log_action("backup.restored", actor=actor, data={
        "file": source, "created_at": u.manifest.get("created_at"), "engine": u.engine,
        "rows": sum(expected.values()), "files": u.manifest["media"]["files"], "os_user": _os_user()})
    return {"differ": differ}
