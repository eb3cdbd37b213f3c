"""The learner's loop around the grader: what was graded before (so that `list`, `hint` and the
report's next line know which exercise the learner is on), hints one at a time, and putting back
an exercise's original stub.

A learner's workspace is the folder that holds `exercises/`. What these commands remember lives
in its `.procgrade/` folder (git-ignored); backups made by `reset` in its `backups/` folder.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from .commands import learner_command
from .exercises import Exercise, all_exercises
from .i18n import _
from .report import MARK as REPORT_MARK
from .report import STATE_LABEL, display_width, padded
from .results import Report, State

KIT = Path(__file__).resolve().parent.parent
HINTS = Path(__file__).resolve().parent / "hints"
DEFAULT_METHOD = "spawn"   # the learner's default: a grade under it is the one remembered as known


@dataclass(frozen=True)
class Workspace:
    exercises: Path   # the learner's programs

    @property
    def state(self) -> Path:
        return self.exercises.parent / ".procgrade"

    @property
    def backups(self) -> Path:
        return self.exercises.parent / "backups"

    def program(self, exercise: Exercise) -> Path:
        return self.exercises / exercise.file


@dataclass(frozen=True)
class Remembered:
    """An exercise's last grade under the default start method, for the file as it was then."""
    digest: str
    state: str
    score: int
    max_score: int


# -- what was graded before ----------------------------------------------------------------------

def digest(workspace: Workspace, exercise: Exercise) -> str:
    """The program's bytes and its suite's: a grade stays known until either changes."""
    program = workspace.program(exercise)
    content = program.read_bytes() if program.is_file() else b""
    return hashlib.sha256(content + b"\0" + exercise.suite.read_bytes()).hexdigest()


def _progress_file(workspace: Workspace) -> Path:
    return workspace.state / "progress.json"


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    """Best effort: a workspace that cannot be written to only forgets (never fails a command)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    except OSError:
        pass


def is_workspace(folder: Path) -> bool:
    """A learner's folder of exercises (the kit's exercises/, or a copy of the kit's layout), where
    the learner's commands keep what they remember beside it. Any other folder graded (a student's
    submission, a test's or a study's target) is only read: nothing is written next to it."""
    return folder.name == "exercises"


def remember(workspace: Workspace, report: Report) -> None:
    if DEFAULT_METHOD not in report.start_methods:
        return
    kit = {e.id: e for e in all_exercises()}
    data = _read_json(_progress_file(workspace))
    for e in report.exercises:
        if e.exercise in kit:
            data[e.exercise] = asdict(Remembered(digest(workspace, kit[e.exercise]), e.state.value, e.score,
                                                 e.max_score))
    _write_json(_progress_file(workspace), data)


def known(workspace: Workspace, exercises: Sequence[Exercise]) -> dict[str, Remembered]:
    """The remembered grades that still hold: the program and its suite did not change since."""
    data = _read_json(_progress_file(workspace))
    found = {}
    for e in exercises:
        try:
            record = Remembered(**data[e.id])
        except (KeyError, TypeError):
            continue
        if record.digest == digest(workspace, e):
            found[e.id] = record
    return found


Grader = Callable[[Path, list[str]], Report]   # grades some exercises of one folder (default start method)


def refresh(workspace: Workspace, grade: Grader) -> dict[str, Remembered]:
    """Every exercise's grade: remembered where it still holds, graded (all at once) where not."""
    exercises = all_exercises()
    stale = [e.id for e in exercises if e.id not in known(workspace, exercises)]
    if stale:
        remember(workspace, grade(workspace.exercises, stale))
    return known(workspace, exercises)


def later(workspace: Workspace, graded: Sequence[str]) -> list[Exercise]:
    """The kit's exercises outside `graded` that are not known to be done, in the kit's order:
    what the report names next once the graded ones are done."""
    exercises = [e for e in all_exercises() if e.id not in graded]
    done = {i for i, r in known(workspace, exercises).items() if r.state == State.DONE.value}
    return [e for e in exercises if e.id not in done]


def current(workspace: Workspace, grade: Grader) -> Optional[Exercise]:
    """The exercise the learner is on: the first that is not done (None once all are)."""
    grades = refresh(workspace, grade)
    return next((e for e in all_exercises() if grades[e.id].state != State.DONE.value), None)


# -- list ----------------------------------------------------------------------------------------

