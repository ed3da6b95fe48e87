"""What a viewer may receive: the ONE place where paid text is withheld (issue 4).

Every handler passes articles and search pages through :func:`redact_article` and
:func:`redact_page` before rendering them as HTML, JSON or a download, so templates, JSON
shapes and download formats never see the text of a paid paragraph unless the viewer may
read it. Nothing else carries paragraph text: browse pages and "similar materials" hold
article summaries only (title, role, genre, dates, counts), and error messages are written by
the handlers without quoting articles.

A viewer who may not read paid text (a visitor, a member whose tier has expired) gets:

* articles with the text of paid paragraphs emptied (the paragraphs stay, so the page can say
  how many there are) and outline entries standing on paid paragraphs replaced by
  :data:`PAID_PLACEHOLDER`;
* search hits in paid paragraphs with no text and no highlights (they are still counted, so
  the total is the same for everyone), and paid headings in any hit's outline path replaced;
* 查重 reports whose spans in paid paragraphs keep the article, paragraph index and offsets
  but not the source text (:func:`redact_report`; the draft is the viewer's own text).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sucai.check import OverlapReport
    from sucai.models import Article
    from sucai.search.engine import SearchHit, SearchPage
    from sucai.users import Account

__all__ = ["PAID_PLACEHOLDER", "redact_article", "redact_page", "redact_report"]

PAID_PLACEHOLDER: Final = "（会员内容）"


def redact_article(article: Article, account: Account) -> Article:
    """The article as ``account`` may receive it (unchanged for members and admins)."""
    if account.reads_paid or not any(p.paid for p in article.paragraphs):
        return article
    paid = {p.index for p in article.paragraphs if p.paid}
    return replace(
        article,
        paragraphs=tuple(replace(p, text="") if p.paid else p for p in article.paragraphs),
        outline=tuple(
            replace(e, text=PAID_PLACEHOLDER) if e.paragraph in paid else e for e in article.outline
        ),
    )


def redact_page(page: SearchPage, account: Account) -> SearchPage:
    """The search page as ``account`` may receive it (unchanged for members and admins).

    A free paragraph after a ``##paidend##`` may sit under a paid heading: each hit knows
    which headings of its outline path stand on paid paragraphs (``outline_paid``).
    """
    if account.reads_paid:
        return page

    def redact(hit: SearchHit) -> SearchHit:
        path = tuple(
            PAID_PLACEHOLDER if paid else text
            for text, paid in zip(hit.outline_path, hit.outline_paid, strict=True)
        )
        if hit.paid:
            return replace(hit, text="", highlights=(), outline_path=path)
        return replace(hit, outline_path=path)

    return replace(page, hits=tuple(redact(h) for h in page.hits))


def redact_report(report: OverlapReport, account: Account) -> OverlapReport:
    """The overlap report as ``account`` may receive it (unchanged for members and admins).

    Spans found in paid paragraphs keep where they are (article, paragraph index, offsets)
    and how much they count, so the ratios are the same for everyone; their ``source_text``
    is emptied and ``locked`` set.
    """
    if account.reads_paid or not any(s.paid for p in report.paragraphs for s in p.spans):
        return report
    return replace(
        report,
        paragraphs=tuple(
            replace(
                p,
                spans=tuple(
                    replace(s, source_text="", locked=True) if s.paid else s for s in p.spans
                ),
            )
            for p in report.paragraphs
        ),
    )
