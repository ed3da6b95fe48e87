"""金句: the sentences of a paragraph worth quoting, and their kind (issue 20).

A pure function of a paragraph's text, so that the store can find them again whenever it
writes a paragraph (import, a kept or split copy, a schema upgrade). The criteria, written
before the rules and the labels of ``bench/jinju_labels.tsv``, are in docs/jinju.md:

- ``引用``: a quotation in “…” of two clauses or more, introduced by a citation cue
  (古人云, 古语道, 语出, 正如…所说, …指出/说/强调：), used as an attribute (“…”的壮丽景象),
  a couplet of verse, or itself classical (之/乎/者/也/而 …); a short classical sentence; a
  sentence holding a well-known classical line (:mod:`sucai.classics`; marks and
  cue or not: 观今宜鉴古，无古不成今。); a short saying of balanced clauses a person is quoted
  saying (习近平指出，手中有粮，心中不慌。);
- ``排比``: three clauses or more in a row (between ，and ；) that open alike, are of like
  length and share a frame carrying content (not 加强X，加强Y，加强Z, nor 有利于推动X ×3);
- ``对仗``: two clauses of the same length (4–12 characters) that share characters in the
  same places (文明因交流而多彩，文明因互鉴而丰富), or two short ones in a longer sentence that
  echo each other (各美其美，美美与共) — not a headline, a theme or a policy pair (精准扶贫，
  精准施策; 向海而生，因海而兴; 既要…又要…: :func:`_slogan`);
- ``警句``: a short sentence that sums up: …是…的“金钥匙”, …就是…, …是…的生命线/压舱石 ….

What the rules find is stored when a learned filter keeps it (:mod:`sucai.jinju_score`):
lists of measures, news statements and policy pairs share the form of a 排比 or 对仗.

:data:`EXTRACTOR` is the version of these rules and of the filter's weights: a library whose
金句 older ones found finds them again when opened.

Offsets are in characters of the paragraph, ``start`` inclusive and ``stop`` exclusive.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from sucai.classics import HAN, known_hits
from sucai.ingest.normalize import dateline_end
from sucai.jinju_score import worth_quoting

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sucai.models import Paragraph

__all__ = [
    "EXTRACTOR",
    "KINDS",
    "UNQUOTED_GENRE",
    "JinjuKind",
    "JinjuSpan",
    "find_jinju",
    "jinju_rows",
    "paragraph_rows",
    "sentences",
]

JinjuKind = Literal["引用", "排比", "对仗", "警句"]
#: The kinds, in the order pages list them.
KINDS: Final[tuple[JinjuKind, ...]] = ("引用", "排比", "对仗", "警句")


@dataclass(frozen=True, slots=True)
class JinjuSpan:
    """One 金句 in a paragraph: ``text[start:stop]`` is the sentence (or clause pair)."""

    start: int
    stop: int
    kind: JinjuKind


#: The version of the rules below and of the filter's weights (``jinju_weights.json``): raise
#: it whenever they change what is stored. A library whose 金句 were found by other rules
#: finds them again when it is opened (:meth:`sucai.store.jinju.SqlJinju.refind_jinju`).
EXTRACTOR: Final = 11

#: The 文种 whose text is cited as a 依据, never searched for 金句 (laws and regulations).
UNQUOTED_GENRE: Final = "法规"

#: A stored 金句 row: ``(article_id, paragraph, start, stop, kind)``.
JinjuRow = tuple[int, int, int, int, str]


def jinju_rows(paragraphs: Iterable[tuple[int, int, str]]) -> list[JinjuRow]:
    """The 金句 rows of ``(article_id, paragraph index, text)`` of quotable paragraphs: what
    the rules find and the learned filter keeps (:func:`sucai.jinju_score.worth_quoting`)."""
    return [
        (article_id, index, span.start, span.stop, span.kind)
        for article_id, index, text in paragraphs
        for span in find_jinju(text)
        if worth_quoting(span.kind, text[span.start : span.stop])
    ]


def paragraph_rows(article_id: int, genre: str, paragraphs: Iterable[Paragraph]) -> list[JinjuRow]:
    """The 金句 rows of an article's paragraphs: its text paragraphs that are not headings,
    none for laws and regulations."""
    if genre == UNQUOTED_GENRE:
        return []
    return jinju_rows(
        (article_id, p.index, p.text) for p in paragraphs if p.kind == "text" and not p.heading
    )


#: Sentence ends outside quotation marks; a closing quote after one stays with its sentence.
_ENDS: Final = frozenset("。！？")
_OPEN: Final = "“‘「『"
_CLOSE: Final = "”’」』"
#: The longest sentence considered: longer ones are passages, not sentences to quote.
MAX_SENTENCE: Final = 160

_QUOTE = re.compile(r"“([^“”]{6,80})”")
#: A quotation of a sentence longer than this is stored alone (in its marks).
SHORT_QUOTE: Final = 50
#: A book named right before the quotation: 据《尚书》记载，“…”; 《逍遥游》里的“…”.
_BOOK = re.compile(r"《[^》]{1,12}》[^“。，]{0,8}[，：]?[^“。]{0,6}$")
#: What follows a quotation to say it is one: “…”等典故 / 的经典名句 / 的校训.
_NAMED_AFTER = re.compile(
    r"^(?:“[^“”]*”[、，和及与]?)*(?:等|这句|这一)?(?:的)?(?:经典)?"
    r"(?:典故|名句|佳句|古训|校训|诗句|古语|名言|箴言|格言|古诗|诗词|古人智慧)"
)
#: What follows a saying used as an attribute: 的 and a word of a spirit, a scene or a thought.
_ATTRIBUTE = re.compile(
    r"^的?[^，。；“”]{0,6}?(?:精神|情怀|景象|图景|画卷|境界|胸怀|气概|气节|气魄|情操|品格|风骨|"
    r"风范|美德|意境|思想|智慧|哲理|道理|古训|传统|追求|梦想|理想|志向|抱负|信念|襟怀|写照|"
    r"豪情|壮志|真谛|清醒|态势|担当|初心|决心|底气|定力|魄力)"
)
#: A saying without quotation marks after a cue that names it one: 中国人常讲：读万卷书，行万里路。
_SAYING = re.compile(
    r"^.{0,12}?(?:(古人云|古人说|古语说|古语云|古语有云|常讲|常说|俗话说|常言道|有言|"
    r"正如.{1,12}?(?:所说|所言|说的|讲的))|"
    r"指出|强调|说)[：:，]([^“”：]+)$"
)
_CUE = re.compile(
    r"(古人云|古人说|古语说|古语云|古语有云|古人讲|先贤|语出|诗云|诗曰|有言|常言道|俗话说|"
    r"(?:楹联|对联|诗一首|诗中|词中|诗作)[：:，]?$|"
    r"(?:古语|古话|老话|俗话|俗语|谚语|农谚|民谚|古训|名言|名句|诗句)(?:道|讲|说|云|有云|曰)?[：:，]?$|"
    r"正如.{1,24}(?:所说|所言|指出|讲的|说的|所讲)|"
    r"(?:指出|说过|曾说|讲过|强调|所说|所言|引用|化用|名言|箴言|告诫|写道|说)(?:过?的)?[：:，]?$)"
)
#: Words of modern prose, never in a couplet of verse.
_PROSE = re.compile(
    r"[的了们着吗呢吧您你他她它这那新要称促]|是在|进行|实现|推进|发展|建设|加快|共建|携手|未来|"
    # … and of headlines of news, festivals and campaigns (龙腾虎跃闹新春，红红火火过大年;
    # 赵乐际认真倾听，同代表深入交流; 人勤春来早，春耕正当时; 老区要振兴，产业是关键).
    r"出席|主持|倾听|交流|报道|表示|[庆迎贺]|欢乐|团圆|正当时|好时节|再出发|是关键|是基础|"
    r"助力|赋能|打造|培育|壮大|激发|创新|改革|开放|振兴|产业|市场|消费|融资|政府|企业|研发|"
    r"运行|覆盖|监测|出游|分类|施策|击落|被"
)
#: Words of modern speech, never in a saying of verse lengths quoted alone.
_SPOKEN = re.compile(r"[的们着]")
#: Words naming a quotation a theme, slogan or campaign.
_THEME_BEFORE = re.compile(r"主题|口号|标语|题为|理念|倡议|宣传|以$|围绕$|开展$")
_THEME_AFTER = re.compile(
    r"^[^，。；]{0,6}?(?:主题|口号|标语|活动|宣传|理念|系列|字样|横幅|为题|倡议|晚会|展览|大赛)"
)
#: Characters of classical Chinese (counted once the modern words holding them are taken out).
_CLASSICAL: Final = frozenset("之乎者也矣焉哉兮亦乃其而则不无勿于吾汝曰弗毋孰惟邦苟")
#: Modern words with those characters: 其他, 或者, 之后, 不断, 对于 … do not make a text classical.
_MODERN = re.compile(
    r"其他|其中|其实|尤其|极其|或者|记者|作者|读者|学者|患者|者们|之后|之间|之一|之前|之际|之下|"
    r"之中|之外|之内|之上|之所以|总之|不断|不仅|不是|不能|不得|不会|不要|不再|不同|不少|而且|"
    r"然而|从而|进而|因而|而是|无法|无论|于是|对于|关于|由于|属于|位于|等于|用于|基于|终于|"
    r"乃至|也是|也要|也将|也在|也有|也会|也不|邻邦|联邦|友邦|城邦|原则|规则|否则|准则|细则|"
    r"法则|则是|实则|之畔|之滨|之都|之城|之乡|之约|之旅|之夜|之窗|之声|之星|之春|之路|之心|不够|"
    r"来之不易|不正之风|之私|礼仪之邦|关乎|之美|之处|之光|之花|之魂|之韵|之年|之力|之举|"
    # … and times named with 之 (仲夏之月, 国庆之日: a date, like 之年)
    r"之月|之日"
)
#: What only classical Chinese writes: two classical characters with one of these (or, for a
#: short couplet standing alone, one of these) mark a classical text.
_ARCHAIC = re.compile(
    r"[乎矣焉哉兮吾汝曰弗毋孰惟邦苟则]|也(?:[，；。！？”]|$)|者[，；]|之[^，；。]"
)
#: The longest sentence read as one 排比 (longer ones are lists of measures).
MAX_PARALLEL: Final = 120
#: Words of a list of people, documents or an agenda, not of a rhetorical run.
_LISTING = re.compile(
    r"主席|主任|书记|部长|委员长|组长|成员|负责同志|议程|报告、|条例|办法|包括：|名单"
)
#: Verbs of measures: three clauses opening with the same one and sharing nothing else are a
#: list of measures (加强风险预警，加强隐患排查，加强应急值守), not a 排比.
_MEASURE = re.compile(
    r"加强|加快|加大|加紧|强化|推进|推动|完善|健全|深化|落实|提高|提升|做好|抓好|优化|扩大|"
    r"促进|建立|建设|坚持|实施|实行|开展|发展|保障|维护|支持|鼓励|引导|规范|严格|严肃|统筹|"
    r"着力|积极|大力|全面|切实|不断|持续|共同|依法|增强|巩固|拓展|培育|打造|构建|创新|防范|"
    r"化解|保持|确保|实现|坚决|认真|努力|强调|要求|提出|举办|召开|组织|加速|扎实|"
    r"壮大|做强|做大|做优|释放|激发|发挥"
)
#: An opening of measures only: a verb of measures, after an adverb of them (大力推进, 积极促进,
#: 进一步): the frame of a list of measures.
_MEASURES = re.compile(rf"(?:(?:{_MEASURE.pattern})|进一步|更好地?|更加|要|再)+")
#: A list label opening a sentence: b) 角膜斑翳…；外伤性白内障；外伤性低眼压 is a list.
_LIST_LABEL = re.compile(r"^[（(]?[0-9０-９a-zA-Z一二三四五六七八九十]{1,2}[)）.．、]")
#: Figures in a quotation (一日, 九万里 are words of a saying; 2023, ５% are not).
_FIGURES = re.compile(r"[0-9０-９%％]")
_CLAUSE = re.compile(r"[^，；：,;:]+")
_SPLIT_CLAUSES = re.compile(r"[，；]")
#: A clause of plain text: between punctuation and quotation marks.
_PLAIN_CLAUSE = re.compile(r"[^，；：。！？、“”‘’（）《》,;:()\s]+")
_DIGITS = re.compile(r"[0-9０-９一二三四五六七八九十百千万亿〇两]+[年月日个项条号%％]|[0-9０-９]")
_METAPHORS: Final = (
    "金钥匙|生命线|压舱石|牛鼻子|试金石|定盘星|主心骨|顶梁柱|压舱石|指南针|晴雨表|风向标|"
    "助推器|加速器|稳定器|先手棋|必答题|必修课|大考|命脉|根基|灵魂|底色|底线|根本|本质|精髓|"
    "关键|重中之重|第一要务|头等大事|最大公约数|最大优势|最大底气|力量源泉|国之大者|定海神针|"
    "主引擎|强引擎|第一动力|加油站|蓄水池|主阵地|主力军|试验田|排头兵|领头雁|金名片"
)
_SUMMARY = re.compile(
    rf"^[^，；：“”]{{2,18}}(?:是|就是|才是|乃是)(?:[^，；“”]{{0,16}}的)?“?(?:{_METAPHORS})”?[。！]?$"
)
#: How a news item opens: a date, not a summary (今天是全国“爱眼日”).
_NEWS: Final = ("今天", "今年", "明天", "昨天", "当天", "这一天", "本周", "目前")
_JIUSHI = re.compile(r"^([^，；：“”]{2,14})(?:就是|即是)([^，；：“”]{2,14})[。！]$")


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, stop)`` of each sentence of ``text``: ends at 。！？ outside quotation marks
    (with the closing marks after it) or at a closing mark right after one, whitespace
    around it left out."""
    out: list[tuple[int, int]] = []
    depth = 0
    start = 0
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
            if depth == 0 and i and text[i - 1] in _ENDS:  # …不为不成。” ends a sentence
                out.append((start, i + 1))
                start = i + 1
        elif ch in _ENDS and depth == 0:
            stop = i + 1
            while stop < n and (text[stop] in _ENDS or text[stop] in _CLOSE):
                stop += 1
            out.append((start, stop))
            start = i = stop
            continue
        i += 1
    if start < n:
        out.append((start, n))
    spans = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def find_jinju(text: str) -> list[JinjuSpan]:
    """The 金句 of one paragraph, in text order (at most one per sentence: the sentence, or
    the quotation of a long one, or a quoted clause pair of one for 对仗); a news dateline
    opening the paragraph is no part of its first sentence."""
    skip = dateline_end(text)
    return [
        JinjuSpan(span.start + skip, span.stop + skip, span.kind) for span in _find(text[skip:])
    ]


