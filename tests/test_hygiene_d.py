"""D for 党 restored only beyond doubt (issue 16 item 10): traps, positives and the corpus.

The positives are sanitised sentences as material shops write them; the traps are real uses of
the letter D (lettered lists and options, labels such as 附件D, parties in legal text, grades,
vitamins, Latin words, codes, roman numerals, model names). Both lists are hand-written from
how the words are used, not from sucai's output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai.hygiene import find_issues, restore_text

if TYPE_CHECKING:
    from pathlib import Path

POSITIVES = (
    "全体D员要牢记初心使命",
    "深入学习贯彻D的二十大精神",
    "坚持管D治D，全面从严治D",
    "全面从严治D永远在路上",
    "从严治D，D和国家事业发展全局",
    "D兴方能国强，这是历史的结论",
    "中国共产D是领导我们事业的核心力量",
    "加强D支部标准化规范化建设",
    "持之以恒推进D风廉政建设和反腐败斗争",
    "以同志为核心的D中央坚强领导",
    "坚持D对一切工作的领导",
    "坚持和加强D的全面领导",
    "县委D校举办中青年干部培训班",
    "认真开展D史学习教育",
    "重温入D誓词，牢记初心使命",
    "增强D性修养，锤炼过硬作风",
    "严守D的政治纪律和政治规矩",
    "按时足额交纳D费",
    "学习D章、遵守D章、贯彻D章、维护D章",
    "严肃D内政治生活",
    "加强D内监督",
    "推动全D全国各族人民团结奋斗",
    "我们D始终代表最广大人民根本利益",
    "这是我D的政治优势",
    "立D为公、执政为民",
    "国有企业D委书记、董事长",
    "社区D组织书记",
    "机关D支部书记讲D课",
    "D组书记、局长",
    "召开D组（扩大）会议",
    "发挥D员先锋模范作用",
    "永葆D的先进性和纯洁性",
    "跟D走、听D话",
    "爱D爱国爱人民",
    "深化D的自我革命",
    "党员干部要对D忠诚",
    "D的十八大以来，D中央高度重视",
    "在D的旗帜下团结奋斗",
    "把D的领导落实到各领域各方面",
    "D纪国法不容触碰",
    "严明D的纪律",
    "D群干群关系更加密切",
    "建D百年来的光辉历程",
    "发展D员工作规范有序",
    "D政机关要带头",
    "一线D员冲锋在前",
    "学习型D组织建设",
    "D代会报告提出",
    "增强对D的忠诚",
    "把D和人民的事业推向前进",
    "D和政府高度重视",
    "推进D的建设新的伟大工程",
    "落实全面从严治D主体责任",
    "Ｄ员干部要带头",
)
#: Positives the rule leaves alone on purpose: 是D在 (too common a letter pattern), a ``D``
#: before a closing bracket (（D组）) and a ``D`` beside digits (建D100周年, like D2 or 3D).
MISSED = (
    "基层D组织是D在社会基层组织中的战斗堡垒",
    "各级D委（D组）要切实履行主体责任",
    "庆祝建D100周年",
)
TRAPS = (
    ("lists", "A、B、C、D四个选项中只有一个正确"),
    ("lists", "下列说法正确的是：A.甲 B.乙 C.丙 D的说法不全面"),
    ("lists", "本题选C，D的表述有误"),
    ("lists", "A组和D组的比赛结果"),
    ("lists", "分为A、B、C、D四级"),
    ("lists", "A类、B类、C类和D类"),
    ("lists", "D、E两类企业"),
    ("lists", "A、B、C、D组成员名单"),
    ("lists", "甲方A与乙方D的合同约定"),
    ("lists", "从A到D的顺序排列"),
    ("labels", "详见附件D的说明"),
    ("labels", "如图D的曲线所示"),
    ("labels", "附表D的数据"),
    ("labels", "方案D的成本较高"),
    ("labels", "预案D的启动条件"),
    ("labels", "附录D的内容"),
    ("labels", "选项D的说法正确"),
    ("labels", "答案是D的同学请举手"),
    ("labels", "型号为D的设备"),
    ("labels", "编号D的样本"),
    ("parties", "当事人D的陈述"),
    ("parties", "被告D的行为构成侵权"),
    ("parties", "原告D的诉讼请求"),
    ("parties", "证人D的证言"),
    ("parties", "犯罪嫌疑人D的供述"),
    ("parties", "申请人D的申请符合条件"),
    ("parties", "债务人D的财产"),
    ("parties", "第三人D的权利"),
    ("parties", "甲公司与D公司签订协议"),
    ("parties", "D某的行为"),
    ("grades", "鉴定为D级危房"),
    ("grades", "风险等级为D级的企业"),
    ("grades", "D类人员"),
    ("grades", "等级为D的食品生产者"),
    ("grades", "D档收费标准"),
    ("grades", "评为D等"),
    ("grades", "D轮融资完成"),
    ("grades", "申请D字签证"),
    ("grades", "驾驶证D照"),
    ("grades", "D区三号楼"),
    ("grades", "D栋二单元"),
    ("grades", "D座会议室"),
    ("grades", "天然气管道D线建设"),
    ("vitamins", "维生素D的作用"),
    ("vitamins", "补充维生素D有助于钙的吸收"),
    ("vitamins", "维生素D缺乏"),
    ("vitamins", "维生素A、D的摄入量"),
    ("latin", "Plan D的内容"),
    ("latin", "D-Day登陆"),
    ("latin", "Vitamin D的来源"),
    ("latin", "PhD学位"),
    ("latin", "GDP的增长"),
    ("latin", "AD钙奶"),
    ("latin", "CAD的图纸"),
    ("latin", "H.D.的作品"),
    ("digits", "3D打印技术"),
    ("digits", "3D的效果"),
    ("digits", "D2次列车"),
    ("digits", "CD光盘"),
    ("digits", "DNA检测"),
    ("digits", "DVD播放机"),
    ("digits", "5D电影"),
    ("digits", "D5的车次"),
    ("digits", "二维码ID的识别"),
    ("digits", "4K、3D、VR"),
    ("roman", "罗马数字D表示五百"),
    ("roman", "MDCCLXXVI年"),
    ("roman", "字母D的读音"),
    ("models", "D型车厢"),
    ("models", "D系列产品"),
    ("models", "D款车型"),
    ("models", "东风-41D"),
    ("models", "双尾蝎D大型无人机"),
    ("models", "飞天舱外服D和E"),
    ("models", "D大调协奏曲"),
    ("models", "D版本发布"),
    ("models", "D号文件"),
)


def _ds(text: str) -> int:
    return text.count("D") + text.count("Ｄ")


@pytest.mark.parametrize("text", POSITIVES)
def test_sanitised_party_is_restored(text: str) -> None:
    restored, changes = restore_text(text)
    assert len(changes) == _ds(text), restored
    assert _ds(restored) == 0
    assert [restored[off] for off, *_ in changes] == ["党"] * len(changes)


@pytest.mark.parametrize("text", MISSED)
def test_doubtful_positives_keep_at_least_one_d(text: str) -> None:
    restored, changes = restore_text(text)
    assert 0 < _ds(restored) < _ds(text) or not changes


@pytest.mark.parametrize(("category", "text"), TRAPS)
def test_d_that_is_a_letter_is_never_rewritten(category: str, text: str) -> None:
    assert restore_text(text) == (text, [])
    flagged = [f for f in find_issues(text) if f.kind == "sanitised"]
    # Only where other letters stand beside a party context may a person be asked to look.
    assert not flagged or category == "lists"


def test_precision_and_recall_on_traps_and_positives() -> None:
    rewritten_traps = sum(len(restore_text(t)[1]) for _c, t in TRAPS)
    wanted = sum(_ds(t) for t in POSITIVES + MISSED)
    found = sum(len(restore_text(t)[1]) for t in POSITIVES + MISSED)
    assert len(TRAPS) >= 50
    assert len(POSITIVES) >= 50
    assert rewritten_traps == 0  # precision 1.0
    assert found / wanted >= 0.95  # recall (3 doubtful cases of {wanted} left alone)


def test_other_letters_in_the_paragraph_turn_a_rewrite_into_a_finding() -> None:
    text = "选项A、B、C中，D的说法最全面"
    assert restore_text(text) == (text, [])
    [finding] = [f for f in find_issues(text) if f.kind == "sanitised"]
    assert (finding.start, finding.text) == (text.index("D"), "D")
    assert "请核对" in finding.message


@pytest.mark.slow
def test_the_corpus_gets_no_rewrite(shared: Path) -> None:
    """The shared corpus is genuine text: any D rewritten there would be a false rewrite."""
    rewritten = []
    seen = 0
    for path in sorted((shared / "corpus").rglob("*")):
        if path.suffix not in (".md", ".txt") or "utf16" in path.name:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "D" not in text:
            continue
        for line in text.splitlines():
            seen += line.count("D")
            rewritten += [
                (path.name, line[max(0, o - 8) : o + 8]) for o, *_ in restore_text(line)[1]
            ]
    assert seen > 1000
    assert rewritten == []
