"""Word export in GB/T 9704-2012 layout, read back with python-docx (issue 5)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import TYPE_CHECKING

import docx
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from sucai.cli import cli
from sucai.errors import NotFoundError, UserError
from sucai.hygiene import restore_text
from sucai.store import ArticleFilter

if TYPE_CHECKING:
    from pathlib import Path

    from docx.document import Document

    from sucai import Library

ADVERT_WORDS = ["哒哒", "素材库", "代笔", "客服", "svip", "会员群"]
SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
# style id → (East-Asian font, size in points) under the default template
STYLES = {
    "GWTitle": ("方正小标宋简体", 22),
    "GWSubtitle": ("楷体", 16),
    "GWBody": ("仿宋", 16),
    "GWHeading1": ("黑体", 16),
    "GWHeading2": ("楷体", 16),
    "GWHeading3": ("仿宋", 16),
    "GWHeading4": ("仿宋", 16),
    "GWPageNumber": ("宋体", 14),
}


def _mm(length: object) -> float:
    return round(length.mm, 1)  # type: ignore[attr-defined]


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _fonts(element: object) -> dict[str, str | None]:
    fonts = element.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    assert fonts is not None
    return {slot: fonts.get(qn(f"w:{slot}")) for slot in SLOTS}


def _docx(library: Library, article_id: int, template: str | None = None) -> Document:
    _name, data = library.export(article_id, "docx", template)
    return _open(data)


def test_page_is_a4_with_gbt9704_margins_and_a_22_line_grid(seed_library: Library) -> None:
    document = _docx(seed_library, 3)
    section = document.sections[0]
    # Word stores twips, so millimetres come back to within a tenth.
    assert (_mm(section.page_width), _mm(section.page_height)) == (210.0, 297.0)
    assert _mm(section.top_margin) == 37.0
    assert _mm(section.bottom_margin) == 35.0
    assert _mm(section.left_margin) == 28.0
    assert _mm(section.right_margin) == 26.0
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 225 mm / 22 lines
    assert int(grid.get(qn("w:charSpace"))) == -848  # 156 mm / 28 characters
    body = document.styles.element.get_by_id("GWBody")
    assert body is not None
    spacing = body.pPr.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")


def test_every_style_sets_all_four_font_slots_and_its_size(seed_library: Library) -> None:
    document = _docx(seed_library, 3)
    for style_id, (font, size) in STYLES.items():
        style = document.styles.element.get_by_id(style_id)
        assert style is not None, style_id
        assert _fonts(style.rPr) == dict.fromkeys(SLOTS, font), style_id
        assert document.styles[style.name_val].font.size == Pt(size), style_id
        lang = style.rPr.find(qn("w:lang"))
        assert lang.get(qn("w:eastAsia")) == "zh-CN"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert _fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))) == dict.fromkeys(
        SLOTS, "仿宋"
    )
    # No theme font anywhere: a theme's East-Asian font is the Japanese fallback.
    xml = document.styles.element.xml
    assert "eastAsiaTheme" not in xml
    assert "asciiTheme" not in xml


def test_body_has_a_two_character_indent_and_the_title_is_centred(seed_library: Library) -> None:
    document = _docx(seed_library, 3)
    body = document.styles.element.get_by_id("GWBody")
    indent = body.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"
    assert indent.get(qn("w:firstLine")) == "640"  # 2 × 16 pt in twips
    paragraphs = document.paragraphs
    assert paragraphs[0].style.style_id == "GWTitle"
    assert paragraphs[0].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # Two lines, broken between words (issue 21).
    assert paragraphs[0].text == "贯彻落实重要讲话精神会高质量发展全面\n推动xx经济社会（范文）"
    # （范文） is no speaker role: it stays in the title, and there is no 题注 (issue 21).
    assert paragraphs[1].style.style_id == "GWBody"
    assert paragraphs[1].text == ""
    subtitle = _docx(seed_library, 5).paragraphs[1]
    assert subtitle.style.style_id == "GWSubtitle"
    assert subtitle.text == "（市长）"
    assert subtitle.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_every_run_carries_its_east_asian_font(seed_library: Library) -> None:
    document = _docx(seed_library, 7)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if not run.text:
                continue  # a comment reference
            fonts = _fonts(run._r.rPr)
            assert fonts["eastAsia"] == fonts["ascii"] == fonts["hAnsi"] == fonts["cs"]
            assert fonts["eastAsia"] in {"方正小标宋简体", "楷体", "仿宋", "黑体"}


def test_headings_take_their_level_font(seed_library: Library) -> None:
    document = _docx(seed_library, 3)
    by_text = {p.text: p for p in document.paragraphs}
    heading = by_text["深刻领悟重要讲话的思想内涵"]
    assert heading.style.style_id == "GWHeading1"
    assert {_fonts(r._r.rPr)["eastAsia"] for r in heading.runs if r.text} == {"黑体"}


def test_marker_levels_pick_the_gbt9704_fonts(library: Library, tmp_path: Path) -> None:
    source = tmp_path / "讲话.txt"
    source.write_text(
        "在全县经济工作会议上的讲话\n\n同志们：\n\n"
        "一、充分肯定成绩\n\n（一）经济运行稳中有进。全年地区生产总值增长6%。\n\n"
        "1.工业稳步增长。规上工业增加值增长8%。\n\n（1）园区建设提速。新建标准厂房。\n\n"
        "二、明确目标任务\n\n今年工作的总体要求是稳中求进。\n",
        encoding="utf-8",
    )
    article_id = library.ingest([source]).files[0].article_ids[0]
    document = _docx(library, article_id)
    styles = {p.text[:6]: p for p in document.paragraphs if p.text}
    assert styles["一、充分肯定"].style.style_id == "GWHeading1"
    second = styles["（一）经济运"]
    fonts = [_fonts(r._r.rPr)["eastAsia"] for r in second.runs]
    assert fonts[0] == "楷体"  # the lead sentence of a （一） paragraph
    assert fonts[-1] == "仿宋"
    assert next(_fonts(r._r.rPr)["eastAsia"] for r in styles["1.工业稳步"].runs) == "仿宋"


def test_page_numbers_are_fields_right_on_odd_and_left_on_even_pages(
    seed_library: Library,
) -> None:
    document = _docx(seed_library, 3)
    settings = document.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    section = document.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        assert not footer.is_linked_to_previous
        (paragraph,) = footer.paragraphs
        assert paragraph.alignment == align
        assert paragraph.text == "— 1 —"
        xml = paragraph._p.xml
        assert "<w:instrText" in xml
        assert " PAGE " in xml
        assert xml.count('w:fldCharType="begin"') == 1
        for run in paragraph.runs:
            assert _fonts(run._r.rPr) == dict.fromkeys(SLOTS, "宋体")
            assert run.font.size == Pt(14)


def test_font_table_names_fallbacks(seed_library: Library) -> None:
    document = _docx(seed_library, 1)
    part = next(p for p in document.part.package.iter_parts() if "fontTable" in str(p.partname))
    xml = part.blob.decode()
    assert 'w:name="方正小标宋简体"' in xml
    assert '<w:altName w:val="小标宋"/>' in xml


def test_seed_exports_have_no_d_for_party_no_adverts_and_every_xx_highlighted(
    seed_library: Library,
) -> None:
    for article_id in range(1, 8):
        document = _docx(seed_library, article_id)
        text = "\n".join(p.text for p in document.paragraphs)
        assert "D" not in text
        assert restore_text(text)[1] == []
        for word in ADVERT_WORDS:
            assert word not in text, (article_id, word)
        for paragraph in document.paragraphs[1:]:
            if paragraph.style.style_id == "GWTitle":
                continue
            for run in paragraph.runs:
                if "xx" in run.text:
                    assert run.font.highlight_color is not None, (article_id, run.text)
                    assert run.text.strip("x×年月日县市省区镇乡村.") == "", run.text


def test_likely_removed_names_get_a_comment(seed_library: Library) -> None:
    document = _docx(seed_library, 3)
    comments = [c.text for c in document.comments]
    assert any("讲话人" in c for c in comments)


def test_templates_change_the_line_spacing(seed_library: Library) -> None:
    compact = _docx(seed_library, 1, "compact")
    grid = compact.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "560"
    word = _docx(seed_library, 1, "word-grid")
    assert word.sections[0]._sectPr.find(qn("w:docGrid")).get(qn("w:type")) == "linesAndChars"
    with pytest.raises(UserError, match=r"no export template 'nope'\. Choose one of: gbt9704"):
        seed_library.export(1, "docx", "nope")


def test_text_and_markdown_exports(seed_library: Library) -> None:
    name, data = seed_library.export(3, "md")
    assert name.endswith(".md")
    text = data.decode()
    assert text.startswith("# 贯彻落实重要讲话精神会高质量发展全面推动xx经济社会（范文）\n\n去年xx")
    assert "**校对提示**" in text
    name, data = seed_library.export(3, "txt")
    assert data.decode().splitlines()[2].startswith("　　去年xx月份召开的中央经济工作会议")


def test_many_articles_stream_into_one_zip_with_an_index(
    seed_library: Library, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "材料.zip"
    seen: list[int] = []
    count = seed_library.export_many(
        range(1, 8), out, "docx", on_article=lambda a: seen.append(a.id)
    )
    assert count == 7
    assert seen == [1, 2, 3, 4, 5, 6, 7]
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert len(names) == 8
        assert names[-1] == "index.csv"
        rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
        assert rows[0][:3] == ["id", "file", "title"]
        assert [r[1] for r in rows[1:]] == names[:-1]
        _open(archive.read(names[0]))
    assert sorted(p.name for p in out.parent.iterdir()) == ["材料.zip"]


def test_a_failed_export_leaves_no_partial_file(seed_library: Library, tmp_path: Path) -> None:
    out = tmp_path / "bad.zip"
    with pytest.raises(NotFoundError):
        seed_library.export_many([1, 2, 999], out, "txt")
    assert list(tmp_path.iterdir()) == []


def test_cli_exports_one_file_a_search_a_filter_and_lists_templates(
    seed_library: Library, tmp_path: Path
) -> None:
    db = str(seed_library.store.path)  # type: ignore[attr-defined]
    runner = CliRunner()
    out = tmp_path / "one.docx"
    result = runner.invoke(cli, ["export", "3", "-o", str(out), "--db", db])
    assert result.output == f"Wrote {out}\n"
    _open(out.read_bytes())
    zipped = tmp_path / "q.zip"
    result = runner.invoke(
        cli, ["export", "--query", "高质量发展", "--format", "md", "-o", str(zipped), "--db", db]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {zipped}: ")
    filtered = tmp_path / "f.zip"
    result = runner.invoke(cli, ["export", "--role", "县长", "-o", str(filtered), "--db", db])
    assert result.output == f"Wrote {filtered}: 2 articles (docx) and index.csv\n"
    assert len(seed_library.list(ArticleFilter(role="县长"))) == 2
    listing = runner.invoke(cli, ["export", "--template", "list", "--db", db]).output
    assert listing.startswith("gbt9704 (default)\n    GB/T 9704-2012: A4")
    assert "compact\n" in listing
    assert runner.invoke(cli, ["export", "--list-templates"]).output == listing
    nothing = runner.invoke(cli, ["export", "--db", db])
    assert nothing.exit_code == 2
    assert "nothing to export" in nothing.output


def _parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def test_no_japanese_defaults_of_python_docx_survive(seed_library: Library) -> None:
    parts = _parts(seed_library.export(3, "docx")[1])
    for name, xml in parts.items():
        assert "ja-JP" not in xml, name
        assert "ＭＳ" not in xml, name  # ＭＳ 明朝, ＭＳ ゴシック
        assert 'script="Jpan"' not in xml, name
    assert '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>' in parts["word/settings.xml"]
    # Word 2010's copy of the styles, with 72 theme-font references, is not shipped.
    assert not [name for name in parts if "stylesWithEffects" in name]
    assert "stylesWithEffects" not in parts["[Content_Types].xml"]
    theme = parts["word/theme/theme1.xml"]
    assert '<a:font script="Hans" typeface="仿宋"/>' in theme
    assert "Theme" not in parts["word/styles.xml"].replace("w:styleId", "")


def test_every_style_a_part_names_is_defined(seed_library: Library) -> None:
    _name, data = seed_library.export(3, "docx")  # it carries comments
    parts = _parts(data)
    defined = set(re.findall(r'w:styleId="([^"]+)"', parts["word/styles.xml"]))
    used = {
        (name, style)
        for name, xml in parts.items()
        for style in re.findall(r'<w:[pr]Style w:val="([^"]+)"', xml)
    }
    assert {name for name, _ in used} >= {"word/document.xml", "word/comments.xml"}
    assert {(name, style) for name, style in used if style not in defined} == set()


def test_index_csv_cells_never_run_as_formulas(library: Library, tmp_path: Path) -> None:
    titles = ['=HYPERLINK("http://example.com/x","查看附件")', "@SUM(1+1)关于推进工作的通知"]
    for n, title in enumerate(titles):
        body = f"第{n + 1}份材料的正文，各不相同，共{n + 10}个字。"
        (tmp_path / f"{n}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    report = library.ingest([tmp_path / "0.txt", tmp_path / "1.txt"])
    ids = [f.article_ids[0] for f in report.files]
    assert [library.get(i).title for i in ids] == titles
    out = tmp_path / "out.zip"
    library.export_many(ids, out, "txt")
    with zipfile.ZipFile(out) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    # OWASP: a leading apostrophe makes Excel and WPS show the cell as text.
    assert [row[2] for row in rows[1:]] == ["'" + title for title in titles]
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
