"""Import fidelity on real files (issue 16): what a new user sees after importing them.

Run with ``.venv/bin/python -m bench.fidelity [--cache DIR] [--json]``.

The set is ``tests/data/realfiles/manifest.jsonl``: one row per real file from a public
repository, with its provenance and a gold record written by hand from the document itself
(never from sucai's output). Files that may be committed (government documents, 著作权法 第五条)
live in ``tests/data/realfiles/files/``; the others are read from ``--cache DIR`` (the files
under their manifest names, checked against the manifest's SHA-256) and are skipped, with a
line saying so, when absent. Every file is imported into one fresh library with near-duplicate
merging off, so that each file is measured on its own.

The table has one row per class of file and a total:

- titles: stored titles equal to the gold titles (matched in order within a file);
- dates: gold dates found (of those the document states); wrong dates: a stored date that the
  document does not state as its date (another date, or one where it states none);
- kinds: 文种 equal to the gold kind (the controlled list is in ``tests/data/realfiles/README.md``);
- fields: 公文 fields (发文机关, 发文字号, 主送机关, 签发人, 附件) stored as fields;
- fragments: gold fragments that a quoted search finds in the file's own articles (in their
  paragraphs, or in their titles with ``--in title``: a fragment that is a title line);
- forbidden: gold strings (page furniture, navigation …) still in a stored title or paragraph;
- cells: gold table cells (row labels) that became outline entries, alone or with the rest of
  their row;
- compat: Kangxi radicals and CJK compatibility ideographs stored;
- spaces: in articles from PDFs, whitespace between two CJK characters / between CJK and a
  digit or Latin letter (in a table, inside its cells: tabs separate the cells);
- articles: compilations split into the gold number of articles.

Rows marked ``"heldout": true`` are a held-out set: their gold was written before sucai was run
on them and no rule was tuned on them. They are scored on their own, in a second table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sucai import ImportOptions, open_library
from sucai.search.query import parse_query

if TYPE_CHECKING:
    from sucai import Article, FileReport, Library

ROOT = Path(__file__).resolve().parents[1]
REALFILES = ROOT / "tests" / "data" / "realfiles"
MANIFEST = REALFILES / "manifest.jsonl"
FILES = REALFILES / "files"

#: Kangxi radicals, CJK radicals supplement, CJK compatibility ideographs (and supplement).
_COMPAT = re.compile(r"[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
_CJK = r"[\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e]"
_CJK_SPACE = re.compile(rf"(?<={_CJK})[ \t\u00a0\u3000]+(?={_CJK})")
_CJK_ALNUM_SPACE = re.compile(
    rf"(?<={_CJK})[ \t\u00a0]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])[ \t\u00a0]+(?={_CJK})"
)
_SPACE = re.compile(r"\s+")
#: The kinds (文种) gold records use: the 15 of 《党政机关公文处理工作条例》, then the genres
#: writers search by, then ``文章`` for a text that states none (see the set's README).
KINDS = (
    *("决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告"),
    *("请示", "批复", "议案", "函", "纪要"),
    *("讲话", "发言", "年报", "法规", "规范", "新闻", "公示", "说明", "名单", "目录"),
    *("大纲", "决算", "工作总结", "工作计划", "心得体会", "述职报告", "调研报告", "文章"),
)
#: Gold 公文 field → the attribute of :class:`sucai.Article` that would hold it.
FIELDS = ("issuer", "doc_number", "addressee", "signer", "attachments")


@dataclass
class Score:
    """What one file (or a class, or the whole set) scored; pairs are ``[right, total]``."""

    files: int = 0
    imported: int = 0
    titles: list[int] = field(default_factory=lambda: [0, 0])
    dates: list[int] = field(default_factory=lambda: [0, 0])
    wrong_dates: int = 0
    kinds: list[int] = field(default_factory=lambda: [0, 0])
    fields: list[int] = field(default_factory=lambda: [0, 0])
    fragments: list[int] = field(default_factory=lambda: [0, 0])
    forbidden: int = 0
    cells: int = 0
    compat: int = 0
    cjk_spaces: int = 0
    cjk_alnum_spaces: int = 0
    articles: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, other: Score) -> None:
        """Add ``other``'s counts to this score."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, list):
                mine[0] += theirs[0]
                mine[1] += theirs[1]
            else:
                setattr(self, f.name, mine + theirs)


