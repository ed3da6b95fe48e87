"""Near-duplicate material merged at import, law versions, and ``sucai duplicates`` (issue 6)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from click.testing import CliRunner
from opencc import OpenCC
from starlette.testclient import TestClient

from sucai import open_library
from sucai.cli import cli
from sucai.ingest.copies import draft_of
from sucai.ingest.neardup import (
    DEFAULT_SIMILARITY,
    Matcher,
    _rows_per_band,
    fingerprint,
    jaccard,
    law_version,
    read_article,
    register,
    title_key,
)
from sucai.ingest.pipeline import DEFAULT_IMPORT, ImportOptions
from sucai.models import Article, ArticleDraft, IngestReport, OutlineEntry, Paragraph
from sucai.web import WebSettings, create_app

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

OPENING = (
    "同志们：今天召开全县经济工作会议，主要任务是总结今年经济工作，分析当前形势，部署明年工作。"
)
BODY = [
    "今年以来，面对复杂严峻的外部环境和艰巨繁重的改革发展稳定任务，全县上下坚持稳中求进工作总基调，"
    "统筹推进稳增长、促改革、调结构、惠民生、防风险各项工作，经济运行总体平稳、稳中有进，"
    "地区生产总值增长百分之六点二，一般公共预算收入增长百分之八点五，主要指标增幅位居全市前列。",
    "产业转型步伐加快。新引进亿元以上项目三十二个，其中十亿元以上项目五个，"
    "新能源装备、绿色建材两大主导产业集群初具规模，规上工业增加值增长百分之九，"
    "数字经济核心产业营业收入突破五十亿元，现代服务业占比提高一点五个百分点。",
    "城乡面貌持续改善。县城新区路网基本成形，老旧小区改造完成二十六个，"
    "农村人居环境整治三年行动圆满收官，建成美丽乡村示范村十八个，"
    "新建改造农村公路一百二十公里，城乡供水一体化覆盖率达到百分之九十五。",
    "民生福祉不断增进。民生支出占一般公共预算支出比重保持在百分之八十以上，"
    "城镇新增就业六千八百人，新建改扩建中小学校九所，县人民医院新院区投入使用，"
    "城乡居民基本养老保险和基本医疗保险参保率稳定在百分之九十五以上。",
    "在肯定成绩的同时，我们也要清醒看到，全县经济发展仍面临不少困难和挑战："
    "有效需求不足，部分企业生产经营困难，重点领域风险隐患较多，"
    "科技创新能力不强，营商环境与群众期盼还有差距，干部队伍能力作风需要进一步提升。",
    "明年是全面贯彻落实党的二十届三中全会精神的关键之年，做好经济工作意义重大。"
    "我们要坚持以高质量发展为主题，以改革创新为动力，以项目建设为抓手，"
    "着力扩大有效需求，着力培育新质生产力，着力保障和改善民生，确保全年目标任务圆满完成。",
    "一要全力以赴抓项目扩投资。坚持项目为王，完善重大项目谋划储备机制，"
    "实行县级领导包联重点项目制度，加快推进在建项目建设进度，力争全年完成固定资产投资一百八十亿元。",
    "二要聚焦聚力强产业促转型。实施制造业重点产业链高质量发展行动，推动传统产业改造升级，"
    "培育壮大战略性新兴产业，支持企业加大研发投入，新增高新技术企业二十家以上。",
    "三要持之以恒优环境激活力。深化放管服改革，推进政务服务一网通办，"
    "落实各项惠企政策，依法保护民营企业产权和企业家权益，让各类经营主体安心发展、放心投资。",
    "同志们，做好明年经济工作任务艰巨、责任重大。让我们更加紧密地团结在以习近平同志为核心的党中央周围，"
    "锚定目标、真抓实干，为奋力谱写中国式现代化县域篇章作出新的更大贡献！",
]
OTHER = [
    "为进一步加强全市安全生产工作，有效防范和遏制各类生产安全事故，现就有关事项通知如下。",
    "各地区各部门要深刻汲取近期事故教训，牢固树立安全发展理念，严格落实安全生产责任制，"
    "全面开展危险化学品、交通运输、建筑施工、城镇燃气等重点行业领域隐患排查整治。",
    "要强化应急值守，严格执行二十四小时领导带班和关键岗位值班制度，"
    "遇有突发情况及时妥善处置并按规定报告，坚决杜绝迟报、漏报、谎报、瞒报。",
    "各级安委会办公室要加强督导检查，对工作不力、隐患整改不到位的地方和单位，"
    "依法依规严肃追责问责，确保全市安全生产形势持续稳定向好。",
]


def _write(path: Path, title: str, paragraphs: list[str]) -> Path:
    path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def _speech_variants(tmp_path: Path) -> list[Path]:
    """The same speech three times: other titles, a changed opening, edited sentences,
    changed punctuation and (in the third) traditional characters in one paragraph."""
    first = _write(tmp_path / "a.txt", "在全县经济工作会议上的讲话", [OPENING, *BODY])
    second_body = list(BODY)
    second_body[1] = second_body[1].replace("三十二个", "三十五个").replace("，", "、", 2)
    second_body[6] = second_body[6].replace("一百八十亿元", "二百亿元")
    second = _write(
        tmp_path / "b.txt",
        "坚定信心真抓实干奋力推动县域经济高质量发展",
        ["同志们：这次会议是县委、县政府决定召开的一次重要会议。", *second_body],
    )
    third_body = list(BODY)
    third_body[3] = OpenCC("s2t").convert(third_body[3])
    third_body[8] = third_body[8].replace("深化放管服改革，", "持续深化放管服改革，扎实")
    third_body[9] = third_body[9].replace("！", "。")
    third = _write(tmp_path / "c.txt", "县委书记在经济工作会议上的讲话摘编", third_body)
    return [first, second, third]


def _ingest_each(
    library: Library, paths: list[Path], options: ImportOptions = DEFAULT_IMPORT
) -> IngestReport:
    """Import files one by one, as they arrive over days, and return one report for all
    (imported together: tests/ingest/test_repeated_lines.py)."""
    return IngestReport(tuple(f for path in paths for f in library.ingest([path], options).files))


def test_the_same_speech_three_times_is_one_article_with_three_sources(
    tmp_path: Path, library: Library
) -> None:
    report = _ingest_each(library, _speech_variants(tmp_path))
    assert library.count() == 1
    article = library.get(report.files[0].article_ids[0])
    assert article.title == "在全县经济工作会议上的讲话"
    assert [s.path.rsplit("/", 1)[-1] for s in article.sources] == ["a.txt", "b.txt", "c.txt"]
    assert [s.copy_id is None for s in article.sources] == [True, False, False]
    assert report.new_articles == 1
    assert report.merged == 2
    for f, title in zip(
        report.files[1:],
        ["坚定信心真抓实干奋力推动县域经济高质量发展", "县委书记在经济工作会议上的讲话摘编"],
        strict=True,
    ):
        (match,) = f.merged
        assert (match.article_id, match.canonical_title, match.title) == (
            article.id,
            article.title,
            title,
        )
        assert DEFAULT_SIMILARITY <= match.similarity < 1.0
        assert f.article_ids == (article.id,)
        assert (f.new_articles, f.existing_articles) == (0, 0)
    # The edited copies are not searchable text of their own: the canonical text is.
    assert library.search("三十二个").total == 1
    assert library.search("三十五个").total == 0


def test_import_output_names_the_match_and_its_similarity(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    outputs = []
    for path, options in zip(_speech_variants(tmp_path), [[], [], ["--json"]], strict=True):
        result = CliRunner().invoke(cli, ["import", str(path), *options, "--db", str(db)])
        assert result.exit_code == 0, result.output
        outputs.append(result.output.splitlines())
    report = json.loads(outputs[2][0])
    assert (report["new_articles"], report["merged_articles"]) == (0, 1)
    (match,) = report["details"][0]["merged"]
    assert match["article_id"] == 1
    assert match["title"] == "县委书记在经济工作会议上的讲话摘编"
    assert DEFAULT_SIMILARITY <= match["similarity"] < 1
    lines = outputs[1]
    assert lines[0] == f"ok    {tmp_path / 'b.txt'}: 1 article, 1 merged as near-duplicate, utf-8"
    assert lines[1].startswith("      ≈ #1 《在全县经济工作会议上的讲话》 0.")
    assert lines[1].endswith("  (第1篇《坚定信心真抓实干奋力推动县域经济高质量发展》)")
    assert lines[-1] == (
        "1 files: 1 imported, 0 duplicates, 0 skipped, 0 failed · 1 articles "
        "(0 new, 1 merged as near-duplicates) · 0 advertising/chrome lines removed"
    )
    result = CliRunner().invoke(cli, ["duplicates", "--json", "--db", str(db)])
    data = json.loads(result.output)
    assert data["ok"] is True
    (cluster,) = data["clusters"]
    assert cluster["article"]["id"] == 1
    assert cluster["article"]["sources"] == 3
    assert [c["id"] for c in cluster["copies"]] == [1, 2]
    assert data["versions"] == []
    result = CliRunner().invoke(cli, ["duplicates", "--db", str(db)])
    lines = result.output.splitlines()
    assert lines[0].split() == ["article", "copy", "similarity", "source", "title"]
    assert lines[2].split() == ["1", "3", "sources", "在全县经济工作会议上的讲话"]
    assert lines[3].split()[:3] == ["1", f"{cluster['copies'][0]['similarity']:.2f}", "b.txt"]
    assert lines[-1] == "1 clusters, 2 copies · 0 laws in several versions"


def test_unrelated_articles_short_briefs_and_other_dates_are_never_merged(
    tmp_path: Path, library: Library
) -> None:
    brief = (
        "县委书记张三今天到城关镇调研安全生产工作，要求压实责任、排查隐患，"
        "确保人民群众生命财产安全。"
    )
    paths = [
        _write(tmp_path / "speech.txt", "在全县经济工作会议上的讲话", [OPENING, *BODY]),
        _write(tmp_path / "notice.txt", "关于进一步加强安全生产工作的通知", OTHER),
        _write(tmp_path / "brief1.txt", "张三到城关镇调研", [brief]),
        _write(tmp_path / "brief2.txt", "李四到城关镇调研", [brief.replace("张三", "李四")]),
    ]
    report = library.ingest(paths)
    assert library.count() == 4
    assert report.merged == 0
    assert library.duplicates().clusters == ()
    # The same speech given again a year later (a template reused) is another event.
    title = "在全县经济工作会议上的讲话"
    with open_library(tmp_path / "dates.db") as dated:
        for name, date in (("2023.txt", "（2023年12月20日）"), ("2024.txt", "（2024年12月18日）")):
            report = dated.ingest([_write(tmp_path / name, title, [date, OPENING, *BODY])])
            assert report.merged == 0
        assert [a.issued_on for a in dated.list()] == ["2023-12-20", "2024-12-18"]


def test_merging_off_keeps_separate_articles_and_a_later_import_catches_up(
    tmp_path: Path, library: Library
) -> None:
    first, second, third = _speech_variants(tmp_path)
    report = _ingest_each(library, [first, second], ImportOptions(merge=False))
    assert library.count() == 2
    assert report.merged == 0
    # Merging on: the library's articles are sketched first, the new copy joins the closest.
    report = library.ingest([third])
    assert library.count() == 2
    (match,) = report.files[0].merged
    assert match.article_id == report.files[0].article_ids[0]


def test_keep_and_split_round_trip_and_search_follows(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    first, second, _ = _speech_variants(tmp_path)
    with open_library(db) as library:
        _ingest_each(library, [first, second])
        (copy,) = library.duplicates().clusters[0].copies
        article_id = copy.article_id
        assert library.search("三十五个").total == 0

    result = CliRunner().invoke(cli, ["duplicates", "--keep", str(copy.id), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"#{article_id} 《坚定信心真抓实干奋力推动县域经济高质量发展》 now has the text of copy "
        f"{copy.id}; its previous text is kept as a copy.\n"
    )
    with open_library(db) as library:
        kept = library.get(article_id)
        assert kept.paragraphs[0].text.startswith("同志们：这次会议")
        assert library.search("三十五个").total == 1
        assert library.search("三十二个").total == 0
        (old,) = library.duplicates().clusters[0].copies
        assert old.title == "在全县经济工作会议上的讲话"
        assert old.path.endswith("a.txt")
        assert DEFAULT_SIMILARITY <= old.similarity < 1.0

    result = CliRunner().invoke(cli, ["duplicates", "--split", str(old.id), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with open_library(db) as library:
        assert library.count() == 2
        assert library.duplicates().clusters == ()
        (hit,) = library.search("三十二个").hits
        split = library.get(hit.article_id)
        assert split.title == "在全县经济工作会议上的讲话"
        assert [s.path.rsplit("/", 1)[-1] for s in split.sources] == ["a.txt"]
        assert [s.path.rsplit("/", 1)[-1] for s in library.get(article_id).sources] == ["b.txt"]


def test_a_running_server_shows_the_kept_title_without_a_restart(tmp_path: Path) -> None:
    """A server's library keeps article heads for its searches; ``--keep`` in another process
    changes the title, and the server's next search must show the new one."""
    db = tmp_path / "lib.db"
    first, second, _ = _speech_variants(tmp_path)
    with open_library(db) as library:
        _ingest_each(library, [first, second])
        (copy,) = library.duplicates().clusters[0].copies
    with open_library(db) as server:
        server.auto_sync = False
        reader = server.reader()
        (before,) = {hit.title for hit in reader.search("稳中求进工作总基调").hits}
        assert before == "在全县经济工作会议上的讲话"
        result = CliRunner().invoke(cli, ["duplicates", "--keep", str(copy.id), "--db", str(db)])
        assert result.exit_code == 0, result.output
        (after,) = {hit.title for hit in reader.search("稳中求进工作总基调").hits}
        assert after == "坚定信心真抓实干奋力推动县域经济高质量发展"


