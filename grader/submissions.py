"""A class's submissions, taken in safely: each one becomes a fresh temporary folder that holds
its exercise files and nothing else.

A submission is a folder or a `.zip` named after the student. Inside, the exercise files are
either flat (`ex03_process_args.py`) or under `exercises/`, possibly inside one wrapping folder
(a zip of the folder, GitHub's "Download ZIP"). Only files whose names are the kit's exercise file
names are taken; everything else a submission holds (a `conftest.py`, a `pytest.ini`, a
`sitecustomize.py`, a fake results file, a `grader/` folder, the kit's `solutions/`) is never
copied, so it cannot reach the grader. The instructor's folder is only ever read.

A zip is never extracted: its names are checked (no absolute path, no `..`, a bounded count and
size) and only the exercise files are read from it, each with a size limit.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

MAX_FILE_BYTES = 1024 * 1024              # an exercise program larger than this is not one
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_BYTES = 512 * 1024 * 1024         # the sum of the sizes the zip declares
LOCATIONS = ("exercises", "")             # where exercise files may be, in order of preference
IGNORED_NAMES = {"__MACOSX", "__pycache__"}
ID_LENGTH = 80


class BadInput(ValueError):
    """The submissions folder itself cannot be graded (missing, empty, not a folder)."""


@dataclass(frozen=True)
class Submission:
    """One student's work, taken in: `folder` is the temporary copy that is graded."""

    id: str                    # from the folder or zip name; safe as a file name, unique in the class
    source: str                # the folder or zip name as found
    folder: Path               # temporary folder holding only the exercise files found
    files: tuple[str, ...] = ()  # the exercise files found, by name
    problem: str = ""          # why the submission was rejected; "" when it was taken in
    notes: tuple[str, ...] = ()  # what was found but not used, and why

    @property
    def rejected(self) -> bool:
        return bool(self.problem)