def _find(text: str) -> list[JinjuSpan]:
    found: list[JinjuSpan] = []
    known = known_hits(text)
    for start, stop in sentences(text):
        if stop - start < 8:
            continue
        sentence = text[start:stop]
        quotes = _quotations(sentence)
        if quotes:
            found.extend(JinjuSpan(start + a, start + b, "引用") for a, b in quotes)
            continue
        hit = next((h for h in known if start <= h[0] and h[1] <= stop), None)
        if hit is not None:
            found.append(JinjuSpan(*_known_span(text, start, stop, hit), "引用"))
            continue
        if stop - start > MAX_SENTENCE:
            continue
        kind = _parallel(sentence) or _summary(sentence)
        if kind is not None:
            found.append(JinjuSpan(start, stop, kind))
            continue
        pair = _couplet(sentence)
        if pair is not None:
            found.append(JinjuSpan(start + pair[0], start + pair[1], "对仗"))
    return found


#: The longest lead before a known line kept with it: a cue (他强调，; 古人云：), not prose.
KNOWN_LEAD: Final = 12


def _known_span(text: str, start: int, stop: int, hit: tuple[int, int]) -> tuple[int, int]:
    """What is stored of the sentence ``text[start:stop]`` holding the known line ``hit``:
    the sentence when it is the line and a short cue before it (李强强调，一年之计在于春。),
    from after its last colon (not 记者了解到：); else the line alone, in its marks
    (会议指出，一年之计在于春，春播粮食产量占… is a news sentence that opens with a saying)."""
    h0, h1 = hit
    if h0 > start and h1 < stop and text[h0 - 1] in _OPEN and text[h1] in _CLOSE:
        h0, h1 = h0 - 1, h1 + 1
    lead = max(start, text.rfind("：", start, h0) + 1)
    if h0 - lead <= KNOWN_LEAD and not text[h1:stop].strip("。！？；，…" + _CLOSE):
        return lead, stop
    return h0, h1


