"""Sentence and clause spans of Chinese body text, with offsets into the paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence ends: 。！？ and their ASCII twins, plus line breaks (<br> bodies keep them).
# Not ； — a semicolon joins the parts of one statement (上海：…每年1680元；75岁及以上…).
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』)）]*|\n+")
# Clause breaks inside a sentence: commas, semicolons, colons, slashes between values —
# but not the comma of a thousands separator (1,800元).
_CLAUSE_BREAK = re.compile(r"[，；;：:/、]|(?<!\d),|,(?!\d{3}(?!\d))")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a paragraph: its text and where it sits in the paragraph."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Span]:
    """Sentences of a paragraph, stripped, with their offsets; empty pieces dropped."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _append(spans, text, start, match.end())
        start = match.end()
    _append(spans, text, start, len(text))
    return spans


def _append(spans: list[Span], text: str, start: int, end: int) -> None:
    """Add text[start:end] without its surrounding whitespace, unless it is empty."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + len(piece) - len(piece.lstrip())
        spans.append(Span(stripped, offset, offset + len(stripped)))


def clause_start(text: str, pos: int) -> int:
    """Offset where the clause holding ``pos`` begins (just after the previous clause break)."""
    last = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, pos):
        last = match.end()
    return last


def clause_end(text: str, pos: int) -> int:
    """Offset where the clause holding ``pos`` ends (at the next clause break or the end)."""
    match = _CLAUSE_BREAK.search(text, pos)
    return match.start() if match else len(text)
