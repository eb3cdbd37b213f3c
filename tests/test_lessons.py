"""The teaching text in both languages, from one source each: the stubs are generated from
grader/lessons/ (one skeleton, the texts of every language side by side), the hints of each
language say the same things (same hints, same code, same code names)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graded import KIT, grade

sys.path.insert(0, str(KIT))
from grader import stubs  # noqa: E402  (the kit's own module)
from grader.i18n import LANGUAGES  # noqa: E402

HINTS = KIT / "grader" / "hints"
FENCE = re.compile(r"^```\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`([^`]+)`")
COMMENT = re.compile(r"\s*#.*$")
EXERCISE_FILES = stubs.lesson_files()


def without_docstrings(tree: ast.AST) -> str:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body[0].value.value = ""
    return ast.dump(tree)


# --- stubs -------------------------------------------------------------------------------------

def test_every_exercise_has_a_lesson():
    assert EXERCISE_FILES == sorted(p.name for p in (KIT / "exercises").glob("ex*.py"))


@pytest.mark.parametrize("name", EXERCISE_FILES)
def test_the_stub_in_exercises_is_the_generated_one(name):
    """exercises/ is what grader/lessons/ gives (an edit to a stub's text goes to the lesson)."""
    assert stubs.pristine_language(KIT / "exercises" / name) in LANGUAGES


@pytest.mark.parametrize("name", EXERCISE_FILES)
def test_every_text_exists_in_every_language_and_the_code_is_the_same(name):
    table = stubs.texts(stubs.LESSONS / name.replace(".py", ".txt"))
    keys = {key for key, _ in table}
    assert {(k, code) for k in keys for code in LANGUAGES} == set(table), "a text is missing in a language"
    trees = {code: without_docstrings(ast.parse(stubs.stub(name, code))) for code in LANGUAGES}
    assert len(set(trees.values())) == 1, "the stubs' code differs between languages"
    zh = stubs.stub(name, "zh")
    assert re.search(r"[\u4e00-\u9fff]{4}", stubs.texts(stubs.LESSONS / name.replace(".py", ".txt"))[("doc", "zh")])
    assert "TODO" in zh


def test_switching_rewrites_only_the_stubs_nobody_has_written_in(tmp_path):
    for name in EXERCISE_FILES:
        (tmp_path / name).write_text(stubs.stub(name, "en"), encoding="utf-8")
    edited = tmp_path / EXERCISE_FILES[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("pass\n", "print('我的代码')\n", 1), encoding="utf-8")
    before = edited.read_bytes()
    result = {s.file: s for s in stubs.switch(tmp_path, "zh")}
    assert result[edited.name].was is None and edited.read_bytes() == before
    for name in EXERCISE_FILES[1:]:
        assert result[name].was == "en" and result[name].now == "zh"
        assert (tmp_path / name).read_text(encoding="utf-8") == stubs.stub(name, "zh")
    back = {s.file: s for s in stubs.switch(tmp_path, "en")}
    assert all(back[name].was == "zh" for name in EXERCISE_FILES[1:])
    assert (tmp_path / EXERCISE_FILES[1]).read_text(encoding="utf-8") == stubs.stub(EXERCISE_FILES[1], "en")


def test_the_chinese_stubs_are_graded_as_not_started_too(tmp_path):
    """Comments and docstrings are all that differ: the grade must not notice the language."""
    for name in EXERCISE_FILES:
        (tmp_path / name).write_text(stubs.stub(name, "zh"), encoding="utf-8")
    (report,) = grade([tmp_path], None, ("spawn",))
    assert {e["exercise"]: e["state"] for e in report["exercises"]} == \
        {name.split("_")[0]: "not started" for name in EXERCISE_FILES}


def test_the_stubs_command_says_what_it_switched_and_what_it_kept(tmp_path):
    for name in EXERCISE_FILES[:3]:
        (tmp_path / name).write_text(stubs.stub(name, "en"), encoding="utf-8")
    (tmp_path / EXERCISE_FILES[2]).write_text("print('mine')\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "grader", "stubs", "--lang", "zh", "--target", str(tmp_path)],
                          cwd=KIT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["%s：已换成中文。" % EXERCISE_FILES[0], "%s：已换成中文。" % EXERCISE_FILES[1],
                                        "%s：保持原样，因为你已经在里面写了代码。" % EXERCISE_FILES[2]]
    assert (tmp_path / EXERCISE_FILES[2]).read_text(encoding="utf-8") == "print('mine')\n"


def test_a_windows_checkout_with_crlf_is_still_pristine(tmp_path):
    name = EXERCISE_FILES[0]
    path = tmp_path / name
    path.write_bytes(stubs.stub(name, "en").replace("\n", "\r\n").encode("utf-8"))
    assert stubs.pristine_language(path) == "en"
    stubs.switch(tmp_path, "zh")
    assert b"\r\n" in path.read_bytes() and stubs.pristine_language(path) == "zh"


# --- hints -------------------------------------------------------------------------------------

def sections(path: Path) -> list[str]:
    return re.split(r"^## ", path.read_text(encoding="utf-8"), flags=re.M)


def code_of(block: str) -> list[str]:
    return [COMMENT.sub("", line).rstrip() for line in block.splitlines()]


def inline_code(text: str) -> set[str]:
    return {" ".join(span.split()) for span in INLINE.findall(FENCE.sub("", text))}


@pytest.mark.parametrize("exercise", sorted(p.name.split(".")[0] for p in HINTS.glob("ex*.en.md")))
def test_the_hints_say_the_same_in_both_languages(exercise):
    """Same hints in the same order, the same code (its comments translated) and the same code
    names in each hint: a hint added or changed in one language only fails here."""
    en, zh = (sections(HINTS / ("%s.%s.md" % (exercise, code))) for code in ("en", "zh"))
    assert len(en) == len(zh), "not the same number of hints"
    for a, b in zip(en, zh):
        assert [code_of(x) for x in FENCE.findall(a)] == [code_of(x) for x in FENCE.findall(b)], a[:60]
        assert inline_code(a) == inline_code(b), a[:60]