def _quotations(sentence: str) -> list[tuple[int, int]]:
    """引用: where the quotations of ``sentence`` are — the whole sentence when it is short,
    else each quotation in its marks."""
    bare = sentence.rstrip("。！？").strip("“”").rstrip("。！？")
    clauses = _SPLIT_CLAUSES.split(bare)
    if (
        2 <= len(clauses) <= 4
        and all(2 <= len(c) <= 8 for c in clauses)
        and not _DIGITS.search(bare)
    ):
        # A sentence that is a saying and nothing else: quoted (“德不孤，必有邻”。), or a
        # classical couplet (民惟邦本，本固邦宁。).
        couplet = len(clauses) == 2 and len(clauses[0]) == len(clauses[1])
        alone = sentence.startswith("“") and "“" not in bare and "”" not in bare
        paired = couplet and _paired(*clauses)
        if "“" not in sentence and _classical(bare) and not paired:
            # A short sentence in classical Chinese: 志合者，不以山海为远 (a paired one,
            # 国运兴则体育兴，国家强则体育强, is a 对仗).
            return [(0, len(sentence))]
        # A quoted couplet standing alone, of the lengths of verse (a clause of six is prose:
        # “共建创新之路，同促合作发展” is a theme).
        # … and holding no word of modern prose (“春节是新的开始，预示着新的希望”).
        verse = couplet and len(clauses[0]) in (3, 4, 5, 7) and _SPOKEN.search(bare) is None
        if alone and (verse or _classical(bare, loose=True)):
            return [(0, len(sentence))]
        # An unquoted couplet with an archaic word, of the lengths of verse (治国之道，富民为始;
        # not prose: 人员出行持续旺盛，货运量则平稳增长; 奋斗者，正青春 is a motto).
        if couplet and not paired and len(clauses[0]) in (4, 5, 7) and _classical(bare, loose=True):
            return [(0, len(sentence))]
    if "“" not in sentence:
        plain = _SAYING.match(sentence)
        if plain is not None and len(sentence) <= SHORT_QUOTE:
            # After 古人云/俗话说 … a saying; after 指出/强调/说 only a classical one.
            saying = plain.group(2).rstrip("。！？")
            clauses = _SPLIT_CLAUSES.split(saying)
            if (
                2 <= len(clauses) <= 3
                and all(len(c) <= (10 if plain.group(1) else 8) for c in clauses)
                and (plain.group(1) or _classical(saying, loose=True))
            ):
                return [(0, len(sentence))]
            # … or a couplet a person says (习近平指出，手中有粮，心中不慌。; not three
            # clauses: 习近平强调，早日停火止战，寻求政治解决，符合各方利益。).
            if (
                len(clauses) == 2
                and _said(sentence[: plain.start(2)])
                and _balanced(clauses, equal=True)
            ):
                return [(0, len(sentence))]
        return []
    found: list[tuple[int, int]] = []
    for match in _QUOTE.finditer(sentence):
        quoted = match.group(1).rstrip("。！？")
        clauses = [c for c in _SPLIT_CLAUSES.split(quoted) if c]
        if len(clauses) < 2 or any(len(c) > 16 for c in clauses) or _FIGURES.search(quoted):
            continue
        # A run of quotations after one cue (引用的“…”“…”等) shares it.
        before = _before_quotes(sentence[: match.start()])
        after = sentence[match.end() :]
        # A cue and a pair of like clauses (习近平指出，“心合意同，谋无不成”): a saying.
        short = len(clauses) == 2 and len(clauses[0]) == len(clauses[1]) <= 8
        cited = (
            _CUE.search(before[-30:]) is not None
            and ("古" in before[-12:] or short or _classical(quoted) or _cited(before))
        ) or (
            all(len(c) <= 8 for c in clauses)
            and (_BOOK.search(before) is not None or _NAMED_AFTER.match(after) is not None)
        )
        # A balanced saying a person is quoted saying: 习近平总书记指出：“没有全民健康，
        # 就没有全面小康。”
        said = _said(before) and _balanced(clauses) and not _theme(before, after)
        # A quoted couplet of short clauses with an archaic word: “大道之行，天下为公”.
        archaic = short and len(clauses[0]) <= 7 and _classical(quoted, loose=True)
        # A quoted couplet of verse, not a theme's: 就可以“任凭风浪起，稳坐钓鱼船”。
        verse = _verse(quoted) and not _theme(before, after)
        if (
            cited
            or said
            or archaic
            or verse
            or (_classical(quoted) and len(quoted) <= 40)
            or _attribute(clauses, after)
        ):
            if len(sentence) <= SHORT_QUOTE:
                return [(0, len(sentence))]
            found.append((match.start(), match.end()))
    return found


