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
Chinese ones are one grader command per exercise, all its bad programs under spawn only (ex07's 26
take about a minute of CPU: each program is seven runs and a 64 MiB copy).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graded import KIT, PROGRAMS, grade, variants

TRANSLATED = ("ex01", "ex02", "ex03", "ex04", "ex05", "ex06", "ex07")
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


# --- the learner's own commands, through nox, in a Chinese locale ----------------------------------

NOX_PYTHON = os.environ.get("PROCGRADE_NOX_PYTHON", "")
needs_nox = pytest.mark.skipif(not NOX_PYTHON, reason="PROCGRADE_NOX_PYTHON (set by `nox -s tests`) names nox's Python")


def learner_nox(session: str, *args: str, where: Path) -> subprocess.CompletedProcess:
    """`nox -s SESSION -- ARGS` as a learner in a Chinese locale runs it, on a copy of the pristine
    stubs (the commands keep their state next to the exercises: not in the kit)."""
    exercises = where / "exercises"
    if not exercises.is_dir():
        shutil.copytree(KIT / "exercises", exercises, ignore=shutil.ignore_patterns("__pycache__", "noxfile.py"))
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PROCGRADE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update(LANG="zh_CN.UTF-8", PROCGRADE_I18N_STRICT="1")
    return subprocess.run([NOX_PYTHON, "-m", "nox", "-f", str(KIT / "noxfile.py"), "-s", session, "--", *args,
                           "--target", str(exercises)], cwd=where, capture_output=True, text=True,
                          env=environ, timeout=600)


@needs_nox
def test_nox_check_in_a_chinese_locale_reports_the_pristine_stubs_in_chinese(tmp_path):
    proc = learner_nox("check", where=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "启动方式：spawn" in proc.stdout and "未开始" in proc.stdout and "下一步" in proc.stdout, proc.stdout
    assert UNTRANSLATED not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert "not started" not in proc.stdout and "next:" not in proc.stdout, proc.stdout


@needs_nox
def test_nox_hint_in_a_chinese_locale_prints_the_chinese_hint(tmp_path):
    proc = learner_nox("hint", "ex05", where=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"提示 1", proc.stdout), proc.stdout
    assert "第 1 条提示" in proc.stdout and "Still stuck" not in proc.stdout
    assert "Hint" not in proc.stdout and UNTRANSLATED not in proc.stdout + proc.stderr, proc.stdout


# --- the instructor's outputs follow --lang; their keys and values for machines do not ------------

def test_classroom_under_lang_zh_words_its_tests_in_chinese_with_the_same_keys(tmp_path):
    repo = tmp_path / "repo"
    (repo / "exercises").mkdir(parents=True)
    shutil.copyfile(PROGRAMS / "ex01" / "bad_threads.py", repo / "exercises" / "ex01_two_loops.py")
    shutil.copyfile(KIT / "exercises" / "ex02_pid.py", repo / "exercises" / "ex02_pid.py")
    results = {}
    for lang in ("en", "zh"):
        output, summary = tmp_path / ("output-" + lang), tmp_path / ("summary-%s.md" % lang)
        env = dict(os.environ, GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary), PROCGRADE_I18N_STRICT="1")
        proc = subprocess.run([sys.executable, "-m", "grader", "classroom", str(repo), "--lang", lang], cwd=KIT,
                              env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        name, encoded = output.read_text().splitlines()[0].split("=", 1)
        results[lang] = (json.loads(base64.b64decode(encoded)), summary.read_text(encoding="utf-8"))
    (en, en_summary), (zh, zh_summary) = results["en"], results["zh"]
    assert [sorted(t) for t in zh["tests"]] == [sorted(t) for t in en["tests"]]
    assert [(t["status"], t["score"]) for t in zh["tests"]] == [(t["status"], t["score"]) for t in en["tests"]]
    assert zh["status"] == en["status"] == "fail" and zh["max_score"] == en["max_score"]
    failing = [t for t in zh["tests"] if t["status"] == "fail"]
    assert failing and all("应当：" in t["message"] and "实际：" in t["message"] for t in failing
                           if "已跳过" not in t["message"]), failing
    assert any(t["name"].startswith("ex01 两个循环：") for t in zh["tests"]), zh["tests"]
    assert "## procgrade：" in zh_summary and "未开始" in zh_summary and "### 未通过的检查" in zh_summary, zh_summary
    assert UNTRANSLATED not in json.dumps(zh, ensure_ascii=False) + zh_summary
    assert "## procgrade: " in en_summary and "not started" in en_summary, en_summary


def test_grade_under_lang_zh_words_the_student_json_in_chinese_with_the_same_keys(tmp_path):
    """The instructor's JSON follows --lang in its words (the exercise's and each check's title)
    and keeps its keys and machine values (ids, states, scores)."""
    reports = {}
    for lang in ("en", "zh"):
        student = tmp_path / lang / "class" / "ada"
        student.mkdir(parents=True)
        shutil.copyfile(KIT / "exercises" / "ex02_pid.py", student / "ex02_pid.py")
        out = tmp_path / lang / "grades"
        proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(student.parent), "ex02", "--out", str(out),
                               "--lang", lang, "--jobs", "1"], cwd=KIT, capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, PROCGRADE_I18N_STRICT="1"))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        [found] = out.rglob("ada.json")
        reports[lang] = json.loads(found.read_text(encoding="utf-8"))
    en, zh = (reports[lang]["exercises"][0] for lang in ("en", "zh"))
    assert sorted(zh) == sorted(en) and (zh["exercise"], zh["state"], zh["score"]) == (en["exercise"], en["state"],
                                                                                     en["score"])
    assert CJK.search(zh["title"]) and not CJK.search(en["title"]), (zh["title"], en["title"])
    assert all(CJK.search(c["title"]) for c in zh["checks"]) and [c["check"] for c in zh["checks"]] == [
        c["check"] for c in en["checks"]]
    assert UNTRANSLATED not in json.dumps(zh, ensure_ascii=False)
