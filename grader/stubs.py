"""The stubs in the learner's language, from one source per exercise.

A stub is the file the learner edits, so it is written in one language. Each exercise has:

  grader/lessons/exNN_slug.py.in   the program's skeleton, once, with placeholders where the
                                   teaching text goes: `\"\"\"@key` (a docstring) and `# @key` (a
                                   comment: a whole block of comment lines, or the end of a line)
  grader/lessons/exNN_slug.txt     every teaching text of that exercise in every language, side by
                                   side: a line `@@ key en` or `@@ key zh` starts a text, which
                                   runs to the next such line (trailing blank lines dropped)

`stub(exercise_file, language)` puts them together; exercises/ holds the English ones as committed
(tests/test_stubs.py checks that it equals what this module gives). `switch()` rewrites a stub into
another language only while it is pristine: equal to the generated stub of some language. Once the
learner has written a single character in it, it is theirs and is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .i18n import LANGUAGES

LESSONS = Path(__file__).resolve().parent / "lessons"
MARKER = re.compile(r"^@@ (\w+) (\w+)$")
DOCSTRING = re.compile(r'^(?P<indent>[ \t]*)(?P<before>.*?)"""@(?P<key>\w+)(?P<after>.*)$')
COMMENT = re.compile(r"^(?P<indent>[ \t]*)(?P<before>.*?)# @(?P<key>\w+)$")


class LessonError(ValueError):
    """A lesson's skeleton and texts do not fit together (a missing key or language)."""


def texts(lesson: Path) -> dict[tuple[str, str], str]:
    """(key, language) -> text, from a lesson's .txt file."""
    found: dict[tuple[str, str], list[str]] = {}
    current: Optional[list[str]] = None
    for line in lesson.read_text(encoding="utf-8").splitlines():
        marker = MARKER.match(line)
        if marker:
            current = found.setdefault((marker.group(1), marker.group(2)), [])
        elif current is not None:
            current.append(line)
        elif line.strip() and not line.startswith("#"):   # comments for the kit's maintainers
            raise LessonError("%s: text before the first @@ line: %r" % (lesson.name, line))
    return {key: _trimmed(lines) for key, lines in found.items()}


def _trimmed(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)


def stub(exercise_file: str, language: str) -> str:
    """The pristine stub of `exercise_file` ("ex05_queue.py") in `language`."""
    base = LESSONS / exercise_file
    skeleton = Path(str(base) + ".in").read_text(encoding="utf-8")
    table = texts(base.with_suffix(".txt"))

    def text(key: str) -> str:
        try:
            return table[(key, language)]
        except KeyError:
            raise LessonError("%s: no text %r in %r" % (exercise_file, key, language)) from None

    out = []
    for line in skeleton.split("\n"):
        doc = DOCSTRING.match(line)
        comment = COMMENT.match(line)
        if doc:
            body = text(doc["key"]).split("\n")
            body = [body[0]] + [(doc["indent"] + b) if b else "" for b in body[1:]]
            out.append(doc["indent"] + doc["before"] + '"""' + "\n".join(body) + doc["after"])
        elif comment:
            prefix = comment["indent"] + comment["before"]
            body = text(comment["key"]).split("\n")
            out.append(prefix + "# " + body[0])
            out.extend((comment["indent"] + "# " + b).rstrip() for b in body[1:])
        else:
            out.append(line)
    return "\n".join(out)


def lesson_files() -> list[str]:
    return sorted(p.name[:-len(".in")] for p in LESSONS.glob("*.py.in"))


def _normal(text: str) -> str:
    return text.replace("\r\n", "\n")   # a Windows checkout may have turned \n into \r\n


def pristine_language(path: Path) -> Optional[str]:
    """The language whose generated stub `path` still is, or None once the learner wrote in it."""
    if not path.is_file():
        return None
    text = _normal(path.read_text(encoding="utf-8", errors="replace"))
    return next((code for code in LANGUAGES if text == stub(path.name, code)), None)


@dataclass(frozen=True)
class Switched:
    file: str
    was: Optional[str]     # the language it was in; None: the learner has written in it (kept)
    now: Optional[str]     # the language it is in now (None: kept as it was)


def switch(folder: Path, language: str, write: bool = True, everyone: bool = False) -> list[Switched]:
    """Put the pristine stubs of `folder` into `language`; never touch one the learner edited.
    `everyone`: rewrite every stub, edited or not (the kit's maintainers, after editing a lesson)."""
    done = []
    for name in lesson_files():
        path = folder / name
        if not path.is_file():
            continue   # not there: nothing to switch (the report names a missing exercise)
        was = pristine_language(path)
        if was is None and everyone:
            was = "edited"
        if was is None:
            done.append(Switched(name, None, None))
            continue
        if was != language and write:
            newline = "\r\n" if b"\r\n" in path.read_bytes() else "\n"
            path.write_text(stub(name, language).replace("\n", newline), encoding="utf-8", newline="")
        done.append(Switched(name, was, language))
    return done