#: Who says a saying: a person by a title or pronoun, the ancients, an old saying.
_PERSON = re.compile(
    r"总书记|主席|总理|委员长|书记|同志|先生|女士|老人|古人|前人|先贤|先哲|老话|俗话|^[他她]"
)
#: Who says what is not a person's saying: a meeting, a text, an office, a spokesman, people
#: at large (会议指出, 文章强调, 外交部发言人说, 专家说, 大家说).
_NOT_PERSON = re.compile(
    r"会议|会上|[大全]会|常委会|座谈会|文章|报告|公报|声明|意见|通知|评论|社论|决定|讲话|"
    r"文件|论坛|宣言|方案|规划|纲要|条例|研究|调查|数据|专家|记者|发言人|人们|大家|群众|网友|代表|负责人|部门|政府|"
    r"委员会|中心|协会|公司|企业|学校|医院|方面|[中美俄日英法德双各多]方|人士|官员|媒体|节目|"
    r"报道|通报|信中|贺信|书中|[^他她]们"
)
#: A verb of saying, right before the saying (its marks, or a comma), after who says it.
_SAYS = re.compile(
    r"([^，。：；！？“”（）\s]{1,12}?)(曾经|也|还|多次|反复|一再|深刻|明确|特别|再次|常|曾)?"
    r"((?:指出|强调|说过|说|所说|讲过|讲)(?:过|的|道)?|"
    # … or a verb of counsel, with whom it counsels: 他寄语青年“…”.
    r"(?:告诫|叮嘱|嘱咐|寄语|勉励)[^，。：；！？“”]{0,4})[：:，]?$"
)
#: Who may just "say" a saying (说, 讲 with no 常/曾 …): a leader by a title, the ancients, an
#: old saying, or 他/她 for one named before. Anyone else plainly says what they report — a
#: visitor's, a villager's or 市民张先生's words in the news (游客说，景色很美，服务很好) are no
#: saying; a name needs a verb of citing (指出, 强调, 曾说, 常讲, 说过 …).
_SAYS_PLAINLY = re.compile(
    r"总书记|主席|总理|委员长|书记|同志|古人|前人|先贤|先哲|老话|俗话|^[他她]"
)