MARK = {state.value: mark for state, mark in REPORT_MARK.items()}


def render_list(grades: dict[str, Remembered], folder: str) -> str:
    exercises = all_exercises()
    width = max(display_width(_(e.title)) for e in exercises)
    state_width = max(display_width(_(label)) for label in STATE_LABEL.values())
    out = []
    for e in exercises:
        g = grades[e.id]
        out.append("  %s %s  %s  %s %s" % (MARK[g.state], e.id, padded(_(e.title), width),
                                          padded(_(STATE_LABEL[State(g.state)]), state_width),
                                          _("{score}/{max_score} checks").format(score=g.score, max_score=g.max_score)))
    done = sum(g.state == State.DONE.value for g in grades.values())
    out.append("")
    nxt = next((e for e in exercises if grades[e.id].state != State.DONE.value), None)
    if nxt is None:
        out.append(_("{done} of {count} exercises done: all done.").format(done=done, count=len(exercises)))
    else:
        out.append(_("{done} of {count} exercises done · next: {exercise} ({folder}/{file}), then run: "
                     "{check}").format(done=done, count=len(exercises), exercise=nxt.id,
                                       folder=folder.rstrip("/"), file=nxt.file,
                                       check=learner_command("check", nxt.id)))
    return "\n".join(out)


# -- hints, one at a time ------------------------------------------------------------------------

@dataclass(frozen=True)
class Hints:
    title: str                  # the file's first line, "# ex03 · arguments, terminate(), exitcode"
    steps: tuple[str, ...]      # each "## " section, in order


def hints_of(exercise: Exercise, language: str = "en") -> Optional[Hints]:
    """The exercise's hints in `language`, else in English (hints written, not yet translated)."""
    path = next((p for p in (HINTS / ("%s.%s.md" % (exercise.id, lang)) for lang in (language, "en"))
                 if p.is_file()), None)
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    head, *sections = re.split(r"^(?=## )", text, flags=re.M)
    return Hints(head.strip().splitlines()[0], tuple(s.strip() for s in sections))


def next_hint(workspace: Workspace, exercise: Exercise, hints: Hints) -> str:
    """The next hint not yet shown for `exercise` (counted in .procgrade/hints.json); after the
    last one, the last one again with a word that there are no more."""
    path = workspace.state / "hints.json"
    seen = _read_json(path)
    shown = seen.get(exercise.id, 0) if isinstance(seen.get(exercise.id), int) else 0
    total = len(hints.steps)
    number = min(shown + 1, total)
    seen[exercise.id] = number
    _write_json(path, seen)
    parts = [hints.title, _("hint {number} of {total}").format(number=number, total=total), hints.steps[number - 1]]
    if number < total:
        parts.append(_("Still stuck after trying it? Run the same command again for hint {number}.").format(number=number + 1))
    elif shown >= total:
        parts.append(_("There are no more hints for {exercise}: that was the last of {total} (`--all` shows them "
                       "all).").format(exercise=exercise.id, total=total))
    else:
        parts.append(_("That was the last hint for {exercise}.").format(exercise=exercise.id))
    return "\n\n".join(parts)


def all_hints(hints: Hints) -> str:
    return "\n\n".join([hints.title, *hints.steps])


# -- reset ---------------------------------------------------------------------------------------

def original(exercise: Exercise, language: str) -> str:
    """The stub as the kit ships it, in `language`: made from its lesson (grader/lessons/), the one
    source of exercises/ too."""
    from .stubs import stub
    return stub(exercise.file, language)


def backup_name(exercise: Exercise, now: datetime.datetime) -> str:
    stem = exercise.file.removesuffix(".py")
    return "%s.%s.py" % (stem, now.strftime("%Y-%m-%d_%H-%M-%S"))


def reset(workspace: Workspace, exercise: Exercise, now: datetime.datetime, language: str) -> Optional[Path]:
    """Put the original stub back; the learner's file, if any, is moved to the backups folder
    first. Returns the backup's path (None when there was no file to keep)."""
    program = workspace.program(exercise)
    kept = None
    if program.exists():
        workspace.backups.mkdir(parents=True, exist_ok=True)
        kept = workspace.backups / backup_name(exercise, now)
        shutil.copy2(program, kept)
    program.write_text(original(exercise, language), encoding="utf-8", newline="\n")
    return kept
