"""Query parsing: ``'"优化营商环境" 民营 -脱贫 文种:讲话 年份:2020..2025'`` → :class:`Query`.

Syntax:

* words separated by spaces must all occur (AND); each word matches as an exact substring;
* ``"…"`` or ``“…”`` is one phrase, spaces and punctuation included;
* ``-word`` or ``-"phrase"`` excludes paragraphs containing it;
* filters ``文种:``/``genre:``, ``角色:``/``role:``, ``来源:``/``source:``, ``年份:``/``year:``
  (``2020``, ``2020..2025``, ``2020..``, ``..2025``).

Errors raise :class:`~sucai.errors.QueryError` with a message that says how to fix the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from sucai.errors import QueryError

__all__ = ["Query", "Scope", "parse_query", "parse_years"]

Scope = Literal["all", "title", "outline"]
SCOPES: Final = ("all", "title", "outline")

_FILTERS: Final = {
    "文种": "genre",
    "genre": "genre",
    "角色": "role",
    "role": "role",
    "来源": "source",
    "source": "source",
    "年份": "year",
    "year": "year",
    "年": "year",
}
_OPEN_QUOTES: Final = {'"': '"', "“": "”", "「": "」"}
_SPACE: Final = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search.

    Attributes:
        terms: what every hit must contain, as written (not folded).
        phrases: which of ``terms`` were quoted.
        excluded: what no hit may contain.
        genre, role, source: exact filters on the article (source: the folder it was
            imported from, see :func:`sucai.models.source_folder`).
        year_from, year_to: inclusive year range; ``None`` for open.
        scope: ``"all"`` paragraphs, ``"title"`` (article titles) or ``"outline"`` (headings).
        limit: hits to return, ``None`` for all; offset: hits to skip.
    """

    terms: tuple[str, ...]
    phrases: tuple[bool, ...] = ()
    excluded: tuple[str, ...] = ()
    genre: str | None = None
    role: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    source: str | None = None
    scope: Scope = "all"
    limit: int | None = 20
    offset: int = 0
    text: str = field(default="", compare=False)


def parse_years(value: str) -> tuple[int | None, int | None]:
    """``"2020"``, ``"2020..2025"``, ``"2020.."`` or ``"..2025"`` → inclusive range."""
    match = re.fullmatch(r"\s*(\d{4})?\s*(\.\.|-|—|～|~)?\s*(\d{4})?\s*", value)
    if match is None or not (match.group(1) or match.group(3)):
        raise QueryError(
            f"year '{value}' is not understood; write 2020, 2020..2025, 2020.. or ..2025."
        )
    start = int(match.group(1)) if match.group(1) else None
    end = int(match.group(3)) if match.group(3) else None
    if match.group(2) is None:
        end = start
    if start is not None and end is not None and start > end:
        raise QueryError(
            f"year range {value} runs backwards; write the earlier year first ({end}..{start})."
        )
    return start, end


def _tokens(text: str) -> list[tuple[str, bool, bool]]:
    """Split into ``(token, quoted, negated)``."""
    tokens: list[tuple[str, bool, bool]] = []
    i = 0
    while i < len(text):
        if _SPACE.match(text[i]):
            i += 1
            continue
        negated = text[i] in "-－" and i + 1 < len(text) and not _SPACE.match(text[i + 1])
        if text[i] in "-－" and not negated:
            raise QueryError(
                "a lone '-' excludes nothing; write it right before the word to exclude, "
                "e.g. 乡村振兴 -脱贫."
            )
        start = i + 1 if negated else i
        if text[start] in _OPEN_QUOTES:
            close = _OPEN_QUOTES[text[start]]
            end = text.find(close, start + 1)
            if close == "”" and end < 0:
                end = text.find('"', start + 1)
            if end < 0:
                raise QueryError(
                    f"the quote {text[start]} before “{text[start + 1 : start + 9]}” is not "
                    "closed; add the closing quote or remove the opening one."
                )
            phrase = text[start + 1 : end]
            if phrase.strip():
                tokens.append((phrase, True, negated))
            i = end + 1
            continue
        match = _SPACE.search(text, start)
        end = match.start() if match else len(text)
        tokens.append((text[start:end], False, negated))
        i = end
    return tokens


def parse_query(
    text: str,
    *,
    genre: str | None = None,
    role: str | None = None,
    years: tuple[int | None, int | None] = (None, None),
    source: str | None = None,
    scope: str = "all",
    limit: int | None = 20,
    offset: int = 0,
) -> Query:
    """Parse a query string; the keyword options add to (and override) inline filters.

    Raises:
        QueryError: unbalanced quotes, a lone ``-``, a bad year, nothing to search for.
    """
    terms: list[str] = []
    phrases: list[bool] = []
    excluded: list[str] = []
    filters: dict[str, str] = {}
    for token, quoted, negated in _tokens(text):
        if not quoted and not negated:
            key, sep, value = token.partition(":") if ":" in token else token.partition("：")
            if sep and key.lower() in _FILTERS and value:
                filters[_FILTERS[key.lower()]] = value
                continue
        if negated:
            excluded.append(token)
        else:
            terms.append(token)
            phrases.append(quoted)
    query = Query(tuple(terms), tuple(phrases), tuple(excluded), text=text)
    if "genre" in filters:
        query = replace(query, genre=filters["genre"])
    if "role" in filters:
        query = replace(query, role=filters["role"])
    if "source" in filters:
        query = replace(query, source=filters["source"])
    if "year" in filters:
        year_from, year_to = parse_years(filters["year"])
        query = replace(query, year_from=year_from, year_to=year_to)
    if genre is not None:
        query = replace(query, genre=genre)
    if role is not None:
        query = replace(query, role=role)
    if source is not None:
        query = replace(query, source=source)
    if years != (None, None):
        query = replace(query, year_from=years[0], year_to=years[1])
    if scope not in SCOPES:
        raise QueryError(f"--in {scope}: choose one of {', '.join(SCOPES)}.")
    query = replace(query, scope=scope, limit=limit, offset=offset)  # type: ignore[arg-type]
    if not query.terms:
        raise QueryError(
            "nothing to search for: give at least one word (exclusions with '-' and filters "
            "alone are not a search). Use `sucai browse` to list articles by filter."
        )
    return query
