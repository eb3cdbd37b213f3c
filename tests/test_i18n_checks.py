"""What the checks say, in either language: every known-wrong program of tests/programs graded
under `--lang zh` leaves no message untranslated and no English sentence in it; graded under
`--lang en`, no Chinese outside the evidence it quotes.

Evidence keeps its own language in both: the program's lines, tracebacks and code are quoted in
backquotes (checks.quote), the learner's names of processes too (`写进程`), and the numbers, pids
and items (A, B, C) are values. So the rules are: strip the backquoted spans, then
- zh: no `[untranslated]` (PROCGRADE_I18N_STRICT=1 marks a message the catalogue lacks) and no run
  of three English words (two letters or more each: `A, B, C` and `i, t, c` are items);
- en: no Chinese character left.

Cost: the English reports are the ones test_programs.py already has (variant_reports); the
Chinese ones are one grader command per exercise, its bad programs under spawn only.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from graded import grade, variants

# the exercises whose checks speak through the catalogue (ex07's suite is still English: issue 11)
TRANSLATED = ("ex01", "ex02", "ex03", "ex04", "ex05", "ex06")
FIELDS = ("title", "expected", "observed", "hint")
BACKQUOTED = re.compile(r"`[^`\n]*`")
# Python's own words about a file it could not compile come after the arrow: evidence
PYTHON_SAYS = re.compile(r"←[^\n]*")
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
UNTRANSLATED = "[untranslated]"


def bad_programs(exercise: str):
    return [v for v in variants("bad_") if v.exercise == exercise]


def ours(text: str) -> str:
    """A message without the evidence it quotes."""
    return PYTHON_SAYS.sub("", BACKQUOTED.sub("", text))


def messages(report: dict, exercise: str):
    """(where, text) of every check's words in one report."""
    for e in report["exercises"]:
        if e["exercise"] != exercise:
            continue
        for c in e["checks"]:
            for field in FIELDS:
                if c.get(field):
                    yield "%s %s %s" % (c["check"], c["start_method"], field), c[field]


@pytest.fixture(scope="module")
def chinese_reports(tmp_path_factory) -> dict[str, list[tuple[Path, dict]]]:
    """exercise -> (program, its report under --lang zh, spawn only), graded on first need."""
    root = tmp_path_factory.mktemp("zh")
    found: dict[str, list[tuple[Path, dict]]] = {}

    def get(exercise: str) -> list[tuple[Path, dict]]:
        if exercise not in found:
            group = bad_programs(exercise)
            targets = []
            for variant in group:
                target = root / exercise / variant.path.stem
                target.mkdir(parents=True)
                shutil.copyfile(variant.path, target / variant.exercise_file)
                targets.append(target)
            reports = grade(targets, exercise, ("spawn",), lang="zh", env={"PROCGRADE_I18N_STRICT": "1"})
            found[exercise] = [(v.path, r) for v, r in zip(group, reports)]
        return found[exercise]

    return get  # type: ignore[return-value]


@pytest.mark.parametrize("exercise", TRANSLATED)
def test_under_lang_zh_every_message_of_a_wrong_program_is_chinese(exercise, chinese_reports):
    problems = []
    for path, report in chinese_reports(exercise):
        for where, text in messages(report, exercise):
            if UNTRANSLATED in text:
                problems.append("%s: %s: untranslated: %s" % (path.name, where, text))
            elif ENGLISH_RUN.search(ours(text)):
                problems.append("%s: %s: English %r in: %s" % (path.name, where, ENGLISH_RUN.search(ours(text)).group(),
                                                               text))
    assert not problems, "\n".join(problems)
    # the frame too: a check that failed says so in Chinese
    said = [text for _, report in chinese_reports(exercise) for _, text in messages(report, exercise)]
    assert said and all(CJK.search(ours(text)) for text in said if ours(text).strip(" .,;:()0-9"))


@pytest.mark.parametrize("exercise", TRANSLATED)
def test_under_lang_en_no_chinese_outside_the_evidence(exercise, variant_reports):
    problems = []
    for variant in bad_programs(exercise):
        report = variant_reports[variant.path]
        for where, text in messages(report, exercise):
            if CJK.search(ours(text)):
                problems.append("%s: %s: %s" % (variant.path.name, where, text))
    assert not problems, "\n".join(problems)


def test_the_rules_catch_what_they_are_for():
    """The rules above, on messages that break them: an English clause left in a Chinese message,
    a Chinese word outside the quotes of an English one; and evidence that does not."""
    assert ENGLISH_RUN.search(ours("子进程 `read`（pid 7）was killed before it finished"))
    assert not ENGLISH_RUN.search(ours("负责读数据的子进程 `read`（Process-2，pid 7）取到了 A, B, C。"))
    assert not ENGLISH_RUN.search(ours("你的程序没有启动：SyntaxError，x.py 第 3 行：`while True` ← expected ':' here now"))
    assert CJK.search(ours("main printed 完毕 before the tasks had finished"))
    assert not CJK.search(ours("main printed `所有数据都写入并且读完` while the reader, child `读数据` (pid 4), was still running"))
