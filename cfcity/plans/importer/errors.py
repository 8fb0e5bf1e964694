"""The one error the importer raises: a message in Chinese naming the file and line."""
from __future__ import annotations


class PlanDocumentError(Exception):
    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.message = message
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where = f"{where} 第{self.line}行" if where else f"第{self.line}行"
        return f"{where}：{self.message}" if where else self.message
