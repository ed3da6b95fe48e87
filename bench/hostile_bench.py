"""Hostile-file benchmark (issue 22): the fuzz set of the tests, larger, class by class.

Run with ``.venv/bin/python -m bench.hostile_bench [--scale N]``. The inputs come from
:mod:`tests.ingest.hostile` (``--scale`` multiplies the mutations, sizes and depths), plus a
.docx whose word/document.xml inflates to 1.1 GB. Every import runs with ``sucai import`` in a
process of its own, into a copy of a library holding the samples, so that its time and peak
memory (VmHWM, the peak resident set) are its own: first each class alone, then everything at
once. Then an ordinary 查重 draft (30 lines of a sample report) is checked against the
library before and after the hostile import; a text at the limits (10,000,000 characters in
lines of 100,000) and a single line of 50 MB are imported alone. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sucai.ingest.limits import MAX_LINE_CHARS, MAX_TEXT_CHARS
from tests.ingest.hostile import (
    CLASSES,
    Hostile,
    display,
    generate,
    paragraphs_xml,
    run_sucai,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [ROOT / "samples" / "reports", ROOT / "samples" / "laws"]
_TIMEOUT = 3600


@dataclass(frozen=True)
class Import:
    """One ``sucai import --json``: exit status, stderr, report lines, time, peak memory."""

    code: int
    err: str
    details: list[dict[str, str]]
    seconds: float
    peak: float


def _import(db: Path, paths: list[Path], folder: Path) -> Import:
    run = run_sucai(["import", "--json", "--db", str(db), *map(str, paths)], folder, _TIMEOUT)
    details = json.loads(run.out)["details"] if run.out.strip() else []
    return Import(run.code, run.err, details, run.seconds, run.peak_mb)


def _check(db: Path, draft: Path, folder: Path) -> tuple[float, float]:
    run = run_sucai(["check", "--json", "--db", str(db), str(draft)], folder, _TIMEOUT)
    if run.code != 0:
        sys.exit(f"error: sucai check failed: {run.err}")
    return run.seconds, run.peak_mb


def _big_bomb(path: Path) -> None:
    """A .docx whose word/document.xml inflates to 1.1 GB (written in pieces)."""
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    head += b'wordprocessingml/2006/main"><w:body>'
    tail = paragraphs_xml().encode() + b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head)
            piece = b" " * (1 << 20)
            for _ in range(1100):
                part.write(piece)
            part.write(tail)


def _at_limits(path: Path) -> None:
    """A text at the limits: 10,000,000 characters in 100 lines of 100,000 (random CJK, so
    that every paragraph, shingle and token is new)."""
    rng = random.Random(22)
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    lines = ("".join(rng.choices(chars, k=MAX_LINE_CHARS - 1)) for _ in range(100))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _outcome(detail: dict[str, str]) -> str:
    return detail["code"] if detail["status"] == "failed" else detail["status"]


def _outcomes(details: list[dict[str, str]]) -> str:
    counts = Counter(_outcome(d) for d in details)
    return ", ".join(f"{name} {n}" for name, n in counts.most_common())


def main() -> None:
    """Run the benchmark and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=3, help="size of the set (tests use 1)")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
        f" · {time.strftime('%Y-%m-%d')} · scale {args.scale}"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        inputs = generate(tmp / "set", scale=args.scale)
        bomb = tmp / "set" / "tree" / "zip-bomb" / "1.1GB.docx"
        _big_bomb(bomb)
        inputs.append(Hostile(bomb, "zip-bomb", frozenset({"unpacked-too-large"})))
        print(
            f"\n{len(inputs):,} inputs generated in {time.perf_counter() - started:.0f} s; "
            f"the 1.1 GB bomb is {bomb.stat().st_size / 1048576:.1f} MB"
        )
        base = tmp / "base.db"
        samples = _import(base, SAMPLES, tmp)
        draft = tmp / "draft.txt"
        report = (ROOT / "samples" / "reports" / "2024年政府工作报告.txt").read_text("utf-8")
        draft.write_text("\n".join(report.splitlines()[10:40]), encoding="utf-8")
        check_before = _check(base, draft, tmp)
        print("\n| class | inputs | report lines | outcomes | s | peak RSS MB |")
        print("|---|---:|---:|---|---:|---:|")
        print(
            f"| (the samples alone) | {len(SAMPLES)} folders | {len(samples.details)} | | "
            f"{samples.seconds:.1f} | {samples.peak:.0f} |"
        )
        for kind in CLASSES:
            mine = [h for h in inputs if h.kind == kind]
            db = tmp / f"{kind}.db"
            shutil.copy(base, db)
            paths = [tmp / "set" / "tree" / kind, *(h.path for h in mine if h.named)]
            run = _import(db, [p for p in paths if os.path.lexists(p)], tmp)
            print(
                f"| {kind} | {len(mine)} | {len(run.details)} | {_outcomes(run.details)} | "
                f"{run.seconds:.1f} | {run.peak:.0f} |"
            )
        db = tmp / "all.db"
        shutil.copy(base, db)
        named = [h.path for h in inputs if h.named]
        run = _import(db, [tmp / "set" / "tree", *named], tmp)
        print(
            f"| **all at once** | {len(inputs)} | {len(run.details)} | | {run.seconds:.1f} | "
            f"{run.peak:.0f} |"
        )
        internal = sum(1 for d in run.details if _outcome(d) == "internal")
        print(
            f"\nall at once: exit {run.code}, tracebacks {run.err.count('Traceback')}, internal "
            f"errors {internal}, stderr {len(run.err)} characters"
        )
        print("\n| outcome | report lines |\n|---|---:|")
        for name, n in Counter(_outcome(d) for d in run.details).most_common():
            print(f"| {name} | {n} |")
        reported = {d["path"].split(".zip!")[0] for d in run.details}
        reported |= {p.removesuffix(".zip") for p in reported}
        lost = [h for h in inputs if display(h.path).removesuffix(".zip") not in reported]
        print(f"\ninputs without a report line: {len(lost)}")
        check_after = _check(db, draft, tmp)
        limits = tmp / "limits" / "at-limits.txt"
        limits.parent.mkdir()
        _at_limits(limits)
        assert len(limits.read_text(encoding="utf-8")) == MAX_TEXT_CHARS
        shutil.copy(base, tmp / "limits.db")
        alone = _import(tmp / "limits.db", [limits], tmp)
        print(
            f"\none text at the limits (10,000,000 characters in lines of 100,000): "
            f"{_outcomes(alone.details)}, {alone.seconds:.1f} s, peak RSS {alone.peak:.0f} MB"
        )
        line = tmp / "limits" / "line.txt"
        phrase = "营商环境是发展的基础，必须持续优化营商环境，".encode()
        line.write_bytes(phrase * (50 * 1024 * 1024 // len(phrase)))
        alone = _import(tmp / "limits.db", [line], tmp)
        print(
            f"one line of 50 MB: {_outcomes(alone.details)}, {alone.seconds:.1f} s, "
            f"peak RSS {alone.peak:.0f} MB"
        )
        print("\n| 查重 of a 30-line draft | s | peak RSS MB |\n|---|---:|---:|")
        print(f"| samples only | {check_before[0]:.1f} | {check_before[1]:.0f} |")
        print(f"| after the hostile import | {check_after[0]:.1f} | {check_after[1]:.0f} |")


if __name__ == "__main__":
    main()