def _said(before: str) -> bool:
    """``before`` ends with a person saying (习近平指出，; 总书记曾说：; 他常讲; 古人说), not a
    meeting, a text, an office or people at large (:data:`_NOT_PERSON`): a person by a title
    or a pronoun, or by a name alone (two to four characters) with a verb of citing; one
    plainly saying it (说, 讲) only as :data:`_SAYS_PLAINLY` allows."""
    says = _SAYS.search(before)
    if says is None:
        return False
    who, often, verb = says.groups()
    if not often and verb in ("说", "讲", "说道", "讲道"):
        return _SAYS_PLAINLY.search(who) is not None
    if _PERSON.search(who):
        return True
    return 2 <= len(who) <= 4 and _NOT_PERSON.search(who) is None and HAN.fullmatch(who) is not None


#: Words of speech, not of a saying: 了, 吗, 呢, 吧, 啊, 呀.
_SPEECH = re.compile(r"[了吗呢吧啊呀]")


def _balanced(clauses: list[str], *, equal: bool = False) -> bool:
    """A short saying of two to four balanced clauses: all of one length (4–8 characters), or
    (not ``equal``) of 3–10 within two of each other, each sharing two characters or more
    with the first (not links: :data:`_LINKS`); no figures, no words of speech, none opening
    with a measure or a requirement (要…, 加强…, 坚持…: a policy wording)."""
    lengths = [len(c) for c in clauses]
    if equal or len(set(lengths)) == 1:
        fits = len(set(lengths)) == 1 and 4 <= lengths[0] <= 8
    else:
        # Unequal clauses echo the first: 没有全民健康，就没有全面小康 (not 我们很高兴来到这里，
        # 感受中国人民的热情: reported speech).
        first = set(clauses[0]) - _LINKS
        fits = (
            all(3 <= n <= 10 for n in lengths)
            and max(lengths) - min(lengths) <= 2
            and all(len(first & set(c)) >= 2 for c in clauses[1:])
        )
    text = "".join(clauses)
    return (
        2 <= len(clauses) <= 4
        and fits
        and _DIGITS.search(text) is None
        and _SPEECH.search(text) is None
        and not any(_MEASURES.match(c) for c in clauses)
    )


