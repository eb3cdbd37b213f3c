"""`python -m grader watch`: one long-lived grader that re-grades at every save.

The grader is imported once and each grading is one in-process pytest session (the plugin's
supervisor runs the learner's program, never this process), so a save costs the program's run
and the checks, not a Python and pytest start. It grades the exercise whose file was saved, or
the one the learner is on (the first not done) when another file under exercises/ changed; when
that one is done, the next not done becomes the one the learner is on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Optional

from . import learner
from .exercises import Exercise, all_exercises
from .i18n import _
from .results import Report

Renderer = Callable[[Report, learner.Workspace], str]


def saved_exercises(workspace: learner.Workspace, paths: Iterable[str]) -> list[Exercise]:
    """The kit's exercises whose program is among the changed paths."""
    changed = {Path(p).name for p in paths}
    return [e for e in all_exercises() if e.file in changed and workspace.program(e).is_file()]


def _is_source(_change: object, path: str) -> bool:
    """Saves of Python files only: an editor's swap and backup files are not saves of a program."""
    return path.endswith(".py") and "__pycache__" not in path


def watching_line(workspace: learner.Workspace, on: Optional[Exercise], shown: str) -> str:
    if on is None:
        return _("All {count} exercises are done. Watching {folder}/ for saves · Ctrl+C ends.").format(
            count=len(all_exercises()), folder=shown)
    return _("Watching {folder}/ for saves · you are on {exercise} ({file}) · Ctrl+C ends.").format(
        folder=shown, exercise=on.id, file=on.file)


def watch(workspace: learner.Workspace, grade: learner.Grader, render: Renderer, shown: str) -> int:
    """Runs until Ctrl+C; returns 0 if every exercise is done by then, else 1 (as `check` does)."""
    from watchfiles import watch as changes   # only the watch command needs it

    on = learner.current(workspace, grade)
    if on is not None:
        _show(grade, render, workspace, [on])
    watching = False
    try:
        # yield_on_timeout: an empty batch once the watcher is set up, so that "Watching" is said
        # only when a save would be seen (a save in between is kept for the next batch)
        for batch in changes(workspace.exercises, watch_filter=_is_source, debounce=400, step=30,
                             rust_timeout=500, yield_on_timeout=True, raise_interrupt=True):
            if batch:
                chosen = saved_exercises(workspace, (path for _, path in batch)) or ([on] if on else [])
                if chosen:
                    _show(grade, render, workspace, chosen)
                on = learner.current(workspace, grade)
            if batch or not watching:
                print(watching_line(workspace, on, shown), flush=True)
                watching = True
    except KeyboardInterrupt:
        print("\n" + _("Stopped watching."), flush=True)
    return 0 if learner.current(workspace, grade) is None else 1


def _show(grade: learner.Grader, render: Renderer, workspace: learner.Workspace,
          exercises: list[Exercise]) -> None:
    report = grade(workspace.exercises, [e.id for e in exercises])
    learner.remember(workspace, report)
    print("", flush=True)
    print(render(report, workspace), flush=True)
