"""The learner's commands as the learner types them, for the lines that tell what to run next.

`nox -s check -- ex03` is what a learner with nox types; one who started with the README's
`python3 kit.py -s check` (a Python that refuses `pip install`, Windows' `py`) types
`python3 kit.py -s check -- ex03`. kit.py says how it was started in PROCGRADE_NOX, which the
environment carries through nox to the grader; without it, the command is `nox`.
"""

from __future__ import annotations

import os

VARIABLE = "PROCGRADE_NOX"


def learner_command(session: str, *args: str) -> str:
    """`nox -s SESSION -- ARGS`, with `nox` as the learner started it."""
    words = [os.environ.get(VARIABLE, "").strip() or "nox", "-s", session]
    if args:
        words += ["--", *args]
    return " ".join(words)
