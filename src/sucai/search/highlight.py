"""Highlights and snippets, in characters (``str`` indices), never bytes."""

from __future__ import annotations

import re
from typing import Final

from sucai.search.fold import fold

__all__ = ["find_spans", "mark", "snippet"]

_SENTENCE_END: Final = re.compile(r"[。！？；!?;]")


def find_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Every occurrence of every term in ``text`` (both folded), merged, as ``[start, end)``.

    Args:
        text: the original text.
        terms: the query terms, already folded.
    """
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        start = folded.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(
    text: str, spans: list[tuple[int, int]], width: int = 120
) -> tuple[str, list[tuple[int, int]]]:
    """Cut ``text`` around its first highlight at sentence boundaries.

    Returns the snippet and the spans that fall inside it, shifted to snippet offsets. A
    snippet starts at the beginning of a sentence and ends at the end of one when the text
    allows it within ``width`` characters; otherwise it is cut on a character boundary, with
    an ellipsis, never inside a highlight.
    """
    if len(text) <= width:
        return text, list(spans)
    first = spans[0][0] if spans else 0
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, first):
        start = match.end()
    if first - start > width // 2:
        start = first - width // 3  # > 0: first is past half a width
    end = min(len(text), start + width)
    cut = None
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() > (spans[0][1] if spans else start):
            cut = match.end()
    if cut is not None and cut - start >= width // 2:
        end = cut
    for s, e in spans:
        if s < end < e:
            end = e
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return (
        prefix + text[start:end] + suffix,
        [(s + len(prefix), e + len(prefix)) for s, e in inside],
    )


def mark(text: str, spans: list[tuple[int, int]], before: str, after: str) -> str:
    """Wrap each span of ``text`` in ``before``/``after`` (e.g. ``<mark>``, ANSI codes)."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        out += [text[last:start], before, text[start:end], after]
        last = end
    out.append(text[last:])
    return "".join(out)
