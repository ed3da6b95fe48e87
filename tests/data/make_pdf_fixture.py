"""Write tests/data/report.pdf: a hard-wrapped 公文 in A4 pages, for the PDF parser tests.

Run ``.venv/bin/python tests/data/make_pdf_fixture.py`` to rebuild it. Every page has the
running header 某某市人民政府文件 and a centred page number "— N —"; body lines are wrapped at a
fixed width (28 characters of 16 pt, the 公文 standard) and one paragraph runs across a page
break. The text uses reportlab's built-in CID font STSong-Light, so it is a real text layer
(the font is referenced, not embedded, which keeps the file small).
"""

from __future__ import annotations

import re
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
SIZE = 16.0
LEADING = 28.0
LEFT, RIGHT = 79.0, 74.0
TOP, BOTTOM = 760.0, 100.0
HEADER = "某某市人民政府文件"
TITLE = "某某市人民政府关于推进数字政府建设的实施意见"
SIGNATURE = ("某某市人民政府", "2024年3月1日")
PARAGRAPHS = (
    "各区人民政府，市政府各委、办、局：",
    "为深入贯彻落实党中央、国务院关于加强数字政府建设的决策部署，全面提升政府履职的数字化、"
    "智能化水平，推动政务服务从“能办”向“好办、易办”转变，结合本市实际，提出如下实施意见。",
    "一、总体要求",
    "坚持以人民为中心的发展思想，坚持系统观念和问题导向，统筹发展和安全，以数据赋能为主线，"
    "以数字化改革撬动各领域改革，"
    "以改革创新为动力，加快构建协同高效的政府数字化履职能力体系。到2025年，政务服务事项网上"
    "可办率达到98%以上，“一网通办”“一网统管”“一网协同”能力显著增强，建成全市统一的数据共享"
    "交换平台和政务云平台，数字政府建设走在全省前列。",
    "二、主要任务",
    "（一）推进政务服务一体化。",
    "依托全市一体化政务服务平台，推动线上线下深度融合，实现政务服务事项“一次登录、全网通办”。"
    "全面推行告知承诺、容缺受理和“免证办”，企业开办时间压缩至1个工作日以内，工程建设项目审批"
    "时间压缩至60个工作日以内。加快推进“高效办成一件事”，围绕企业和群众全生命周期，梳理集成"
    "一批高频事项，推动跨部门、跨层级、跨区域业务协同办理，让数据多跑路、群众少跑腿。",
    "（二）强化数据共享开放。",
    "建立健全数据资源目录和责任清单制度，推动公共数据按需共享、有序开放。依托城市大数据中心，"
    "汇聚人口、法人、空间地理、电子证照等基础数据库，提升数据治理能力，保障数据质量和安全。"
    "稳步扩大公共数据开放范围，鼓励社会力量开发利用公共数据资源，培育数据要素市场，释放数据"
    "价值，为经济社会高质量发展提供有力支撑。",
    "（三）提升“一网统管”水平。",
    "整合城市运行管理各类系统资源，建设城市运行管理服务平台，推动城市管理、应急指挥、生态环境、"
    "交通运输等领域业务协同和数据联动，实现城市运行态势一屏感知、风险隐患一网研判、应急事件"
    "一体处置。健全基层治理数字化支撑体系，推动治理重心下移、资源下沉，提高城市治理的精细化、"
    "智能化水平。",
    "（四）筑牢数字安全屏障。",
    "严格落实网络安全工作责任制，健全数据分类分级保护制度，加强关键信息基础设施安全防护，定期"
    "开展风险评估和应急演练，提升网络安全态势感知和事件处置能力，切实保障政务数据和个人信息"
    "安全。",
    "三、保障措施",
    "各区、各部门要把数字政府建设摆在突出位置，加强组织领导，健全工作机制，明确责任分工，"
    "加大资金保障力度，加强专业人才队伍建设，定期开展评估检查，确保各项任务落地见效。",
)
pdfmetrics.registerFont(UnicodeCIDFont(FONT))  # wrap() measures text in it

_TOKEN = re.compile(r"[A-Za-z0-9.%]+|.")
_NO_LINE_START = set("，。、；：？！”）》%")


def wrap(text: str, width: float) -> list[str]:
    """Greedy wrap by rendered width; Latin/number runs stay whole, punctuation may hang."""
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        fits = pdfmetrics.stringWidth(line + token, FONT, SIZE) <= width
        if fits or not line or token in _NO_LINE_START:
            line += token
        else:
            lines.append(line)
            line = token
    return [*lines, line]


def layout() -> list[list[tuple[int, str, float]]]:
    """Body lines per page as ``(paragraph index, text, x)``; index 0 is the first paragraph."""
    width = A4[0] - LEFT - RIGHT
    indent = 2 * SIZE
    lines: list[tuple[int, str, float]] = []
    for index, paragraph in enumerate(PARAGRAPHS):
        if index == 0:  # the addressee line (主送机关) is not indented
            lines.extend((index, text, LEFT) for text in wrap(paragraph, width))
            continue
        first, *rest = wrap(paragraph, width - indent)
        lines.append((index, first, LEFT + indent))
        rest_text = "".join(rest)
        lines.extend((index, text, LEFT) for text in wrap(rest_text, width) if rest_text)
    per_page = int((TOP - BOTTOM) // LEADING)
    pages = [lines[: per_page - 2]]  # the title and the space under it take two lines
    rest = lines[per_page - 2 :]
    pages.extend(rest[i : i + per_page] for i in range(0, len(rest), per_page))
    return pages


def expected_paragraphs() -> list[str]:
    """The paragraphs a perfect extraction gives back, in order."""
    return [TITLE, *PARAGRAPHS, *SIGNATURE]


def main(path: Path) -> None:
    """Draw the pages into ``path``."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=True)
    pdf.setTitle(TITLE)
    pages = layout()
    centre = A4[0] / 2
    for number, lines in enumerate(pages, 1):
        pdf.setFont(FONT, 12)
        pdf.drawCentredString(centre, 800, HEADER)
        y = TOP
        if number == 1:
            pdf.setFont(FONT, 22)
            pdf.drawCentredString(centre, y, TITLE)
            y -= 2 * LEADING
        pdf.setFont(FONT, SIZE)
        for _, text, x in lines:
            pdf.drawString(x, y, text)
            y -= LEADING
        if number == len(pages):
            y -= LEADING
            for text in SIGNATURE:
                pdf.drawRightString(A4[0] - RIGHT - 2 * SIZE, y, text)
                y -= LEADING
        pdf.setFont(FONT, 14)
        pdf.drawCentredString(centre, 50, f"— {number} —")
        pdf.showPage()
    pdf.save()


if __name__ == "__main__":
    main(Path(__file__).with_name("report.pdf"))
