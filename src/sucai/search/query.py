"""Query parsing: ``'"优化营商环境" 民营 -脱贫 文种:讲话 年份:2020..2025'`` → :class:`Query`.

Syntax:

* words separated by spaces must all occur (AND); each word matches as an exact substring;
* ``"…"``, ``“…”`` or ``「…」`` is one phrase, spaces and punctuation included; a quote also
  ends the word before it (``营商"环境"`` is the word 营商 and the phrase 环境), and a quote
  without its partner is an error, whichever side it is on;
* ``-word`` or ``-"phrase"`` (also with the full-width ``－``) excludes paragraphs containing it;
* filters ``文种:``/``genre:``, ``角色:``/``role:``, ``来源:``/``source:``, ``文号:``/``doc:``
  (发文字号: ``文号:国发〔2019〕4号``, brackets ``[]``/``()``/``【】`` and spaces do not matter),
  ``机关:``/``issuer:`` (发文机关, one of several joint issuers is enough),
  ``年份:``/``年:``/``year:`` (``2020``, ``2020..2025``, ``2020..``, ``..2025``), with ``:`` or
  ``：`` and the value right after it (quoted when it holds spaces: ``来源:"2023 工作报告"``);
  a filter without a value is an error.

Format controls (Unicode category Cf: bidi overrides such as U+202E, zero-width spaces U+200B,
the BOM) and other control characters are removed before parsing: they are invisible, so a
query that holds them would show one thing and search for another. A query has at most
:data:`MAX_QUERY_CHARS` characters and a filter value at most :data:`MAX_FILTER_CHARS`
(issue 15: a 12 KB query made a 1 MB page, repeated in every facet link).

Errors raise :class:`~sucai.errors.QueryError` with a message that says how to fix the query,
in English for the command line and in Chinese for the web.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from sucai.errors import QueryError
from sucai.i18n import N_, Term
from sucai.search.fold import fold
from sucai.store.records import ArticleFilter

__all__ = [
    "MAX_FILTER_CHARS",
    "MAX_QUERY_CHARS",
    "Query",
    "Scope",
    "Sort",
    "clean_query_text",
    "doc_number_key",
    "format_query",
    "issuer_keys",
    "parse_query",
    "parse_years",
]

Scope = Literal["all", "title", "outline"]
SCOPES: Final = ("all", "title", "outline")
#: The orders of hits: best first, or the newest articles first (issue 19).
Sort = Literal["relevance", "date"]
SORTS: Final = ("relevance", "date")

#: The longest query accepted, in characters (before format controls are removed): a long
#: sentence fits; whole paragraphs are what 查重 is for.
MAX_QUERY_CHARS: Final = 200
#: The longest filter value (文种, 角色, 来源, 年份) accepted, in characters.
MAX_FILTER_CHARS: Final = 100

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
    "文号": "doc_number",
    "发文字号": "doc_number",
    "doc": "doc_number",
    "机关": "issuer",
    "发文机关": "issuer",
    "issuer": "issuer",
}
#: How each filter is written in :func:`format_query`.
_FILTER_NAMES: Final = (
    ("genre", "文种"),
    ("role", "角色"),
    ("year", "年份"),
    ("source", "来源"),
    ("doc_number", "文号"),
    ("issuer", "机关"),
)
#: Each filter's name in messages, translated where they are shown.
FILTER_TERMS: Final = {
    "genre": N_("genre"),
    "role": N_("role"),
    "year": N_("year"),
    "source": N_("source"),
    "doc_number": N_("doc_number"),
    "issuer": N_("issuer"),
}
#: A value each filter takes, for the message about a filter written without one: a real
#: 文号 and 机关 (what the field holds), and a value with a space, quoted, for 来源.
_FILTER_EXAMPLES: Final = {
    "genre": "讲话",
    "role": "县长",
    "year": "2020..2025",
    "source": '"2023 工作报告"',
    "doc_number": "国发〔2019〕4号",
    "issuer": "国务院办公厅",
}
_OPENING_BRACKETS: Final = str.maketrans("[［(（【〔", "〔〔〔〔〔〔", " \t\u3000\u00a0")
_CLOSING_BRACKETS: Final = str.maketrans("]］)）】〕", "〕〕〕〕〕〕")
_ISSUER_SEPARATORS: Final = re.compile(r"[\s、，,；;]+")
_OPEN_QUOTES: Final = {'"': '"', "“": "”", "「": "」"}
_CLOSE_ONLY: Final = frozenset("”」")
_QUOTES: Final = frozenset(_OPEN_QUOTES) | _CLOSE_ONLY
_SPACE: Final = re.compile(r"\s+")
_WORD_END: Final = re.compile(r"[\s\"“”「」]")
_FILTER: Final = re.compile(r"([^:：]+)[:：](.*)", re.DOTALL)
_DROPPED: Final = frozenset(("Cf", "Cc", "Cs"))


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search.

    Attributes:
        terms: what every hit must contain, as written (not folded).
        phrases: which of ``terms`` were quoted.
        excluded: what no hit may contain.
        genre, role, source: exact filters on the article (source: the folder it was
            imported from, see :func:`sucai.models.source_folder`).
        doc_number, issuer: 发文字号 and 发文机关 filters, as written (matched through
            :func:`doc_number_key` and :func:`issuer_keys`).
        year_from, year_to: inclusive year range; ``None`` for open.
        scope: ``"all"`` paragraphs, ``"title"`` (article titles) or ``"outline"`` (headings).
        limit: hits to return, ``None`` for all; offset: hits to skip.
        sort: ``"relevance"`` (best first) or ``"date"``: the articles newest first by their
            date (成文日期, else year; undated last, then the highest id), each article's hits
            in their order in it (issue 19).
        ids: only these articles (``None``: any); what is new for a subscription.
        text: the query string, format controls removed (not compared).
    """

    terms: tuple[str, ...]
    phrases: tuple[bool, ...] = ()
    excluded: tuple[str, ...] = ()
    genre: str | None = None
    role: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    source: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    scope: Scope = "all"
    limit: int | None = 20
    offset: int = 0
    sort: Sort = "relevance"
    ids: frozenset[int] | None = None
    text: str = field(default="", compare=False)

    def without_filters(self) -> Query:
        """The same search with none of the filters (文种, 角色, 年份, 来源, 文号, 机关)."""
        unset: dict[str, Any] = {name: None for name, _ in _FILTER_NAMES if name != "year"}
        return replace(self, year_from=None, year_to=None, **unset)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    quoted: bool
    negated: bool
    glued: bool  # no space between this token and the one before it


