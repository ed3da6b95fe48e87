"""查重 on :class:`~sucai.library.Library` (issues 6 and 18): a draft, or a batch of drafts
against each other too (横向查重), compared with the library under its 套话 list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sucai.check import (
    DEFAULT_MIN_SPAN,
    CrossReport,
    OverlapReport,
    StockPhrases,
    check_cross,
    check_paragraphs,
    draft_from_path,
    split_paragraphs,
)
from sucai.errors import UserError
from sucai.i18n import N_
from sucai.library_stock import StockPhraseMethods

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sucai.search.index import SearchIndex

__all__ = ["CheckMethods"]


class CheckMethods(StockPhraseMethods):
    """What :class:`~sucai.library.Library` does for 查重."""

    index: SearchIndex
    #: See :class:`~sucai.library.Library`: bring the index up to date before a search.
    auto_sync: bool
    on_index: Callable[[int, int], None] | None

    def _catch_up(self) -> None:
        """Apply the library's latest changes before a search (command line and scripts);
        skipped when another process is writing the index (it is doing just that)."""
        if self.auto_sync:
            self.index.sync(self.store, on_progress=self.on_index, wait=False)

    def check(
        self,
        draft: str | Path | Sequence[str],
        *,
        min_span: int = DEFAULT_MIN_SPAN,
        exclude: Path | Sequence[str] | StockPhrases | None = None,
        encoding: str | None = None,
        name: str = "",
        paid: bool = True,
        time_limit: float | None = None,
    ) -> OverlapReport:
        """查重: how much of ``draft`` comes from the library, and from where (issue 6).

        Args:
            draft: a :class:`~pathlib.Path` of a .txt/.md/.docx file; a ``str`` of text (one
                paragraph a line); or a sequence of paragraphs.
            min_span: the shortest span counted, in counted characters (CJK, letters, digits).
            exclude: stock phrases that never count: ``None`` for the library's 套话 list
                (:meth:`stock_phrases`), a file of phrases, or the phrases themselves (see
                :class:`sucai.check.StockPhrases`).
            encoding: for a text file, its encoding (``None``: detect).
            name: what is checked, for the report (default: the file name).
            paid: compare with the paid part too; ``False``: with the free text alone.
            time_limit: seconds the comparison may take (``None``: no limit; the web app
                gives :data:`sucai.web.limits.CHECK_SECONDS`).

        Raises:
            IngestError: the draft file is missing, unreadable or not a draft format.
            UserError: the draft has no text, or a stock phrase is only punctuation.
            CheckTooLongError: the comparison went past ``time_limit``.
        """
        paragraphs = self._draft_paragraphs(draft, encoding)
        if isinstance(draft, Path):
            name = name or draft.name
        stock = self.stock_phrases_for(exclude)
        self._catch_up()
        view = self.index.view(paid=paid)
        return check_paragraphs(
            self.store,
            view,
            paragraphs,
            stock=stock,
            min_span=min_span,
            name=name,
            time_limit=time_limit,
        )

    def check_cross(
        self,
        drafts: Sequence[str | Path | Sequence[str]],
        *,
        names: Sequence[str] | None = None,
        min_span: int = DEFAULT_MIN_SPAN,
        exclude: Path | Sequence[str] | StockPhrases | None = None,
        encoding: str | None = None,
        paid: bool = True,
        time_limit: float | None = None,
    ) -> CrossReport:
        """横向查重: each draft against the library and against every other draft (issue 18).

        Args:
            drafts: each as :meth:`check` takes it (a file, a text, or its paragraphs).
            names: the drafts' names (default: file names, else 稿1, 稿2 …).
            min_span, exclude, encoding, paid, time_limit: as for :meth:`check` (the
                encoding of every text file; the limit applies to each draft's check
                against the library).

        Raises:
            IngestError, UserError, CheckTooLongError: as :meth:`check`, for any draft.
        """
        texts = [self._draft_paragraphs(d, encoding) for d in drafts]
        given = list(names) if names is not None else []
        labels = [
            given[n] if n < len(given) else d.name if isinstance(d, Path) else f"稿{n + 1}"
            for n, d in enumerate(drafts)
        ]
        stock = self.stock_phrases_for(exclude)
        self._catch_up()
        return check_cross(
            self.store,
            self.index.view(paid=paid),
            texts,
            labels,
            stock=stock,
            min_span=min_span,
            time_limit=time_limit,
        )

    def _draft_paragraphs(
        self, draft: str | Path | Sequence[str], encoding: str | None = None
    ) -> list[str]:
        """A draft's paragraphs (see :meth:`check`); ``UserError`` when it has none."""
        if isinstance(draft, Path):
            paragraphs = draft_from_path(draft, encoding)
        elif isinstance(draft, str):
            paragraphs = split_paragraphs(draft)
        else:
            paragraphs = [p.strip() for p in draft if p.strip()]
        if not paragraphs:
            raise UserError.of(
                N_("the draft is empty: give the text to check, or a .txt/.docx file.")
            )
        return paragraphs
