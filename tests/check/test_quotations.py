"""What counts as a quotation (去除引用): a quoted passage, not a quoted term (issue 18)."""

from __future__ import annotations

import pytest

from sucai.check.text import quoted_ranges


def quotations(text: str) -> list[str]:
    return [text[start:end] for start, end in quoted_ranges(text)]


@pytest.mark.parametrize(
    "text",
    [
        # Scare quotes around terms: issue 18 saw such a paragraph lose 15 % of its ratio.
        "重点打造“葡萄串”式产业集群，培育“链主”企业和“专精特新”企业，推动“链群”协同。",
        "深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
        # A 提法 in quotation marks is a term too, however well known.
        "牢固树立和践行“绿水青山就是金山银山”的理念。",
    ],
)
def test_quoted_terms_are_not_quotations(text: str) -> None:
    assert quotations(text) == []


def test_an_attributed_passage_is_a_quotation() -> None:
    # 14 characters, no punctuation inside: a quotation because it is attributed.
    text = "习近平总书记强调：“要把促进共同富裕摆在重要位置”，我们要认真落实。"
    assert quotations(text) == ["“要把促进共同富裕摆在重要位置”"]
    assert quotations("文件说明“要把促进共同富裕摆在重要位置”") == []


def test_a_quoted_sentence_is_a_quotation() -> None:
    text = "徐州市民李泽政说起这趟公交车，“一出门就能遇上汉文化。”如今这样的线路有多条。"
    assert quotations(text) == ["“一出门就能遇上汉文化。”"]


def test_a_long_quoted_passage_is_a_quotation_without_attribution() -> None:
    passage = "“坚持以人民为中心的发展思想着力解决群众急难愁盼问题”"
    assert quotations(f"这份报告写明{passage}这一要求。") == [passage]


def test_a_short_attributed_term_is_still_a_term() -> None:
    assert quotations("会议提出“两个毫不动摇”。") == []


def test_a_sentence_before_a_reference_mark_is_a_citation() -> None:
    text = "前文已有交代。坚持把发展经济的着力点放在实体经济上，推进新型工业化［1］。"
    assert quotations(text) == ["坚持把发展经济的着力点放在实体经济上，推进新型工业化［1］"]
    assert quotations("加快建设现代化产业体系①") == ["加快建设现代化产业体系①"]


def test_a_quoted_term_with_a_reference_mark_is_a_citation() -> None:
    assert quotations("发展“新质生产力”〔2〕") == ["“新质生产力”", "发展“新质生产力”〔2〕"]


def test_a_markdown_quote_is_all_citation() -> None:
    assert quotations("> 全面建设社会主义现代化国家") == ["> 全面建设社会主义现代化国家"]
