"""A canonical zip: stored members in name order, with fixed dates and attributes.

The signed manifest covers every member's bytes, but a zip also holds bytes that
belong to no member: headers, dates, the central directory. Because this archive
is written byte for byte from its members and nothing else, a verifier can write
it again and compare, so a changed byte anywhere in the file is found, and named
by the member whose header, data or directory entry holds it. Members are stored,
not deflated, so the bytes do not depend on the zlib of the machine that wrote
them. Any zip tool opens it.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ArchiveError", "Region", "canonical_zip", "read_archive", "first_difference"]

_DATE = (1 << 5) | 1  # 1980-01-01, the earliest date a zip can hold
_VERSION = 20
_MADE_BY = (3 << 8) | _VERSION  # Unix
_MODE = 0o100644 << 16
_LIMIT = 0xFFFFFFFF


class ArchiveError(Exception):
    """The archive cannot be read as written; the message names the member when there is one."""


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    what: str


def _check_name(name: str) -> bytes:
    raw = name.encode("ascii", errors="replace")
    if (not name or not name.isascii() or name.startswith("/") or "\\" in name
            or any(part in ("", ".", "..") for part in name.split("/"))):
        raise ArchiveError(f"{name!r}: not a plain relative member name")
    return raw


def canonical_zip(members: Mapping[str, bytes]) -> tuple[bytes, list[Region]]:
    """The archive's bytes, and which member each stretch of them belongs to."""
    out = io.BytesIO()
    regions: list[Region] = []
    directory: list[tuple[str, bytes]] = []
    for name in sorted(members):
        raw, data = _check_name(name), members[name]
        if len(data) >= _LIMIT:
            raise ArchiveError(f"{name}: too large for a zip without ZIP64")
        crc, offset = zlib.crc32(data), out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, 0, 0, 0, _DATE, crc, len(data), len(data),
                              len(raw), 0) + raw)
        regions.append(Region(offset, out.tell(), f"{name} (its zip header)"))
        out.write(data)
        regions.append(Region(regions[-1].end, out.tell(), f"{name} (its content)"))
        directory.append((name, struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, _VERSION, 0, 0, 0, _DATE,
                                            crc, len(data), len(data), len(raw), 0, 0, 0, 0, _MODE, offset) + raw))
    start = out.tell()
    for name, entry in directory:
        regions.append(Region(out.tell(), out.tell() + len(entry), f"{name} (its entry in the zip directory)"))
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), size, start, 0))
    regions.append(Region(start + size, out.tell(), "the zip's end record"))
    return out.getvalue(), regions


def read_archive(data: bytes) -> dict[str, bytes]:
    """Every member by name, each checked against its CRC-32 by zipfile."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ArchiveError(f"not a zip archive ({error})") from None
    members: dict[str, bytes] = {}
    with archive:
        for info in archive.infolist():
            if info.filename in members:
                raise ArchiveError(f"{info.filename}: in the archive twice")
            try:
                members[info.filename] = archive.read(info)
            except zipfile.BadZipFile as error:
                what = "its bytes do not match their CRC-32" if "CRC" in str(error) else str(error)
                raise ArchiveError(f"{info.filename}: {what}") from None
            except (zlib.error, NotImplementedError, RuntimeError, ValueError, EOFError, OSError) as error:
                raise ArchiveError(f"{info.filename}: cannot be read ({error})") from None
    return members


def first_difference(data: bytes, expected: bytes, regions: list[Region]) -> str | None:
    """Where `data` first departs from the canonical bytes, or None when it does not."""
    if data == expected:
        return None
    offset, step = 0, 4096
    while data[offset:offset + step] == expected[offset:offset + step] and offset < min(len(data), len(expected)):
        offset += step
    offset = next((i for i in range(offset, min(len(data), len(expected), offset + step)) if data[i] != expected[i]),
                  min(len(data), len(expected), offset + step))
    where = next((r.what for r in regions if r.start <= offset < r.end),
                 "bytes after the zip's end record" if offset >= len(expected) else "the archive")
    return f"{where}: byte {offset} differs from the archive as written from its members"
