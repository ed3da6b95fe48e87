"""The query parser's rules one by one, each limit on both sides (issue 23).

Every expected value is worked out by hand from the syntax in :mod:`sucai.search.query`'s
docstring; tests/search/test_query.py holds the tour of the syntax and the properties.
"""

from __future__ import annotations

import pytest

from sucai.errors import QueryError
from sucai.search.query import (
    MAX_FILTER_CHARS,
    MAX_QUERY_CHARS,
    Query,
    clean_query_text,
    doc_number_key,
    format_query,
    issuer_keys,
    parse_query,
    parse_years,
)
from sucai.store.records import ArticleFilter
from tests.search.test_query import _error, filter_option, q, shown_on_web


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发展 文号:国发〔2019〕4号", q(("发展",), doc_number="国发〔2019〕4号")),
        ("发展 发文字号：国发[2019]4号", q(("发展",), doc_number="国发[2019]4号")),
        ("发展 doc:国发〔2019〕4号", q(("发展",), doc_number="国发〔2019〕4号")),
        ("发展 DOC:x", q(("发展",), doc_number="x")),
        ("发展 机关:国务院办公厅", q(("发展",), issuer="国务院办公厅")),
        ("发展 发文机关:财政部、税务总局", q(("发展",), issuer="财政部、税务总局")),
        ("发展 Issuer:国务院", q(("发展",), issuer="国务院")),
        ('发展 机关:"甲局 乙队"', q(("发展",), issuer="甲局 乙队")),
        ("发展 角色:“县 长”", q(("发展",), role="县 长")),
        ("发展 source:「a b」 民营", q(("发展", "民营"), source="a b")),
        ('发展 来源:x"y"', q(("发展", "y"), (False, True), source="x")),
        ('"文种:讲话"', q(("文种:讲话",), (True,))),
        ("：讲话", q(("：讲话",))),
        ("发展 文种::讲话", q(("发展",), genre=":讲话")),
        ("发展 来源:a：b", q(("发展",), source="a：b")),
        ("发展 foo:bar", q(("发展", "foo:bar"))),
        ("发展-脱贫", q(("发展-脱贫",))),
        ("发展 --x", q(("发展",), excluded=("-x",))),
        ("发展 -x", q(("发展",), excluded=("x",))),
        ('发展 -“精准扶贫"', q(("发展",), excluded=("精准扶贫",))),
        ('发展 -"a"b', q(("发展", "b"), excluded=("a",))),
        ('发展 "a"来源:b', q(("发展", "a"), (False, True), source="b")),
        ("「a”」", q(("a”",), (True,))),
        ('“a"b”', q(('a"b',), (True,))),
        ("发展 「 」", q(("发展",))),
        ("\t发展\n", q(("发展",))),
        # Only - and － exclude: a word or a lone letter is no marker.
        ("XI 发展 X 光", q(("XI", "发展", "X", "光"))),
    ],
)
def test_each_filter_name_and_token_rule(text: str, expected: Query) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ('发展 来源: "a b"', "the filter 来源: has no value", "筛选条件“来源:”后面没有值"),
        ('"abc”', 'the quote " before “abc”” is not closed', '引号 "（在“abc””之前）没有配对'),
        ("发展 -”a", "the quote ” before “a” is not opened", "引号 ”（在“a”之前）没有配对"),
        # Only “ may be closed by a straight quote.
        ('「a"', 'the quote 「 before “a"” is not closed', '引号 「（在“a"”之前）没有配对'),
        ('" 营商', 'the quote " before “营商” is not closed', '引号 "（在“营商”之前）没有配对'),
        # Eight characters are shown on the quote's side: no more, no fewer.
        (
            '"一二三四五六七八九十',
            'the quote " before “一二三四五六七八” is not closed',
            '引号 "（在“一二三四五六七八”之前）',
        ),
        (
            '一二三四五六七八九十"',
            'the quote " after “三四五六七八九十” is not closed',
            '引号 "（在“三四五六七八九十”之后）',
        ),
        ("- 发展", "a lone '-' excludes nothing", "单独的“-”不排除任何内容"),
        ("发展 -", "a lone '-' excludes nothing", "单独的“-”不排除任何内容"),
        ("发展 机关:", "the filter 机关: has no value; write it right after the colon", "筛选条件"),
    ],
)
def test_each_token_mistake_says_where_it_is(text: str, english: str, chinese: str) -> None:
    error = _error(text)
    assert str(error).startswith(english)
    assert shown_on_web(error).startswith(chinese)


def test_the_whole_messages_of_the_commonest_mistakes() -> None:
    assert str(_error("-脱贫")) == (
        "nothing to search for: give at least one word (exclusions with '-' and filters "
        "alone are not a search). Use `sucai browse` to list articles by filter."
    )
    assert str(_error("发展", scope="body")) == "--in body: choose one of all, title, outline."
    assert (
        shown_on_web(_error("发展", scope="Title"))
        == "检索范围“Title”无效：可选 all、title、outline。"
    )
    assert str(_error("发展 -")) == (
        "a lone '-' excludes nothing; write it right before the word to exclude, "
        "e.g. 乡村振兴 -脱贫."
    )


