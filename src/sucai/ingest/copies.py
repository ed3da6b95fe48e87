"""The rules for merged copies (issue 6): keep a copy as its article's text, or split it off.

A merged copy is an article's text as another file had it, stored beside the article instead
of as an article of its own. What happens to the article, its sources and the copies is
decided here, once; the store only offers the steps (``copy_draft``, ``delete_copy``,
``replace_text``, ``add_copy``, ``add_article``, ``move_source``).
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

from sucai.errors import UserError
from sucai.i18n import N_
from sucai.models import ArticleDraft, source_folder
from sucai.store.records import Merge

if TYPE_CHECKING:
    from sucai.models import Article
    from sucai.store import Store
    from sucai.store.records import CopyDraft

__all__ = ["draft_of", "keep_copy", "split_copy"]


def draft_of(article: Article) -> ArticleDraft:
    """A stored article's text and fields as a draft (to store it again as a copy)."""
    # ``position`` is where a file holds the text, not the stored article's: its default stands.
    names = [f.name for f in fields(ArticleDraft) if f.name != "position"]
    return ArticleDraft(**{name: getattr(article, name) for name in names})


def keep_copy(store: Store, copy_id: int) -> int:
    """Make a copy the canonical text of its article; return the article id.

    The article keeps its id, sources and basket items. Its old text becomes a copy, once
    for each source that had exactly that text (not for the sources that were copies).

    Raises:
        NotFoundError: no copy has this id.
        UserError: the copy's text is already another article.
    """
    with store.atomic():
        copy = _new_text(store, copy_id)
        article = store.get_article(copy.copy.article_id)
        old = draft_of(article)
        kept_as = Merge(copy.copy.similarity, corrections=tuple(store.corrections(article.id)))
        store.delete_copy(copy_id)
        store.replace_text(article.id, copy.draft, copy.corrections)
        for source in article.sources:
            if source.copy_id is None:
                here = replace(old, position=source.position)
                store.add_copy(article.id, source.file_id, here, kept_as)
    return article.id


def split_copy(store: Store, copy_id: int) -> int:
    """Turn a copy into an article of its own, with the copy's file as its source; return
    the new article's id.

    Raises:
        NotFoundError: no copy has this id.
        UserError: the copy's text is already another article.
    """
    with store.atomic():
        copy = _new_text(store, copy_id)
        store.delete_copy(copy_id)
        new_id = store.add_article(copy.draft, source_folder(copy.copy.path), copy.corrections)
        store.move_source(copy.file_id, copy.copy.position, copy.copy.article_id, new_id)
    return new_id


def _new_text(store: Store, copy_id: int) -> CopyDraft:
    """The copy, unless its title and text are already an article (UserError)."""
    copy = store.copy_draft(copy_id)
    same = store.article_by_text(copy.draft)
    if same is not None:
        raise UserError.of(
            N_(
                "copy {copy} has the same title and text as article {article}; "
                "nothing to do (see `sucai show {article}`)."
            ),
            copy=copy_id,
            article=same,
        )
    return copy