def _verse(text: str) -> bool:
    """A couplet of verse: two clauses of five or seven characters (五言, 七言) that are not
    parallel by the rules of 对仗 (:func:`_paired`) and hold no word of modern prose (的, 了,
    们, 我们 …) nor a figure."""
    clauses = _SPLIT_CLAUSES.split(text)
    return (
        len(clauses) == 2
        and len(clauses[0]) == len(clauses[1]) in (5, 7)
        and _PROSE.search(text) is None
        and _DIGITS.search(text) is None
        and not _paired(*clauses)
    )


def _theme(before: str, after: str) -> bool:
    """A quotation named a theme, slogan or campaign by the words around it (以“…”为主题;
    主题为“…”; “…”主题活动)."""
    return _THEME_BEFORE.search(before[-12:]) is not None or _THEME_AFTER.match(after) is not None


def _attribute(quoted: list[str], after: str) -> bool:
    """A saying used as an attribute: “苟日新，日日新，又日新”开拓精神, “千里冰封，万里雪飘”
    的壮丽景象 — two or three short clauses, followed by a word of a spirit, a scene or a
    thought (not of a theme or a requirement: slogans are followed by those)."""
    return (
        2 <= len(quoted) <= 3
        and all(2 <= len(c) <= 8 for c in quoted)
        and (_ATTRIBUTE.match(after) is not None)
    )


def _before_quotes(before: str) -> str:
    """``before`` without the quotations it ends with (“…”、“…”)."""
    while before.endswith(("”", "”、", "”，", "”和", "”与")):
        opening = before.rfind("“")
        if opening < 0:
            break
        before = before[:opening]
    return before


def _cited(before: str) -> bool:
    """A cue that names the quotation's source (正如…所说, 语出, 古人云 …), not a mere 说."""
    return (
        re.search(
            r"正如|语出|古人|古语|诗云|诗曰|常言|常说|常讲|曾说|说过|俗话|名言|箴言|有言|先贤|"
            r"引用|化用",
            before,
        )
        is not None
    )


def _classical(quoted: str, *, loose: bool = False) -> bool:
    """Classical Chinese by its function characters: three, or two with an archaic one (or,
    ``loose``, for a short couplet standing alone: an archaic one)."""
    text = _MODERN.sub("", quoted)
    # 不 counts once: 不搞…，不参加…，不谋求… is modern.
    marks = sum(1 for ch in text if ch in _CLASSICAL and ch != "不") + ("不" in text)
    archaic = _ARCHAIC.search(text) is not None
    if loose:
        return archaic
    return marks >= 3 or (marks >= 2 and archaic)


def _parallel(sentence: str) -> JinjuKind | None:
    """排比: three clauses or more in a row (between ，and ；: a run of words between 、 is a
    list) opening alike and of like length, whose shared frame carries content
    (:func:`_rhetorical`); not a list of names or documents."""
    if sentence.count("，") + sentence.count("；") < 2 or len(sentence) > MAX_PARALLEL:
        return None
    if _LISTING.search(sentence) or _LIST_LABEL.match(sentence):
        return None
    clauses = _CLAUSE.findall(sentence.rstrip("。！？”"))
    run: list[str] = clauses[:1]
    for a, b in itertools.pairwise(clauses):
        if _alike(a, b):
            run.append(b)
            continue
        if _rhetorical(run):
            return "排比"
        run = [b]
    return "排比" if _rhetorical(run) else None


def _rhetorical(run: list[str]) -> bool:
    """A run of three like clauses or more whose frame carries content: the characters the
    clauses share (in the same places from the start, and at the end) are more than a bare
    verb of measures (加强X，加强Y，加强Z), and four or more unless the clauses are short
    (不负韶华，不负时代，不负人民; not 两岸X取得Y，两岸Z形成W)."""
    if len(run) < 3:
        return False
    parts = [c.strip("“”") for c in run]
    frame = min(_frame(a, b) for a, b in itertools.pairwise(parts))
    prefix = _common_start(parts)
    # The frame beyond a structure word (的, 与 …): 进一步放大X的Y，进一步激发Z的W shares 的.
    content = min(_frame(a, b, content=True) for a, b in itertools.pairwise(parts))
    if _MEASURES.fullmatch(prefix) and content <= len(prefix) + (len(prefix) > 2):
        # 加强X，加强Y; 大力推进X，大力推进Y; 积极促进X与Y，积极促进Z与W: measures
        return False
    if _MEASURE_END.search(prefix) and content <= len(prefix) + (len(prefix) > 2):
        # … and after words before the verb: 有利于推动X，有利于推动Y; 坚定支持X; 始终坚持X
        return False
    return frame >= 4 or sum(map(len, parts)) <= 9 * len(parts)


def _common_start(texts: list[str]) -> str:
    """The characters all ``texts`` open with."""
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _frame(a: str, b: str, *, content: bool = False) -> int:
    """Characters ``a`` and ``b`` share in the same places from the start, plus their
    common ending (``content``: the places after their common opening counted only for
    characters that are neither links nor structure words of :data:`_LINKS` nor of that
    ending)."""
    opening = len(_common_start([a, b]))
    end = len(_common_start([a[::-1], b[::-1]]))
    same = sum(
        1
        for i, (x, y) in enumerate(zip(a, b, strict=False))
        if x == y
        and (i < opening or not content or (x not in _LINKS and i < min(len(a), len(b)) - end))
    )
    return same + end


