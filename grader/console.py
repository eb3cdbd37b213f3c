"""Output streams that cannot fail on the report's characters.

A Windows console or pipe in the GBK code page (cp936), or cp1252, cannot encode every character
the report uses (✓ ✗ and, for cp1252, Chinese): printing one would raise UnicodeEncodeError in the
middle of a report. Such a stream gets an error handler that writes the nearest mark it can
encode instead (✓ -> √ or +), and `?` for text it has no letters for.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata
from typing import Optional, TextIO

HANDLER = "procgrade-fallback"
# a character the report uses -> what to write instead, best first; the first one the stream's
# encoding can write is used
FALLBACK = {
    "✓": ("√", "+"), "✗": ("×", "x"), "·": ("-",), "—": ("-",), "–": ("-",), "…": ("...",),
    "→": ("->",), "▶": (">",), "─": ("-",), "│": ("|",), "“": ('"',), "”": ('"',), "‘": ("'",), "’": ("'",),
}


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start:error.end]:
        choices = FALLBACK.get(char, ())
        out.append(next((c for c in choices if _encodable(c, error.encoding)), "?"))
    return "".join(out), error.end


codecs.register_error(HANDLER, _fallback)


def fit_console(*streams: Optional[TextIO]) -> None:
    """Make `streams` (default: stdout and stderr) write what their encoding cannot hold as the
    nearest mark, never raise. A UTF-8 stream is left as it is."""
    for stream in streams or (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            if codecs.lookup(encoding).name == "utf-8" or not isinstance(stream, io.TextIOWrapper):
                continue
        except LookupError:
            pass
        stream.reconfigure(errors=HANDLER)


def display_width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
