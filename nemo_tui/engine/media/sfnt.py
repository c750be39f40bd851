"""Just enough of the OpenType file format to choose a face well: the faces in a file (a `.ttc`
collection holds several), their names, which characters a face has glyphs for, and writing one face
of a collection as a file of its own.

ffmpeg's drawtext loads face 0 of a file and has no option for another face, and face 0 of Noto Sans
CJK's collection is the Japanese one: 门, 说 and 骨 come out in their Japanese forms in a Chinese
title. Writing the Simplified Chinese face out as its own file is how drawtext gets the right glyphs.
"""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

_COLLECTION = b"ttcf"
_SINGLE_FACE_VERSIONS = {b"\x00\x01\x00\x00", b"OTTO", b"true"}
_NAME_FAMILY, _NAME_FULL = 1, 4
_MAX_TABLES = 512  # a real face has a few dozen; more means the file is not a font


class FontFileError(Exception):
    """The file is not an OpenType/TrueType font (or collection) this module can read."""


@dataclass(frozen=True)
class Table:
    checksum: int
    offset: int
    length: int


@dataclass(frozen=True)
class Face:
    path: Path
    index: int
    version: bytes
    family: str
    tables: dict[bytes, Table] = field(repr=False)


def _read(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise FontFileError(f"{f.name}: cut short at byte {offset + len(data)}")
    return data


def _table_directory(f: BinaryIO, offset: int) -> tuple[bytes, dict[bytes, Table]]:
    version, count = struct.unpack(">4sH", _read(f, offset, 6))
    if version not in _SINGLE_FACE_VERSIONS or count > _MAX_TABLES:
        raise FontFileError(f"{f.name}: not an OpenType font")
    raw = _read(f, offset + 12, 16 * count)
    tables = {}
    for i in range(count):
        tag, checksum, start, length = struct.unpack_from(">4sIII", raw, 16 * i)
        tables[tag] = Table(checksum, start, length)
    return version, tables


def _family_name(f: BinaryIO, tables: dict[bytes, Table]) -> str:
    """The face's full name (else its family) in English, from the `name` table; "" if it has none."""
    table = tables.get(b"name")
    if table is None:
        return ""
    data = _read(f, table.offset, table.length)
    _, count, strings = struct.unpack_from(">HHH", data)
    found: dict[int, str] = {}
    for i in range(count):
        platform, _, language, name_id, length, start = struct.unpack_from(">6H", data, 6 + 12 * i)
        if platform == 3 and language == 0x409 and name_id in (_NAME_FAMILY, _NAME_FULL):
            raw = data[strings + start : strings + start + length]
            found[name_id] = raw.decode("utf-16-be", "replace")
    return found.get(_NAME_FULL) or found.get(_NAME_FAMILY, "")


def read_faces(path: Path) -> list[Face]:
    """Every face in a font file, in file order (one for a .ttf/.otf, several for a .ttc)."""
    try:
        with open(path, "rb") as f:
            tag = _read(f, 0, 4)
            if tag == _COLLECTION:
                (count,) = struct.unpack(">I", _read(f, 8, 4))
                offsets = struct.unpack(
                    f">{min(count, _MAX_TABLES)}I", _read(f, 12, 4 * min(count, _MAX_TABLES))
                )
            else:
                offsets = (0,)
            faces = []
            for index, offset in enumerate(offsets):
                version, tables = _table_directory(f, offset)
                faces.append(Face(Path(path), index, version, _family_name(f, tables), tables))
            return faces
    except (OSError, struct.error) as e:
        raise FontFileError(f"{path}: {e}") from e


def _cmap_format4(data: bytes, at: int, wanted: frozenset[int]) -> set[int]:
    """Which of `wanted` a format 4 (BMP) subtable maps to a real glyph."""
    seg_count = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{seg_count}H", data, at + 14)
    starts = struct.unpack_from(f">{seg_count}H", data, at + 16 + 2 * seg_count)
    deltas = struct.unpack_from(f">{seg_count}h", data, at + 16 + 4 * seg_count)
    range_at = at + 16 + 6 * seg_count
    ranges = struct.unpack_from(f">{seg_count}H", data, range_at)
    covered = set()
    for code in wanted:
        for i, end in enumerate(ends):
            if code > end or code < starts[i]:
                continue
            if ranges[i] == 0:
                glyph = (code + deltas[i]) & 0xFFFF
            else:  # idRangeOffset counts from its own position in the file
                where = range_at + 2 * i + ranges[i] + 2 * (code - starts[i])
                glyph = struct.unpack_from(">H", data, where)[0]
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                covered.add(code)
            break
    return covered


def _cmap_format12(data: bytes, at: int, wanted: frozenset[int]) -> set[int]:
    """Which of `wanted` a format 12 (full repertoire) subtable maps to a real glyph."""
    (groups,) = struct.unpack_from(">I", data, at + 12)
    covered: set[int] = set()
    for i in range(groups):
        first, last, glyph = struct.unpack_from(">III", data, at + 16 + 12 * i)
        covered.update(c for c in wanted if first <= c <= last and glyph + (c - first))
    return covered


def covered_characters(face: Face, text: Iterable[str]) -> set[str]:
    """Which of the characters in `text` the face has a glyph for (its Unicode cmap)."""
    table = face.tables.get(b"cmap")
    if table is None:
        return set()
    try:
        with open(face.path, "rb") as f:
            data = _read(f, table.offset, table.length)
        wanted = frozenset(ord(c) for c in text)
        # Prefer the full-repertoire subtable (format 12), then the BMP one (format 4).
        _, count = struct.unpack_from(">HH", data)
        subtables = [struct.unpack_from(">HHI", data, 4 + 8 * i) for i in range(count)]
        by_format: dict[int, int] = {}
        for platform, encoding, offset in subtables:
            if (platform, encoding) in ((3, 10), (3, 1), (0, 3), (0, 4), (0, 6)):
                by_format.setdefault(struct.unpack_from(">H", data, offset)[0], offset)
        if 12 in by_format:
            codes = _cmap_format12(data, by_format[12], wanted)
        elif 4 in by_format:
            codes = _cmap_format4(data, by_format[4], wanted)
        else:
            codes = set()
    except (OSError, struct.error) as e:
        raise FontFileError(f"{face.path}: unreadable cmap ({e})") from e
    return {chr(c) for c in codes}


def write_face(face: Face, dest: Path) -> Path:
    """Write one face as a standalone font file (its tables copied, offsets renumbered), atomically."""
    tags = sorted(face.tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(
        ">4sHHHH", face.version, count, 16 * power, power.bit_length() - 1, 16 * (count - power)
    )
    position = 12 + 16 * count
    directory = b""
    layout = []
    for tag in tags:
        table = face.tables[tag]
        directory += struct.pack(">4sIII", tag, table.checksum, position, table.length)
        layout.append(table)
        position += (table.length + 3) & ~3
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".face-", suffix=".part")
    try:
        with open(face.path, "rb") as src, os.fdopen(fd, "wb") as out:
            out.write(header + directory)
            for table in layout:
                data = _read(src, table.offset, table.length)
                out.write(data + b"\0" * (-len(data) % 4))
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest
