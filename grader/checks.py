"""How a check is declared and how it fails.

A check is a pytest test function in a suite (grader/suites/test_exNN_*.py), decorated with
`@check(title, points=1, needs=(...))`, that receives the run's `trace` (and, for the copier, the
`run`) and either returns or calls `fail(expected=..., observed=..., hint=...)`. The failure is a
value with evidence; rendering it is the report's job.
"""

from __future__ import annotations

from typing import Callable, Iterable, NoReturn, TypeVar

import pytest

from .i18n import _

F = TypeVar("F", bound=Callable[..., object])


class CheckFailed(AssertionError):
    """What was expected, what was observed (with the evidence: pids, lines, files), one hint."""

    def __init__(self, expected: str, observed: str, hint: str = "") -> None:
        super().__init__(observed)
        self.expected = expected
        self.observed = observed
        self.hint = hint

    def __str__(self) -> str:
        lines = [_("expected: {text}").format(text=self.expected), _("observed: {text}").format(text=self.observed)]
        if self.hint:
            lines.append(_("hint: {text}").format(text=self.hint))
        return "\n".join(lines)


def fail(expected: str, observed: str, hint: str = "") -> NoReturn:
    raise CheckFailed(expected, observed, hint)


def skip(reason: str) -> NoReturn:
    """This check cannot be judged from what the run shows, for `reason` (another check tells why)."""
    pytest.skip(reason)


def check(title: str, points: int = 1, needs: Iterable[str] = (), about_time: bool = False) -> Callable[[F], F]:
    """Declare a check: its learner-facing title, its points, the checks it builds on.

    `about_time`: the check is about when things happened (overlap, order, concurrency, a hang):
    when it fails, the report shows the timeline of the processes under it.

    `needs` names other checks of the same suite (function names without `test_`); when one of
    them did not pass, this check is skipped with a reason instead of piling on a second failure.
    """
    needs = tuple(needs)

    def decorate(function: F) -> F:
        return pytest.mark.check(title=title, points=points, needs=needs, about_time=about_time)(function)

    return decorate


def check_id(function_name: str) -> str:
    return function_name[len("test_"):] if function_name.startswith("test_") else function_name


def quote(text: str, limit: int = 80) -> str:
    """A learner's line, quoted for a message: `like this`."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "`%s`" % text

