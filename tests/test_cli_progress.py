"""The import's progress line in a real terminal (a pseudo-terminal of 100 columns) stays one
line with Chinese file names (issue 21): Click's bar counted characters, not columns."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import unicodedata
from typing import TYPE_CHECKING

from sucai.cli.progress import display_width, fit

if TYPE_CHECKING:
    from pathlib import Path

COLUMNS = 100
NAME = "关于进一步加强和改进新时代基层社会治理工作推动高质量发展的实施意见（征求意见稿）"


def _columns(text: str) -> int:
    """Columns on a terminal, counted apart from the code under test."""
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
        for c in text
    )


def _run_in_terminal(args: list[str], cwd: Path) -> str:
    """Run ``args`` with a 100-column pseudo-terminal as its standard error: what it drew."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, cwd=cwd, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.communicate(timeout=120)
    os.close(master)
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8")


def test_the_import_progress_line_fits_a_100_column_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "各地各部门报送的材料汇总（2025年第四季度）"
    folder.mkdir()
    for n in range(25):
        (folder / f"{NAME}第{n:02d}号.txt").write_text(
            f"关于第{n}号事项的通知\n\n各单位要认真落实第{n}项工作部署，按时报送进展情况。",
            encoding="utf-8",
        )
    drawn = _run_in_terminal(
        [sys.executable, "-m", "sucai", "import", "--db", str(tmp_path / "x.db"), folder.name],
        tmp_path,
    )
    bar = [line for line in re.split(r"[\r\n]", drawn) if line.startswith("导入")]
    assert len(bar) == 25, drawn
    assert bar[-1].startswith("导入  [" + "#" * 30 + "]  25/25  …")
    assert "第24号.txt" in bar[-1]
    for line in bar:
        assert _columns(line) == COLUMNS - 1, line  # the whole line, never wrapped
    # The file lines are redrawn in place: nothing but the bar before the summary.
    assert drawn.count("\n") <= drawn[drawn.rindex("导入") :].count("\n")


def test_fit_keeps_a_names_end_within_its_columns() -> None:
    assert fit("报告.txt", 8) == "报告.txt"
    assert fit("工作报告.txt", 8) == "…告.txt"
    assert display_width("…告.txt") == 7
    assert fit("ab", 1) == ""
    assert display_width("e\u0301中") == 3
