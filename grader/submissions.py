"""A class's submissions, taken in safely: each one becomes a fresh temporary folder that holds
its exercise files and nothing else.

A submission is a folder, a `.zip`, or a `.tar`/`.tar.gz`/`.tgz` named after the student; any
other entry of the class folder (a `.rar`, a loose `.py`) is a submission too, rejected with the
reason, so that every entry gets a row. Inside, the exercise files are either flat
(`ex03_process_args.py`) or under `exercises/`, possibly inside one wrapping folder (a zip of the
folder, GitHub's "Download ZIP"). Only files whose names are the kit's exercise file names are
taken, or a near miss of one (`ex03_process_args (1).py`, another case, no `exNN_` prefix) when it
is the only one, with a note that names it; everything else a submission holds (a `conftest.py`,
a `pytest.ini`, a `sitecustomize.py`, a fake results file, a `grader/` folder, the kit's
`solutions/`) is never copied, so it cannot reach the grader. The instructor's folder is only
ever read.

An archive is never extracted: its names are checked (no absolute path, no `..`, a bounded count
and size) and only the exercise files are read from it, each with a size limit.
"""

from __future__ import annotations

import re
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Collection, Iterable, Optional

from .i18n import N_, _

MAX_FILE_BYTES = 1024 * 1024              # an exercise program larger than this is not one
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_BYTES = 512 * 1024 * 1024         # the sum of the sizes the zip declares
ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar")  # longest first: the id drops the whole suffix
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


def find(submissions: Path) -> list[Path]:
    """Every entry of a class folder, by name, except hidden ones and the macOS and Python
    leftovers: each is a submission (one that is not a folder or an archive is rejected when it
    is taken in). Raises BadInput when there is nothing to grade."""
    if not submissions.exists():
        raise BadInput(_("no such folder: {folder}").format(folder=submissions))
    if not submissions.is_dir():
        raise BadInput(_("not a folder: {folder} (give the folder that holds one folder or .zip per student)").format(
            folder=submissions))
    found = [entry for entry in sorted(submissions.iterdir(), key=lambda p: p.name)
             if not (entry.name.startswith(".") or entry.name in IGNORED_NAMES)]
    if not found:
        raise BadInput(_("{folder} holds no submissions: expected one folder, .zip or .tar.gz per student, named "
                         "after the student").format(folder=submissions))
    return found


def archive_kind(entry: Path) -> str:
    """"zip", "tar", or "" for anything else, by the name's ending."""
    lower = entry.name.lower()
    if lower.endswith(ZIP_SUFFIXES):
        return "zip"
    if lower.endswith(TAR_SUFFIXES):
        return "tar"
    return ""


def student_id(name: str) -> str:
    """A file-name-safe id from a folder or archive name: letters (any script), digits, `.`, `-`
    and `_` are kept, anything else becomes `_`; no leading dot."""
    for suffix in ZIP_SUFFIXES + TAR_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[:-len(suffix)]
            break
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


def same_id_notes(names: list[str]) -> dict[str, str]:
    """A note for each entry whose name makes the same id as another entry's (`kim/` and
    `kim.zip`): both are graded, under `kim` and `kim-2`, and both rows say so."""
    ids = unique_ids(names)
    by_base: dict[str, list[int]] = {}
    for n, name in enumerate(names):
        by_base.setdefault(student_id(name), []).append(n)
    notes = {}
    for base, group in by_base.items():
        if len(group) > 1:
            listed = ", ".join("%s (id %s)" % (names[n], ids[n]) for n in group)
            for n in group:
                notes[names[n]] = "%d entries make the id %s: %s; keep the right one" % (len(group), base, listed)
    return notes


def take_in_all(entries: list[Path], workdir: Path, exercise_files: list[str],
                only: Optional[Collection[str]] = None) -> list[Submission]:
    """Copy every submission's exercise files (of those whose id is in `only`, when given) into
    `workdir/<id>/`. Ids are given over the whole class, whatever is taken in."""
    names = [e.name for e in entries]
    clashes = same_id_notes(names)
    taken = []
    for entry, sid in zip(entries, unique_ids(names)):
        if only is not None and sid not in only:
            continue
        submission = take_in(entry, workdir / sid, exercise_files, sid)
        if entry.name in clashes:
            submission = replace(submission, notes=(clashes[entry.name], *submission.notes))
        taken.append(submission)
    return taken


def class_ids(entries: list[Path]) -> list[str]:
    """The id each entry is graded under (the same whatever else is chosen to be graded)."""
    return unique_ids(e.name for e in entries)


