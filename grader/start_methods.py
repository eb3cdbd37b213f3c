"""The start methods this platform offers, the one place the grader asks (multiprocessing's own
list): fork, spawn and forkserver on Linux; spawn and fork on macOS (forkserver too, from its
list); spawn only on Windows. A method the platform lacks is an error that names the ones it has,
never a silent spawn.

`default` is the platform's own default for the Python that runs the grader, resolved here once
and then passed to every run by name, so that nothing else depends on it: fork on Linux up to
Python 3.13, forkserver from 3.14; spawn on macOS (since 3.8) and Windows.
"""

from __future__ import annotations

import multiprocessing
import sys

from .i18n import _

KNOWN = ("fork", "spawn", "forkserver")   # what the grader can run under, where the platform has it
CHOICES = (*KNOWN, "default", "all")


def offered() -> tuple[str, ...]:
    """The known methods this platform has, in the grader's order."""
    have = multiprocessing.get_all_start_methods()
    return tuple(m for m in KNOWN if m in have)


def platform_default() -> str:
    """The method a program that names none gets here (without fixing the grader's own)."""
    return multiprocessing.get_context(None).get_start_method()


class NotOffered(ValueError):
    pass


def resolve(choice: str) -> list[str]:
    """The methods `--start-method CHOICE` runs programs under, each by name."""
    if choice == "all":
        return list(offered())
    if choice == "default":
        return [platform_default()]
    if choice not in offered():
        raise NotOffered(_("--start-method {method} is not available on this platform ({platform}, Python "
                           "{version}): it offers {methods}, or default ({default}) or all.").format(
            method=choice, platform=sys.platform, version="%d.%d" % sys.version_info[:2],
            methods=", ".join(offered()), default=platform_default()))
    return [choice]