@pytest.mark.parametrize("scope", ["all", "title", "outline"])
def test_each_scope_is_accepted(scope: str) -> None:
    assert parse_query("发展", scope=scope).scope == scope


def test_limit_and_offset_are_passed_through() -> None:
    found = parse_query("发展", limit=None, offset=3)
    assert (found.limit, found.offset, found.scope) == (None, 3, "all")
    assert (parse_query("发展").limit, parse_query("发展").offset) == (20, 0)


# --- lengths ---------------------------------------------------------------------------------


def test_the_query_length_counts_format_controls_before_they_are_removed() -> None:
    assert MAX_QUERY_CHARS == 200
    just = "\u200b" * 10 + "营" * (MAX_QUERY_CHARS - 10)
    assert parse_query(just).terms == ("营" * 190,)
    over = "\u200b" + just
    assert str(_error(over)).startswith("the query is 201 characters long")


@pytest.mark.parametrize(
    ("written", "name", "label"),
    [
        ("文种", "genre", "文种"),
        ("角色", "role", "角色"),
        ("来源", "source", "来源"),
        ("文号", "doc_number", "文号"),
        ("机关", "issuer", "机关"),
    ],
)
def test_every_filter_value_holds_at_most_its_limit(written: str, name: str, label: str) -> None:
    assert MAX_FILTER_CHARS == 100
    assert getattr(parse_query(f"发展 {written}:" + "x" * 100), name) == "x" * 100
    assert getattr(parse_query("发展", **filter_option(name, "x" * 100)), name) == "x" * 100
    error = _error(f"发展 {written}:" + "x" * 101)
    assert str(error) == (f"the {name} filter is 101 characters long; at most 100 are allowed.")
    assert shown_on_web(error) == f"筛选条件“{label}”过长（101 字，上限 100 字）。"
    assert shown_on_web(_error("发展", **filter_option(name, "y" * 101))) == shown_on_web(error)


def test_a_filter_value_is_measured_without_its_format_controls() -> None:
    assert parse_query("发展", where=ArticleFilter(genre="\u200b" + "x" * 100)).genre == "x" * 100
    assert parse_query("发展 文种:\u202e" + "x" * 100).genre == "x" * 100


def test_a_year_value_is_measured_before_it_is_read() -> None:
    error = _error("发展 年份:" + "2" * 101)
    assert shown_on_web(error) == "筛选条件“年份”过长（101 字，上限 100 字）。"
    # 100 characters pass the length check and fail as a year, shown by their first 20.
    error = _error("发展 年份:" + "2" * 100)
    assert str(error).startswith(f"year '{'2' * 20}' is not understood")
    assert shown_on_web(error).startswith(f"年份“{'2' * 20}”无法识别")


# --- years -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", (2020, 2020)),
        ("2020..2025", (2020, 2025)),
        (" 2020 .. 2025 ", (2020, 2025)),
        ("2020-2025", (2020, 2025)),
        ("2020—2025", (2020, 2025)),
        ("2020~2025", (2020, 2025)),
        ("2020～2025", (2020, 2025)),
        ("2020..", (2020, None)),
        ("..2025", (None, 2025)),
        ("2021..2021", (2021, 2021)),
    ],
)
def test_years_read_as_an_inclusive_range(
    value: str, expected: tuple[int | None, int | None]
) -> None:
    assert parse_years(value) == expected


@pytest.mark.parametrize(
    "value",
    ["20201", "202", "..", "", "2020...2025", "2020,2025", "x2020", "2020 2025", "20202025"],
)
def test_anything_else_is_not_a_year(value: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_years(value)
    assert str(caught.value) == (
        f"year '{value}' is not understood; write 2020, 2020..2025, 2020.. or ..2025."
    )


def test_a_backwards_range_is_refused_one_year_apart_and_its_fix_is_shown() -> None:
    with pytest.raises(QueryError) as caught:
        parse_years("2022..2021")
    assert str(caught.value) == (
        "year range 2022..2021 runs backwards; write the earlier year first (2021..2022)."
    )
    assert (
        shown_on_web(caught.value)
        == "年份范围 2022..2021 前后颠倒：请把较早的年份写在前面（2021..2022）。"
    )


def test_a_long_bad_year_is_shown_by_its_first_twenty_characters() -> None:
    with pytest.raises(QueryError) as caught:
        parse_years("abcdefghijklmnopqrstuvwxy")
    assert str(caught.value).startswith("year 'abcdefghijklmnopqrst' is")


def test_the_years_option_overrides_the_inline_year_only_when_given() -> None:
    assert parse_query("发展 年份:2020", where=ArticleFilter()) == q(
        ("发展",), year_from=2020, year_to=2020
    )
    assert parse_query("发展 年份:2020", where=ArticleFilter(year_from=2021)) == q(
        ("发展",), year_from=2021
    )
    assert parse_query("发展 年份:2020", where=ArticleFilter(year_to=2019)) == q(
        ("发展",), year_to=2019
    )


# --- cleaning and keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("营商环境", "营商环境"),
        ("a\tb\nc\u3000d", "a\tb\nc\u3000d"),
        ("a\x00b\x7fc", "abc"),
        ("\ud800a", "a"),
        ("a\u00adb\u2060c", "abc"),
        ("\ue000", "\ue000"),
    ],
)
def test_only_format_control_and_surrogate_characters_are_removed(text: str, cleaned: str) -> None:
    assert clean_query_text(text) == cleaned


