"""Front-end files from npm packages, served as static files under ``vendor/``.

Only the files pages use are exposed (``settings.VENDOR_FILES``: static path → file under
node_modules), not whole package folders: ECharts' dist alone is 51 MB of builds nobody
loads, which collectstatic and WhiteNoise would otherwise copy, compress and index.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.files: dict[str, Path] = {k: Path(v) for k, v in getattr(settings, "VENDOR_FILES", {}).items()}

    def check(self, **kwargs):
        return [Error(f"前端依赖文件不存在：{path}（请运行 npm ci）", id="cfcity.E001")
                for path in self.files.values() if not path.is_file()]

    def find(self, path, find_all=False, **kwargs):
        found = self.files.get(path)
        if found is None or not found.is_file():
            return [] if find_all else None
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns):
        for static_path, file in self.files.items():
            prefix, _, name = static_path.rpartition("/")
            storage = FileSystemStorage(location=file.parent)
            storage.prefix = prefix
            yield name, storage