def clean_query_text(text: str) -> str:
    """``text`` without format and control characters (whitespace is kept).

    Removes Unicode categories Cf (U+202E and the other bidi controls, U+200B–U+200D,
    U+2060, U+FEFF …), Cc other than whitespace, and lone surrogates (Cs).
    """
    if text.isprintable():  # the common case: nothing to remove
        return text
    return "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _DROPPED)


def doc_number_key(text: str) -> str:
    """A 发文字号 as the index holds it: ``国发 [2019] 第4号`` → ``国发〔2019〕4号`` (brackets of
    any kind as 〔〕, no spaces, full-width digits folded, 第 before the number dropped)."""
    key = fold(text).translate(_OPENING_BRACKETS).translate(_CLOSING_BRACKETS)
    return key.replace("〕第", "〕")


def issuer_keys(text: str) -> list[str]:
    """The terms a 发文机关 is found by: the whole name and each of joint issuers
    (``宜春市统计局　国家统计局宜春调查队``, ``财政部、税务总局``), folded, spaces removed."""
    parts = [p for p in _ISSUER_SEPARATORS.split(fold(text).strip()) if p]
    whole = "".join(parts)
    return list(dict.fromkeys([whole, *parts])) if whole else []


def parse_years(value: str) -> tuple[int | None, int | None]:
    """``"2020"``, ``"2020..2025"``, ``"2020.."`` or ``"..2025"`` → inclusive range.

    Raises:
        QueryError: anything else, or a range that runs backwards.
    """
    match = re.fullmatch(r"\s*(\d{4})?\s*(\.\.|-|—|～|~)?\s*(\d{4})?\s*", value)
    first, separator, last = match.groups() if match else (None, None, None)
    # Two years need a separator between them: ``2020 2025`` is not a range.
    if not (first or last) or (separator is None and first and last):
        shown = value[:20]
        raise QueryError.of(
            N_("year '{year}' is not understood; write 2020, 2020..2025, 2020.. or ..2025."),
            year=shown,
        )
    start = int(first) if first else None
    end = int(last) if last else None
    if separator is None:
        end = start
    if start is not None and end is not None and start > end:
        raise QueryError.of(
            N_("year range {range} runs backwards; write the earlier year first ({end}..{start})."),
            range=value,
            start=start,
            end=end,
        )
    return start, end


