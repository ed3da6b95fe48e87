"""The query parser on its own: every syntax form, its errors, its canonical form (issue 15).

Expected values are written by hand from the syntax in the module's docstring; the
properties at the end run the parser on generated text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sucai.errors import QueryError
from sucai.i18n import WEB_LANGUAGE, user_message
from sucai.search.query import (
    MAX_FILTER_CHARS,
    MAX_QUERY_CHARS,
    Query,
    format_query,
    parse_query,
)
from sucai.store.records import ArticleFilter


def q(terms: tuple[str, ...], phrases: tuple[bool, ...] | None = None, **rest: object) -> Query:
    """The expected query: ``phrases`` default to none quoted."""
    return Query(terms, phrases if phrases is not None else (False,) * len(terms), **rest)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("营商环境", q(("营商环境",))),
        ("高质量 发展", q(("高质量", "发展"))),
        ("高质量\u3000发展", q(("高质量", "发展"))),
        ("  高质量\t\n发展  ", q(("高质量", "发展"))),
        ('"优化营商环境" 民营', q(("优化营商环境", "民营"), (True, False))),
        ('"不忘初心、 牢记使命"', q(("不忘初心、 牢记使命",), (True,))),
        ("“双碳”目标", q(("双碳", "目标"), (True, False))),
        ("「放管服」", q(("放管服",), (True,))),
        ('“全角开半角闭"', q(("全角开半角闭",), (True,))),
        ('营商"环境"', q(("营商", "环境"), (False, True))),
        ('"" 发展', q(("发展",))),
        ("乡村振兴 -脱贫", q(("乡村振兴",), excluded=("脱贫",))),
        ("乡村振兴 －脱贫", q(("乡村振兴",), excluded=("脱贫",))),
        ('乡村振兴 -"精准 扶贫"', q(("乡村振兴",), excluded=("精准 扶贫",))),
        ("乡村振兴 －“精准扶贫”", q(("乡村振兴",), excluded=("精准扶贫",))),
        ("发展 -文种:讲话", q(("发展",), excluded=("文种:讲话",))),
        ("发展 文种:讲话", q(("发展",), genre="讲话")),
        ("发展 genre:讲话", q(("发展",), genre="讲话")),
        ("发展 GENRE：讲话", q(("发展",), genre="讲话")),
        ("发展 角色:县长", q(("发展",), role="县长")),
        ("发展 role:县长", q(("发展",), role="县长")),
        ("发展 来源:laws", q(("发展",), source="laws")),
        ('发展 来源:"2023 工作报告"', q(("发展",), source="2023 工作报告")),
        ("发展 来源:a:b", q(("发展",), source="a:b")),
        ("发展 年份:2021", q(("发展",), year_from=2021, year_to=2021)),
        ("发展 年份:2020..2025", q(("发展",), year_from=2020, year_to=2025)),
        ("发展 年:2020～2025", q(("发展",), year_from=2020, year_to=2025)),
        ("发展 year:2020-2025", q(("发展",), year_from=2020, year_to=2025)),
        ("发展 年份:..2019", q(("发展",), year_to=2019)),
        ("发展 年份:2020..", q(("发展",), year_from=2020)),
        ("发展 文种:讲话 文种:通知", q(("发展",), genre="通知")),
        ("http://x.cn", q(("http://x.cn",))),
        ("\u202e营商\u200b环境\ufeff", q(("营商环境",))),
        ("营商\u2066环境\u2069 -\u200d脱贫", q(("营商环境",), excluded=("脱贫",))),
        ("营商\x00环境", q(("营商环境",))),
    ],
)
def test_each_syntax_form_parses_to_what_the_syntax_says(text: str, expected: Query) -> None:
    assert parse_query(text) == expected


def test_keyword_options_add_to_and_override_inline_filters() -> None:
    found = parse_query(
        "发展 文种:讲话 年份:2020", where=ArticleFilter("通知", "县长", 2021, 2022, "s")
    )
    assert found == q(
        ("发展",), genre="通知", role="县长", year_from=2021, year_to=2022, source="s"
    )
    scoped = parse_query("发展", scope="title", limit=5, offset=10)
    assert (scoped.scope, scoped.limit, scoped.offset) == ("title", 5, 10)


def shown_on_web(error: QueryError) -> str:
    """What a web page shows for ``error``."""
    return user_message(error, WEB_LANGUAGE)


def filter_option(name: str, value: str) -> dict[str, Any]:
    """``parse_query``'s keyword options for one filter (文种, 角色, 来源 go in ``where``)."""
    if name in ("genre", "role", "source"):
        return {"where": ArticleFilter(**{name: value})}
    return {name: value}


