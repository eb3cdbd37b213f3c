"""The learner's language: which one is chosen, and the translated text in it.

Every word the learner reads is English in the code, marked for translation, and translated by
the standard library's `gettext` from the compiled catalogue grader/locale/zh_CN/LC_MESSAGES/
procgrade.mo (the .po beside it is the source; `nox -s i18n` extracts, updates and compiles them
with Babel; tests/test_i18n.py fails when they are out of step with the code).

How to mark a message (the convention Babel extracts; see babel.cfg):

    _("{child} printed {count} lines").format(child=..., count=...)   # one whole sentence
    ngettext("{n} check passes", "{n} checks pass", n).format(n=n)    # a number decides the form
    N_("done")    # marked where it is written (a module-level table), translated later by _()

Placeholders are named (`{name}`), never positional, so that a translation may order them as its
language needs; a sentence is never glued from translated pieces.

The language is chosen once per command by `choose()`: `--lang`, then PROCGRADE_LANG, then the
locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; on Windows the user's interface language), else
English.
"""

from __future__ import annotations

import argparse
import gettext
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional, Sequence

DOMAIN = "procgrade"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENGLISH = "en"
# language code -> the catalogue's locale folder (None: the messages as written in the code)
LANGUAGES: dict[str, Optional[str]] = {"en": None, "zh": "zh_CN"}
# the names Babel extracts messages from (with babel.cfg's file list: `nox -s i18n`, tests/test_i18n.py);
# learner_text is noxfile.py's
EXTRACT_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "learner_text": None}
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# Windows LANGIDs: Simplified Chinese (PRC, Singapore), as language_of() takes zh_CN and zh_SG;
# English by its primary language id (the low 10 bits), any country
WINDOWS_SIMPLIFIED_CHINESE = {0x0804, 0x1004}
WINDOWS_ENGLISH_PRIMARY = 0x09


class UnknownLanguage(ValueError):
    """A language was asked for by name (--lang, PROCGRADE_LANG) that the kit does not have."""


@dataclass(frozen=True)
class Language:
    code: str                     # "en", "zh"
    source: str                   # where the choice came from: "--lang", "PROCGRADE_LANG", "LANG", ...


def language_of(value: str) -> Optional[str]:
    """The kit's language code for a name as people and locales write it ("zh", "zh-CN",
    "zh_CN.UTF-8", "chinese", "en_US"), or None."""
    key = value.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if key in ("zh", "zh_cn", "zh_hans", "zh_sg", "chinese", "中文"):
        return "zh"
    if key == "en" or key.startswith("en_") or key == "english":
        return "en"
    return None


def unknown_language_message(value: str, source: str) -> str:
    return _("{source} asks for the language '{value}', which the kit does not have; the languages "
             "are: {languages}.").format(source=source, value=value, languages=", ".join(LANGUAGES))


def choose(flag: Optional[str] = None, environ: Mapping[str, str] = os.environ) -> Language:
    """The language of this command. A value named on purpose (--lang, PROCGRADE_LANG) that the
    kit does not have raises UnknownLanguage; a locale it does not have (fr_FR, C) means English,
    as a locale is the machine's, not a request to this kit."""
    for source, value in (("--lang", flag), ("PROCGRADE_LANG", environ.get("PROCGRADE_LANG"))):
        if value:
            code = language_of(value)
            if code is None:
                raise UnknownLanguage(unknown_language_message(value, source))
            return Language(code, source)
    for name in LOCALE_VARIABLES:
        # LANGUAGE is a priority list ("zh_CN:en"); the first entry the kit has wins
        for value in environ.get(name, "").split(":"):
            code = language_of(value) if value else None
            if code:
                return Language(code, name)
        if environ.get(name) and name != "LANGUAGE":
            break   # LC_ALL=fr_FR overrides LANG=zh_CN: the first variable set is the locale
    windows = windows_ui_language()
    if windows:
        return Language(windows, "Windows")
    return Language(ENGLISH, "default")


def lang_flag(argv: Sequence[str]) -> Optional[str]:
    """The value of --lang in a command line, if any: read before the command's parser is built
    (its help is translated too), and by noxfile.py's sessions."""
    early = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    early.add_argument("--lang")
    return early.parse_known_args(list(argv))[0].lang


def windows_ui_language() -> Optional[str]:
    """The user's Windows interface language, if the kit has it; None elsewhere."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes
        langid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None
    return language_of_langid(langid)


def language_of_langid(langid: int) -> Optional[str]:
    """The kit's language for a Windows LANGID (0x0804 Chinese (PRC) -> "zh"), or None."""
    if langid in WINDOWS_SIMPLIFIED_CHINESE:
        return "zh"
    return "en" if langid & 0x3FF == WINDOWS_ENGLISH_PRIMARY else None


@lru_cache(maxsize=None)
def translation(code: str) -> gettext.NullTranslations:
    folder = LANGUAGES[code]
    if folder is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[folder], fallback=True)


class _Active:
    """The one language of this process. A process-wide setting by nature (gettext's own
    `install()` is one too): the checks build their messages deep inside pytest, where no
    argument can reach them. Set once per command by `use()`; until then the environment
    decides, so that code not yet wired to --lang still speaks the learner's language."""

    code: Optional[str] = None


def use(language: Language | str) -> None:
    code = language if isinstance(language, str) else language.code
    if code not in LANGUAGES:
        raise UnknownLanguage(unknown_language_message(code, "use()"))
    _Active.code = code


def current() -> str:
    if _Active.code is None:
        _Active.code = ENGLISH   # while choosing: the message about a bad value is in English
        try:
            _Active.code = choose().code
        except UnknownLanguage:
            pass                 # the command itself reports the bad value; a message never raises
    return _Active.code


# PROCGRADE_I18N_STRICT=1: a message the catalogue of a language other than English does not have
# comes out marked, so that a test grading programs under --lang zh finds every message left
# untranslated (gettext itself returns the English silently)
UNTRANSLATED = "[untranslated] "


def _(message: str) -> str:
    translated = translation(current()).gettext(message)
    return _marked(message, translated)


def ngettext(singular: str, plural: str, n: int) -> str:
    translated = translation(current()).ngettext(singular, plural, n)
    return _marked(singular if n == 1 else plural, translated)


def _marked(message: str, translated: str) -> str:
    if translated == message and message and current() != ENGLISH and os.environ.get("PROCGRADE_I18N_STRICT"):
        return UNTRANSLATED + message
    return translated


def N_(message: str) -> str:
    """Marks a message for extraction where it is written; `_()` translates it where it is shown."""
    return message