def _alike(a: str, b: str) -> bool:
    a, b = a.strip("“”"), b.strip("“”")
    if not (3 <= len(a) <= 24 and 3 <= len(b) <= 24) or max(len(a), len(b)) > 1.6 * min(
        len(a), len(b)
    ):
        return False
    if a[0] in "一二三四五六七八九十第（(《" or _DIGITS.search(a + b):
        return False
    return a[:2] == b[:2] or (a[0] == b[0] and a[-1] == b[-1])


def _couplet(sentence: str) -> tuple[int, int] | None:
    """对仗: a sentence of two clauses only, or a quoted pair of clauses within one, of equal
    length that match in two places or more and differ in two or more, as ``(start, stop)``
    in the sentence."""
    if "，" not in sentence and "；" not in sentence:
        return None
    whole = sentence.rstrip("。！？")
    candidates = [(0, len(sentence), whole)]
    candidates += [(m.start(), m.end(), m.group(1)) for m in _QUOTE.finditer(sentence)]
    for start, stop, part in candidates:
        clauses = _SPLIT_CLAUSES.split(part.strip("“”").rstrip("。！？"))
        if len(clauses) == 2 and _paired(clauses[0], clauses[1]) and not _slogan(*clauses):
            return start, stop
    # Two short clauses within a longer sentence that echo each other: 各美其美，美美与共;
    # 江山就是人民，人民就是江山; 从群众中来，到群众中去.
    spans = [(m.start(), m.end()) for m in _PLAIN_CLAUSE.finditer(sentence)]
    for (a0, a1), (b0, b1) in itertools.pairwise(spans):
        a, b = sentence[a0:a1], sentence[b0:b1]
        if sentence[a1:b0] == "，" and _echo(a, b) and not _slogan(a, b):
            return a0, b1
    return None


def _echo(a: str, b: str) -> bool:
    """Two clauses of 4–7 characters that echo each other: each repeats a character,
    alike (:func:`_repeat_alike`: 各美其美，美美与共; 人人有活干，家家有收入), or one
    holds the other's characters in another order (江山就是人民，人民就是江山;
    人不负青山，青山定不负人), or they match in three places or more and not at the end
    (从群众中来，到群众中去; not 无党派代表人士，宗教界代表人士), and are not two measures
    (:func:`_paired`)."""
    if not (4 <= len(a) <= 7 and 4 <= len(b) <= 7) or _DIGITS.search(a + b):
        return False
    if a[:2] == b[:2]:
        return False
    repeated = bool(set(a) & set(b)) and _repeat_alike(a, b)
    small, large = sorted((set(a), set(b)), key=len)
    turned = len(small) >= 4 and small <= large
    # Matching in three places, not at the end: 无党派代表人士，宗教界代表人士 is a list.
    same = sum(1 for x, y in zip(a, b, strict=False) if x == y)
    matched = same >= 3 and a[-2:] != b[-2:] and len(a) == len(b) and _paired(a, b)
    return repeated or turned or matched


def _repeat_alike(a: str, b: str) -> bool:
    """Each clause repeats a character, and the same one (各美其美，美美与共; 该改的坚决改，
    不该改的不改) or in the same places, from the start or from the end (人人有活干，家家有收入;
    增绿就是增优势，植树就是植未来; 做到人人有专责，事事有人管) — not characters that merely
    happen to come twice (工人们分工明确，分拣分级; 中国代表表示，中方呼吁各方)."""
    twice_a = {ch for ch in a if a.count(ch) > 1}
    twice_b = {ch for ch in b if b.count(ch) > 1}
    if not twice_a or not twice_b:
        return False
    if twice_a & twice_b:
        return True
    at_a = [i for i, ch in enumerate(a) if ch in twice_a]
    at_b = [i for i, ch in enumerate(b) if ch in twice_b]
    return at_a == at_b or [i - len(a) for i in at_a] == [i - len(b) for i in at_b]


def _paired(a: str, b: str) -> bool:
    if len(a) != len(b) or not 4 <= len(a) <= 12 or _DIGITS.search(a + b):
        return False
    if _MEASURE.fullmatch(a[:2]) and _MEASURE.fullmatch(b[:2]):
        return False  # 加强社区建设，扩大社区服务: two measures
    same = sum(1 for x, y in zip(a, b, strict=True) if x == y)
    if _shared_object(a, b):
        return False
    return (
        2 <= same <= len(a) - 2 and 3 * same >= len(a) and a[0] not in "一二三四五六七八九十第（(“"
    )


def _shared_object(a: str, b: str) -> bool:
    """Two measures or facts around a shared object (深化价格改革，理顺价格关系; 守护好自然生态，
    保育好自然资源; 玉米进入拔节期，大豆进入始花期): clauses of six characters or more that
    differ in their first two and share only a block of content words from the third (or
    fourth) on — not a shared link (江山就是人民，人民就是江山; 蓝图已经绘就，号角已经吹响;
    老师要用心教，学生要用心悟)."""
    if len(a) < 6 or a[:2] == b[:2] or a[0] == b[0] or a[1] == b[1]:
        return False
    same = [i for i, (x, y) in enumerate(zip(a[:-1], b[:-1], strict=True)) if x == y]
    if len(same) < 2 or same[0] not in (2, 3) or same != list(range(same[0], same[-1] + 1)):
        return False
    if same[-1] == len(a) - 2 and a[-1] == b[-1]:
        return False  # a shared ending: 光荣属于劳动者，幸福属于劳动者
    return not any(ch in _LINKS for ch in a[same[0] : same[-1] + 1])


