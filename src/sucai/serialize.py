"""JSON shapes of sucai's records, shared by the CLI (and later the web API).

Every object is plain JSON; write it with ``ensure_ascii=False`` so Chinese stays readable.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sucai.check import CrossReport, OverlapReport
    from sucai.compose import Composition, LawStatus, Piece
    from sucai.models import (
        Article,
        ArticleSource,
        Browse,
        Duplicates,
        FileReport,
        IngestReport,
        Jinju,
        Tifa,
    )
    from sucai.search.engine import SearchPage
    from sucai.store import ArticleSummary

__all__ = [
    "article_to_dict",
    "browse_to_dict",
    "composition_to_dict",
    "cross_report_to_dict",
    "duplicates_to_dict",
    "file_report_to_dict",
    "jinju_to_dict",
    "law_status_to_dict",
    "overlap_report_to_dict",
    "page_to_dict",
    "report_to_dict",
    "summary_to_dict",
    "tifa_to_dict",
]


def article_to_dict(article: Article, *, file_details: bool = True) -> dict[str, Any]:
    """``sucai show --json`` / one line of ``sucai dump`` / ``/article/{id}.json``.

    Args:
        article: the article.
        file_details: give each source's full path and SHA-256; ``False`` gives its file name
            only (``path`` is the name after the last ``/``), for viewers who may not know
            where the server keeps its files (issue 15).
    """
    return {
        "id": article.id,
        "title": article.title,
        "role": article.role,
        "genre": article.genre,
        "issued_on": article.issued_on,
        "year": article.year,
        "doc_number": article.doc_number,
        "issuer": article.issuer,
        "addressee": article.addressee,
        "signer": article.signer,
        "attachments": list(article.attachments),
        "chars": article.chars,
        "added_at": article.added_at,
        "sources": [_source(s, file_details) for s in article.sources],
        "outline": [asdict(e) for e in article.outline],
        "paragraphs": [asdict(p) for p in article.paragraphs],
    }


def _source(source: ArticleSource, file_details: bool) -> dict[str, Any]:
    data = asdict(source)
    if not file_details:
        data["path"] = source.path.replace("\\", "/").rsplit("/", 1)[-1]
        del data["sha256"]
    return data


def summary_to_dict(summary: ArticleSummary) -> dict[str, Any]:
    """One row of ``sucai list --json``."""
    return asdict(summary)


def page_to_dict(page: SearchPage) -> dict[str, Any]:
    """``sucai search --json``: the exact total, this page of hits (character offsets) and,
    when nothing matched, queries that would find something."""
    return {
        "ok": True,
        "total": page.total,
        "offset": page.query.offset,
        "limit": page.query.limit,
        "hits": [
            {
                "article_id": h.article_id,
                "title": h.title,
                "role": h.role,
                "genre": h.genre,
                "year": h.year,
                "paragraph_index": h.paragraph_index,
                "text": h.text,
                "highlights": [list(span) for span in h.highlights],
                "outline_path": list(h.outline_path),
                "paid": h.paid,
                "score": round(h.score, 4),
            }
            for h in page.hits
        ],
        "suggestions": [
            {"query": s.query, "total": s.total, "kind": s.kind} for s in page.suggestions
        ],
    }


def browse_to_dict(page: Browse) -> dict[str, Any]:
    """``sucai browse --json``: total, this page of articles, counts per facet."""
    return {
        "total": page.total,
        "articles": [summary_to_dict(a) for a in page.articles],
        "facets": {name: [[v, n] for v, n in counts] for name, counts in page.facets.items()},
    }


def file_report_to_dict(report: FileReport) -> dict[str, Any]:
    """One file of an import report."""
    data = asdict(report)
    data["article_ids"] = list(report.article_ids)
    data["removed"] = [asdict(r) for r in report.removed]
    data["notes"] = list(report.notes)
    data["merged"] = [asdict(m) for m in report.merged]
    return data


def report_to_dict(report: IngestReport) -> dict[str, Any]:
    """``sucai import --json``: totals and one entry per file."""
    return {
        "ok": not report.failed,
        "files": len(report.files),
        "imported": report.imported,
        "duplicates": report.duplicates,
        "skipped": report.skipped,
        "refused": report.refused,
        "failed": len(report.failed),
        "articles": report.articles,
        "new_articles": report.new_articles,
        "merged_articles": report.merged,
        "removed_lines": sum(len(f.removed) for f in report.files),
        "details": [file_report_to_dict(f) for f in report.files],
    }


def duplicates_to_dict(found: Duplicates) -> dict[str, Any]:
    """``sucai duplicates --json``: merged clusters and groups of law versions."""
    return {
        "ok": True,
        "clusters": [
            {
                "article": summary_to_dict(c.article),
                "copies": [asdict(copy) for copy in c.copies],
            }
            for c in found.clusters
        ],
        "versions": [[asdict(v) for v in group] for group in found.versions],
    }


def cross_report_to_dict(report: CrossReport) -> dict[str, Any]:
    """``sucai check --cross --json``: each draft's report and the matrix of shares between
    the drafts (``matrix[a][b]``: the share of draft a that draft b also holds)."""
    return {
        "ok": True,
        "names": list(report.names),
        "reports": [overlap_report_to_dict(r) for r in report.reports],
        "matrix": [[round(share, 4) for share in row] for row in report.matrix],
    }


def overlap_report_to_dict(report: OverlapReport) -> dict[str, Any]:
    """``sucai check --json`` and ``/check.json``: ratios, sources, paragraphs with spans.

    Ratios are fractions (0.0–1.0) rounded to 4 places; offsets are characters.
    """
    return {
        "ok": True,
        "name": report.name,
        "ratio": round(report.ratio, 4),
        "ratio_without_quotes": round(report.ratio_without_quotes, 4),
        "top_source_ratio": round(report.top_source_ratio, 4),
        "chars": report.chars,
        "copied": report.copied,
        "quoted": report.quoted,
        "excluded": report.excluded,
        "min_span": report.min_span,
        "seconds": round(report.seconds, 3),
        "sources": [
            {
                "article_id": s.article_id,
                "title": s.title,
                "role": s.role,
                "genre": s.genre,
                "year": s.year,
                "chars": s.chars,
                "ratio": round(s.ratio, 4),
                "paragraphs": list(s.paragraphs),
            }
            for s in report.sources
        ],
        "paragraphs": [
            {
                "index": p.index,
                "text": p.text,
                "chars": p.chars,
                "copied": p.copied,
                "ratio": round(p.ratio, 4),
                "level": p.level,
                "excluded": [list(r) for r in p.excluded],
                "quoted": [list(r) for r in p.quoted],
                "spans": [asdict(span) for span in p.spans],
            }
            for p in report.paragraphs
        ],
    }


def composition_to_dict(composition: Composition) -> dict[str, Any]:
    """``sucai compose --json`` / ``/compose.json`` (issue 20): the 写作台 for a topic, each
    piece and skeleton with ``link`` (its passage on the web, marked) and a law's ``status``."""

    def piece(p: Piece) -> dict[str, Any]:
        return {
            **asdict(p),
            "status": law_status_to_dict(p.status),
            "link": f"/article/{p.article_id}#p{p.paragraph}",
        }

    data = asdict(composition)
    data["skeletons"] = [
        {**asdict(s), "status": law_status_to_dict(s.status), "link": f"/article/{s.article_id}"}
        for s in composition.skeletons
    ]
    data["groups"] = [
        {**asdict(g), "pieces": [piece(p) for p in g.pieces]} for g in composition.groups
    ]
    data["jinju"] = [piece(p) for p in composition.jinju]
    return {"ok": True, **data}


