"""Chinese and English: the choice of language, the catalogue (complete, placeholders kept, in
step with the code and with its compiled .mo), the commands in either language, and a report that
prints on a GBK or cp1252 pipe."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from graded import KIT

sys.path.insert(0, str(KIT))
from grader import i18n  # noqa: E402  (the kit's own module, imported, never a learner's program)
from grader.report import WIDTH, _wrapped, display_width, padded  # noqa: E402

PO = KIT / "grader" / "locale" / "zh_CN" / "LC_MESSAGES" / "procgrade.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{(\w+)[^{}]*\}|%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def catalogue():
    with PO.open("rb") as handle:
        return read_po(handle)


def messages():
    return [m for m in catalogue() if m.id]


def placeholders(text: str) -> list[str]:
    return sorted(a or b for a, b in PLACEHOLDER.findall(text))


# --- choosing the language ---------------------------------------------------------------------

@pytest.mark.parametrize("flag,environ,expected", [
    ("zh", {"PROCGRADE_LANG": "en", "LANG": "en_US.UTF-8"}, ("zh", "--lang")),
    ("en", {"LANG": "zh_CN.UTF-8"}, ("en", "--lang")),
    ("zh-CN", {}, ("zh", "--lang")),
    (None, {"PROCGRADE_LANG": "zh_CN", "LANG": "en_US.UTF-8"}, ("zh", "PROCGRADE_LANG")),
    (None, {"LANGUAGE": "fr_FR:zh_CN", "LANG": "en_US.UTF-8"}, ("zh", "LANGUAGE")),
    (None, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, ("zh", "LC_ALL")),
    (None, {"LC_MESSAGES": "zh_CN.GB2312"}, ("zh", "LC_MESSAGES")),
    (None, {"LANG": "zh_CN.UTF-8"}, ("zh", "LANG")),
    (None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "zh_CN.UTF-8"}, ("en", "default")),   # LC_ALL wins over LANG
    (None, {"LANG": "C.UTF-8"}, ("en", "default")),
    (None, {}, ("en", "default")),
])
def test_the_language_comes_from_the_flag_then_procgrade_lang_then_the_locale(flag, environ, expected):
    chosen = i18n.choose(flag, environ)
    assert (chosen.code, chosen.source) == expected


def test_on_windows_the_user_interface_language_comes_after_the_locale(monkeypatch):
    monkeypatch.setattr(i18n, "windows_ui_language", lambda: "zh")
    assert i18n.choose(None, {}) == i18n.Language("zh", "Windows")
    assert i18n.choose(None, {"LANG": "en_US.UTF-8"}).code == "en"
    assert [i18n.language_of_langid(x) for x in (0x0804, 0x1004, 0x0404, 0x0409, 0x0809, 0x040C)] == \
        ["zh", "zh", None, "en", "en", None]


@pytest.mark.parametrize("flag,environ,source", [("fr", {}, "--lang"), (None, {"PROCGRADE_LANG": "klingon"}, "PROCGRADE_LANG")])
def test_a_language_the_kit_does_not_have_is_an_error_that_lists_the_languages(flag, environ, source):
    with pytest.raises(i18n.UnknownLanguage) as error:
        i18n.choose(flag, environ)
    assert source in str(error.value) and "en, zh" in str(error.value)


# --- the catalogue -----------------------------------------------------------------------------

def test_every_message_is_translated_into_chinese():
    untranslated = [m.id for m in messages() if not (all(m.string) if m.pluralizable else m.string)]
    assert not untranslated, untranslated


def test_a_translation_keeps_the_placeholders_of_its_message():
    wrong = {}
    for m in messages():
        ids = m.id if m.pluralizable else (m.id,)
        strings = m.string if m.pluralizable else (m.string,)
        for text in strings:
            if placeholders(text) != placeholders(ids[-1]):
                wrong[ids[0]] = text
    assert not wrong, wrong


def test_plural_messages_have_every_form_the_language_has():
    cat = catalogue()
    assert cat.plural_forms == "nplurals=1; plural=0;"
    for m in messages():
        if m.pluralizable:
            assert len(m.string) == cat.num_plurals, m.id


def test_the_catalogue_is_in_step_with_the_code():
    """A message changed in the code but not extracted again (`nox -s i18n`) fails here."""
    with (KIT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    in_code = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(KIT), method_map=method_map, options_map=options_map, keywords=i18n.EXTRACT_KEYWORDS):
        in_code.add(message if isinstance(message, str) else tuple(message))
    in_po = {m.id for m in messages()}
    assert in_code - in_po == set(), "in the code, not in the catalogue: run nox -s i18n"
    assert in_po - in_code == set(), "in the catalogue, no longer in the code: run nox -s i18n"


def test_the_compiled_catalogue_is_the_po_file():
    """The .mo is committed (a fresh clone needs no Babel): it must say what the .po says."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for m in messages():
        if m.pluralizable:
            assert compiled.ngettext(m.id[0], m.id[1], 1) == m.string[0], m.id
        else:
            assert compiled.gettext(m.id) == m.string, m.id


