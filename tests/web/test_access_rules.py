""":mod:`sucai.web.access` function by function, on a library of seven short articles written
here (issue 23): each function gives a member the paid text and a viewer who may not read it
(a visitor, an expired member) the free text alone, and passes on each of its arguments.

The expected answers are worked out by hand from the articles below: which sentences are paid,
which 金句 they hold, how often a phrase is used. The heavier walks over every route of the seed
are in test_leaks.py and test_paywall.py; these run in seconds, so that a mutation run can use
them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from sucai.errors import QueryError, UserError
from sucai.search.query import parse_query
from sucai.store import User
from sucai.store.records import ArticleFilter
from sucai.users import Account
from sucai.web import access

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library

TODAY = date(2026, 3, 10)
#: Only paid text holds these words.
SECRET = "砥砺奋进"
FILES = {
    # A speech: a free 对仗, then a paid heading and a paid 对仗 using 体育 twice.
    "speech.txt": """关于推动高质量发展的讲话
（2024年3月1日）

一、总体要求

同志们：今天我们研究高质量发展工作。

文明因交流而多彩，文明因互鉴而丰富。

##paidbegin##

二、砥砺奋进

国运兴则体育兴，国家强则体育强。要砥砺奋进谱写新篇章，推动高质量发展。

##paidend##
""",
    # A notice, free: a 警句.
    "notice.txt": """关于开展安全生产检查的通知
（2023年5月6日）

各单位：为做好安全生产工作，推动高质量发展，现就有关事项通知如下。绿水青山就是金山银山。
""",
    # An opinion whose first paragraph is paid (体育 twice).
    "opinion.txt": """关于体育强国建设的意见

##paidbegin##

要砥砺奋进谱写新篇章，加快建设体育强国，推动体育事业高质量发展。

##paidend##

各地区各部门要结合实际认真贯彻落实。
""",
    # A speech with an outline on the topic: three free headings and a paid one.
    "outline.txt": """在全市推动高质量发展大会上的讲话
（2024年6月1日）

一、推动高质量发展要抓住重点

同志们：推动高质量发展是新时代的硬道理，要把高质量发展落到实处。

二、推动高质量发展要守住底线

要守住安全底线，守住民生底线。

三、推动高质量发展要勇于创新

要以创新开辟新赛道，以改革激发新活力。

##paidbegin##

四、推动高质量发展要砥砺奋进

推动高质量发展要砥砺奋进，以钉钉子精神推动各项工作落地见效。

##paidend##
""",
    # A regulation, and the later one that repeals it in its paid part.
    "old_law.txt": """某市养犬管理条例
（2010年3月1日某市人民代表大会常务委员会通过）

第一条 为了加强养犬管理，保障公民健康和人身安全，维护市容环境和社会公共秩序，制定本条例。

第二条 本市行政区域内养犬和与养犬有关的管理活动，适用本条例。
""",
    "new_law.txt": """某市文明养犬条例
（2024年3月1日某市人民代表大会常务委员会通过）

第一条 为了规范养犬行为，倡导文明养犬，制定本条例。

##paidbegin##

第三十条 本条例自2024年6月1日起施行。《某市养犬管理条例》同时废止。

##paidend##
""",
    # A speech on the topic in its paid part alone, under free headings.
    "paid_topic.txt": """在年度工作会议上的讲话
（2024年8月1日）

一、抓好安全生产

##paidbegin##

推动高质量发展，安全生产是底线，高质量发展离不开安全发展。

##paidend##

二、抓好民生保障

##paidbegin##

推动高质量发展，民生保障是根本，以高质量发展增进民生福祉。

##paidend##

三、抓好队伍建设

##paidbegin##

推动高质量发展，队伍建设是关键，为高质量发展提供人才支撑。