def _unpaired(text: str, at: int) -> QueryError:
    """The error for the quote at ``text[at]`` that has no partner."""
    quote = text[at]
    after = text[at + 1 : at + 9].strip()
    before = text[max(0, at - 8) : at].strip()
    side = "opened" if quote in _CLOSE_ONLY else "closed"
    if not (after or before):  # the quote alone: there is nothing to locate it by
        return QueryError.of(
            N_("the quote {quote} is not {side}; add the other quote or remove this one."),
            quote=quote,
            side=side,
        )
    if after:
        return QueryError.of(
            N_(
                "the quote {quote} before “{after}” is not {side}; add the other quote or "
                "remove this one."
            ),
            quote=quote,
            after=after,
            side=side,
        )
    return QueryError.of(
        N_(
            "the quote {quote} after “{before}” is not {side}; add the other quote or "
            "remove this one."
        ),
        quote=quote,
        before=before,
        side=side,
    )


def _tokens(text: str) -> list[_Token]:
    """Split into words and phrases."""
    tokens: list[_Token] = []
    i = 0
    glued = False
    while i < len(text):
        if text[i].isspace():
            i += 1
            glued = False
            continue
        negated = text[i] in "-－" and i + 1 < len(text) and not text[i + 1].isspace()
        if text[i] in "-－" and not negated:
            raise QueryError.of(
                N_(
                    "a lone '-' excludes nothing; write it right before the word to exclude, "
                    "e.g. 乡村振兴 -脱贫."
                )
            )
        start = i + 1 if negated else i
        if text[start] in _CLOSE_ONLY:
            raise _unpaired(text, start)
        if text[start] in _OPEN_QUOTES:
            close = _OPEN_QUOTES[text[start]]
            end = text.find(close, start + 1)
            if close == "”" and end < 0:
                end = text.find('"', start + 1)
            if end < 0:
                raise _unpaired(text, start)
            phrase = text[start + 1 : end]
            if phrase.strip():
                tokens.append(_Token(phrase, True, negated, glued))
            i = end + 1
            glued = True
            continue
        match = _WORD_END.search(text, start)
        end = match.start() if match else len(text)
        tokens.append(_Token(text[start:end], False, negated, glued))
        i = end
        glued = True
    return tokens


def _filter(token: _Token) -> tuple[str, str] | None:
    """``(filter name, value)`` when ``token`` is a filter such as ``文种:讲话``."""
    if token.quoted or token.negated:
        return None
    match = _FILTER.fullmatch(token.text)
    if match is None or match.group(1).lower() not in _FILTERS:
        return None
    return _FILTERS[match.group(1).lower()], match.group(2)


def _check_value(name: str, value: str) -> str:
    if len(value) > MAX_FILTER_CHARS:
        raise QueryError.of(
            N_("the {name} filter is {length} characters long; at most {most} are allowed."),
            name=Term(FILTER_TERMS[name]),
            length=len(value),
            most=MAX_FILTER_CHARS,
        )
    return value