@dataclass
class FileResult:
    """One file of the set: its row, what happened at import, its score and its misses."""

    file: str
    cls: str
    status: str
    message: str = ""
    heldout: bool = False
    score: Score = field(default_factory=Score)
    misses: list[str] = field(default_factory=list)

    def check(self, pair: list[int], ok: bool, miss: str) -> None:
        """Count one check in ``pair`` (``[right, total]``); note ``miss`` when it failed."""
        pair[0] += ok
        pair[1] += 1
        if not ok:
            self.misses.append(miss)


def load_manifest(path: Path = MANIFEST) -> list[dict[str, Any]]:
    """The manifest's rows, in file order."""
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def locate(row: dict[str, Any], cache: Path | None) -> Path | None:
    """Where the row's file is: committed, or in ``cache`` with the manifest's SHA-256."""
    if row["committed"]:
        return FILES / row["file"]
    if cache is None or not (cache / row["file"]).is_file():
        return None
    path = cache / row["file"]
    if hashlib.sha256(path.read_bytes()).hexdigest() != row["source"]["sha256"]:
        return None
    return path


def _flat(text: str) -> str:
    return _SPACE.sub("", text)


def count_compat(texts: list[str]) -> int:
    """Kangxi radicals and CJK compatibility ideographs in ``texts``."""
    return sum(len(_COMPAT.findall(text)) for text in texts)


def count_pdf_spaces(texts: list[str]) -> tuple[int, int]:
    """Runs of whitespace between two CJK characters, and between CJK and a digit or letter."""
    return (
        sum(len(_CJK_SPACE.findall(text)) for text in texts),
        sum(len(_CJK_ALNUM_SPACE.findall(text)) for text in texts),
    )


def _field(article: Article, name: str) -> list[str]:
    value = getattr(article, name, None)
    if value is None:
        return []
    return [_flat(v) for v in value] if isinstance(value, (list, tuple)) else [_flat(value)]


def _found(library: Library, fragment: str, article_ids: set[int]) -> bool:
    for scope in ("all", "title"):
        page = library.search(parse_query(f'"{fragment}"', scope=scope, limit=None))
        if any(hit.article_id in article_ids for hit in page.hits):
            return True
    return False


def score_file(library: Library, row: dict[str, Any], report: FileReport | None) -> FileResult:
    """Compare what the library stored from one file with the file's gold record."""
    gold = row["gold"]
    result = FileResult(row["file"], row["class"], report.status if report else "missing")
    result.heldout = bool(row.get("heldout"))
    result.message = report.message if report else "no report line for this file"
    score = result.score
    score.files = 1
    ids = list(report.article_ids) if report and report.status == "imported" else []
    score.imported = int(bool(ids))
    stored = [library.get(i) for i in dict.fromkeys(ids)]
    expected = gold["articles"]
    if len(expected) > 1:
        score.articles = [int(len(stored) == len(expected)), 1]
    for position, want in enumerate(expected):
        got = stored[position] if position < len(stored) else None
        label = f"article {position + 1}"
        if want["title"] is not None:
            ok = got is not None and got.title == want["title"]
            result.check(score.titles, ok, f"{label} title: {got.title if got else None!r}")
        if want["issued_on"] is not None:
            ok = got is not None and got.issued_on == want["issued_on"]
            result.check(score.dates, ok, f"{label} date: {got.issued_on if got else None}")
        if got is not None and got.issued_on and got.issued_on != want["issued_on"]:
            score.wrong_dates += 1
            result.misses.append(f"{label} wrong date: {got.issued_on}")
        ok = got is not None and got.genre == want["kind"]
        result.check(score.kinds, ok, f"{label} kind: {got.genre if got else None}")
        for name, value in want.get("fields", {}).items():
            values = [_flat(v) for v in value] if isinstance(value, list) else [_flat(value)]
            ok = got is not None and sorted(_field(got, name)) == sorted(values)
            result.check(score.fields, ok, f"{label} {name}: {_field(got, name) if got else None}")
    id_set = set(ids)
    for fragment in gold["fragments"]:
        ok = bool(id_set) and _found(library, fragment, id_set)
        result.check(score.fragments, ok, f"fragment not found: {fragment}")
    texts = [a.title for a in stored] + [p.text for a in stored for p in a.paragraphs]
    for bad in gold["forbidden"]:
        if any(bad in text for text in texts):
            score.forbidden += 1
            result.misses.append(f"survives: {bad}")
    outline = [entry.text.strip() for a in stored for entry in a.outline]
    for cell in gold.get("table_cells", []):
        if any(entry.startswith(cell) for entry in outline):
            score.cells += 1
            result.misses.append(f"table cell in outline: {cell}")
    score.compat = count_compat(texts)
    if row["file"].lower().endswith(".pdf"):
        # A table's cells are separated by tabs: spaces are looked for inside its cells.
        cells = [cell for a in stored for p in a.paragraphs for r in p.rows for cell in r]
        prose = [a.title for a in stored] + [
            p.text for a in stored for p in a.paragraphs if p.kind != "table"
        ]
        score.cjk_spaces, score.cjk_alnum_spaces = count_pdf_spaces(prose + cells)
    return result


