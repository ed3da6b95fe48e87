"""Titles, dates, kinds and 公文 fields of single documents (issue 16).

The texts are laid out as the real documents have them (版头, 文号, two-line titles, 落款); the
expected answers are read off the documents, not taken from sucai's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sucai.ingest.dates import date_only, field_date, parse_date, title_note_date
from sucai.ingest.normalize import normalize
from sucai.ingest.parsers import parse, supported_suffixes
from sucai.ingest.parsers.text import text_blocks
from sucai.ingest.sources import iter_candidates, load_file
from sucai.ingest.structure import structure, title_kind
from sucai.models import ArticleDraft, Block, ParsedText

HANDAN = """中共邯郸市委组织部
邯组通字〔2018〕39号
中共邯郸市委组织部
关于开展纪念建党97周年系列活动的
通      知
各县（市、区）委组织部、市直各党（工）委组织部（处），冀南新区、经济开发区组织人事局：
今年是中国共产党成立97周年，是贯彻党的十九大精神的开局之年。为纪念中国共产党成立97周年，现就有关活动通知如下。
一、召开纪念中国共产党成立97周年座谈会。“七一”前夕，市委召开座谈会，纪念党的生日。
二、开展访贫活动。从即日起，各级各单位要组织结对帮扶责任人开展访贫活动。
中共邯郸市委组织部
2018年6月16日
"""

NOTICE_WITH_ATTACHMENTS = """关于做好2024年度政府信息公开工作年度报告编制工作的通知
各区人民政府，市政府各委、办、局：
现将有关事项通知如下，请认真贯彻执行。本通知自2024年1月1日起施行。
附件：1．年度报告格式
2．年度报告编制说明
上海市人民政府办公厅
二〇二四年一月十二日
"""


def _one(text: str) -> ArticleDraft:
    compilation = structure(normalize(ParsedText(tuple(text_blocks(text)))), "x.txt")
    assert len(compilation.articles) == 1
    return compilation.articles[0]


def test_a_gongwen_gets_its_joined_title_date_kind_and_fields() -> None:
    article = _one(HANDAN)
    assert article.title == "中共邯郸市委组织部关于开展纪念建党97周年系列活动的通知"
    assert article.genre == "通知"
    assert article.issued_on == "2018-06-16"
    assert article.doc_number == "邯组通字〔2018〕39号"
    assert article.issuer == "中共邯郸市委组织部"
    assert article.addressee == (
        "各县（市、区）委组织部、市直各党（工）委组织部（处），冀南新区、经济开发区组织人事局"
    )
    # The 文号 is a header line, not an outline heading.
    assert all("〔2018〕" not in entry.text for entry in article.outline)


def test_the_effective_date_is_not_the_issue_date_and_chinese_numerals_are_read() -> None:
    article = _one(NOTICE_WITH_ATTACHMENTS)
    assert article.issued_on == "2024-01-12"
    assert article.year == 2024
    assert article.attachments == ("年度报告格式", "年度报告编制说明")
    assert article.issuer == "上海市人民政府办公厅"
    assert article.addressee == "各区人民政府，市政府各委、办、局"


def test_a_date_inside_a_sentence_gives_no_date() -> None:
    text = (
        "上海市优秀历史建筑保护管理办法\n"
        "第一条 为了加强优秀历史建筑的保护，制定本办法。\n"
        "第二条 本办法自2023年1月1日起施行，公示时间：2023年5月22日至5月26日。\n"
    )
    article = _one(text)
    assert article.issued_on is None
    assert article.genre == "法规"


def test_a_speech_takes_the_date_under_its_title() -> None:
    text = (
        "在全县经济工作会议上的讲话\n（2023年12月20日）\n同志们：\n"
        "今天召开全县经济工作会议，主要任务是总结今年工作，部署明年工作。\n"
    )
    article = _one(text)
    assert (article.issued_on, article.genre) == ("2023-12-20", "讲话")


def test_a_law_takes_the_date_its_note_opens_with() -> None:
    text = (
        "中华人民共和国外商投资法\n"
        "（2019年3月15日第十三届全国人民代表大会第二次会议通过）\n"
        "第一条 为了进一步扩大对外开放，积极促进外商投资，制定本法。\n"
        "第二条 在中华人民共和国境内的外商投资，适用本法。\n"
        "第四十二条 本法自2020年1月1日起施行。\n"
    )
    article = _one(text)
    assert (article.issued_on, article.genre) == ("2019-03-15", "法规")


def test_a_label_above_the_title_and_a_bracketed_suffix() -> None:
    text = (
        "附件3:\n公安机关录用人民警察体能测评标准\n及实施规范\n"
        "体能测评按照有关标准组织实施，报考人民警察职位的三项达标者视为合格。\n"
    )
    assert _one(text).title == "公安机关录用人民警察体能测评标准及实施规范"
    text = (
        "国家税务总局江西省税务局2023年度\n拟录用公务员公示公告（第一批）\n"
        "根据有关要求，经过笔试、面试、体检和考察等程序，现予以公示。\n"
    )
    article = _one(text)
    assert article.title == "国家税务总局江西省税务局2023年度拟录用公务员公示公告（第一批）"
    assert article.genre == "公告"


def test_a_speech_title_is_not_joined_with_its_subtitle_or_opening() -> None:
    text = (
        "勇争高质量发展排头兵\n——在全市经济工作会议上的讲话\n同志们：\n"
        "今天召开全市经济工作会议，主要任务是总结今年工作，部署明年工作。\n"
    )
    assert _one(text).title == "勇争高质量发展排头兵"


def test_signer_on_the_line_of_the_number() -> None:
    text = (
        "江西省人民政府文件\n赣府字〔2019〕12号    签发人：易炼红\n"
        "关于2018年度全省财政预算执行情况的报告\n"
        "省人大常委会：\n现将2018年度全省财政预算执行情况报告如下。\n"
    )
    article = _one(text)
    assert article.signer == "易炼红"
    assert article.doc_number == "赣府字〔2019〕12号"
    assert article.issuer == "江西省人民政府"
    assert article.genre == "报告"


def test_metadata_front_matter_gives_title_number_and_issuer() -> None:
    text = (
        "标题: 关于印发《上海市城市体检促进城市更新的工作指引》的函\n"
        "文号: 沪建综规〔2025〕449 号\n发布单位: 上海市住房和城乡建设管理委员会\n"
        "发布日期: 2025-10-30\n\n"
        "关于印发《上海市城市体检促进城市更新的工作指引》的函\n"
        "各有关单位：\n现将《上海市城市体检促进城市更新的工作指引》印发给你们，请遵照执行。\n"
        "上海市住房和城乡建设管理委员会\n2025年9月18日\n"
    )
    article = _one(text)
    assert article.title == "关于印发《上海市城市体检促进城市更新的工作指引》的函"
    assert (article.doc_number, article.issuer) == (
        "沪建综规〔2025〕449 号",
        "上海市住房和城乡建设管理委员会",
    )
    assert article.issued_on == "2025-09-18"  # the 落款, not the page's 发布日期
    assert (article.genre, article.addressee) == ("函", "各有关单位")


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("淮安市人民政府2024年政府信息公开工作年度报告", "年报"),
        ("上海市普陀区财政局2024年度部门决算", "决算"),
        ("江西省2022年国民经济和社会发展统计公报", "公报"),
        ("南昌海关2023年度拟录用公务员公示公告", "公告"),
        (
            "国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知",
            "通知",
        ),
        ("关于同意设立某某开发区的批复", "批复"),
        ("中华人民共和国国务院令", "命令"),
        ("2018年度阳新娲石水泥有限公司温室气体排放核查报告公示", "公示"),
        ("江西省中小学教师招聘岗位专业要求参照目录（2022年修订）", "目录"),
        ("2022年通过普通高等学校师范类专业认证的专业名单", "名单"),
        ("2023年度个人述职报告", "述职报告"),
        ("勇争高质量发展排头兵", None),
    ],
)
def test_title_kind(title: str, kind: str | None) -> None:
    assert title_kind(title) == kind


def test_dates_in_every_writing() -> None:
    assert date_only("二〇一九年一月二十四日") == "2019-01-24"
    assert date_only("二○二三年十二月三十一日") == "2023-12-31"
    assert date_only("（2019年1月24日）") == "2019-01-24"
    assert date_only("2019年1月24日印发") is None
    assert title_note_date("（2019年4月23日第十三届全国人民代表大会常务委员会第十次会议通过）") == (
        "2019-04-23"
    )
    assert field_date("发稿时间：2019/3/25 【 字体：大 中 小 】") == ("发稿时间", "2019-03-25")
    assert field_date("公示时间：2023年5月22日至5月26日") is None
    assert parse_date("2023年13月1日") is None


def _page(tmp_path: Path, html: str, encoding: str = "utf-8") -> ArticleDraft:
    path = tmp_path / "page.html"
    path.write_bytes(html.encode(encoding))
    candidate = next(iter_candidates([path], supported_suffixes()))
    parsed = normalize(parse(load_file(candidate)))
    compilation = structure(parsed, str(path))
    assert len(compilation.articles) == 1
    return compilation.articles[0]


BODY = "<p>" + "全年实现地区生产总值3473.12亿元，按可比价计算，同比增长5.3%。" * 3 + "</p>"


def test_a_cms_page_titles_from_its_article_title_meta_and_dates_from_its_table(
    tmp_path: Path,
) -> None:
    html = (
        '<html><head><meta name="ArticleTitle" content="宜春市2022年国民经济和社会发展统计公报">'
        "<title>宜春市人民政府</title></head><body><div>宜春市人民政府</div>"
        "<dl><dd><label><font>生成日期：</font></label><div>2023-04-12</div></dd></dl>"
        f'<div class="TRS_Editor"><p>宜春市2022年国民经济和社会发展统计公报</p>{BODY}</div>'
        "</body></html>"
    )
    article = _page(tmp_path, html)
    assert article.title == "宜春市2022年国民经济和社会发展统计公报"
    assert (article.issued_on, article.genre) == ("2023-04-12", "公报")


def test_a_page_without_title_takes_the_line_above_its_date_field(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="gb2312"><title></title></head><body>'
        '<div class="newst">2021湖北武黄同城暨黄石（光谷）产业投资推介会在武汉举行！</div>'
        '<div class="newsd"> 发布时间：2021/6/9 <span>【 字体：大 中 小 】</span></div>'
        f'<div id="content">{BODY}</div></body></html>'
    )
    article = _page(tmp_path, html, "gb18030")
    assert article.title == "2021湖北武黄同城暨黄石（光谷）产业投资推介会在武汉举行！"
    assert (article.issued_on, article.genre) == ("2021-06-09", "新闻")


def test_a_party_body_addressed_as_its_organisations_is_the_addressee() -> None:
    article = _one(
        "中共浙江省淳安县委组织部\n关于开展专业岗位领导干部遴选工作的通知\n"
        "各乡镇党委，县属各单位党组织：\n"
        "为切实加强专业化干部队伍建设，现就开展部分专业岗位领导干部遴选工作有关事项通知如下。\n"
        "中共淳安县委组织部\n2019年7月8日\n"
    )
    assert article.addressee == "各乡镇党委，县属各单位党组织"
    assert (article.issuer, article.issued_on) == ("中共淳安县委组织部", "2019-07-08")
    assert _one("各党总支：\n现将有关事项通知如下，请遵照执行。\n").addressee == "各党总支"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("附件： 2016年宜春市市直机关遴选公务员职位表.txt", "2016年宜春市市直机关遴选公务员职位表"),
        ("附件1：体检人员名单.txt", "体检人员名单"),
        ("附件三  袁州区乡镇机关职位说明.txt", "袁州区乡镇机关职位说明"),
        ("附件说明.txt", "附件说明"),
    ],
)
def test_a_file_named_after_its_attachment_label_is_titled_without_it(
    name: str, title: str
) -> None:
    """A document that is all table states no title: the file name gives it, minus 附件1：."""
    text = "序号\t部门名称\t职位名称\n1\t市财政局\t科员\n"
    blocks = (Block(text.rstrip("\n"), "table"),)
    compilation = structure(normalize(ParsedText(blocks)), name)
    assert compilation.articles[0].title == title


def test_a_short_headline_above_the_date_field_is_the_title_but_a_breadcrumb_is_not(
    tmp_path: Path,
) -> None:
    page = (
        '<html><head><meta charset="gb2312"><title></title></head><body>'
        '<div class="newst">{}</div>'
        '<div class="newsd"> 发稿时间：2014/11/17 <span>【 字体：大 中 小 】</span></div>'
        f'<div id="content-fontsize">{BODY}</div></body></html>'
    )
    article = _page(tmp_path, page.format("产品标准"), "gb18030")
    assert (article.title, article.issued_on) == ("产品标准", "2014-11-17")
    crumb = '<a href="/">首页</a> &gt; <a href="/news/">新闻</a>'
    article = _page(tmp_path, page.format(crumb), "gb18030")
    assert article.title != "首页 > 新闻"


def test_title_notes_of_laws_and_reports() -> None:
    assert title_note_date("2005年5月26日 河南省第十届人民代表大会常务委员会第十六次会议通过") == (
        "2005-05-26"
    )
    assert title_note_date("——2026年1月25日在北京市第十六届人民代表大会第四次会议上") == (
        "2026-01-25"
    )
    assert title_note_date("2023年1月1日起施行") is None
    assert title_note_date("2023年5月22日至5月26日公示") is None
    assert (
        title_kind("韩某某诉辽宁省锦州市松山新区国有土地上房屋征收办公室不履行预征收行政协议案")
        is None
    )


def test_a_body_sentence_opening_with_a_date_is_no_title_note() -> None:
    text = "2021年6月24日下午，集团全体管理人员在总部召开庆祝建党100周年表彰大会"
    assert title_note_date(text) is None


def test_law_notes_in_full_width_digits_or_cut_short() -> None:
    # Both as the shared corpus's laws have them under their titles.
    note = "２００２年６月２９日 第九届全国人民代表大会常务委员会第二十八次会议通过"
    assert title_note_date(note) == "2002-06-29"
    assert title_note_date("2019年3月15日 第十三届全国人民代表大会第二次") == "2019-03-15"
    assert title_note_date("1984年1月7日 国务院") == "1984-01-07"
    assert date_only("２０２３年５月１０日") == "2023-05-10"


def test_a_doc_number_or_a_date_field_under_the_title_is_no_outline_heading() -> None:
    body = (
        "为进一步做好本市交通建设市场从业人员资格管理工作，理顺工作管理条线，现将有关事项通知如下。"
    )
    for line in ("沪交建〔2023〕771号", "发布日期：2020-01-31"):
        article = _one(f"上海市交通委员会关于调整从业人员资格管理工作职能的通知\n{line}\n{body}\n")
        assert article.outline == (), line


def test_bracketed_law_notes_give_the_date_they_were_adopted_or_published() -> None:
    note = (
        "（最高人民法院审判委员会第1421次会议通过 2008年4月17日最高人民法院公告公布 "
        "自2008年4月23日起施行）"
    )
    assert title_note_date(note) == "2008-04-17"
    note = "（2019年4月23日第十三届全国人大常委会第十次会议通过 自2019年10月1日起施行）"
    assert title_note_date(note) == "2019-04-23"
    assert title_note_date("（自2023年1月1日起施行）") is None
    note = (
        "1988年7月1日 第七届全国人民代表大会常务委员会第二次会议通过根据1994年5月12日第八届"
        "全国人民代表大会常务委员会第七次会议《关于修改（中国人民解放军军官军衔条例）的决定》修正"
    )
    assert title_note_date(note) == "1988-07-01"


def test_a_note_that_goes_on_after_a_comma() -> None:
    assert title_note_date("1994年10月27日 印发，根据") == "1994-10-27"
    assert title_note_date("2012年12月13日 公安部令第127号修订发布。根据") == "2012-12-13"
