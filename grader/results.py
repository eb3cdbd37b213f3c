"""The results model: plain frozen dataclasses that every output format renders.

The pytest plugin fills it; the terminal report, the JSON files and the CSV are renderers of it.
The JSON form lives here, in exactly one place (to_dict / from_dict).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Iterable, Optional

from .i18n import _


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"   # its premise (a check it needs) did not pass
    ERROR = "error"       # the grader itself broke: never the learner's fault


class State(str, Enum):
    DONE = "done"
    FAILING = "failing"
    NOT_STARTED = "not started"      # a pristine stub: it does nothing yet
    DID_NOT_START = "did not start"  # Python could not compile it, or main crashed before doing anything
    NOT_SUBMITTED = "not submitted"
    GRADER_ERROR = "grader error"    # the grader itself failed (its supervisor could not start the program, say)


@dataclass(frozen=True)
class CheckResult:
    exercise: str            # "ex03"
    check: str               # "child_got_args"
    title: str               # the sentence a teacher would say
    status: Status
    points: int
    max_points: int
    start_method: str
    expected: str = ""
    observed: str = ""
    hint: str = ""
    about_time: bool = False   # a check about when things happened (checks.check): not in the JSON

    @property
    def message(self) -> str:
        # the report's own labelled lines (one message each: a label with its value)
        labelled = ((_("expected: {text}"), self.expected), (_("observed: {text}"), self.observed),
                    (_("hint: {text}"), self.hint))
        return "\n".join(label.format(text=text) for label, text in labelled if text)


@dataclass(frozen=True)
class ExerciseResult:
    exercise: str
    title: str               # the suite's TITLE in the report's language
    file: str
    state: State
    checks: tuple[CheckResult, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()   # information for the learner, never part of a grade
    # why the program did not start, in one sentence (StartError.sentence), and the learner's line
    # with a caret under the spot; "" and () when it started
    error: str = ""
    error_excerpt: tuple[str, ...] = ()
    # the last lines the program wrote to stderr, tracebacks cut to the learner's file
    # (Trace.stderr_tail), from the run under `stderr_from` (a start method)
    stderr_tail: tuple[str, ...] = ()
    stderr_from: str = ""
    # when the grader itself failed on this exercise: its traceback (what to report), else ""
    grader_error: str = ""
    # the processes over time (timeline.Timeline) of the run under the first start method: for
    # the terminal and the HTML page, never in the JSON (its times differ from run to run)
    timeline: Optional[Any] = field(default=None, compare=False, repr=False)

    @property
    def score(self) -> int:
        return sum(c.points for c in self.checks)

    @property
    def max_score(self) -> int:
        return sum(c.max_points for c in self.checks)

    @property
    def failing(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status is not Status.PASSED]


@dataclass(frozen=True)
class Report:
    """Every exercise graded for one target (a learner's folder, a submission)."""

    target: str
    start_methods: tuple[str, ...]
    exercises: tuple[ExerciseResult, ...]

    @property
    def score(self) -> int:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> int:
        return sum(e.max_score for e in self.exercises)

    @property
    def all_done(self) -> bool:
        return all(e.state is State.DONE for e in self.exercises)

    def exercise(self, exercise_id: str) -> Optional[ExerciseResult]:
        return next((e for e in self.exercises if e.exercise == exercise_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "start_methods": list(self.start_methods),
            "score": self.score,
            "max_score": self.max_score,
            "exercises": [
                {
                    "exercise": e.exercise, "title": e.title, "file": e.file, "state": e.state.value,
                    "score": e.score, "max_score": e.max_score,
                    "checks": [_check_dict(c) for c in e.checks],
                    "notes": list(e.notes),
                    "error": e.error, "error_excerpt": list(e.error_excerpt),
                    "stderr_tail": list(e.stderr_tail), "stderr_from": e.stderr_from,
                    "grader_error": e.grader_error,
                }
                for e in self.exercises
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        exercises = []
        for e in data["exercises"]:
            checks = tuple(CheckResult(**dict(c, status=Status(c["status"]))) for c in e["checks"])
            exercises.append(ExerciseResult(e["exercise"], e["title"], e["file"], State(e["state"]), checks,
                                            tuple(e.get("notes", ())), e.get("error", ""),
                                            tuple(e.get("error_excerpt", ())), tuple(e.get("stderr_tail", ())),
                                            e.get("stderr_from", ""), e.get("grader_error", "")))
        return cls(data["target"], tuple(data["start_methods"]), tuple(exercises))


def _check_dict(c: CheckResult) -> dict[str, Any]:
    data = dict(asdict(c), status=c.status.value)
    del data["about_time"]
    return data


def exercise_state(checks: Iterable[CheckResult], submitted: bool, did_something: bool,
                   started: bool = True) -> State:
    checks = list(checks)
    if not submitted:
        return State.NOT_SUBMITTED
    if not started:
        return State.DID_NOT_START
    if any(c.status is Status.ERROR for c in checks):
        return State.GRADER_ERROR   # never "not started": the learner's program was not judged
    if checks and all(c.status is Status.PASSED for c in checks):
        return State.DONE
    if not did_something:
        return State.NOT_STARTED
    return State.FAILING
