"""提法 over time (issue 20): counts per year, source and 文种 equal a brute-force count with
``str.count`` over the stored paragraphs; a visitor's counts are of the free text alone."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli
from sucai.errors import UserError
from tests.conftest import CORPUS, SEED

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library

REPORTS = CORPUS / "reports" / "state_council"
PHRASES = ("高质量发展", "新质生产力", "供给侧结构性改革", "营商环境", "发展")
LAW = CORPUS / "laws" / "DLC" / "上海地方法规" / "地方性法规" / "上海"


#: A dated speech whose paid part uses 高质量发展 twice and 新质生产力 once.
PAID = """关于推动高质量发展的讲话
（2024年3月1日）

同志们：今天我们研究高质量发展工作。

##paidbegin##

要坚定不移推动高质量发展，以高质量发展的新成效回应人民期待。新质生产力是关键。

##paidend##
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The state council's reports of 2010–2025, the seed and a dated speech with a paid
    part in one library."""
    if not REPORTS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    files = sorted(p for p in REPORTS.glob("0[0-2]*_20*.txt"))
    folder = tmp_path_factory.mktemp("tifa")
    speech = folder / "speech.txt"
    speech.write_text(PAID, encoding="utf-8")
    with open_library(folder / "lib.db") as library:
        report = library.ingest([*files, SEED, speech])
        assert not report.failed
        yield library


def _brute(library: Library, phrase: str, *, paid: bool) -> dict[str, Counter[object]]:
    """Uses and characters per year, source and 文种, by ``str.count`` over every stored
    paragraph (free ones only unless ``paid``)."""
    uses: Counter[object] = Counter()
    chars: Counter[object] = Counter()
    for article in library.articles():
        if article.year is None:
            continue
        source = article.sources[0].path.split("/")[-2] if article.sources else ""
        for p in article.paragraphs:
            if paid or not p.paid:
                for key in (article.year, ("source", source), ("genre", article.genre)):
                    uses[key] += p.text.count(phrase)
                    chars[key] += len(p.text)
    return {"uses": uses, "chars": chars}


@pytest.mark.parametrize("paid", [True, False])
@pytest.mark.parametrize("phrase", PHRASES)
def test_counts_per_year_equal_a_brute_force_count_of_the_stored_text(
    reports: Library, phrase: str, paid: bool
) -> None:
    (tifa,) = reports.tifa([phrase], paid=paid)
    gold = _brute(reports, phrase, paid=paid)
    years = [y for y in gold["chars"] if isinstance(y, int)]
    assert [(r.key, r.uses, r.chars) for r in tifa.rows] == [
        (y, gold["uses"][y], gold["chars"][y]) for y in sorted(years)
    ]
    used = [y for y in sorted(years) if gold["uses"][y]]
    assert (tifa.first, tifa.last) == ((used[0], used[-1]) if used else (None, None))
    assert tifa.uses == sum(gold["uses"][y] for y in years)
    for row in tifa.rows:
        assert row.per_million == pytest.approx(row.uses * 1e6 / row.chars)
        assert sum(u for _, u, _ in row.by_source) == row.uses
        assert sum(c for _, _, c in row.by_genre) == row.chars


@pytest.mark.parametrize("by", ["source", "genre"])
def test_counts_per_source_and_genre_equal_a_brute_force_count(reports: Library, by: str) -> None:
    (tifa,) = reports.tifa(["高质量发展"], by=by)
    gold = _brute(reports, "高质量发展", paid=True)
    assert {(r.key, r.uses, r.chars) for r in tifa.rows} == {
        (name, gold["uses"][(kind, name)], chars)
        for (kind, name), chars in (
            (k, c) for k, c in gold["chars"].items() if isinstance(k, tuple)
        )
        if kind == by
    }
    assert [r.uses for r in tifa.rows] == sorted((r.uses for r in tifa.rows), reverse=True)


def test_a_visitor_counts_nothing_of_the_paid_text(reports: Library) -> None:
    """The speech's paid part uses 高质量发展 twice: members count it, a visitor's counts and
    characters are those of the free text alone."""
    (member,) = reports.tifa(["高质量发展"])
    (visitor,) = reports.tifa(["高质量发展"], paid=False)
    paid_text = "要坚定不移推动高质量发展，以高质量发展的新成效回应人民期待。新质生产力是关键。"
    assert member.uses - visitor.uses == 2
    assert sum(r.chars for r in member.rows) - sum(r.chars for r in visitor.rows) == len(paid_text)


def test_several_phrases_come_back_in_order_and_bad_input_is_refused(reports: Library) -> None:
    found = reports.tifa(["新质生产力", " 高质量发展 ", "新质生产力"])
    assert [t.phrase for t in found] == ["新质生产力", "高质量发展"]
    assert found[0].first == 2024  # the 2024 report and speech are the first to use it
    (free,) = reports.tifa(["新质生产力"], paid=False)
    assert free.uses == found[0].uses - 1
    with pytest.raises(UserError, match="give a phrase"):
        reports.tifa([" "])
    with pytest.raises(UserError, match="at most 8 phrases"):
        reports.tifa([f"词{n}" for n in range(9)])
    with pytest.raises(UserError, match="--by must be one of year, source, genre"):
        reports.tifa(["发展"], by="month")


def test_a_law_counts_in_the_year_of_its_latest_revision(tmp_path: Path) -> None:
    """上海市科学技术进步条例: passed 1996, revised 2010 and 2024 (its header says so); only the
    2024 text speaks of 新质生产力."""
    if not LAW.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    with open_library(tmp_path / "lib.db") as library:
        library.ingest(sorted(LAW.glob("上海市科学技术进步条例*.md")))
        (tifa,) = library.tifa(["新质生产力"])
        assert (tifa.first, tifa.last) == (2024, 2024)


def test_sucai_tifa_prints_a_table_and_json(tmp_path: Path) -> None:
    """Two speeches: 30 characters of 2023 with 新质生产力 twice, 26 of 2024 with each phrase
    once (counted by hand)."""
    for name, text in (
        (
            "a.txt",
            "关于培育新质生产力的讲话\n（2023年5月1日）\n\n我们要培育新质生产力，发展新质生产力。\n",
        ),
        ("b.txt", "关于高质量发展的讲话\n（2024年6月1日）\n\n新质生产力是高质量发展的关键。\n"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = str(tmp_path / "lib.db")
    runner = CliRunner()
    for name in ("a.txt", "b.txt"):  # one at a time: a batch drops lines its files share
        assert runner.invoke(cli, ["import", "--db", db, str(tmp_path / name)]).exit_code == 0
    result = runner.invoke(cli, ["tifa", "--db", db, "新质生产力", "高质量发展"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "新质生产力: 3 uses, first 2023, last 2024\n"
        "高质量发展: 1 uses, first 2024, last 2024\n"
        "\n"
        "year  chars  新质生产力 uses  新质生产力 /百万字  高质量发展 uses  高质量发展 /百万字\n"
        "2023     30                2            66666.67                0                0.00\n"
        "2024     26                1            38461.54                1            38461.54\n"
    )
    result = runner.invoke(cli, ["tifa", "--db", db, "新质生产力", "--by", "genre", "--json"])
    (phrase,) = json.loads(result.output)["phrases"]
    assert phrase["rows"] == [
        {
            "key": "讲话",
            "uses": 3,
            "chars": 56,
            "per_million": round(3e6 / 56, 3),
            "by_source": [[tmp_path.name, 3, 56]],
            "by_genre": [["讲话", 3, 56]],
        }
    ]
    result = runner.invoke(cli, ["tifa", "--db", db, " "])
    assert result.exit_code == 1
    assert result.output == "Error: give a phrase to count, e.g. sucai tifa 新质生产力\n"


def test_check_hygiene_warns_of_tifa_the_newest_material_no_longer_uses(tmp_path: Path) -> None:
    """Speeches of 2020–2024: “三去一降一补” in 2020–2022 only (stale: 2023–2024 lack it),
    新质生产力 in 2024 (current), 放管服 in 2021 only but twice (fewer than three uses)."""
    speeches = {
        2020: "我们要扎实推进“三去一降一补”，深化改革。",
        2021: "继续推进“三去一降一补”，深化“放管服”改革，“放管服”成效明显。",
        2022: "“三去一降一补”取得成效。",
        2023: "经济运行总体平稳。",
        2024: "加快培育新质生产力，经济运行总体平稳。",
    }
    runner = CliRunner()
    db = str(tmp_path / "lib.db")
    for year, text in speeches.items():
        path = tmp_path / f"{year}.txt"
        path.write_text(f"{year}年工作讲话\n（{year}年3月1日）\n\n{text}\n", encoding="utf-8")
        assert runner.invoke(cli, ["import", "--db", db, str(path)]).exit_code == 0
    draft = tmp_path / "draft.txt"
    draft.write_text("抓好“三去一降一补”，深化“放管服”改革。\n培育新质生产力。\n", encoding="utf-8")
    result = runner.invoke(cli, ["check-hygiene", str(draft), "--stale-tifa", "--db", db])
    assert result.exit_code == 1
    assert result.output == (
        f"{draft}:1:4: stale-tifa: 提法“三去一降一补”：库中最新材料（2023–2024 年）已不再使用，"
        "最后见于 2022 年（此前共 3 次）。请核对是否仍是现行提法。\n"
        f"1 findings in {draft}.\n"
    )
    clean = runner.invoke(cli, ["check-hygiene", str(draft)])
    assert (clean.exit_code, clean.output) == (0, f"{draft}: clean.\n")


@pytest.mark.parametrize(
    ("years", "line"),
    [
        ((2018, 2019), "No uses in 2018."),
        ((2016, 2017, 2018, 2019), "No uses in 2016–2018."),
        ((2018, 2019), "2018年未见使用。"),
        ((2016, 2017, 2018, 2019), "2016—2018年均未见使用。"),
    ],
)
def test_sucai_tifa_names_the_years_before_the_first_use(
    tmp_path: Path, years: tuple[int, ...], line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Speeches of each year, the last one alone using the phrase: the years before are named
    once, a single year as one year (not 2018–2018)."""
    if "年" in line:
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    runner = CliRunner()
    db = str(tmp_path / "lib.db")
    for year in years:
        body = "我们要优化营商环境。" if year == years[-1] else "我们要抓好春耕生产。"
        path = tmp_path / f"{year}.txt"
        path.write_text(f"关于工作的讲话\n（{year}年5月1日）\n\n{body}\n", encoding="utf-8")
        assert runner.invoke(cli, ["import", "--db", db, str(path)]).exit_code == 0
    result = runner.invoke(cli, ["tifa", "--db", db, "营商环境"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == line
    assert str(years[-1]) in result.output.splitlines()[-1]
    if "年" in line:  # the headline and the headings follow the locale too
        last = years[-1]
        assert result.output.splitlines()[0] == f"营商环境：共 1 次，最早 {last} 年，最近 {last} 年"
        heads = ["年份", "字数", "营商环境", "次数", "营商环境", "/百万字"]
        assert result.output.splitlines()[3].split() == heads
