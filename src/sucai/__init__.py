"""sucai (素材库): a self-hosted library of Chinese official-writing material.

>>> from sucai import open_library
>>> with open_library("library.db") as lib:          # doctest: +SKIP
...     report = lib.ingest(["汇编.txt"])
...     article = lib.get(report.files[0].article_ids[0])
"""

from __future__ import annotations

from sucai.errors import (
    ConfigError,
    DecodeError,
    IngestError,
    NotFoundError,
    QueryError,
    SchemaVersionError,
    StoreError,
    SucaiError,
    UnsupportedFormatError,
    UserError,
)
from sucai.library import ImportOptions, Library, open_library
from sucai.models import (
    Article,
    ArticleSource,
    FileReport,
    IngestReport,
    OutlineEntry,
    Paragraph,
)
from sucai.store.records import ArticleFilter

__all__ = [
    "Article",
    "ArticleFilter",
    "ArticleSource",
    "ConfigError",
    "DecodeError",
    "FileReport",
    "ImportOptions",
    "IngestError",
    "IngestReport",
    "Library",
    "NotFoundError",
    "OutlineEntry",
    "Paragraph",
    "QueryError",
    "SchemaVersionError",
    "StoreError",
    "SucaiError",
    "UnsupportedFormatError",
    "UserError",
    "open_library",
]
