"""Lines repeated at the edges of many files of one import are page chrome (issue 2), but only
across different documents and never most of a file's text: versions of one speech imported
together keep every line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sucai import ImportOptions
from tests.conftest import REPORTS
from tests.ingest.test_neardup import _speech_variants

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

#: Four pages of one site: the site's lines above and below each page's own article.
HEADER = "首页 > 新闻中心 > 工作动态"
FOOTER = "主办单位：某某县人民政府办公室 备案号：某ICP备00000000号"
ARTICLES = [
    (
        "全县召开春季植树造林动员会",
        "3月12日，全县春季植树造林动员会在县委党校召开。会议总结了去年国土绿化工作，"
        "要求各乡镇压实责任，确保完成年度造林任务一万二千亩，新建村庄绿化示范点十个。",
    ),
    (
        "县政务服务中心延长周末服务时间",
        "为方便群众办事，县政务服务中心自下月起实行周末延时服务，不动产登记、社保医保、"
        "户籍办理等二十项高频业务在周六上午照常受理，并开通预约办理和帮办代办。",
    ),
    (
        "县农业农村局部署夏粮收购工作",
        "县农业农村局近日召开夏粮收购工作会议，今年全县计划收购小麦三点五万吨，"
        "要求各收购企业严格执行质价政策，严禁压级压价、打白条，切实保护种粮农民利益。",
    ),
    (
        "县教育局开展校园安全专项检查",
        "县教育局联合公安、消防等部门开展校园安全专项检查，覆盖全县中小学和幼儿园"
        "一百二十八所，重点检查消防设施、食堂卫生和校车管理，发现问题当场督促整改。",
    ),
]


def test_a_sites_lines_are_removed_from_its_pages_and_each_pages_text_stays(
    tmp_path: Path, library: Library
) -> None:
    paths = []
    for n, (title, text) in enumerate(ARTICLES):
        path = tmp_path / f"page{n}.txt"
        path.write_text(f"{HEADER}\n{title}\n\n{text}\n\n{FOOTER}\n", encoding="utf-8")
        paths.append(path)
    report = library.ingest(paths)
    removed = sorted({(r.text, r.reason) for f in report.files for r in f.removed})
    assert removed == [(FOOTER, "repeated"), (HEADER, "repeated")]
    stored = {(a.title, tuple(p.text for p in a.paragraphs)) for a in library.articles()}
    assert stored == {(title, (text,)) for title, text in ARTICLES}


def test_versions_of_one_speech_imported_together_keep_their_shared_lines(
    tmp_path: Path, library: Library
) -> None:
    """Three drafts of one speech share their opening and closing paragraphs: those are the
    speech, not chrome. Imported in one go, they are one article with three sources, like
    three imports one by one (tests/ingest/test_neardup.py)."""
    paths = _speech_variants(tmp_path)
    report = library.ingest(paths)
    assert [r.text for f in report.files for r in f.removed] == []
    assert library.count() == 1
    article = library.get(report.files[0].article_ids[0])
    assert article.title == "在全县经济工作会议上的讲话"
    assert [s.path.rsplit("/", 1)[-1] for s in article.sources] == ["a.txt", "b.txt", "c.txt"]


def test_a_sentence_that_is_most_of_short_files_stays(tmp_path: Path, library: Library) -> None:
    """Three short notices on different subjects closing with the same sentence: different
    documents, but the sentence is most of each one's text, so it is theirs, not chrome."""
    closing = "请各单位高度重视，认真组织实施，确保各项工作落到实处。"
    titles = (
        "关于开展全县安全生产大检查的通知",
        "关于做好今年防汛抗旱准备工作的通知",
        "关于按时报送第三季度统计数据的通知",
    )
    for n, title in enumerate(titles):
        (tmp_path / f"{n}.txt").write_text(f"{title}\n\n{closing}\n", encoding="utf-8")
    # Not merged: each notice is its own article here (the same text under other titles would
    # otherwise be one article with three sources).
    report = library.ingest(sorted(tmp_path.glob("*.txt")), ImportOptions(merge=False))
    assert [r.text for f in report.files for r in f.removed] == []
    assert sorted((a.title, [p.text for p in a.paragraphs]) for a in library.articles()) == sorted(
        (title, [closing]) for title in titles
    )


def test_versions_of_a_long_report_keep_their_opening_and_closing(
    tmp_path: Path, library: Library, shared: Path
) -> None:
    """Three versions of a report of forty paragraphs, each with one paragraph in the middle
    edited: the eight paragraphs at each end are shared by all three, yet they are a third of
    the text, and the report's — versions of one document, not pages of a site."""
    report_file = shared / "corpus/reports/state_council" / REPORTS[0]
    lines = [ln for ln in report_file.read_text(encoding="utf-8").splitlines() if len(ln) > 40]
    body = lines[:40]
    paths = []
    for n in range(3):
        version = list(body)
        version[20] = version[20].replace("。", f"（第{n + 1}稿）。", 1)
        path = tmp_path / f"v{n}.txt"
        path.write_text("政府工作报告\n\n" + "\n\n".join(version) + "\n", encoding="utf-8")
        paths.append(path)
    report = library.ingest(paths)
    assert [r.text for f in report.files for r in f.removed] == []
    assert library.count() == 1
