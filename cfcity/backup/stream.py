"""The encrypted stream a backup file is made of: zlib-compressed (one zlib stream after
another: the writer stores files that are compressed already), then AES-256-GCM in chunks.

No Django here. Layout::

    header   MAGIC(8) | version(1) | chunk size(4) | salt(16) | key id(8)
    chunk*   flags+length(4) | ciphertext+tag(length)

Each file gets its own key, HKDF(master key, salt), so chunk nonces can simply count from
0 without ever repeating under one key. Every chunk's associated data is the header, the
chunk's index and its final flag: an edited header, a chunk moved, dropped or replaced,
a file cut short (no final chunk) or with bytes after the final chunk — all are refused.
Memory stays at about two chunks whatever the size of the backup.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import struct
import zlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import BackupError

MAGIC = b"CFCITYBK"
VERSION = 1
CHUNK = 1024 * 1024
TAG = 16
_HEADER = struct.Struct(">8sBI16s8s")
_FINAL = 0x80000000
KEY_BYTES = 32


class StreamError(BackupError):
    """The file is not a backup, not for this key, or has been changed or cut short."""


def key_id(master: bytes) -> bytes:
    """Eight bytes naming the key (not revealing it), so a wrong key reads as such."""
    return hmac.new(master, b"cfcity-backup key id", hashlib.sha256).digest()[:8]


def _file_key(master: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"cfcity-backup v1 file key")
    return AESGCM(hkdf.derive(master))


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


class EncryptingWriter:
    """A write-only file object: what is written is compressed, encrypted and passed to
    ``out`` chunk by chunk. ``close()`` writes the final chunk (and does not close ``out``)."""

    def __init__(self, out, master: bytes, *, chunk: int = CHUNK, level: int = 6):
        if len(master) != KEY_BYTES:
            raise ValueError("key must be 32 bytes")
        self._out = out
        self._chunk = chunk
        salt = os.urandom(16)
        self._header = _HEADER.pack(MAGIC, VERSION, chunk, salt, key_id(master))
        self._aead = _file_key(master, salt)
        self._zip, self._level = zlib.compressobj(level), level
        self._buf = bytearray()
        self._index = 0
        self._closed = False
        out.write(self._header)

    def compression(self, level: int):
        """Compress what follows at ``level`` (0: store — for files that are compressed
        already: PDF, JPEG, PNG, Office documents). A new zlib stream starts; the reader
        reads them one after another."""
        if level != self._level:
            self._buf += self._zip.flush()
            self._zip, self._level = zlib.compressobj(level), level

    def write(self, data) -> int:
        self._buf += self._zip.compress(data)
        while len(self._buf) >= self._chunk:
            self._emit(bytes(self._buf[:self._chunk]), final=False)
            del self._buf[:self._chunk]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool):
        sealed = self._aead.encrypt(_nonce(self._index), plain, _aad(self._header, self._index, final))
        self._out.write(struct.pack(">I", len(sealed) | (_FINAL if final else 0)))
        self._out.write(sealed)
        self._index += 1

    def flush(self):
        pass

    def close(self):
        if self._closed:
            return
        self._buf += self._zip.flush()
        while len(self._buf) > self._chunk:
            self._emit(bytes(self._buf[:self._chunk]), final=False)
            del self._buf[:self._chunk]
        self._emit(bytes(self._buf), final=True)  # exactly one final chunk, maybe empty
        self._buf.clear()
        self._closed = True


def read_header(src, master: bytes) -> bytes:
    header = src.read(_HEADER.size)
    if len(header) < _HEADER.size or header[:8] != MAGIC:
        raise StreamError("这不是 cfcity 备份文件（文件头不对）")
    _, version, chunk, _salt, kid = _HEADER.unpack(header)
    if version != VERSION:
        raise StreamError(f"备份文件格式版本 {version} 不受支持（本程序支持版本 {VERSION}）")
    if not 0 < chunk <= 64 * CHUNK:
        raise StreamError("备份文件头已损坏")
    if not hmac.compare_digest(kid, key_id(master)):
        raise StreamError("备份文件不是用当前密钥加密的：请检查 CFCITY_BACKUP_KEY / CFCITY_BACKUP_KEY_FILE "
                          "或密钥文件是否就是做备份时用的那一个")
    return header


class DecryptingReader:
    """A read-only file object over an encrypted backup: each chunk is authenticated before
    any of its bytes are returned. Reading past the end checks that the file ended with its
    final chunk and nothing after it."""

    def __init__(self, src, master: bytes, *, on_read=None):
        self._src = src
        self._header = read_header(src, master)
        _, _, self._chunk, salt, _ = _HEADER.unpack(self._header)
        self._aead = _file_key(master, salt)
        self._unzip, self._pending = zlib.decompressobj(), False
        self._buf = bytearray()
        self._index = 0
        self._done = False
        self._on_read = on_read or (lambda n: None)
        self._on_read(len(self._header))

    def _next_chunk(self) -> bytes:
        raw = self._src.read(4)
        if len(raw) < 4:
            raise StreamError("备份文件不完整（被截断）")
        (word,) = struct.unpack(">I", raw)
        final, length = bool(word & _FINAL), word & ~_FINAL
        if not TAG <= length <= self._chunk + TAG:
            raise StreamError(f"备份文件第 {self._index + 1} 块已损坏或被改动")
        sealed = self._src.read(length)
        if len(sealed) < length:
            raise StreamError("备份文件不完整（被截断）")
        self._on_read(4 + length)
        try:
            plain = self._aead.decrypt(_nonce(self._index), sealed, _aad(self._header, self._index, final))
        except InvalidTag:
            raise StreamError(f"备份文件第 {self._index + 1} 块校验失败：文件已损坏、被改动或顺序被打乱") from None
        self._index += 1
        if final:
            if self._src.read(1):
                raise StreamError("备份文件末尾有多余的数据：文件已被改动")
            self._done = True
        return plain

    def read(self, n: int = -1) -> bytes:
        while not self._done and (n < 0 or len(self._buf) < n):
            self._inflate(self._next_chunk())
        if n < 0:
            n = len(self._buf)
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def drain(self):
        """Read (and authenticate) whatever is left, so a cut-off end is noticed."""
        while not self._done:
            self._inflate(self._next_chunk())
            del self._buf[:]

    def _inflate(self, data: bytes):
        try:
            while data:
                self._buf += self._unzip.decompress(data)
                self._pending, data = True, b""
                if self._unzip.eof:  # one zlib stream ended: the next one may follow
                    data, self._unzip, self._pending = self._unzip.unused_data, zlib.decompressobj(), False
        except zlib.error:
            raise StreamError("备份文件内容无法解压：文件已损坏") from None
        if self._done and self._pending:  # the last zlib stream must have ended with the file
            raise StreamError("备份文件内容不完整")