#: Characters of links and structure words: a pair sharing them shares a frame, not an object.
_LINKS: Final = frozenset("是已不有在要之而则的就也又再所为以于得与同")


def _summary(sentence: str) -> JinjuKind | None:
    if len(sentence) > 40 or _DIGITS.search(sentence) or sentence.startswith(_NEWS):
        return None
    if _SUMMARY.match(sentence):
        return "警句"
    same = _JIUSHI.match(sentence)
    if same is not None and _mirrored(same.group(1), same.group(2)):
        return "警句"
    return None


def _mirrored(left: str, right: str) -> bool:
    """Two sides of …就是… that answer each other (绿水青山就是金山银山: as long; 中国的成功
    就是全球跨国企业的成功: the same ending), not a plain statement (靠的就是这根阻拦索)."""
    if left.endswith("的"):
        return False
    if len(left) == len(right) <= 6:
        return True
    return len(_common_start([left[::-1], right[::-1]])) >= 2


#: Words that make a couplet read as a saying, not a headline or a policy pair: function
#: words, classical and rhetorical (之, 而, 则, 必, 方, 才, 就, 是, 不, 无 …).
_SAYING_WORDS: Final = frozenset(
    "之而则以因于乃必方才就是不无莫勿亦其所为也又且唯惟非若如已皆在有者"
)
#: Opposites, two characters a pair: a couplet setting them against each other in the same place
#: is an antithesis (让百姓少跑腿，让数据多跑路).
_OPPOSITE_PAIRS: Final = (
    "大小先后有无多少上下前后古今新旧新老长短高低进退得失来去出入始终内外远近快慢左右"
    "难易轻重深浅虚实兴衰兴亡强弱盛衰安危治乱本末公私是非真假善恶美丑生死存亡攻守收放"
    "取舍破立利弊不必宽严明暗动静彼此你我主次黑白冷热增减升降成败荣辱甘苦今昔早晚老少"
    "天地阴阳水火疏密粗细张弛"
)
_OPPOSITES: Final = frozenset(
    frozenset(_OPPOSITE_PAIRS[i : i + 2]) for i in range(0, len(_OPPOSITE_PAIRS), 2)
)
#: Places a headline or a campaign names in both its clauses (多彩中国年，地道中国味).
_PLACES = re.compile(
    r"中国|长江|黄河|北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|"
    r"河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
#: A verb of measures closing the shared opening of a run: 有利于推动X，有利于推动Y; 坚定支持X.
_MEASURE_END = re.compile(rf"(?:{_MEASURE.pattern})$")
#: A headline's marks: a quoted single character (向“新”而行), 向…而… (向海而生，因海而兴).
_HEADLINE = re.compile(r"“.”|(?:^|，)向“?.”?而")


def _slogan(a: str, b: str) -> bool:
    """Two paired clauses that read as a headline, a theme or a policy pair, not a saying:
    clauses sharing their opening with nothing else of a saying (精准扶贫，精准施策;
    抓存量政策落实，抓增量政策出台; :func:`_saying_marks`), a headline (a quoted character:
    向“新”而行，以“新”提质; 向…而…: 向海而生，因海而兴; a place named in both: 多彩中国年，
    地道中国味) or a pair of policy in 既…又/也… (既要算经济账，又要算综合账)."""
    if a[0] == b[0] and not _saying_marks(a, b, len(_common_start([a, b]))):
        return True
    if _HEADLINE.search(a + "，" + b):
        return True
    places = set(_PLACES.findall(a)) & set(_PLACES.findall(b))
    if places and not _saying_marks(a, b, 0):
        return True
    return a[0] == "既" and b[0] in "又也还更"


def _saying_marks(a: str, b: str, opening: int) -> bool:
    """What makes two clauses a saying beyond their shared ``opening``: a function word
    (:data:`_SAYING_WORDS`), each repeating a character alike (:func:`_repeat_alike`: 大鸣大放，
    大整大改), one turning the other's words (在发展中保护，在保护中发展; 以改革驱动创新，以创新
    驱动发展), opposites in the same place (让百姓少跑腿，让数据多跑路), or four characters or
    more shared in the same places (新的画卷需要我们共同描绘，新的历史需要我们共同开创)."""
    rest = a[opening:] + b[opening:]
    if any(ch in _SAYING_WORDS for ch in rest):
        return True
    if _repeat_alike(a, b):
        return True
    words = {a[i : i + 2]: i for i in range(opening, len(a) - 1)}
    if any(b[j : j + 2] in words and words[b[j : j + 2]] != j for j in range(opening, len(b) - 1)):
        return True
    if any(frozenset((x, y)) in _OPPOSITES for x, y in zip(a, b, strict=False) if x != y):
        return True
    return sum(1 for x, y in zip(a[opening:], b[opening:], strict=False) if x == y) >= 4