def _error(text: str, **options: object) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse_query(text, **options)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        (
            '"营商环境',
            'the quote " before “营商环境” is not closed',
            '引号 "（在“营商环境”之前）没有配对',
        ),
        (
            '营商环境"',
            'the quote " after “营商环境” is not closed',
            '引号 "（在“营商环境”之后）没有配对',
        ),
        (
            "“营商环境",
            "the quote “ before “营商环境” is not closed",
            "引号 “（在“营商环境”之前）没有配对",
        ),
        (
            "营商环境”",
            "the quote ” after “营商环境” is not opened",
            "引号 ”（在“营商环境”之后）没有配对",
        ),
        ("发展 」", "the quote 」 after “发展” is not opened", "引号 」（在“发展”之后）没有配对"),
        ("文种:", "the filter 文种: has no value", "筛选条件“文种:”后面没有值"),
        ("发展 文种: 讲话", "the filter 文种: has no value", "筛选条件“文种:”后面没有值"),
        ("发展 年份：", "the filter 年份： has no value", "筛选条件“年份：”后面没有值"),
        ('发展 来源:""', "the filter 来源: has no value", "筛选条件“来源:”后面没有值"),
        ("“", "the quote “ is not closed", "引号 “ 没有配对：请补上另一半引号"),
        ("\u200b」\u202e", "the quote 」 is not opened", "引号 」 没有配对：请补上另一半引号"),
        ("-", "a lone '-' excludes nothing", "单独的“-”不排除任何内容"),
        ("发展 －", "a lone '-' excludes nothing", "单独的“-”不排除任何内容"),
        ("-脱贫", "nothing to search for", "没有要检索的词"),
        ("文种:讲话", "nothing to search for", "没有要检索的词"),
        ("\u200b\u202e", "nothing to search for", "没有要检索的词"),
        ("发展 年份:20", "year '20' is not understood", "年份“20”无法识别"),
        (
            "发展 年份:2025..2020",
            "year range 2025..2020 runs backwards",
            "年份范围 2025..2020 前后颠倒",
        ),
    ],
)
def test_each_mistake_is_a_query_error_that_says_what_to_do(
    text: str, english: str, chinese: str
) -> None:
    error = _error(text)
    assert str(error).startswith(english)
    assert shown_on_web(error).startswith(chinese)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("发展 文号:", "文号:国发〔2019〕4号"),
        ("发展 发文字号：", "发文字号:国发〔2019〕4号"),
        ("发展 机关:", "机关:国务院办公厅"),
        ("发展 文种:", "文种:讲话"),
        ("发展 角色:", "角色:县长"),
        ("发展 年份:", "年份:2020..2025"),
        ("发展 来源:", '来源:"2023 工作报告"'),
    ],
)
def test_an_empty_filter_is_shown_with_a_value_of_its_own_kind(text: str, shown: str) -> None:
    error = _error(text)
    assert f"e.g. {shown} (quoted" in str(error)
    assert f"例如 {shown}（含空格时加引号）" in shown_on_web(error)


def test_an_unbalanced_closing_quote_is_the_same_error_as_an_unbalanced_opening_one() -> None:
    opening, closing = _error('"营商环境'), _error('营商环境"')
    assert type(opening) is type(closing) is QueryError
    assert str(opening).endswith("add the other quote or remove this one.")
    assert str(closing).endswith("add the other quote or remove this one.")
    assert shown_on_web(closing).endswith("请补上另一半引号，或删去它。")


def test_a_query_has_a_maximum_length_in_characters() -> None:
    assert parse_query("营" * MAX_QUERY_CHARS).terms == ("营" * MAX_QUERY_CHARS,)
    error = _error("营" * (MAX_QUERY_CHARS + 1))
    assert str(error).startswith("the query is 201 characters long; at most 200 are allowed.")
    assert shown_on_web(error).startswith("检索词过长（201 字，上限 200 字）")


def test_a_filter_value_has_a_maximum_length() -> None:
    assert (
        parse_query("发展", where=ArticleFilter(genre="x" * MAX_FILTER_CHARS)).genre
        == "x" * MAX_FILTER_CHARS
    )
    assert "101 characters" in str(_error("发展", where=ArticleFilter(genre="x" * 101)))
    assert "101 characters" in str(_error("发展 来源:" + "y" * 101))
    assert (
        shown_on_web(_error("发展", where=ArticleFilter(role="z" * 101)))
        == "筛选条件“角色”过长（101 字，上限 100 字）。"
    )