def score_set(
    rows: list[dict[str, Any]], cache: Path | None, db: Path
) -> tuple[list[FileResult], list[str]]:
    """Import the rows' files into a fresh library at ``db`` and score each; also the absent."""
    located = {row["file"]: locate(row, cache) for row in rows}
    present = [row for row in rows if located[row["file"]] is not None]
    absent = [row["file"] for row in rows if located[row["file"]] is None]
    # Generated files share their text with one another (one document in several formats):
    # imported in one batch, their lines would be taken for boilerplate repeated across the
    # batch. Each is imported on its own; the files from repositories together.
    batches = [[row for row in present if "generator" not in row["source"]]]
    batches += [[row] for row in present if "generator" in row["source"]]
    by_name: dict[str, FileReport] = {}
    with open_library(db) as library:
        for batch in batches:
            if batch:
                report = library.ingest(
                    [located[row["file"]] for row in batch], ImportOptions(merge=False)
                )
                by_name.update((Path(f.path).name, f) for f in report.files)
        results = [score_file(library, row, by_name.get(row["file"])) for row in present]
    return results, absent


def _pair(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "–"


COLUMNS = (
    ("class", "class"),
    ("files", "files"),
    ("imported", "imported"),
    ("titles", "titles exact"),
    ("dates", "dates found/stated"),
    ("wrong_dates", "wrong dates"),
    ("kinds", "kinds right"),
    ("fields", "公文 fields"),
    ("fragments", "fragments found"),
    ("forbidden", "forbidden left"),
    ("cells", "cells in outline"),
    ("compat", "Kangxi/compat chars"),
    ("cjk_spaces", "PDF CJK–CJK spaces"),
    ("cjk_alnum_spaces", "PDF CJK–digit/Latin spaces"),
    ("articles", "compilations split"),
)


def summarize(results: list[FileResult]) -> dict[str, Score]:
    """One score per class, in class order, and ``"total"``."""
    classes: dict[str, Score] = {}
    for result in sorted(results, key=lambda r: r.cls):
        classes.setdefault(result.cls, Score()).add(result.score)
    total = Score()
    for score in classes.values():
        total.add(score)
    classes["total"] = total
    return classes


def table(classes: dict[str, Score]) -> list[str]:
    """The Markdown table of :func:`summarize`."""
    lines = [
        "| " + " | ".join(title for _, title in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for name, score in classes.items():
        cells = [name]
        for key, _ in COLUMNS[1:]:
            value = getattr(score, key)
            cells.append(_pair(value) if isinstance(value, list) else str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="folder with the files not committed")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="the set to score")
    args = parser.parse_args()
    rows = load_manifest(args.manifest)
    with tempfile.TemporaryDirectory() as tmp:
        results, absent = score_set(rows, args.cache, Path(tmp) / "library.db")
    classes = summarize([r for r in results if not r.heldout])
    heldout = summarize([r for r in results if r.heldout])
    if args.json:
        out = {
            "classes": {name: asdict(score) for name, score in classes.items()},
            "heldout": {name: asdict(score) for name, score in heldout.items()},
            "files": [asdict(result) for result in results],
            "absent": absent,
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for name in absent:
        print(f"skipped (not committed, not in --cache): {name}", file=sys.stderr)
    print(f"{len(results)} of {len(rows)} files scored\n")
    print("\n".join(table(classes)))
    print("\nHeld-out set:\n")
    print("\n".join(table(heldout)))
    print()
    for result in results:
        if result.misses or result.status != "imported":
            print(f"{result.file} [{result.status}] {result.message}")
            for miss in result.misses:
                print(f"    {miss}")


if __name__ == "__main__":
    main()
