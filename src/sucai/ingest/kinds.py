"""The 文种 of an article (issue 16): from the word its title ends with — the 15 公文 kinds of
《党政机关公文处理工作条例》 and the genres writers search by — else from evidence in its role,
opening and compilation."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["guess_genre", "title_kind"]

_OFFICIAL_GENRE: Final = re.compile(r"(意见|决议|决定|批复|通报|公告|通告|方案|规划|纲要)$")

#: 文种 from the word a title ends with, in order (issue 16): the 15 公文 kinds of
#: 《党政机关公文处理工作条例》, then the genres writers search by. Laws are left to the rule
#: of 第X条 below.
_TITLE_KINDS: Final = (
    (re.compile(r"政府信息公开.{0,8}(?:年度报告|年报)"), "年报"),
    (re.compile(r"(?:述职|述责述廉|述德述职述廉)报告$"), "述职报告"),
    (re.compile(r"调研报告$|调查报告$"), "调研报告"),
    (re.compile(r"决算$"), "决算"),
    (re.compile(r"大纲$"), "大纲"),
    (re.compile(r"(?:目录|名录)$"), "目录"),
    (re.compile(r"(?:名单|职位表|名册)$"), "名单"),
    (re.compile(r"(?:情况|有关|的)?说明$"), "说明"),
    (re.compile(r"(?:规范|标准)$"), "规范"),
    (re.compile(r"公报$"), "公报"),
    (re.compile(r"公告$"), "公告"),
    (re.compile(r"通告$"), "通告"),
    (re.compile(r"公示$"), "公示"),
    (re.compile(r"纪要$"), "纪要"),
    (re.compile(r"批复$"), "批复"),
    (re.compile(r"请示$"), "请示"),
    (re.compile(r"(?<![协建])议案$"), "议案"),  # not 行政协议案 (a court case)
    (re.compile(r"决议$"), "决议"),
    (re.compile(r"决定$"), "决定"),
    (re.compile(r"意见$"), "意见"),
    (re.compile(r"通报$"), "通报"),
    (re.compile(r"通知$"), "通知"),
    (re.compile(r"(?:的|复|公|便)函$"), "函"),
    (re.compile(r"(?:命令|[院府部委局署]令|主席令)(?:第.{1,8}号)?$"), "命令"),
    (re.compile(r"(?:工作)?总结$"), "工作总结"),
    (re.compile(r"工作(?:计划|要点)$"), "工作计划"),
)
#: Bracketed endings that are no 文种: （第一批）、（2022年修订）、（试行）、（节选）.
_TITLE_TAIL: Final = re.compile(r"(?:[（(][^（）()]{1,20}[）)]|\[\d+\])+$")


#: A news headline reports an event: ``…推介会在武汉举行！``, ``…表彰大会隆重召开``.
_NEWS_HEADLINE: Final = re.compile(
    r"(?:举行|召开|开幕|闭幕|落幕|举办|启动|开班|开工|签约|揭牌|成立|亮相|走访|调研|考察)[！!]?$"
)


def title_kind(title: str) -> str | None:
    """The 文种 a title's last word names (``…的通知`` → 通知), or ``None``."""
    bare = _TITLE_TAIL.sub("", title.strip()).rstrip("！!。 ")
    for pattern, kind in _TITLE_KINDS:
        if pattern.search(bare):
            return kind
    return None


def guess_genre(title: str, role: str | None, paragraphs: list[str], context: str = "") -> str:
    """文种 from evidence in the title, role, opening and the compilation's title."""
    opening = "".join(paragraphs[:2])[:200]
    law_like = sum(
        1 for p in paragraphs[:50] if re.match(r"^第[一二三四五六七八九十百千零〇\d]+条", p)
    )
    kind = title_kind(title)
    if kind is not None and not (law_like >= 2 and kind in ("规范", "说明", "目录", "名单")):
        return kind
    if re.search(r"工作报告|报告$", title):
        return "报告"
    if re.search(r"通知$", title):
        return "通知"
    official = _OFFICIAL_GENRE.search(title)
    if official is not None:
        return official.group(1)
    if law_like >= 2 or (
        re.search(r"(法|条例|规定|办法|细则|规则|解释)(（.*）)?$", title) and law_like
    ):
        return "法规"
    if re.search(r"心得|体会|感悟", title + context):
        return "心得体会"
    if re.search(r"主持词", title + (role or "")):
        return "主持词"
    if re.search(r"发言", title + (role or "") + context):
        return "发言"
    if re.search(r"致辞|讲话|动员|报告会", title) or "同志们" in opening:
        return "讲话"
    if role is not None:
        return "讲话"
    if "各位代表" in opening:
        return "报告"
    if re.search(r"央视网消息|新华社[^，。]{0,12}电|新闻联播", opening + title + context):
        return "新闻"
    if _NEWS_HEADLINE.search(title):
        return "新闻"
    if re.search(r"(法|条例|规定|办法|细则)$", title):
        return "法规"
    return "文章"