def test_a_filter_given_as_an_option_loses_its_format_controls_too() -> None:
    # The web's genre/role/source fields reach the parser as options (found by the property
    # test below: 文种:讲\u202e话 and genre="讲\u202e话" were different filters).
    assert parse_query(
        "发展", where=ArticleFilter(genre="讲\u202e话", role="县\u200b长", source="\ufeffa")
    ) == q(("发展",), genre="讲话", role="县长", source="a")


def test_a_query_without_filters_keeps_its_words_scope_and_page() -> None:
    filtered = parse_query(
        "发展 -脱贫 文种:讲话 角色:县长 年份:2020..2023 来源:a 文号:国发〔2019〕4号 机关:国务院",
        scope="title",
        limit=5,
        offset=10,
    )
    assert filtered.without_filters() == parse_query(
        "发展 -脱贫", scope="title", limit=5, offset=10
    )


def test_an_unknown_scope_is_refused() -> None:
    assert shown_on_web(_error("发展", scope="body")).startswith("检索范围“body”无效")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (
            "“放管服” 改革 -脱贫 年:2020..2025 文种:讲话",
            '"放管服" 改革 -脱贫 文种:讲话 年份:2020..2025',
        ),
        ("-“精准 扶贫” 发展 来源:“2023 工作报告”", '发展 -"精准 扶贫" 来源:"2023 工作报告"'),
        ('“他说"好"”', '“他说"好"”'),
        ('「a"b”c」', '「a"b”c」'),
        ("发展 year:..2019 role:县长", "发展 角色:县长 年份:..2019"),
        ("发展 年份:2021..2021", "发展 年份:2021"),
        ("发展 --x", "发展 --x"),
    ],
)
def test_the_canonical_form_is_written_by_hand_rules(text: str, canonical: str) -> None:
    assert format_query(parse_query(text)) == canonical


# --- properties ------------------------------------------------------------------------------

