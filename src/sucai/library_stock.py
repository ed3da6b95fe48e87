"""The 套话 (stock phrase) methods of :class:`~sucai.library.Library` (issue 18): the library's
own list, which every 查重 on the web and the command line uses unless told otherwise.

The list is the shipped :file:`sucai/check/stock_phrases.txt` with the operator's edits
applied (kept in the store, so every server of the library uses the same list): phrases
added, shipped phrases taken out. Each edit writes a line to the audit log in the same
transaction.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from sucai.check import StockPhrases, load_stock_phrases
from sucai.errors import UserError
from sucai.store.base import utc_now

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from sucai.store import Store

__all__ = ["StockPhraseMethods"]

#: The longest phrase the list takes, in characters (a phrase is a sentence at most).
MAX_PHRASE_CHARS = 200


@lru_cache(maxsize=8)
def _compiled(phrases: tuple[str, ...]) -> StockPhrases:
    return StockPhrases(phrases, "the library's 套话 list")


class StockPhraseMethods:
    """What :class:`~sucai.library.Library` does with the library's 套话 list."""

    store: Store

    def stock_phrases(self) -> list[str]:
        """The library's 套话 list: the shipped phrases not taken out, then those added
        (oldest first)."""
        edits = self.store.stock_phrase_edits()
        removed = {e.phrase for e in edits if not e.included}
        shipped = [p for p in load_stock_phrases().phrases if p not in removed]
        known = set(shipped)
        return shipped + [e.phrase for e in edits if e.included and e.phrase not in known]

    def library_stock_phrases(self) -> StockPhrases:
        """The library's 套话 list, ready to match (what :meth:`check` uses by default)."""
        return _compiled(tuple(self.stock_phrases()))

    def stock_phrases_for(
        self, exclude: Path | Sequence[str] | StockPhrases | None
    ) -> StockPhrases:
        """The stock phrases a check uses: the library's list for ``None``, else as
        :func:`~sucai.check.load_stock_phrases` reads ``exclude``."""
        return self.library_stock_phrases() if exclude is None else load_stock_phrases(exclude)

    def add_stock_phrase(
        self, phrase: str, *, user_name: str, user_id: int | None = None, ip: str = "cli"
    ) -> str:
        """Add ``phrase`` to the library's 套话 list (written as :class:`StockPhrases` reads
        it: ``…`` for up to 30 characters); a line of the audit log says who.

        Returns:
            The phrase as stored (stripped).

        Raises:
            UserError: the phrase is empty, too long, only punctuation, or already listed.
        """
        phrase = _checked(phrase)
        if phrase in self.stock_phrases():
            raise UserError(f"“{phrase}”已在套话表中。")
        self._edit_stock_phrase(phrase, True, "stock-phrase-add", user_name, user_id, ip)
        return phrase

    def remove_stock_phrase(
        self, phrase: str, *, user_name: str, user_id: int | None = None, ip: str = "cli"
    ) -> str:
        """Take ``phrase`` out of the library's 套话 list (a shipped one too); a line of the
        audit log says who.

        Raises:
            UserError: the list has no such phrase.
        """
        phrase = phrase.strip()
        if phrase not in self.stock_phrases():
            raise UserError(f"套话表中没有“{phrase[:40]}”：请照套话表原样写出要删除的套话。")
        self._edit_stock_phrase(phrase, False, "stock-phrase-remove", user_name, user_id, ip)
        return phrase

    def _edit_stock_phrase(
        self,
        phrase: str,
        included: bool,
        action: str,
        user_name: str,
        user_id: int | None,
        ip: str,
    ) -> None:
        now = utc_now()
        with self.store.atomic():
            self.store.edit_stock_phrase(phrase, included=included, at=now, by=user_name)
            self.store.add_audit(
                at=now,
                user_id=user_id,
                user_name=user_name,
                action=action,
                target=phrase,
                format="",
                ip=ip,
            )


def _checked(phrase: str) -> str:
    phrase = phrase.strip()
    if not phrase:
        raise UserError("请写出要加入的套话，例如：高举…伟大旗帜。")
    if "\n" in phrase or len(phrase) > MAX_PHRASE_CHARS:
        raise UserError(f"套话应是一句话以内（至多 {MAX_PHRASE_CHARS} 字、不换行）：请逐条加入。")
    StockPhrases([phrase])  # raises UserError for a phrase of punctuation alone
    return phrase
