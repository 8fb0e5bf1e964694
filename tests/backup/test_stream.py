"""The encrypted stream (cfcity/backup/stream.py), without Django: round trip in many chunks,
and every way of cutting, moving or editing chunks is refused."""
import io
import os
import struct
import zlib

import pytest

from cfcity.backup.stream import (CHUNK, DecryptingReader, EncryptingWriter, StreamError, _HEADER,
                                  read_header)

KEY = bytes(range(32))
HEADER = _HEADER.size


def seal(data: bytes, *, chunk=64, key=KEY) -> bytes:
    out = io.BytesIO()
    w = EncryptingWriter(out, key, chunk=chunk, level=0)  # level 0: sizes stay predictable
    for i in range(0, len(data), 50):
        w.write(data[i:i + 50])
    w.close()
    return out.getvalue()


def open_(sealed: bytes, key=KEY) -> bytes:
    r = DecryptingReader(io.BytesIO(sealed), key)
    data = r.read()
    r.drain()
    return data


def chunks(sealed: bytes) -> list[bytes]:
    """The records (length word + ciphertext) after the header."""
    out, pos = [], HEADER
    while pos < len(sealed):
        (word,) = struct.unpack(">I", sealed[pos:pos + 4])
        n = word & 0x7FFFFFFF
        out.append(sealed[pos:pos + 4 + n])
        pos += 4 + n
    return out


DATA = os.urandom(1000)


def test_round_trip_in_many_chunks_and_in_one():
    sealed = seal(DATA)
    assert len(chunks(sealed)) > 10
    assert open_(sealed) == DATA
    assert open_(seal(b"")) == b""
    big = os.urandom(3 * CHUNK + 5)
    out = io.BytesIO()
    w = EncryptingWriter(out, KEY)
    w.write(big)
    w.close()
    assert open_(out.getvalue()) == big
    assert DATA not in sealed and DATA[:32] not in sealed


def test_compression_can_change_midway_and_the_last_stream_must_end():
    out = io.BytesIO()
    w = EncryptingWriter(out, KEY, chunk=64)
    w.write(b"a" * 500)
    w.compression(0)
    w.write(DATA)
    w.compression(9)
    w.write(b"b" * 500)
    w.close()
    assert open_(out.getvalue()) == b"a" * 500 + DATA + b"b" * 500
    # a writer that never finished its zlib stream (sealed properly all the same) is caught
    out = io.BytesIO()
    w = EncryptingWriter(out, KEY, chunk=64)
    real = w._zip

    class Unfinished:  # the data all there, the zlib stream not ended
        compress = real.compress

        def flush(self):
            return real.flush(zlib.Z_SYNC_FLUSH)
    w._zip = Unfinished()
    w.write(DATA)
    w.close()
    with pytest.raises(StreamError, match="不完整"):
        open_(out.getvalue())


def test_two_backups_of_the_same_data_differ():  # a fresh salt, hence a fresh key, per file
    assert seal(DATA)[HEADER:] != seal(DATA)[HEADER:]


def test_a_wrong_key_is_named_as_such():
    with pytest.raises(StreamError, match="不是用当前密钥加密的"):
        open_(seal(DATA), key=bytes(32))


@pytest.mark.parametrize("cut", ["last chunk", "at a chunk boundary", "inside a chunk", "header"])
def test_a_file_cut_short_is_refused(cut):
    sealed = seal(DATA)
    parts = chunks(sealed)
    short = {"last chunk": sealed[:len(sealed) - len(parts[-1])],
             "at a chunk boundary": sealed[:HEADER + sum(map(len, parts[:3]))],
             "inside a chunk": sealed[:HEADER + len(parts[0]) + 10],
             "header": sealed[:20]}[cut]
    with pytest.raises(StreamError):
        open_(short)


def test_moved_dropped_or_edited_chunks_are_refused():
    sealed = seal(DATA)
    head, parts = sealed[:HEADER], chunks(sealed)
    swapped = head + parts[1] + parts[0] + b"".join(parts[2:])
    dropped = head + parts[0] + b"".join(parts[2:])
    flipped = bytearray(sealed)
    flipped[HEADER + len(parts[0]) + 20] ^= 1
    header_edit = bytearray(sealed)
    header_edit[12] ^= 1  # the chunk size: in every chunk's associated data
    for bad in (swapped, dropped, bytes(flipped)):
        with pytest.raises(StreamError, match="校验失败"):
            open_(bad)
    with pytest.raises(StreamError):
        open_(bytes(header_edit))


def test_the_final_flag_is_authenticated_and_nothing_may_follow_it():
    sealed = seal(DATA)
    parts = chunks(sealed)
    # mark the first chunk final and stop there: a neat but false end
    first = bytearray(parts[0])
    first[0] |= 0x80
    with pytest.raises(StreamError, match="校验失败"):
        open_(sealed[:HEADER] + bytes(first))
    with pytest.raises(StreamError, match="多余"):
        open_(sealed + b"\x00")
    with pytest.raises(StreamError, match="多余"):
        open_(sealed + parts[-1])  # a replayed final chunk


def test_not_a_backup():
    with pytest.raises(StreamError, match="不是 cfcity 备份文件"):
        read_header(io.BytesIO(b"PK\x03\x04" + bytes(100)), KEY)