def take_in(entry: Path, folder: Path, exercise_files: list[str], sid: Optional[str] = None) -> Submission:
    """Copy one submission's exercise files into `folder` (created, left empty when the
    submission is rejected: it is then graded as nothing submitted)."""
    folder.mkdir(parents=True)
    sid = sid or student_id(entry.name)
    try:
        if entry.is_dir() and not entry.is_symlink():
            files, notes = _from_folder(entry, folder, exercise_files)
        elif entry.is_file() and archive_kind(entry) == "zip":
            files, notes = _from_zip(entry, folder, exercise_files)
        elif entry.is_file() and archive_kind(entry) == "tar":
            files, notes = _from_tar(entry, folder, exercise_files)
        else:
            raise Rejected(not_a_submission(entry))
    except Rejected as why:
        for child in folder.iterdir():
            child.unlink()
        return Submission(sid, entry.name, folder, problem=str(why))
    return Submission(sid, entry.name, folder, tuple(files), notes=tuple(notes))


class Rejected(Exception):
    """The submission cannot be read safely; the message says why, for the instructor."""


def not_a_submission(entry: Path) -> str:
    """Why an entry of the class folder is no submission, by what it is."""
    if entry.is_symlink():
        return _("a link is not a folder, a .zip, a .tar or a .tar.gz: hand in one of those")
    if entry.is_file():
        suffix = entry.suffix.lower()
        if suffix:
            return _("a {suffix} file is not a folder, a .zip, a .tar or a .tar.gz: hand in one of those").format(
                suffix=suffix)
        return _("a file without an extension is not a folder, a .zip, a .tar or a .tar.gz: hand in one of those")
    return _("not a regular file is not a folder, a .zip, a .tar or a .tar.gz: hand in one of those")


# --- choosing the files ---------------------------------------------------------------------------

def choose(paths: Iterable[str], exercise_files: list[str]) -> tuple[dict[str, str], list[str]]:
    """Which relative path (posix) to take for each exercise file, and notes on what was passed
    over. `exercises/NAME` wins over `NAME`; one wrapping folder around everything is looked into.
    Where no file has the exact name, the one near miss in the same place is taken (a browser's
    `NAME (1).py`, another case, no `exNN_` prefix), with a note; several near misses are named,
    and none of them is graded."""
    paths = [p for p in paths if not (set(PurePosixPath(p).parts) & IGNORED_NAMES)]
    prefix = _wrapper(paths, exercise_files)
    exact = {prefix + (location + "/" if location else "") + name
             for location in LOCATIONS for name in exercise_files}
    chosen: dict[str, str] = {}
    notes = []
    for name in exercise_files:
        candidates = [prefix + (location + "/" if location else "") + name for location in LOCATIONS]
        present = [c for c in candidates if c in paths]
        if present:
            chosen[name] = present[0]
            if len(present) > 1:
                notes.append(_("{name}: graded {path}, not {others}").format(
                    name=name, path=present[0], others=", ".join(present[1:])))
            continue
        for location in LOCATIONS:
            folder = prefix + (location + "/" if location else "")
            near = [p for p in paths if p not in exact and _near_miss(p, folder, name)]
            if len(near) == 1:
                chosen[name] = near[0]
                notes.append(_("{name}: graded {path}, whose name is not the exercise's file name (rename it "
                               "{name})").format(name=name, path=near[0]))
                break
            if near:
                notes.append(_("{name}: not graded: {paths} could each be it; keep one and name it {name}").format(
                    name=name, paths=", ".join(sorted(near))))
                break
        else:
            elsewhere = sorted(p for p in paths if PurePosixPath(p).name == name)
            if elsewhere:
                notes.append(_("{name}: found only at {paths}, where it is not looked for (put it in "
                               "exercises/)").format(name=name, paths=", ".join(elsewhere[:3])))
    return chosen, notes


# what browsers, file managers and copies add to a file's name: "name (1)", "name - Copy", "name 2"
COPY_MARK = re.compile(r"(\s*\(\d+\)|\s*[-_]?\s*(copy|副本|复件)(\s*\(?\d+\)?)?|\s+\d+)$", re.I)


def _near_miss(path: str, folder: str, name: str) -> bool:
    """Whether `path`, directly in `folder`, is the exercise file `name` under another spelling."""
    if not path.startswith(folder) or "/" in path[len(folder):] or not path.lower().endswith(".py"):
        return False
    return _spelling(path[len(folder):-3]) in {_spelling(name[:-3]), _spelling(re.sub(r"^ex\d+_", "", name[:-3]))}


def _spelling(stem: str) -> str:
    """The name as compared for near misses: lower case, copy marks dropped, spaces and hyphens
    as underscores, "ex3_" as "ex03_"."""
    stem = stem.strip().lower()
    while COPY_MARK.search(stem):
        stem = COPY_MARK.sub("", stem).strip()
    stem = re.sub(r"[\s-]+", "_", stem)
    return re.sub(r"^ex0*(\d)_", r"ex0\1_", stem)


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
            notes.append(_(NOT_REGULAR).format(path=rel))
            continue
        size = source.stat().st_size
        if size > MAX_FILE_BYTES:
            notes.append(_(TOO_LARGE).format(path=rel, size=size))
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