def parse_query(
    text: str,
    *,
    where: ArticleFilter | None = None,
    doc_number: str | None = None,
    issuer: str | None = None,
    scope: str = "all",
    limit: int | None = 20,
    offset: int = 0,
    sort: str = "relevance",
) -> Query:
    """Parse a query string; the keyword options add to (and override) inline filters.

    ``where`` holds the article filters given as options (文种, 角色, 年份, 来源, as
    ``sucai browse`` takes them): each one set overrides the inline filter, a year range
    as a whole.

    Raises:
        QueryError: a query over :data:`MAX_QUERY_CHARS` characters, a quote without its
            partner, a lone ``-``, a filter without a value (or one over
            :data:`MAX_FILTER_CHARS`), a bad year, an unknown scope or sort, nothing to
            search for.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError.of(
            N_(
                "the query is {length} characters long; at most {most} are allowed. Search "
                "for a shorter part of it, or use `sucai check` to compare whole paragraphs."
            ),
            length=len(text),
            most=MAX_QUERY_CHARS,
        )
    text = clean_query_text(text)
    terms: list[str] = []
    phrases: list[bool] = []
    excluded: list[str] = []
    filters: dict[str, str] = {}
    tokens = _tokens(text)
    skip = False
    for k, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        found = _filter(token)
        if found is not None:
            name, value = found
            after = tokens[k + 1] if k + 1 < len(tokens) else None
            if not value and after is not None and after.glued and after.quoted:
                value, skip = after.text, True  # 来源:"2023 工作报告"
            if not value:
                example = f"{token.text.rstrip(':：')}:{_FILTER_EXAMPLES[name]}"
                raise QueryError.of(
                    N_(
                        "the filter {filter} has no value; write it right after the colon, "
                        "e.g. {example} (quoted when it holds spaces)."
                    ),
                    filter=token.text,
                    example=example,
                )
            filters[name] = value
            continue
        if token.negated:
            excluded.append(token.text)
        else:
            terms.append(token.text)
            phrases.append(token.quoted)
    # A filter given as an option is cleaned as the query text is: ``文种:讲\u202e话`` and
    # ``genre="讲\u202e话"`` (the web form's field) are the same filter.
    where = where or ArticleFilter()
    given = {"genre": where.genre, "role": where.role, "source": where.source}
    given |= {"doc_number": doc_number, "issuer": issuer}
    filters.update(
        {name: clean_query_text(value) for name, value in given.items() if value is not None}
    )
    query = Query(
        tuple(terms),
        tuple(phrases),
        tuple(excluded),
        genre=_check_value("genre", filters["genre"]) if "genre" in filters else None,
        role=_check_value("role", filters["role"]) if "role" in filters else None,
        source=_check_value("source", filters["source"]) if "source" in filters else None,
        doc_number=(
            _check_value("doc_number", filters["doc_number"]) if "doc_number" in filters else None
        ),
        issuer=_check_value("issuer", filters["issuer"]) if "issuer" in filters else None,
        text=text,
    )
    if "year" in filters:
        year_from, year_to = parse_years(_check_value("year", filters["year"]))
        query = replace(query, year_from=year_from, year_to=year_to)
    if (where.year_from, where.year_to) != (None, None):
        query = replace(query, year_from=where.year_from, year_to=where.year_to)
    if scope not in SCOPES:
        raise QueryError.of(
            N_("--in {scope}: choose one of {choices}."), scope=scope[:20], choices=SCOPES
        )
    if sort not in SORTS:
        raise QueryError.of(
            N_("--sort {sort}: choose one of {choices}."), sort=sort[:20], choices=SORTS
        )
    chosen: dict[str, Any] = {"scope": scope, "sort": sort}  # both checked above
    query = replace(query, limit=limit, offset=offset, **chosen)
    if not query.terms:
        raise QueryError.of(
            N_(
                "nothing to search for: give at least one word (exclusions with '-' and "
                "filters alone are not a search). Use `sucai browse` to list articles by filter."
            )
        )
    return query


def _quoted(text: str) -> str:
    """``text`` in the first kind of quotes whose closing quote it does not hold (a phrase
    parsed from text always lacks one; a filter given as a keyword option may hold all
    three, and is then written in 「」 all the same)."""
    for open_, close in (('"', '"'), ("“", "”")):
        if close not in text:
            return open_ + text + close
    return "「" + text + "」"


def _written(text: str) -> str:
    """A word as written: bare when it can be, else quoted."""
    if not text or _WORD_END.search(text):
        return _quoted(text)
    return text


def format_query(query: Query) -> str:
    """The query in the syntax's canonical form: its words and phrases in order, then the
    excluded ones, then the filters in the order 文种, 角色, 年份, 来源, 文号, 机关.

    ``parse_query(format_query(q), scope=q.scope, limit=q.limit, offset=q.offset) == q`` for
    every query ``q`` that :func:`parse_query` returns from text alone (scope, limit and
    offset are not part of the query text; a filter given as a keyword option may hold what no
    query text can, such as all three kinds of closing quote).
    """
    phrases = query.phrases + (False,) * (len(query.terms) - len(query.phrases))
    parts = [_quoted(t) if quoted else t for t, quoted in zip(query.terms, phrases, strict=True)]
    parts += ["-" + _written(word) for word in query.excluded]
    for name, label in _FILTER_NAMES:
        if name == "year":
            if query.year_from is None and query.year_to is None:
                continue
            if query.year_from == query.year_to:
                value = str(query.year_from)
            else:
                value = f"{query.year_from or ''}..{query.year_to or ''}"
        else:
            found = getattr(query, name)
            if found is None:
                continue
            value = found
        parts.append(f"{label}:{_written(value)}")
    return " ".join(parts)