def find(submissions: Path) -> tuple[list[Path], list[str]]:
    """The submissions in a class folder (sub-folders and `.zip` files, by name) and the names
    of the entries that are neither. Raises BadInput when there is nothing to grade."""
    if not submissions.exists():
        raise BadInput("no such folder: %s" % submissions)
    if not submissions.is_dir():
        raise BadInput("not a folder: %s (give the folder that holds one folder or .zip per student)"
                       % submissions)
    found, skipped = [], []
    for entry in sorted(submissions.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
            continue
        if entry.is_dir() and not entry.is_symlink():
            found.append(entry)
        elif entry.is_file() and entry.suffix.lower() == ".zip":
            found.append(entry)
        else:
            skipped.append(entry.name)
    if not found:
        raise BadInput("%s holds no submissions: expected one folder or .zip per student, named after "
                       "the student" % submissions)
    return found, skipped


def student_id(name: str) -> str:
    """A file-name-safe id from a folder or zip name: letters (any script), digits, `.`, `-`
    and `_` are kept, anything else becomes `_`; no leading dot."""
    if name.lower().endswith(".zip"):
        name = name[:-4]
    cleaned = re.sub(r"[^\w.-]+", "_", name).strip("._-")[:ID_LENGTH].strip("._-")
    return cleaned or "submission"


def unique_ids(names: Iterable[str]) -> list[str]:
    ids: list[str] = []
    for name in names:
        base = candidate = student_id(name)
        n = 2
        while candidate in ids:
            candidate = "%s-%d" % (base, n)
            n += 1
        ids.append(candidate)
    return ids


def take_in_all(entries: list[Path], workdir: Path, exercise_files: list[str]) -> list[Submission]:
    """Copy every submission's exercise files into `workdir/<id>/`."""
    return [take_in(entry, workdir / sid, exercise_files, sid)
            for entry, sid in zip(entries, unique_ids(e.name for e in entries))]


def take_in(entry: Path, folder: Path, exercise_files: list[str], sid: Optional[str] = None) -> Submission:
    """Copy one submission's exercise files into `folder` (created, left empty when the
    submission is rejected: it is then graded as nothing submitted)."""
    folder.mkdir(parents=True)
    sid = sid or student_id(entry.name)
    try:
        if entry.is_file():
            files, notes = _from_zip(entry, folder, exercise_files)
        else:
            files, notes = _from_folder(entry, folder, exercise_files)
    except Rejected as why:
        for child in folder.iterdir():
            child.unlink()
        return Submission(sid, entry.name, folder, problem=str(why))
    return Submission(sid, entry.name, folder, tuple(files), notes=tuple(notes))


class Rejected(Exception):
    """The submission cannot be read safely; the message says why, for the instructor."""


# --- choosing the files ---------------------------------------------------------------------------

def choose(paths: Iterable[str], exercise_files: list[str]) -> tuple[dict[str, str], list[str]]:
    """Which relative path (posix) to take for each exercise file, and notes on what was passed
    over. `exercises/NAME` wins over `NAME`; one wrapping folder around everything is looked into."""
    paths = [p for p in paths if not (set(PurePosixPath(p).parts) & IGNORED_NAMES)]
    prefix = _wrapper(paths, exercise_files)
    chosen: dict[str, str] = {}
    notes = []
    for name in exercise_files:
        candidates = [prefix + (location + "/" if location else "") + name for location in LOCATIONS]
        present = [c for c in candidates if c in paths]
        if present:
            chosen[name] = present[0]
            if len(present) > 1:
                notes.append("%s: graded %s, not %s" % (name, present[0], ", ".join(present[1:])))
        else:
            elsewhere = sorted(p for p in paths if PurePosixPath(p).name == name)
            if elsewhere:
                notes.append("%s: found only at %s, where it is not looked for (put it in exercises/)"
                             % (name, ", ".join(elsewhere[:3])))
    return chosen, notes


def _wrapper(paths: list[str], exercise_files: list[str]) -> str:
    """"X/" when nothing is found at the top but everything sits in one folder X (up to twice)."""
    prefix = ""
    for _ in range(2):
        top = [p[len(prefix):] for p in paths if p.startswith(prefix)]
        if any((loc + "/" if loc else "") + name in top for loc in LOCATIONS for name in exercise_files):
            return prefix
        firsts = {PurePosixPath(p).parts[0] for p in top}
        only = firsts.pop() if len(firsts) == 1 else ""
        if not only or not any(p.startswith(only + "/") for p in top):
            return prefix
        prefix += only + "/"
    return prefix


# --- folders --------------------------------------------------------------------------------------

def _from_folder(root: Path, folder: Path, exercise_files: list[str]) -> tuple[list[str], list[str]]:
    paths = [rel for rel in _listing(root)]
    chosen, notes = choose(paths, exercise_files)
    files = []
    for name, rel in chosen.items():
        source = root / rel
        if source.is_symlink() or not source.is_file():
            notes.append("%s: not a regular file (a link?), not graded" % rel)
            continue
        size = source.stat().st_size
        if size > MAX_FILE_BYTES:
            notes.append("%s: %d bytes, larger than an exercise program can be, not graded" % (rel, size))
            continue
        (folder / name).write_bytes(source.read_bytes())
        files.append(name)
    return files, notes


def _listing(root: Path) -> list[str]:
    """Relative paths of the entries where exercise files may be: two levels of wrapping at
    most, never following links out of the submission."""
    found = []

    def walk(folder: Path, prefix: str, depth: int) -> None:
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            return
        for entry in entries:
            rel = prefix + entry.name
            found.append(rel)
            if depth < 3 and entry.is_dir() and not entry.is_symlink():
                walk(entry, rel + "/", depth + 1)

    walk(root, "", 0)
    return found


# --- zips -----------------------------------------------------------------------------------------

def _from_zip(path: Path, folder: Path, exercise_files: list[str]) -> tuple[list[str], list[str]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise Rejected("not a readable zip (%s)" % error) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise Rejected("the zip holds %d entries, more than the %d allowed" % (len(infos), MAX_ZIP_MEMBERS))
        declared = sum(i.file_size for i in infos)
        if declared > MAX_ZIP_BYTES:
            raise Rejected("the zip would unpack to %d bytes, more than the %d allowed" % (declared, MAX_ZIP_BYTES))
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = _safe_member_name(info.filename)
            if name:
                members.setdefault(name, info)
        chosen, notes = choose(list(members), exercise_files)
        files = []
        for name, rel in chosen.items():
            info = members[rel]
            if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
                notes.append("%s: not a regular file (a link?), not graded" % rel)
                continue
            if info.file_size > MAX_FILE_BYTES:
                notes.append("%s: %d bytes, larger than an exercise program can be, not graded"
                             % (rel, info.file_size))
                continue
            try:
                with archive.open(info) as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError) as error:
                raise Rejected("%s in the zip cannot be read (%s)" % (rel, error)) from None
            (folder / name).write_bytes(data[:MAX_FILE_BYTES])
            files.append(name)
    return files, notes


def _safe_member_name(raw: str) -> str:
    """The member's path, "/"-separated, without a trailing "/"; rejects the whole zip when a
    name could land outside the folder it would be unpacked into."""
    name = raw.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts or "\x00" in name:
        raise Rejected("the zip holds a path that leaves its folder: %r" % raw)
    return "/".join(p for p in parts if p not in ("", "."))