def test_chinese_takes_two_columns_in_the_report():
    assert display_width("未开始") == 6 and padded("未开始", 8) == "未开始  "
    assert padded("done", 6) == "done  "


def test_a_chinese_message_is_wrapped_at_the_report_width_without_cutting_code():
    text = ("提示：读进程不能靠 `q.empty()` 判断写进程已经写完：写进程每写一个字母都要 sleep 一下，"
            "在它 sleep 的时候队列就是空的。") * 3
    lines = _wrapped(text)
    assert len(lines) > 1
    assert all(display_width(line) <= WIDTH + 2 for line in lines), lines   # + a closing mark kept on its line
    assert all(line.count("`") % 2 == 0 for line in lines), lines
    assert not any(line.strip()[0] in "，。：" for line in lines[1:]), lines
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")


# --- the commands --------------------------------------------------------------------------------

def grader(*args: str, env: dict[str, str] | None = None, encoding: str = "utf-8") -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PROCGRADE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=KIT, capture_output=True,
                          env=environ, timeout=300, encoding=encoding)


def test_a_chinese_locale_gets_the_report_in_chinese_and_the_flag_overrides_it():
    zh = grader("check", "ex01", env={"LANG": "zh_CN.UTF-8"})
    assert zh.returncode == 1, zh.stderr
    assert "启动方式" in zh.stdout and "未开始" in zh.stdout and "下一步" in zh.stdout, zh.stdout
    assert "nox -s stubs -- --lang zh" in zh.stderr, zh.stderr   # the stubs as committed are English
    en = grader("check", "ex01", "--lang", "en", env={"LANG": "zh_CN.UTF-8"})
    assert "not started" in en.stdout and "next: ex01" in en.stdout and not CJK.search(en.stdout), en.stdout


def test_an_unknown_language_is_refused_with_the_list():
    proc = grader("check", "--lang", "fr")
    assert proc.returncode == 2
    assert "'fr'" in proc.stderr and "en, zh" in proc.stderr


def test_strict_mode_marks_a_message_the_catalogue_does_not_have(monkeypatch):
    """What a test of the checks' messages under --lang zh relies on to find one left untranslated."""
    monkeypatch.setenv("PROCGRADE_I18N_STRICT", "1")
    monkeypatch.setattr(i18n._Active, "code", "zh")
    assert i18n._("not started") == "未开始"
    assert i18n._("a sentence nobody translated") == i18n.UNTRANSLATED + "a sentence nobody translated"
    monkeypatch.setattr(i18n._Active, "code", "en")
    assert i18n._("a sentence nobody translated") == "a sentence nobody translated"


def test_the_help_follows_the_language():
    proc = grader("check", "--help", "--lang", "zh")
    assert proc.returncode == 0 and "子进程的启动方式" in proc.stdout and "用法" in proc.stdout, proc.stdout
    wrong = grader("check", "--start-method", "bogus", "--lang", "zh")
    assert wrong.returncode == 2 and "无效的选择" in wrong.stderr, wrong.stderr
    english = grader("check", "--start-method", "bogus", "--lang", "en")
    assert "invalid choice" in english.stderr and not CJK.search(english.stderr), english.stderr


def test_the_hints_follow_the_language():
    zh = grader("hint", "ex05", "--all", env={"LANG": "zh_CN.UTF-8"})   # --all: whichever hint is next
    assert zh.returncode == 0 and "提示 1" in zh.stdout, zh.stdout
    en = grader("hint", "ex05", "--all", "--lang", "en", env={"LANG": "zh_CN.UTF-8"})
    # the English hints quote the tutorial's Chinese output lines, so only the frame is compared
    assert en.returncode == 0 and "Hint 1" in en.stdout and "提示" not in en.stdout, en.stdout


@pytest.mark.parametrize("encoding,lang,expected", [
    ("cp936", "zh", ["· ex02", "未开始", "下一步", "已完成", "√ ex02"]),   # a Chinese Windows console or pipe
    ("cp1252", "en", ["· ex02", "not started", "next: ex02", "+ ex02"]),
    ("cp1252", "zh", ["· ex02", "+ ex02"]),          # no Chinese letters there: '?', never a crash
])
def test_the_report_prints_on_a_console_that_cannot_encode_every_character(encoding, lang, expected):
    """The stub (not started, ·) and the solution (done, ✓: written as the nearest mark the code
    page has) of ex02, in one command."""
    proc = grader("check", "ex02", "--target", "exercises", "--target", "solutions", "--lang", lang,
                  env={"PYTHONIOENCODING": encoding}, encoding=encoding)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "UnicodeEncodeError" not in proc.stderr, proc.stderr
    for text in expected:
        assert text in proc.stdout, proc.stdout