def test_the_query_keeps_its_cleaned_text() -> None:
    assert parse_query("营商\u200b环境 文种:讲话").text == "营商环境 文种:讲话"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("国发 [2019] 第4号", "国发〔2019〕4号"),
        ("国发【2019】4号", "国发〔2019〕4号"),
        ("国发［2019］4号", "国发〔2019〕4号"),
        ("国发(2019)4号", "国发〔2019〕4号"),
        ("国发（2019）4号", "国发〔2019〕4号"),
        ("国发\t〔2019〕\u00a04号\u3000", "国发〔2019〕4号"),
        ("国发〔２０１９〕４号", "国发〔2019〕4号"),
        ("国发第4号", "国发第4号"),
    ],
)
def test_a_doc_number_key_ignores_brackets_spaces_and_widths(text: str, key: str) -> None:
    assert doc_number_key(text) == key


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("财政部、税务总局", ["财政部税务总局", "财政部", "税务总局"]),
        ("财政部，税务总局;海关总署", ["财政部税务总局海关总署", "财政部", "税务总局", "海关总署"]),
        ("甲,,乙；丙", ["甲乙丙", "甲", "乙", "丙"]),
        (" 国务院 ", ["国务院"]),
        ("  ", []),
        ("", []),
    ],
)
def test_issuer_keys_are_the_whole_name_then_each_issuer(text: str, keys: list[str]) -> None:
    assert issuer_keys(text) == keys


# --- canonical form of queries built by hand -------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        (Query(("a", "b")), "a b"),
        (Query(("a b",), (True,)), '"a b"'),
        (Query(('a"b',), (True,)), '“a"b”'),
        (Query(('a"b”',), (True,)), '「a"b”」'),
        (Query(("a",), excluded=("b c", 'd"', "e")), 'a -"b c" -“d"” -e'),
        (Query(("a",), year_from=2020), "a 年份:2020.."),
        (Query(("a",), genre=""), 'a 文种:""'),
        (Query(("a",), year_to=2025), "a 年份:..2025"),
        (Query(("a",), year_from=2021, year_to=2021), "a 年份:2021"),
        (
            Query(
                ("x",),
                genre="g",
                role="r",
                year_from=2020,
                year_to=2021,
                source="s t",
                doc_number="d",
                issuer="i",
            ),
            'x 文种:g 角色:r 年份:2020..2021 来源:"s t" 文号:d 机关:i',
        ),
    ],
)
def test_the_canonical_form_of_a_query_built_by_hand(query: Query, text: str) -> None:
    assert format_query(query) == text


def test_an_unknown_scope_or_order_is_named_by_its_first_twenty_characters() -> None:
    given = "abcdefghijklmnopqrstuvwxyz"  # 26 characters: the message shows a to t
    scope, order = _error("发展", scope=given), _error("发展", sort=given)
    assert str(scope) == "--in abcdefghijklmnopqrst: choose one of all, title, outline."
    assert shown_on_web(scope) == "检索范围“abcdefghijklmnopqrst”无效：可选 all、title、outline。"
    assert str(order) == "--sort abcdefghijklmnopqrst: choose one of relevance, date."
    assert shown_on_web(order) == (
        "排序“abcdefghijklmnopqrst”无效：可选 relevance（相关度）、date（日期）。"
    )
    assert str(_error("发展", sort="Date")) == "--sort Date: choose one of relevance, date."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A “ closed by a straight quote looks for it after itself, not before …
        ('"营商环境" “放管服"', q(("营商环境", "放管服"), (True, True))),
        ('"营商环境"“放管服"', q(("营商环境", "放管服"), (True, True))),
        # … the first one after it, not the last …
        ('“营商环境" “放管服"', q(("营商环境", "放管服"), (True, True))),
        # … and the one right after it: an empty pair is no phrase.
        ('发展 “"', q(("发展",))),
    ],
)
def test_a_curly_quote_closed_by_a_straight_one_ends_at_the_next_straight_quote(
    text: str, expected: Query
) -> None:
    assert parse_query(text) == expected