def law_status_to_dict(status: LawStatus | None) -> dict[str, Any] | None:
    """A law's status (issue 20) with its ``label`` (``已修正（2021-06-10 版）``)."""
    return None if status is None else {**asdict(status), "label": status.label}


def jinju_to_dict(
    total: int, found: list[Jinju], offset: int = 0, limit: int | None = None
) -> dict[str, Any]:
    """``sucai search --in jinju --json`` / ``/search.json?in=jinju``: the total and this page
    of 金句, each with its kind, article and place (paragraph index, character offsets)."""
    return {
        "ok": True,
        "total": total,
        "offset": offset,
        "limit": limit,
        "jinju": [
            {
                "kind": j.kind,
                "text": j.text,
                "article_id": j.article.id,
                "title": j.article.title,
                "role": j.article.role,
                "genre": j.article.genre,
                "issued_on": j.article.issued_on,
                "year": j.article.year,
                "paragraph_index": j.paragraph,
                "start": j.start,
                "stop": j.stop,
                "paid": j.paid,
                "elsewhere": j.elsewhere,
            }
            for j in found
        ],
    }


def tifa_to_dict(found: list[Tifa]) -> dict[str, Any]:
    """``sucai tifa --json`` / ``/tifa.json``: each phrase's uses per group (year, source or
    文种) with the group's characters, uses per million and splits by source and 文种."""
    return {
        "ok": True,
        "phrases": [
            {
                "phrase": t.phrase,
                "by": t.by,
                "first": t.first,
                "last": t.last,
                "uses": t.uses,
                "rows": [
                    {
                        "key": r.key,
                        "uses": r.uses,
                        "chars": r.chars,
                        "per_million": round(r.per_million, 3),
                        "by_source": [list(s) for s in r.by_source],
                        "by_genre": [list(g) for g in r.by_genre],
                    }
                    for r in t.rows
                ],
            }
            for t in found
        ],
    }
