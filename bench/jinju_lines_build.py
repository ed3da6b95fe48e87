"""Build ``src/sucai/classics/lines.txt``, the well-known classical lines 金句 are matched
against (issue 20), from a snapshot of the chinese-poetry project (MIT licence).

    git clone https://github.com/chinese-poetry/chinese-poetry /tmp/chinese-poetry
    .venv/bin/python -m bench.jinju_lines_build /tmp/chinese-poetry

Reads the curated anthologies of :data:`SOURCES` only — primers (蒙学), the Four Books,
诗经, 楚辞, 唐诗三百首, 千家诗, 宋词三百首, 古文观止 … — not the full dumps of 全唐诗 and
全宋词 (300,000 poems: their obscure lines are not "famous"), nor the pairing drills of
声律启蒙 (云对雨，雪对风: exercises, not sayings), 文字蒙求 or 百家姓. The text of each poem or
passage (never titles, notes, abstracts or commentaries) is cut into sentences at 。！？；：
and quotation marks, each sentence into clauses at ，、 and spaces; every clause is folded
(traditional → simplified, :func:`sucai.search.fold.fold`) and kept to its Chinese
characters. A sentence is written when it has seven characters or more: its clauses joined
by ，, one a line, sorted, without repeats. Run by hand; never at import or test time.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from sucai.search.fold import fold

OUT = Path(__file__).resolve().parent.parent / "src" / "sucai" / "classics" / "lines.txt"

#: The anthologies read, as paths in the snapshot.
SOURCES: tuple[str, ...] = (
    "蒙学/zengguangxianwen.json",  # 增广贤文
    "蒙学/qianjiashi.json",  # 千家诗
    "蒙学/tangshisanbaishou.json",  # 唐诗三百首
    "蒙学/sanzijing-new.json",  # 三字经
    "蒙学/qianziwen.json",  # 千字文
    "蒙学/dizigui.json",  # 弟子规
    "蒙学/zhuzijiaxun.json",  # 朱子家训
    "蒙学/youxueqionglin.json",  # 幼学琼林 (sayings and allusions: 桃李不言，下自成蹊)
    "蒙学/guwenguanzhi.json",  # 古文观止
    "论语/lunyu.json",
    "四书五经/mengzi.json",
    "四书五经/daxue.json",
    "四书五经/zhongyong.json",
    "诗经/shijing.json",
    "楚辞/chuci.json",
    "宋词/宋词三百首.json",
    "曹操诗集/caocao.json",
    "五代诗词/nantang/poetrys.json",  # 南唐二主词 (李煜)
)

#: Primers whose every string is one four-character clause: read two by two (天地玄黄，宇宙洪荒).
PAIRED: frozenset[str] = frozenset({"蒙学/qianziwen.json"})
#: The keys whose values are the text of a poem or passage.
TEXT_KEYS = frozenset({"paragraphs", "content", "para"})
#: The shortest sentence written (a pair of four-character clauses at least, or a 七言 line).
MIN_LINE = 7

_SENTENCE = re.compile(r"[。！？；：“”‘’「」『』!?;:\n]")
_CLAUSE = re.compile(r"[，、,\s]+")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff]")


def texts(node: Any, *, inside: bool = False) -> list[str]:
    """The strings of ``node`` under a text key (a list of strings or a string), in order."""
    if isinstance(node, str):
        return [node] if inside else []
    if isinstance(node, list):
        return [t for item in node for t in texts(item, inside=inside)]
    if isinstance(node, dict):
        return [t for key, value in node.items() for t in texts(value, inside=key in TEXT_KEYS)]
    return []


def lines(text: str) -> list[str]:
    """The folded sentences of ``text`` of :data:`MIN_LINE` characters or more, clauses
    joined by ，."""
    out = []
    for sentence in _SENTENCE.split(text):
        clauses = [_NOT_HAN.sub("", fold(c)) for c in _CLAUSE.split(sentence)]
        clauses = [c for c in clauses if c]
        if sum(map(len, clauses)) >= MIN_LINE:
            out.append("，".join(clauses))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", type=Path, help="a git clone of chinese-poetry")
    args = parser.parse_args(argv)
    git = ["git", "-C", str(args.snapshot)]
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    found: set[str] = set()
    for path in SOURCES:
        data = subprocess.run(
            [*git, "show", f"HEAD:{path}"], capture_output=True, check=True
        ).stdout
        strings = texts(json.loads(data))
        if path in PAIRED:
            strings = ["，".join(strings[i : i + 2]) for i in range(0, len(strings), 2)]
        for text in strings:
            found.update(lines(text))
    header = [
        "# Well-known classical lines, matched against the sentences of a paragraph to find",
        "# quotations without marks or a cue (sucai.jinju, issue 20).",
        "# Source: the chinese-poetry project, https://github.com/chinese-poetry/chinese-poetry",
        f"# commit {commit},",
        "# MIT licence (Copyright (c) 2016 JackeyGao: see NOTICE beside this file).",
        "# Its curated anthologies only (not 声律启蒙's pairing drills, 文字蒙求, 百家姓",
        "# nor the full dumps of 全唐诗 and 全宋词):",
        *(f"#   {path}" for path in SOURCES),
        "# Built by bench/jinju_lines_build.py: each sentence of a poem or passage (cut at",
        "# 。！？；： and quotation marks) of 7 characters or more, folded to simplified",
        "# characters (sucai.search.fold), Chinese characters only, clauses joined by ，;",
        "# sorted, without repeats.",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join([*header, *sorted(found)]) + "\n", encoding="utf-8")
    print(f"{len(found)} lines, {OUT.stat().st_size:,} bytes → {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
