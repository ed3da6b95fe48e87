"""Named layouts of the Word export (issue 5): GB/T 9704-2012 and local office variants.

A template holds only numbers and font names; :mod:`sucai.export.docx` applies them. Offices
differ in line spacing (28/29/30 pt) and in the font names their machines have (仿宋 or
仿宋_GB2312), so each variant says what it changes from ``gbt9704``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Final

from sucai.errors import UserError
from sucai.i18n import N_

__all__ = ["DEFAULT_TEMPLATE", "TEMPLATES", "DocxTemplate", "get_template"]

_MM_PER_PT: Final = 25.4 / 72


@dataclass(frozen=True, slots=True)
class DocxTemplate:
    """The layout of an exported .docx.

    Attributes:
        name: how ``--template`` names it.
        changes: one line saying what it changes from GB/T 9704-2012 (for ``--template list``).
        margins_mm: ``(top, bottom, left, right)`` page margins in millimetres (A4 page).
        lines_per_page: lines of body text in the type area (版心).
        chars_per_line: characters of 3号 body text per line.
        line_pitch_pt: fixed line spacing in points; ``None`` = the type-area height divided
            by ``lines_per_page`` (rounded down to a twip, 28.95 pt for GB/T).
        body_font, title_font, h1_font, h2_font, h3_font, subtitle_font, page_number_font:
            East-Asian font names (written to all four ``w:rFonts`` slots).
        alt_fonts: what Word may use when a font is missing (``w:altName`` in the font table).
        grid: ``w:docGrid/@w:type``. ``"lines"`` (default): a line grid, and body characters
            condensed to 28 a line. ``"linesAndChars"``: Word's character grid (``charSpace``);
            exact in Word and WPS, but LibreOffice gives each 3号 character two grid cells
            (14 a line), so it is a variant, not the default.
        body_pt, title_pt, page_number_pt: font sizes in points (3号 16, 2号 22, 4号 14).
    """

    name: str
    changes: str
    margins_mm: tuple[float, float, float, float] = (37.0, 35.0, 28.0, 26.0)
    lines_per_page: int = 22
    chars_per_line: int = 28
    line_pitch_pt: float | None = None
    body_font: str = "仿宋"
    title_font: str = "方正小标宋简体"
    h1_font: str = "黑体"
    h2_font: str = "楷体"
    h3_font: str = "仿宋"
    subtitle_font: str = "楷体"
    page_number_font: str = "宋体"
    alt_fonts: dict[str, str] = field(
        default_factory=lambda: {
            "方正小标宋简体": "小标宋",
            "仿宋": "仿宋_GB2312",
            "楷体": "楷体_GB2312",
            "黑体": "SimHei",
            "宋体": "SimSun",
            "仿宋_GB2312": "仿宋",
            "楷体_GB2312": "楷体",
        }
    )
    grid: str = "lines"
    body_pt: float = 16.0
    title_pt: float = 22.0
    page_number_pt: float = 14.0

    @property
    def type_area_mm(self) -> tuple[float, float]:
        """Width and height of the type area (版心) on A4, in millimetres."""
        top, bottom, left, right = self.margins_mm
        return 210.0 - left - right, 297.0 - top - bottom

    @property
    def title_chars(self) -> float:
        """How many title characters a line of the type area holds (20.1 for GB/T)."""
        return self.type_area_mm[0] / _MM_PER_PT / self.title_pt

    @property
    def line_twips(self) -> int:
        """The fixed line spacing in twips (1/20 pt)."""
        if self.line_pitch_pt is not None:
            return round(self.line_pitch_pt * 20)
        height_pt = self.type_area_mm[1] / _MM_PER_PT
        return int(height_pt * 20 / self.lines_per_page)

    @property
    def condense_twips(self) -> int:
        """Character spacing of body runs (``w:spacing/@w:val``, twips; ≤ 0).

        With a ``linesAndChars`` grid Word and WPS fit 28 characters a line themselves, so
        nothing is condensed. With a line grid (the default) each character is condensed
        just enough for 28 to fit, which every word processor honours alike.
        """
        if self.grid == "linesAndChars":
            return 0
        pitch_pt = self.type_area_mm[0] / _MM_PER_PT / self.chars_per_line
        return min(0, math.floor((pitch_pt - self.body_pt) * 20) - 1)

    @property
    def char_space(self) -> int:
        """``w:docGrid/@w:charSpace``: (character pitch − body size) × 4096, in points."""
        pitch_pt = self.type_area_mm[0] / _MM_PER_PT / self.chars_per_line
        return round((pitch_pt - self.body_pt) * 4096)


DEFAULT_TEMPLATE: Final = "gbt9704"

TEMPLATES: Final[dict[str, DocxTemplate]] = {
    t.name: t
    for t in (
        DocxTemplate(
            "gbt9704",
            "GB/T 9704-2012: A4, margins 37/35/28/26 mm, 22 lines × 28 characters (line grid "
            "28.95 pt), 3号仿宋 body, 2号小标宋 title, 黑体/楷体/仿宋 headings, 4号 page numbers.",
        ),
        DocxTemplate(
            "compact",
            "gbt9704 with 28 pt fixed line spacing (offices that set 固定值28磅).",
            line_pitch_pt=28.0,
        ),
        DocxTemplate(
            "loose",
            "gbt9704 with 30 pt fixed line spacing and 21 lines (固定值30磅).",
            lines_per_page=21,
            line_pitch_pt=30.0,
        ),
        DocxTemplate(
            "word-grid",
            "gbt9704 with Word's character grid (linesAndChars, charSpace) instead of condensed "
            "characters: exact in Word and WPS; LibreOffice shows 14 characters a line.",
            grid="linesAndChars",
        ),
        DocxTemplate(
            "gb2312",
            "gbt9704 with the font names of older office machines: 仿宋_GB2312, "
            "楷体_GB2312 (Windows XP-era installs, many WPS setups).",
            body_font="仿宋_GB2312",
            h2_font="楷体_GB2312",
            h3_font="仿宋_GB2312",
            subtitle_font="楷体_GB2312",
        ),
    )
}


def get_template(name: str | None) -> DocxTemplate:
    """The template called ``name`` (``None``: :data:`DEFAULT_TEMPLATE`).

    Raises:
        UserError: no template has this name (the message lists them).
    """
    found = TEMPLATES.get(name or DEFAULT_TEMPLATE)
    if found is None:
        raise UserError.of(
            N_(
                "no export template '{name}'. Choose one of: {choices} "
                "(sucai export --template list describes them)."
            ),
            name=name,
            choices=tuple(TEMPLATES),
        )
    return replace(found)