def test_unknown_copy_ids_are_one_line_errors(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    open_library(db).close()
    for flag in ("--keep", "--split"):
        result = CliRunner().invoke(cli, ["duplicates", flag, "7", "--db", str(db)])
        assert result.exit_code == 1
        assert result.output == (
            f"Error: no merged copy 7 in {db}. `sucai duplicates` lists the copies.\n"
        )


def test_two_versions_of_a_real_law_are_linked_not_merged(
    shared: Path, tmp_path: Path, library: Library
) -> None:
    folder = shared / "corpus" / "laws" / "DLC" / "上海地方法规" / "地方性法规" / "上海"
    books = shared / "corpus" / "laws" / "民法典"
    report = library.ingest(
        [
            folder / "上海市检验检测条例(2024-12-31).md",
            folder / "上海市检验检测条例.md",
            books / "附则.md",
            books / "继承编.md",
        ]
    )
    assert report.merged == 0
    old, new, *code = (f.article_ids[0] for f in report.files)
    assert library.get(old).title == library.get(new).title == "上海市检验检测条例"
    assert [v.article_id for v in library.versions(old)] == [new]
    assert [(v.article_id, v.version) for v in library.versions(new)] == [(old, "2024-12-31")]
    # Two books of the civil code share title and date, not text: neither merged nor versions.
    assert [library.versions(a) for a in code] == [[], []]
    (group,) = library.duplicates().versions
    assert [v.version for v in group] == ["2016-11-11", "2024-12-31"]
    # The article page links the other version; its JSON lists it.
    app = create_app(library, WebSettings(upload_dir=tmp_path / "uploads"))
    with TestClient(app) as client:
        page = client.get(f"/article/{new}").text
        assert "其他版本" in page
        assert f'<a href="/article/{old}">上海市检验检测条例</a>' in page
        data = client.get(f"/article/{old}.json").json()
        assert [v["article_id"] for v in data["versions"]] == [new]


def test_the_article_page_marks_the_sources_that_held_a_copy(
    tmp_path: Path, library: Library
) -> None:
    first, second, _ = _speech_variants(tmp_path)
    report = _ingest_each(library, [first, second])
    similarity = report.files[1].merged[0].similarity
    app = create_app(library, WebSettings(upload_dir=tmp_path / "uploads"))
    with TestClient(app) as client:
        page = client.get("/article/1").text
        assert f"来源：a.txt；b.txt（近似 {similarity:.2f}）" in page
        assert "其他版本" not in page


def test_law_titles_and_versions_are_normalised() -> None:
    assert title_key("中华人民共和国广告法（2018修正）") == title_key("广告法")
    assert title_key("最高人民法院 最高人民检察院关于…的解释") == title_key(
        "最高人民法院、最高人民检察院关于…的解释"
    )
    assert title_key("中华人民共和国宪法修正案（1988年）") != title_key("宪法修正案（1993年）")
    header = [
        "2014年12月18日最高人民法院审判委员会第1636次会议通过 根据2020年12月23日"
        "最高人民法院审判委员会第1823次会议通过的决定修正 自2021年1月1日起施行",
        "第一条 为了……",
        "2025年1月1日修正",
    ]
    assert law_version(header) == "2020-12-23"


def test_sketches_estimate_similarity_and_bands_find_pairs_at_the_threshold() -> None:
    a = fingerprint("甲", "讲话", [OPENING, *BODY])
    b = fingerprint("乙", "讲话", BODY)
    exact = jaccard(a, b)
    assert 0.85 < exact < 1
    assert a.sketch is not None and b.sketch is not None
    assert abs(float((a.sketch == b.sketch).mean()) - exact) < 0.1
    assert _rows_per_band(0.8) == 5
    assert _rows_per_band(0.5) == 2
    # 0.75: 4 rows (32 bands) find a pair with 1 − (1 − 0.75⁴)³² ≈ 0.999995; 5 rows make 25
    # whole bands (not 25.6): 1 − (1 − 0.75⁵)²⁵ ≈ 0.99885, short of 0.999.
    assert _rows_per_band(0.75) == 4
    # At 1.0 one band of all 128 bins finds every pair; at 0.05 not even one bin a band does
    # (1 − 0.95¹²⁸ ≈ 0.9986): the fewest rows, 1, is kept.
    assert _rows_per_band(1.0) == 128
    assert _rows_per_band(0.05) == 1


def _counted(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


def test_a_short_text_merges_only_when_identical_even_beside_a_long_one(
    tmp_path: Path, library: Library
) -> None:
    """The short-text rule looks at the shorter of the two: a 190-character notice that is
    most of a 210-character one (Jaccard well above 0.8) stays an article of its own."""
    long_text = "".join(OTHER)[:240]
    short_text = long_text[:205]
    assert _counted(short_text) < 200 <= _counted(long_text)
    first = _write(tmp_path / "a.txt", "关于加强安全生产工作的通知", [long_text])
    second = _write(tmp_path / "b.txt", "关于加强安全生产工作的通知", [short_text])
    one = fingerprint("通知", "通知", [long_text])
    two = fingerprint("通知", "通知", [short_text])
    assert jaccard(one, two) > DEFAULT_SIMILARITY
    report = _ingest_each(library, [first, second])
    assert [len(f.merged) for f in report.files] == [0, 0]
    assert library.count() == 2


def test_the_similarity_threshold_is_the_one_given(tmp_path: Path) -> None:
    """A copy at Jaccard ≈ 0.85 merges at the default 0.8, not at 0.9 (library and CLI)."""
    first, second, _ = _speech_variants(tmp_path)
    texts = [p.read_text(encoding="utf-8").split("\n\n")[1:] for p in (first, second)]
    one, two = (fingerprint("讲话", "讲话", [t.strip() for t in text]) for text in texts)
    measured = jaccard(one, two)
    assert DEFAULT_SIMILARITY < measured < 0.95
    strict = min(0.99, round(measured + 0.02, 2))
    with open_library(tmp_path / "strict.db") as lib:
        _ingest_each(lib, [first])
        assert lib.ingest([second], ImportOptions(similarity=strict)).merged == 0
        assert lib.count() == 2
    with open_library(tmp_path / "loose.db") as lib:
        _ingest_each(lib, [first])
        assert lib.ingest([second], ImportOptions(similarity=round(measured - 0.02, 2))).merged == 1
        assert lib.count() == 1
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    assert runner.invoke(cli, ["import", "--db", db, str(first)]).exit_code == 0
    result = runner.invoke(
        cli, ["import", "--db", db, "--similarity", str(strict), "--json", str(second)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["merged_articles"] == 0


def test_a_stored_article_becomes_a_draft_with_every_field() -> None:
    paragraphs = (Paragraph(0, "一、总体要求", False, 1, 0), Paragraph(1, "正文。", True, 0, 0))
    written: dict[str, Any] = {
        "title": "关于开展调研的通知",
        "role": None,
        "genre": "通知",
        "issued_on": "2018-06-20",
        "year": 2018,
        "paragraphs": paragraphs,
        "outline": (OutlineEntry(0, 1, "一、总体要求", 0, None, "marker"),),
        "doc_number": "邯组通字〔2018〕39号",
        "issuer": "中共邯郸市委组织部",
        "addressee": "各县（市、区）委组织部",
        "signer": "张三",
        "attachments": ("调研提纲",),
    }
    stored = Article(id=7, sources=(), added_at="2026-01-01T08:00:00+00:00", chars=9, **written)
    assert draft_of(stored) == ArticleDraft(**written)


def test_a_copy_in_a_later_file_of_the_same_import_merges_with_an_article_stored_by_it(
    tmp_path: Path, library: Library
) -> None:
    """The matcher of one import learns each article it stores: the third variant (a file
    after the first, in one import) merges with the first; a text too short to sketch (four
    counted characters) is stored beside them."""
    first, _, third = _speech_variants(tmp_path)
    tiny = _write(tmp_path / "d.txt", "通知", ["停课。"])
    report = library.ingest([first, third, tiny])
    assert library.count() == 2
    assert [len(f.merged) for f in report.files] == [0, 1, 0]
    (match,) = report.files[1].merged
    assert match.article_id == report.files[0].article_ids[0]
    assert DEFAULT_SIMILARITY <= match.similarity < 1.0


def test_the_best_match_passes_over_a_far_candidate_and_keeps_the_first_of_equals(
    tmp_path: Path, library: Library
) -> None:
    """The speech's first five paragraphs share an LSH band with the whole speech but agree in
    only about half of its sketch's bins (under the 0.65 checked exactly); the whole speech
    stored twice (the second with other punctuation, which does not count) is an exact copy
    of both: the one stored first wins."""
    part = _write(tmp_path / "part.txt", "经济工作摘要", BODY[:5])
    whole = _write(tmp_path / "whole.txt", "在全县经济工作会议上的讲话", [OPENING, *BODY])
    repunctuated = [*BODY[:9], BODY[9].replace("！", "。")]
    again = _write(tmp_path / "again.txt", "在全县经济工作会议上的讲话", [OPENING, *repunctuated])
    report = _ingest_each(library, [part, whole, again], ImportOptions(merge=False))
    ids = [f.article_ids[0] for f in report.files]
    assert ids == sorted(set(ids))
    matcher = Matcher(library.store)
    copy = fingerprint("讲话", "讲话", [OPENING, *BODY])
    assert copy.sketch is not None
    assert set(ids) <= matcher._bands.query(copy.sketch)
    assert matcher.best_match(copy) == (ids[1], 1.0)


def test_articles_stored_without_a_sketch_are_sketched_once_and_then_found(
    tmp_path: Path, library: Library
) -> None:
    """Three articles imported with merging off, after a matcher was opened, the second then
    sketched on its own: the matcher sketches the other two (and says so), nothing a second
    time, and a matcher opened afterwards finds the speech under its own id."""
    matcher = Matcher(library.store)
    first, _, _ = _speech_variants(tmp_path)
    other = _write(tmp_path / "other.txt", "关于加强安全生产工作的通知", OTHER)
    flood = _write(
        tmp_path / "flood.txt",
        "关于做好防汛工作的通知",
        [
            "为切实做好今年防汛工作，确保人民群众生命财产安全，现将有关事项通知如下。",
            "各地要加强监测预警，落实防汛责任，做好抢险队伍和物资准备。",
        ],
    )
    report = _ingest_each(library, [first, other, flood], ImportOptions(merge=False))
    speech, notice, _ = (f.article_ids[0] for f in report.files)
    register(library.store, notice, read_article(library.store.article_text(notice)))
    assert matcher.register_missing() == 2
    assert matcher.register_missing() == 0
    copy = fingerprint("讲话", "讲话", [OPENING, *BODY])
    assert Matcher(library.store).best_match(copy) == (speech, 1.0)


def test_an_import_of_more_articles_than_the_matcher_keeps_in_memory_still_finds_the_first(
    tmp_path: Path, library: Library
) -> None:
    """The matcher keeps the fingerprints of the 256 articles it stored last: a compilation
    of 300 short notices (each its own text) fills that and more, and a copy of the first
    notice in a later file of the same import (other punctuation, which does not count)
    still merges with it, its fingerprint read back from the library."""
    digits = "零一二三四五六七八九"

    def numeral(n: int) -> str:
        return "".join(digits[int(d)] for d in str(n))

    notices = [
        (f"第{numeral(n)}号通知", f"请第{numeral(n)}组于本周内报送材料。") for n in range(1, 301)
    ]
    compilation = tmp_path / "a.txt"
    compilation.write_text(
        "通知汇编\n" + "".join(f"\n\n\n{title}\n\n{text}\n" for title, text in notices),
        encoding="utf-8",
    )
    copy = _write(tmp_path / "b.txt", "关于报送材料的通知", ["请第一组于本周内报送材料！"])
    report = library.ingest([compilation, copy])
    assert [f.articles for f in report.files] == [300, 1]
    assert library.count() == 300
    (match,) = report.files[1].merged
    assert (match.canonical_title, match.similarity) == ("第一号通知", 1.0)
    assert match.article_id == report.files[0].article_ids[0]
