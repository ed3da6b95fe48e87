"""横向查重: drafts against each other as well as against the library (issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai.check import counted
from sucai.errors import DecodeError
from tests.check.conftest import NEW_TEXT

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

# Text of the drafts' own (the library holds none of it).
OWN = (
    "各乡镇要在本月底前完成春耕备耕物资储备情况摸底，逐村建立台账，做到底数清、情况明。",
    "县农业农村局牵头组织技术骨干下沉一线，围绕育秧、施肥和病虫害防治开展现场指导。",
    "对检查中发现的问题要建立整改清单，明确责任人和完成时限，整改情况于下月五日前报送。",
)


def test_a_batch_reports_each_draft_and_the_shares_between_them(
    reports_library: Library, tmp_path: Path
) -> None:
    a = [OWN[0], OWN[1], OWN[2]]
    # b takes a's second paragraph with 切实 inserted and 全县 for 县, then its own text.
    borrowed = "县农业农村局牵头组织技术骨干切实下沉一线，围绕育秧、施肥和病虫害防治开展现场指导。"
    b = [borrowed.replace("县农业", "全县农业", 1), NEW_TEXT[0]]
    c = [NEW_TEXT[1], NEW_TEXT[2]]
    (tmp_path / "甲.txt").write_text("\n".join(a), encoding="utf-8")
    report = reports_library.check_cross([tmp_path / "甲.txt", "\n".join(b), c], exclude=[])
    assert report.names == ("甲.txt", "稿2", "稿3")
    assert [r.ratio for r in report.reports] == [0.0, 0.0, 0.0]
    chars_a = sum(counted(p) for p in a)
    chars_b = sum(counted(p) for p in b)
    # Truth: a's second paragraph is all in b; in b, that paragraph with its edits inside
    # (切实 bridged), but not the 全 before its first character (an edit at the very end).
    in_b = counted(OWN[1])
    in_a = counted(borrowed)
    assert report.matrix[0] == pytest.approx((0.0, in_b / chars_a, 0.0))
    assert report.matrix[1] == pytest.approx((in_a / chars_b, 0.0, 0.0))
    assert report.matrix[2] == (0.0, 0.0, 0.0)


def test_stock_phrases_do_not_count_between_drafts(reports_library: Library) -> None:
    phrase = "各乡镇要在本月底前完成春耕备耕物资储备情况摸底"
    plain = reports_library.check_cross([OWN[0], OWN[0] + "。" + NEW_TEXT[3]], exclude=[])
    listed = reports_library.check_cross([OWN[0], OWN[0] + "。" + NEW_TEXT[3]], exclude=[phrase])
    assert plain.matrix[0][1] == 1.0
    assert listed.matrix[0][1] == pytest.approx(1 - counted(phrase) / counted(OWN[0]))


def test_the_encoding_reaches_every_draft_file(reports_library: Library, tmp_path: Path) -> None:
    draft = tmp_path / "甲.txt"
    draft.write_text(OWN[0], encoding="gb18030")
    report = reports_library.check_cross([draft, OWN[1]], encoding="gb18030", exclude=[])
    assert report.reports[0].chars == counted(OWN[0])
    # Told UTF-8, the GB18030 file is refused instead of detected.
    with pytest.raises(DecodeError, match=r"甲\.txt: not valid utf-8"):
        reports_library.check_cross([draft, OWN[1]], encoding="utf-8")
