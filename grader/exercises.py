"""The exercises the kit has: one suite per exercise, named after the exercise's file.

`grader/suites/test_ex03_process_args.py` grades `ex03_process_args.py`; its TITLE names it.
The suites folder is the one list: adding a suite adds an exercise.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import ModuleType

from .i18n import _

SUITES = Path(__file__).resolve().parent / "suites"


@dataclass(frozen=True)
class Exercise:
    id: str      # "ex03"
    file: str    # "ex03_process_args.py"
    title: str   # "process args"

    @property
    def suite(self) -> Path:
        return SUITES / ("test_" + self.file)


def exercise_of_module(module: ModuleType) -> Exercise:
    name = module.__name__.rsplit(".", 1)[-1]
    file = name[len("test_"):] + ".py"
    return Exercise(file.split("_", 1)[0], file, getattr(module, "TITLE", file))


def all_exercises() -> list[Exercise]:
    found = []
    for path in sorted(SUITES.glob("test_ex*.py")):
        module = importlib.import_module("grader.suites." + path.stem)
        found.append(exercise_of_module(module))
    return found


def exercise_key(name: str) -> str:
    """The id a learner's name for an exercise means: "ex3", "3", "ex03", "ex03_process_args.py" and
    "exercises/ex03_process_args.py" all mean "ex03" (a file name keeps its slug: checked by select)."""
    key = PurePath(name.replace("\\", "/")).name.lower().removesuffix(".py")
    number = re.fullmatch(r"(?:ex)?0*(\d+)", key)
    return "ex%02d" % int(number.group(1)) if number else key


def select(names: list[str]) -> list[Exercise]:
    """Exercises named by id ("ex03", "ex3", "3") or file name (with or without its folder); all when
    `names` is empty."""
    exercises = all_exercises()
    if not names:
        return exercises
    chosen = []
    for name in names:
        key = exercise_key(name)
        match = [e for e in exercises if e.id == key or e.file.removesuffix(".py") == key]
        if not match:
            known = ", ".join(e.id for e in exercises)
            raise ValueError(_("no exercise named '{name}' (the exercises are {known})").format(name=name, known=known))
        chosen.extend(m for m in match if m not in chosen)
    return chosen