# What a note or a rejection says, by the kind of archive (one whole sentence each)
ZIP, TAR = "zip", "tar archive"
NOT_REGULAR = N_("{path}: not a regular file (a link?), not graded")
TOO_LARGE = N_("{path}: {size} bytes, larger than an exercise program can be, not graded")
UNREADABLE_MEMBER = {ZIP: N_("{path} in the zip cannot be read ({error})"),
                     TAR: N_("{path} in the tar archive cannot be read ({error})")}
ESCAPING_PATH = {ZIP: N_("the zip holds a path that leaves its folder: {path}"),
                 TAR: N_("the tar archive holds a path that leaves its folder: {path}")}

def _from_zip(path: Path, folder: Path, exercise_files: list[str]) -> tuple[list[str], list[str]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise Rejected(_("not a readable zip ({error})").format(error=error)) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise Rejected(_("the zip holds {count} entries, more than the {limit} allowed").format(
                count=len(infos), limit=MAX_ZIP_MEMBERS))
        declared = sum(i.file_size for i in infos)
        if declared > MAX_ZIP_BYTES:
            raise Rejected(_("the zip would unpack to {size} bytes, more than the {limit} allowed").format(
                size=declared, limit=MAX_ZIP_BYTES))
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = _safe_member_name(info.filename, ZIP)
            if name:
                members.setdefault(name, info)

        def read(info: zipfile.ZipInfo) -> bytes:
            with archive.open(info) as handle:
                return handle.read(MAX_FILE_BYTES + 1)

        return _take_members(members, folder, exercise_files, ZIP, read, lambda i: i.file_size,
                             lambda i: not i.is_dir() and not stat.S_ISLNK(i.external_attr >> 16))


def _from_tar(path: Path, folder: Path, exercise_files: list[str]) -> tuple[list[str], list[str]]:
    """A .tar, .tar.gz or .tgz, under the zip's rules: its listing is read as a stream (a bounded
    count and declared size, checked as it goes), links and devices are never read."""
    try:
        archive = tarfile.open(path)   # "r:*": plain or compressed, told by its content
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise Rejected(_("not a readable tar archive ({error})").format(error=error)) from None
    with archive:
        members: dict[str, tarfile.TarInfo] = {}
        count = declared = 0
        try:
            for info in archive:
                count += 1
                declared += info.size
                if count > MAX_ZIP_MEMBERS:
                    raise Rejected(_("the tar archive holds more than the {limit} entries allowed").format(
                        limit=MAX_ZIP_MEMBERS))
                if declared > MAX_ZIP_BYTES:
                    raise Rejected(_("the tar archive would unpack to more than the {limit} bytes allowed").format(
                        limit=MAX_ZIP_BYTES))
                name = _safe_member_name(info.name, TAR)
                if name:
                    members.setdefault(name, info)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise Rejected(_("not a readable tar archive ({error})").format(error=error)) from None

        def read(info: tarfile.TarInfo) -> bytes:
            handle = archive.extractfile(info)
            return handle.read(MAX_FILE_BYTES + 1) if handle else b""

        return _take_members(members, folder, exercise_files, TAR, read, lambda i: i.size,
                             lambda i: i.isfile())


def _take_members(members: dict, folder: Path, exercise_files: list[str], what: str, read: Callable[[Any], bytes],
                  size_of: Callable[[Any], int], is_regular: Callable[[Any], bool]) -> tuple[list[str], list[str]]:
    """Read the chosen exercise files out of an archive's members (by safe name) into `folder`."""
    chosen, notes = choose(list(members), exercise_files)
    files = []
    for name, rel in chosen.items():
        info = members[rel]
        if not is_regular(info):
            notes.append(_(NOT_REGULAR).format(path=rel))
            continue
        if size_of(info) > MAX_FILE_BYTES:
            notes.append(_(TOO_LARGE).format(path=rel, size=size_of(info)))
            continue
        try:
            data = read(info)
        except (zipfile.BadZipFile, tarfile.TarError, zlib.error, RuntimeError, OSError, EOFError,
                ValueError) as error:
            raise Rejected(_(UNREADABLE_MEMBER[what]).format(path=rel, error=error)) from None
        (folder / name).write_bytes(data[:MAX_FILE_BYTES])
        files.append(name)
    return files, notes


def _safe_member_name(raw: str, what: str) -> str:
    """The member's path, "/"-separated, without a trailing "/"; rejects the whole archive when a
    name could land outside the folder it would be unpacked into."""
    name = raw.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts or "\x00" in name:
        raise Rejected(_(ESCAPING_PATH[what]).format(path=repr(raw)))
    return "/".join(p for p in parts if p not in ("", "."))
