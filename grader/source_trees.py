"""The folders exercise 7's copier is asked to copy, built fresh in each run's working folder.

Their content is fixed (seeded), so two runs see the same bytes, and it is made of what breaks
careless copies: every byte value, Windows line endings, an empty file, non-ASCII and hidden
names, a few hundred files, one file far larger than a worker should hold in memory, sub-folders
(one of them empty), a link that points nowhere. Each builder writes one tree and nothing else.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

SOURCE = "data"                    # the folder every run asks the program to copy
MISSING = "no_such_folder"         # the folder the missing-source run names
BIG_FILE = "big.bin"
BIG_SIZE = 64 * 1024 * 1024
SMALL_FILES = 200                  # numbered files of the main tree, besides the special ones
BROKEN_LINK = "dangling_link.txt"
EMPTY_SUB_FOLDER = "空文件夹"

_BLOCK = 1024 * 1024
_STAMP_EVERY = 4096


def _seeded(name: str) -> random.Random:
    return random.Random("procgrade-ex07-" + name)


def _special_files() -> dict[str, bytes]:
    """Small files whose bytes a text-mode or otherwise careless copy changes."""
    every_byte = bytes(range(256)) * 4
    return {
        "all_bytes.bin": every_byte + bytes(reversed(range(256))) + b"\r\n\x00\xff\r\n\x1a",
        "windows_lines.txt": "第一行\r\nsecond line\r\n\r\nlast, no line end".encode("utf-8"),
        "old_mac_lines.txt": b"one\rtwo\rthree\r",
        "latin1.txt": "café, naïve, Ærø\n".encode("latin-1"),
        "empty.txt": b"",
        "报告 2024.txt": "复件 and 副本 are both fine names.\n".encode("utf-8"),
        "naïve café.md": "# ünïcödé\n".encode("utf-8"),
        "emoji 😀.txt": "😀\n".encode("utf-8"),
        ".hidden": b"a hidden file is a file too\n",
        "no_extension": _seeded("no_extension").randbytes(777),
    }


def _write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _write_big(path: Path) -> None:
    """BIG_SIZE bytes, written a block at a time (the grader never holds the whole file).
    One random block, repeated, with its offset stamped every 4 KiB: cheap to write, and no two
    4 KiB pieces alike, so a copy that repeats, skips or reorders chunks does not match."""
    block = bytearray(_seeded(BIG_FILE).randbytes(_BLOCK))
    with open(path, "wb") as handle:
        for start in range(0, BIG_SIZE, _BLOCK):
            for offset in range(0, _BLOCK, _STAMP_EVERY):
                block[offset:offset + 8] = (start + offset).to_bytes(8, "big")
            handle.write(block)


def numbered_files(count: int, seed: str, largest: int = 8192) -> dict[str, bytes]:
    rng = _seeded(seed)
    return {"file_%03d.dat" % i: rng.randbytes(rng.randrange(1, largest)) for i in range(count)}


def build_main(work: Path) -> None:
    """The main tree, flat (no sub-folder: the tutorial's copier handles only files): the special
    files, SMALL_FILES numbered ones and BIG_FILE."""
    root = work / SOURCE
    _write(root, {**_special_files(), **numbered_files(SMALL_FILES, "main")})
    _write_big(root / BIG_FILE)


def build_nested(work: Path) -> None:
    """Files at several depths, and an empty sub-folder."""
    rng = _seeded("nested")
    _write(work / SOURCE, {
        "top.txt": b"at the top\n",
        "照片/猫.jpg": rng.randbytes(3000),
        "a/one.bin": rng.randbytes(1500),
        "a/b/two.bin": bytes(range(256)),
        "a/b/c/three.txt": b"three levels down\r\n",
        "a/b/c/empty.txt": b"",
    })
    (work / SOURCE / EMPTY_SUB_FOLDER).mkdir()


def build_small(work: Path) -> None:
    """A few flat files: for the runs that look at one behaviour (a trailing slash, a second run)."""
    _write(work / SOURCE, {**numbered_files(6, "small"), "all_bytes.bin": _special_files()["all_bytes.bin"]})


def build_with_broken_link(work: Path) -> None:
    """A few flat files and BROKEN_LINK, a symbolic link to nothing: opening it fails, also for
    root (chmod 000 does not stop root from reading)."""
    build_small(work)
    (work / SOURCE / BROKEN_LINK).symlink_to("this target does not exist")


def build_empty(work: Path) -> None:
    (work / SOURCE).mkdir()


def build_nothing(work: Path) -> None:
    """The missing-source run: MISSING is never created."""


def copy_as_second_run(destination: str):
    """build_small, plus `destination` already holding its full copy, as a first run left it."""
    def build(work: Path) -> None:
        build_small(work)
        shutil.copytree(work / SOURCE, work / destination)
    return build
