"""查重 against the truth of a draft built from known paragraphs, edited as writers edit them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai.check import StockPhrases, counted, load_stock_phrases
from sucai.errors import CheckTooLongError, IngestError, UnsupportedFormatError, UserError
from tests.check.conftest import NEW_TEXT, build_draft, draft_text

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

TOLERANCE = 0.02  # ±2 percentage points


def test_edited_draft_reports_spans_sources_and_ratios_of_the_truth(
    reports_library: Library,
) -> None:
    pieces = build_draft(reports_library)
    report = reports_library.check(draft_text(pieces), exclude=[])
    total = sum(counted(p.text) for p in pieces)
    truth = sum(p.copied_chars for p in pieces)
    assert report.chars == total
    assert report.ratio == pytest.approx(truth / total, abs=TOLERANCE)
    assert 0.5 < report.ratio < 0.95  # the draft really is a mix
    for piece, checked in zip(pieces, report.paragraphs, strict=True):
        assert checked.text == piece.text
        expected = piece.copied_chars / counted(piece.text)
        assert checked.ratio == pytest.approx(expected, abs=TOLERANCE), piece.text
        if piece.copied is None:
            assert checked.spans == ()
            continue
        # One span, where the copied stretch is, from the paragraph it was taken from.
        (span,) = checked.spans
        assert abs(span.start - piece.copied[0]) <= 2 and abs(span.end - piece.copied[1]) <= 2
        assert (span.article_id, span.paragraph_index) == (
            piece.article_id,
            piece.paragraph_index,
        )
        source = reports_library.get(span.article_id).paragraphs[span.paragraph_index].text
        assert span.source_text == source[span.source_start : span.source_end]
        assert counted(span.source_text) >= span.chars - 3
    # Sources: every article used, with its share, most of the draft first.
    shares = {s.article_id: s.chars for s in report.sources}
    for aid in {p.article_id for p in pieces if p.article_id}:
        own = sum(p.copied_chars for p in pieces if p.article_id == aid)
        assert shares[aid] / total == pytest.approx(own / total, abs=TOLERANCE)
    assert [s.chars for s in report.sources] == sorted(shares.values(), reverse=True)
    assert report.top_source_ratio == report.sources[0].ratio


def test_draft_of_new_text_reports_zero(reports_library: Library) -> None:
    report = reports_library.check("\n".join(NEW_TEXT))
    assert report.ratio == 0.0
    assert report.copied == 0
    assert report.sources == ()
    assert all(p.spans == () for p in report.paragraphs)


def _paragraph_with(library: Library, phrase: str) -> str:
    for article in library.articles():
        for p in article.paragraphs:
            if phrase in p.text and len(p.text) > 60:
                return p.text
    raise AssertionError(f"no paragraph with {phrase}")


def test_stock_phrases_do_not_count(reports_library: Library) -> None:
    text = _paragraph_with(reports_library, "习近平新时代中国特色社会主义思想为指导")
    plain = reports_library.check(text, exclude=[])
    shipped = reports_library.check(text)
    assert shipped.excluded >= counted("以习近平新时代中国特色社会主义思想为指导")
    assert shipped.copied == plain.copied - shipped.excluded
    (paragraph,) = shipped.paragraphs
    assert any("为指导" in text[s:e] for s, e in paragraph.excluded)
    # A list that names every sentence of the paragraph leaves nothing to count.
    whole = reports_library.check(text, exclude=text.split("。"))
    assert whole.copied == 0 and whole.ratio == 0.0


def test_stock_phrase_wildcards_match_within_a_sentence() -> None:
    stock = StockPhrases(["高举…伟大旗帜", "不忘初心、牢记使命"])
    text = "我们要高举中国特色社会主义伟大旗帜，不忘初心，牢记使命。高举双手。伟大旗帜。"
    found = [text[s:e] for s, e in stock.ranges(text)]
    assert "高举中国特色社会主义伟大旗帜" in found
    assert "不忘初心，牢记使命" in found
    assert not any("高举双手" in f for f in found)
    with pytest.raises(UserError, match="no characters besides punctuation"):
        StockPhrases(["……，"])


def test_exclusion_list_from_a_file(reports_library: Library, tmp_path: Path) -> None:
    text = _paragraph_with(reports_library, "习近平新时代中国特色社会主义思想为指导")
    listed = tmp_path / "套话.txt"
    listed.write_text("# mine\n以…为指导\n", encoding="utf-8")
    assert load_stock_phrases(listed).phrases == ("以…为指导",)
    report = reports_library.check(text, exclude=listed)
    assert report.excluded >= counted("以习近平新时代中国特色社会主义思想为指导")
    with pytest.raises(UserError, match="cannot read the stock-phrase list"):
        reports_library.check(text, exclude=tmp_path / "missing.txt")


def test_quoted_text_counts_only_in_the_overall_ratio(reports_library: Library) -> None:
    pieces = build_draft(reports_library)
    copied = pieces[1].text
    quoted = f"{NEW_TEXT[0]}正如报告所说：“{copied}”"
    report = reports_library.check(quoted, exclude=[])
    assert report.copied >= counted(copied) - 2
    assert report.quoted == report.copied
    assert report.ratio_without_quotes == 0.0
    cited = reports_library.check(f"{copied}[1]", exclude=[])
    assert cited.ratio_without_quotes == 0.0 and cited.ratio > 0.9


def test_short_spans_do_not_count(reports_library: Library) -> None:
    pieces = build_draft(reports_library)
    fragment = pieces[1].text[:10]
    text = f"{NEW_TEXT[0]}{fragment}{NEW_TEXT[1]}"
    assert reports_library.check(text, exclude=[]).copied == 0
    assert reports_library.check(text, exclude=[], min_span=8).copied >= 8


def test_docx_and_markdown_drafts_read_like_text(reports_library: Library, tmp_path: Path) -> None:
    import docx

    pieces = build_draft(reports_library)
    document = docx.Document()
    for piece in pieces:
        document.add_paragraph(piece.text)
    document.save(tmp_path / "草稿.docx")
    (tmp_path / "草稿.md").write_text(
        "# 草稿\n\n" + "\n\n".join(p.text for p in pieces), encoding="utf-8"
    )
    plain = reports_library.check(draft_text(pieces), exclude=[])
    from_docx = reports_library.check(tmp_path / "草稿.docx", exclude=[])
    from_md = reports_library.check(tmp_path / "草稿.md", exclude=[])
    assert from_docx.name == "草稿.docx"
    assert from_docx.copied == plain.copied and from_docx.chars == plain.chars
    assert from_md.copied == plain.copied and from_md.chars == plain.chars + 2


def test_missing_or_unsupported_draft_is_a_clear_error(
    reports_library: Library, tmp_path: Path
) -> None:
    with pytest.raises(IngestError, match="no such file"):
        reports_library.check(tmp_path / "nothing.docx")
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(UnsupportedFormatError, match="must be one of"):
        reports_library.check(tmp_path / "a.pdf")
    with pytest.raises(UserError, match="draft is empty"):
        reports_library.check(" \n　\n")


def test_a_check_past_its_time_limit_is_refused_clearly(library: Library, tmp_path: Path) -> None:
    """A draft and a library repeating one phrase: the time limit (the web's CHECK_SECONDS)
    ends the check with a message that says what to do."""
    source = tmp_path / "重复.txt"
    source.write_text("关于推动高质量发展的讲话\n\n" + "推动经济高质量发展。" * 500 + "\n", "utf-8")
    library.ingest([source])
    draft = "推动经济高质量发展。" * 200
    with pytest.raises(CheckTooLongError, match="查重超过 1e-09 秒仍未算完"):
        library.check(draft, exclude=[], time_limit=1e-9)
    # Without a limit the same check ends, and finds the whole draft.
    assert library.check(draft, exclude=[]).ratio == 1.0


def test_a_long_draft_past_its_time_limit_is_refused_between_batches(
    reports_library: Library,
) -> None:
    draft = [NEW_TEXT[n % 4] for n in range(700)]  # ≈ 28,000 characters: two batches
    with pytest.raises(CheckTooLongError, match="草稿太长。请分段查重"):
        reports_library.check(draft, exclude=[], time_limit=1e-9)
    # A draft of one batch is never cut there.
    assert reports_library.check(draft[:100], exclude=[], time_limit=1e-9).ratio == 0.0