##paidend##
""",
}


def _member(name: str = "甲", expires_on: str | None = None) -> Account:
    return Account(User(1, name, "member", "会员", expires_on, None, "", False), TODAY)


VISITOR = Account(None, TODAY)
MEMBER = _member()
EXPIRED = _member("乙", "2020-01-01")
#: Each viewer, and whether it may read the paid part.
VIEWERS = [
    pytest.param(VISITOR, False, id="visitor"),
    pytest.param(EXPIRED, False, id="expired"),
    pytest.param(MEMBER, True, id="member"),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    folder = tmp_path_factory.mktemp("access")
    paths = []
    for name, text in FILES.items():
        paths.append(folder / name)
        paths[-1].write_text(text, encoding="utf-8")
    with open_library(folder / "library.db") as opened:
        for owner in ("甲", "乙"):
            opened.subscription_add(owner, "奋进", SECRET)
        report = opened.ingest(paths)
        assert not report.failed
        yield opened


def _id(library: Library, title: str) -> int:
    (found,) = [a.id for a in library.articles() if a.title == title]
    return found


def _opinion(library: Library) -> int:
    return _id(library, "关于体育强国建设的意见")


def _speech(library: Library) -> int:
    return _id(library, "关于推动高质量发展的讲话")


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_search_finds_paid_words_for_a_member_alone(
    library: Library, account: Account, paid: bool
) -> None:
    page = access.search(library, account, parse_query(SECRET), facets=True)
    # The paid heading and paragraph of the speech, the paid paragraph of the opinion, the
    # paid heading and paragraph of the outlined speech.
    assert page.total == (5 if paid else 0)
    assert len(page.hits) == page.total
    assert all(h.paid for h in page.hits)
    assert dict(page.facets["genre"]) == ({"讲话": 4, "意见": 1} if paid else {})
    free = access.search(library, account, parse_query("金山银山"), facets=False)
    assert [(h.title, h.paid) for h in free.hits] == [("关于开展安全生产检查的通知", False)]
    assert free.facets == {}


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_the_wider_searches_count_the_text_the_viewer_may_read(
    library: Library, account: Account, paid: bool
) -> None:
    """No 通知 holds 砥砺奋进; without the filter the member is offered its 5 paid places, a
    viewer who may not read them nothing (an offer of 0 would tell them the words are paid)."""
    offered = access.wider(library, account, parse_query(SECRET, where=ArticleFilter(genre="通知")))
    assert [(kind, total) for kind, _, total in offered] == ([("unfiltered", 5)] if paid else [])
    # 金山银山 is in the free notice alone: no 讲话 holds it, and no title.
    offered = access.wider(
        library, account, parse_query("金山银山", where=ArticleFilter(genre="讲话"))
    )
    assert [(kind, q.genre, total) for kind, q, total in offered] == [("unfiltered", None, 1)]
    offered = access.wider(library, account, parse_query("金山银山", scope="title"))
    assert [(kind, q.scope, total) for kind, q, total in offered] == [("everywhere", "all", 1)]


def test_similar_articles_are_found_through_the_text_the_viewer_may_read(
    library: Library,
) -> None:
    """The opinion shares 砥砺奋进谱写新篇章 with the speech in paid text alone: it is more like
    the speech to a member than to a visitor or an expired member, who are told the same."""

    def scores(account: Account, limit: int = 10) -> dict[str, float]:
        found = access.similar(library, account, _speech(library), limit)
        return {s.article.title: s.score for s in found}

    assert scores(VISITOR) == scores(EXPIRED)
    assert scores(MEMBER)["关于体育强国建设的意见"] > scores(VISITOR)["关于体育强国建设的意见"]
    assert len(scores(MEMBER, 1)) == len(scores(VISITOR, 1)) == 1


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_jinju_of_paid_paragraphs_reach_a_member_alone(
    library: Library, account: Account, paid: bool
) -> None:
    free = {"文明因交流而多彩，文明因互鉴而丰富。", "绿水青山就是金山银山。"}
    paid_one = "国运兴则体育兴，国家强则体育强。"
    total, found = access.jinju(library, account, "", kinds=None, limit=10, offset=0)
    assert {j.text for j in found} == (free | {paid_one} if paid else free)
    assert total == len(found)
    total, pairs = access.jinju(library, account, "", kinds=["对仗"], limit=10, offset=0)
    assert {j.text for j in pairs} == (
        {"文明因交流而多彩，文明因互鉴而丰富。", paid_one}
        if paid
        else {"文明因交流而多彩，文明因互鉴而丰富。"}
    )
    # One a page: the second page holds the one the first does not.
    _, first = access.jinju(library, account, "", kinds=None, limit=1, offset=0)
    _, second = access.jinju(library, account, "", kinds=None, limit=1, offset=1)
    assert len(first) == len(second) == 1
    assert first[0].text != second[0].text
    _, worded = access.jinju(library, account, "金山", kinds=None, limit=10, offset=0)
    assert [j.text for j in worded] == ["绿水青山就是金山银山。"]
    of_speech = [j.text for j in access.article_jinju(library, account, _speech(library))]
    assert of_speech == (
        ["文明因交流而多彩，文明因互鉴而丰富。", paid_one]
        if paid
        else ["文明因交流而多彩，文明因互鉴而丰富。"]
    )


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_tifa_counts_the_text_the_viewer_may_read(
    library: Library, account: Account, paid: bool
) -> None:
    """体育: twice in the speech's paid 对仗, twice in the opinion's paid paragraph (2024);
    the opinion has no date, so its uses count in no year."""
    (by_year,) = access.tifa(library, account, ["体育"], "year")
    assert by_year.uses == (2 if paid else 0)
    (by_genre,) = access.tifa(library, account, ["体育"], "genre")
    assert by_genre.by == "genre"


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_check_compares_a_draft_with_the_text_the_viewer_may_read(
    library: Library, account: Account, paid: bool
) -> None:
    draft = ["我们要砥砺奋进谱写新篇章，加快建设体育强国。"]
    report = access.check(library, account, draft, min_span=8, name="草稿一")
    assert report.name == "草稿一"
    # 要砥砺奋进谱写新篇章，加快建设体育强国 (18 characters) is the opinion's paid text.
    assert report.copied == (18 if paid else 0)
    assert [s.title for s in report.sources] == (["关于体育强国建设的意见"] if paid else [])
    # A span of 19 characters or more: none.
    longer = access.check(library, account, draft, min_span=19, name="")
    assert longer.copied == 0


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_compose_shows_the_outline_the_viewer_may_read(
    library: Library, account: Account, paid: bool
) -> None:
    found = access.compose(library, account, "高质量发展", where=ArticleFilter(), picks=())
    assert found.topic == "高质量发展"
    headings = [h.text for s in found.skeletons for h in s.headings]
    assert ("四、推动高质量发展要砥砺奋进" in headings) is paid
    assert "三、推动高质量发展要勇于创新" in headings
    # The yearly speech holds the topic in its paid part alone.
    assert ("在年度工作会议上的讲话" in [s.title for s in found.skeletons]) is paid
    narrowed = access.compose(
        library, account, "高质量发展", where=ArticleFilter("讲话", "市长", 2020, 2025), picks=()
    )
    assert (narrowed.genre, narrowed.role, narrowed.year_from, narrowed.year_to) == (
        "讲话",
        "市长",
        2020,
        2025,
    )
    with pytest.raises(QueryError, match=r"^there is no group 99:"):
        access.compose(library, account, "高质量发展", where=ArticleFilter(), picks=[99])


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_subscriptions_count_the_new_articles_the_viewer_may_find(
    library: Library, account: Account, paid: bool
) -> None:
    """甲 (a member) and 乙 (expired) each subscribed to 砥砺奋进 before the import: three
    articles use it, in paid text alone. A visitor has no subscriptions."""
    news = access.subscriptions(library, account)
    assert [n.new for n in news] == ([] if account.user is None else [3 if paid else 0])
    if account.user is not None:
        _, new = access.open_subscription(library, account, "奋进")
        assert len(new) == (3 if paid else 0)
        feed = access.feed(library, account, "subscription", "奋进")
        assert feed.title == "订阅：奋进 · 素材库"
        assert len(feed.entries) == (3 if paid else 0)
    else:
        with pytest.raises(UserError, match=r"^no feed of 'subscription'"):
            access.feed(library, account, "subscription", "奋进")


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_feeds_digests_and_pages_give_the_viewer_the_free_text_alone(
    library: Library, account: Account, paid: bool
) -> None:
    secret = "要砥砺奋进谱写新篇章，加快建设体育强国，推动体育事业高质量发展。"
    (entry,) = access.feed(library, account, "kind", "意见").entries
    assert [p.text for p in entry.article.paragraphs] == [
        secret if paid else "",
        "各地区各部门要结合实际认真贯彻落实。",
    ]
    _, body = access.digest(library, account, date.today(), "md")
    assert (secret in body.decode()) is paid
    _, matches = access.digest(library, account, date.today(), "md", SECRET)
    assert f"共 {3 if paid else 0} 篇" in matches.decode()
    _, only = access.digest(library, account, date.today(), "md", "安全生产")
    assert "关于开展安全生产检查的通知" in only.decode()
    assert "关于体育强国建设的意见" not in only.decode()
    article = access.article(library, account, _opinion(library))
    assert article.paragraphs[0].text == (secret if paid else "")


@pytest.mark.parametrize(("account", "paid"), VIEWERS)
def test_a_repeal_in_paid_text_is_known_to_a_member_alone(
    library: Library, account: Account, paid: bool
) -> None:
    """某市文明养犬条例 repeals 某市养犬管理条例 in its paid last article."""
    old = _id(library, "某市养犬管理条例")
    status = access.law_status(library, account, old)
    assert status is not None
    assert (status.status, status.by_title) == (
        ("已废止", "某市文明养犬条例") if paid else ("现行有效", None)
    )
    assert access.law_status(library, account, _speech(library)) is None
    quoted = "为了加强养犬管理，保障公民健康和人身安全，维护市容环境"
    quotes = access.law_quotes(library, account, ["", "  " + quoted])
    assert [(q.paragraph, q.start, q.end, q.text) for q in quotes] == (
        [(1, 2, 2 + len(quoted), quoted)] if paid else []
    )