#: Pieces that make the parser's cases meet: quotes of each kind, minus signs, colons, filter
#: names, years, spaces, format controls, and ordinary words.
PIECES = [
    '"', "“", "”", "「", "」", "-", "－", ":", "：", " ", "\u3000", "\t",
    "文种", "genre", "角色", "来源", "年份", "年", "year", "..", "2020", "2025", "19",
    "营商", "环境", "发展", "a", "\u202e", "\u200b", "\ufeff", "\x00",
]  # fmt: skip
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=24).map("".join),
    st.text(max_size=40),
)
# Bounded: four times the profile's budget, 400 examples each (40 under bench.mutate's profile,
# see tests/conftest.py); no deadline and no slow-generation check, as the test machine is
# shared and timing is not what these test.
PROPERTY = settings(
    max_examples=4 * settings.default.max_examples,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _parsed(text: str) -> Query | None:
    try:
        return parse_query(text)
    except QueryError:
        return None


@PROPERTY
@given(texts)
def test_the_parser_raises_nothing_but_query_error(text: str) -> None:
    _parsed(text)


@PROPERTY
@given(texts)
# Cases the generator reaches only now and then: each kind of quote inside a phrase, spaces in
# an excluded phrase and in a filter value.
@example('“他说"好"”')
@example('「a"b”c」 -“d"e”')
@example('发展 -"精准 扶贫"')
@example('发展 来源:"a b" 角色:「c d」')
def test_a_query_reads_back_the_same_from_its_canonical_form(text: str) -> None:
    query = _parsed(text)
    if query is None:
        return
    canonical = format_query(query)
    again = parse_query(canonical)
    assert again == query, canonical
    assert format_query(again) == canonical


@PROPERTY
@given(texts)
def test_no_part_of_a_parsed_query_holds_a_control_character(text: str) -> None:
    query = _parsed(text)
    if query is None:
        return
    parts = [*query.terms, *query.excluded, query.genre or "", query.role or "", query.source or ""]
    for part in parts:
        assert not any(unicodedata.category(ch) in ("Cf", "Cc") and not ch.isspace() for ch in part)
    for term, quoted in zip(query.terms, query.phrases, strict=True):
        assert term.strip()
        if not quoted:
            assert not any(ch.isspace() or ch in '"“”「」' for ch in term), term


@PROPERTY
@given(texts, st.lists(st.sampled_from(["\u200b", "\u202e", "\u2066", "\ufeff"]), max_size=4))
def test_format_controls_change_nothing(text: str, controls: list[str]) -> None:
    spread = "".join(c + ch for c, ch in zip(controls, text, strict=False)) + text[len(controls) :]
    assert _parsed(spread) == _parsed(text)


#: Text a phrase or a filter value may hold: anything but quotes, with format controls and
#: spaces among it (a value that is not quoted also holds no space).
_PLAIN = st.text(
    st.characters(codec="utf-8", exclude_characters='"“”「」'), min_size=1, max_size=30
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _visible(text: str) -> str:
    """``text`` as the parser keeps it: format and control characters removed."""
    return "".join(
        ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc", "Cs")
    )


@PROPERTY
@given(texts)
@example('营商环境"')
@example("发展 文种:")
@example("营" * (MAX_QUERY_CHARS + 1))
def test_every_error_is_chinese_and_quotes_only_what_the_query_holds(text: str) -> None:
    try:
        parse_query(text)
    except QueryError as error:
        assert _CJK.search(shown_on_web(error)), shown_on_web(error)
        assert shown_on_web(error) != str(error)
        assert shown_on_web(error).startswith(PROBLEMS), shown_on_web(error)
        # What the message quotes of the query (“…”) is a piece of it: the reader finds it.
        for groups in _QUOTED_PIECE.findall(shown_on_web(error)):
            piece = "".join(groups)
            assert piece.strip(), shown_on_web(error)
            assert piece in _visible(text), piece


#: How each kind of mistake begins, in Chinese: the message names the problem first.
PROBLEMS = ("引号", "筛选条件", "单独的“-”", "没有要检索的词", "年份", "检索词过长", "检索范围")
#: Where a message quotes the query: a quote's neighbours, a filter, a year.
_QUOTED_PIECE = re.compile(r"在“(.*?)”之[前后]|筛选条件“(.*?)”后面没有值|年份“(.*?)”无法识别")


@PROPERTY
@given(st.text(max_size=MAX_QUERY_CHARS * 2))
def test_the_maximum_length_holds_for_every_text(text: str) -> None:
    try:
        parse_query(text)
    except QueryError as error:
        too_long = shown_on_web(error).startswith("检索词过长")
        assert too_long == (len(text) > MAX_QUERY_CHARS), shown_on_web(error)
        if too_long:
            assert f"（{len(text)} 字，上限 {MAX_QUERY_CHARS} 字）" in shown_on_web(error)
    else:
        assert len(text) <= MAX_QUERY_CHARS


@PROPERTY
@given(_PLAIN, st.sampled_from([('"', '"'), ("“", "”"), ("“", '"'), ("「", "」")]))
def test_a_quoted_phrase_is_one_term_exactly_as_written(
    phrase: str, quotes: tuple[str, str]
) -> None:
    kept = _visible(phrase)
    if not kept.strip():
        return
    query = parse_query(quotes[0] + phrase + quotes[1])
    assert (query.terms, query.phrases) == ((kept,), (True,))
    assert parse_query(format_query(query)) == query


#: A filter as written in a query, and the keyword option that spells it out.
FILTER_NAMES = [
    ("文种", "genre"),
    ("genre", "genre"),
    ("GENRE", "genre"),
    ("角色", "role"),
    ("role", "role"),
    ("来源", "source"),
    ("source", "source"),
]


@PROPERTY
@given(
    _PLAIN,
    st.sampled_from(FILTER_NAMES),
    st.sampled_from([":", "："]),
    st.booleans(),
)
def test_a_filter_parses_the_same_as_its_spelled_out_option(
    value: str, names: tuple[str, str], colon: str, quoted: bool
) -> None:
    written, option = names
    shown = _visible(value)
    if not shown.strip() or (not quoted and any(ch.isspace() for ch in shown)):
        return
    inline = f'发展 {written}{colon}"{value}"' if quoted else f"发展 {written}{colon}{value}"
    assert parse_query(inline) == parse_query("发展", **filter_option(option, value))


@PROPERTY
@given(
    st.integers(1000, 9999) | st.none(),
    st.integers(1000, 9999) | st.none(),
    st.sampled_from(["年份", "年", "year"]),
)
def test_a_year_filter_parses_the_same_as_its_spelled_out_range(
    start: int | None, end: int | None, name: str
) -> None:
    if (start is None and end is None) or (start and end and start > end):
        return
    text = f"{start or ''}..{end or ''}"
    assert parse_query(f"发展 {name}:{text}") == parse_query(
        "发展", where=ArticleFilter(year_from=start, year_to=end)
    )
