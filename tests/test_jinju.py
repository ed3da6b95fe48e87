"""金句 (issue 20): the rules on hand-written sentences (docs/jinju.md says what each kind is),
stored at import with their offsets, found again when a merged copy is kept or split, found
for a library older than them, and withheld with the paid part."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli
from sucai.errors import UserError
from sucai.jinju import find_jinju, sentences
from tests.conftest import ROOT, SEED
from tests.ingest.test_neardup import BODY, _ingest_each, _write

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

#: Sentences that are 金句 by the criteria, with their kind (gold written by hand).
QUOTABLE = [
    ("习近平最后强调，中国古人云：“道虽迩，不行不至；事虽小，不为不成。”", "引用"),
    ("正如毛泽东主席所说，“敌人在一天天烂下去，我们在一天天好起来”。", "引用"),
    ("我们要牢记“民为邦本，本固邦宁”，把群众冷暖放在心上。", "引用"),
    ("要做到深学笃信，要做到精思细悟，要做到知行合一。", "排比"),
    ("强化全球资源配置功能，强化科技创新策源功能，强化开放枢纽门户功能。", "排比"),
    ("文明因交流而多彩，文明因互鉴而丰富。", "对仗"),
    ("国运兴则体育兴，国家强则体育强。", "对仗"),
    ("绿水青山就是金山银山。", "警句"),
    ("粮食安全是“国之大者”。", "警句"),
    ("改革开放是决定当代中国命运的关键一招，也是党和人民事业大踏步赶上时代的重要法宝。", None),
    # A short sentence in classical Chinese, without quotation marks or cue.
    ("发展如逆水行舟，不进则退。", "引用"),
    ("志合者，不以山海为远。", "引用"),
    # A saying used as an attribute; a cue of 古语; a quoted couplet with an archaic word.
    ("高质量发展是“苟日新，日日新，又日新”开拓精神的生动写照。", "引用"),
    ("大地呈现出“千里冰封，万里雪飘”的壮丽景象。", "引用"),
    ("中国古语道，“上下同欲者胜，同舟共济者赢”。", "引用"),
    ("中国坚定奉行“大道之行，天下为公”。", "引用"),
    # A run whose frame is more than its opening verb.
    ("以文明交流超越文明隔阂，以文明互鉴超越文明冲突，以文明共存超越文明优越。", "排比"),
    ("不负韶华，不负时代，不负人民。", "排比"),
    # EXTRACTOR 3: a quoted couplet of verse (五言, 七言) in running text, with no cue; a line
    # named by the 楹联 or 诗 it comes from; a saying after 常说/曾说, or unquoted after 正如…所说.
    ("风雨过后，山乡又是“野旷天低树，江清月近人”。", "引用"),
    ("站在江边，让人想起“孤帆远影碧空尽，唯见长江天际流”。", "引用"),
    ("游人驻足，细读祠堂门前的楹联“一门忠义传千古，满院清风照后人”。", "引用"),
    ("游人驻足，细读祠堂门前的楹联“事业无穷年华有限，清白做人勤俭持家”。", "引用"),
    ("村里老人常说，“一个人走得快，一群人才走得远”。", "引用"),
    ("正如一位老农所说，庄稼不会辜负流汗的人，土地总会回报勤劳的手。", "引用"),
]
#: Sentences that are not (a slogan, a plain list of measures, numbered items, a news line,
#: figures).
PLAIN = [
    "大会主题是“构建新发展格局，推进中国式现代化”。",
    "加强耕地保护，加快高标准农田建设，加大种业振兴力度。",
    "一是抓项目，二是抓产业，三是抓环境。",
    "今天（6月6日）是全国“爱眼日”。",
    "2023年增长5.2%，2024年增长5.0%。",
    "会议审议了有关报告，听取了有关情况汇报。",
    # 排比 criteria (docs/jinju.md): a list of measures, of fixed terms (、), a frame of a
    # subject alone over long clauses.
    "加强风险预报预警，加强隐患排查整治，加强应急值班值守，确保群众安全度汛。",
    "要健全民主制度，丰富民主形式，依法实行民主选举、民主协商、民主决策、民主管理、民主监督。",
    "两岸政治交往取得历史性突破，两岸对话协商形成新局面，两岸人员往来持续扩大。",
    # A pair of measures; …的就是…; a news lede with a modern 之; a theme of clauses of six;
    # a modern idiom with classical characters.
    "加强社区建设，扩大社区服务。",
    "主导这次急救的就是傅小云。",
    "他最看重的就是大家的团结。",
    "南海之畔，共襄盛会。",
    "“共建创新之路，同促合作发展”",
    "这一成绩来之不易，要继续巩固拓展。",
    "中国不搞军备竞赛，不参加军事集团，不谋求势力范围。",
    # EXTRACTOR 3: a quoted couplet of verse lengths that is a theme or a headline of prose;
    # measures behind an adverb (大力推进×3, 积极促进…与…×3); a list under a label; two measures
    # or facts sharing their object; a modern 之 noun.
    "活动以“山水共长天，文旅谱华章”为主题。",
    "这几年，“家乡的变化，人人看得见”已是共识。",
    "要大力推进科技创新，大力推进产业升级，大力推进城乡融合。",
    "积极促进区域协调与城乡融合，积极促进科技创新与产业升级，积极促进对外开放与交流合作。",
    "b)视力下降；外伤性白内障；外伤性低眼压；外伤性青光眼。",
    "深化价格改革，理顺价格关系。",
    "普及科学知识，弘扬科学精神。",
    "小麦进入灌浆期，玉米进入拔节期。",
    "艺术体操摘得金牌，中国之美惊艳世界。",
]


@pytest.mark.parametrize(("sentence", "kind"), QUOTABLE)
def test_a_sentence_worth_quoting_is_found_with_its_kind(sentence: str, kind: str | None) -> None:
    found = find_jinju(sentence)
    if kind is None:
        assert found == []
    else:
        assert [(s.kind, sentence[s.start : s.stop]) for s in found] == [(kind, sentence)]


@pytest.mark.parametrize("sentence", PLAIN)
def test_a_plain_sentence_is_not_a_jinju(sentence: str) -> None:
    assert find_jinju(sentence) == []


def test_offsets_are_characters_of_the_paragraph_and_a_quote_stays_whole() -> None:
    paragraph = (
        "开场白。古人云：“道虽迩，不行不至。事虽小，不为不成。”大家要牢记。 "
        "国运兴则体育兴，国家强则体育强。"
    )
    assert [paragraph[s:e] for s, e in sentences(paragraph)] == [
        "开场白。",
        "古人云：“道虽迩，不行不至。事虽小，不为不成。”",
        "大家要牢记。",
        "国运兴则体育兴，国家强则体育强。",
    ]
    found = find_jinju(paragraph)
    assert [(s.kind, paragraph[s.start : s.stop]) for s in found] == [
        ("引用", "古人云：“道虽迩，不行不至。事虽小，不为不成。”"),
        ("对仗", "国运兴则体育兴，国家强则体育强。"),
    ]


@pytest.mark.parametrize(
    ("sentence", "pair"),
    [
        (
            "我们要深化人文领域交流互鉴和文化遗产保护合作，各美其美，美美与共，将历史情感与"
            "时代精神融入两国友谊。",
            "各美其美，美美与共",
        ),
        (
            "瓦库党主席拉夫曼表示，习近平总书记指出，江山就是人民，人民就是江山，瓦库党高度"
            "赞赏中国共产党以人民为中心的发展思想。",
            "江山就是人民，人民就是江山",
        ),
        (
            "必须始终坚持党的群众路线，一切为了群众，一切依靠群众，从群众中来，到群众中去，"
            "尊重人民群众创造。",
            "从群众中来，到群众中去",
        ),
    ],
)
def test_two_clauses_that_echo_each_other_in_a_long_sentence_are_a_duizhang(
    sentence: str, pair: str
) -> None:
    """Repeated characters (各美其美，美美与共), the same characters turned round, or a match
    in three places: the pair alone, as a 对仗."""
    start = sentence.index(pair)
    assert [(s.kind, s.start, s.stop) for s in find_jinju(sentence)] == [
        ("对仗", start, start + len(pair))
    ]


def test_two_clauses_of_a_list_in_a_long_sentence_are_not_a_duizhang() -> None:
    """Names sharing their ending, two measures, two clauses opening alike."""
    for sentence in (
        "各民主党派中央、全国工商联负责人，无党派代表人士，宗教界代表人士，出席座谈会并发言。",
        "会议要求各地区各部门，加强党的建设，加快党的发展，推动各项工作落实落地。",
        "中央军委委托，中央军委委员出席会议并在会上讲话，部署下一阶段有关工作任务。",
    ):
        assert find_jinju(sentence) == [], sentence


def test_a_shared_link_or_ending_keeps_a_duizhang() -> None:
    """Two clauses sharing a link (就是, 已经) or their whole ending are a 对仗, though they
    differ in their first two characters like two measures sharing an object."""
    for sentence in (
        "江山就是人民，人民就是江山。",
        "蓝图已经绘就，号角已经吹响。",
        "光荣属于劳动者，幸福属于劳动者。",
        "青山见证新时代，绿水见证新时代。",
    ):
        assert [(s.kind, s.start, s.stop) for s in find_jinju(sentence)] == [
            ("对仗", 0, len(sentence))
        ], sentence


def test_a_quoted_verse_in_a_long_sentence_is_stored_alone() -> None:
    sentence = (
        "在这片曾经荒凉的土地上，当地干部群众接续奋斗了几十年，如今的景象正如古诗所写"
        "“春风又绿江南岸，明月何时照我还”，成为远近闻名的生态示范区。"
    )
    (found,) = find_jinju(sentence)
    assert (found.kind, sentence[found.start : found.stop]) == (
        "引用",
        "“春风又绿江南岸，明月何时照我还”",
    )


def test_a_couplet_quoted_inside_a_long_sentence_is_the_quoted_pair() -> None:
    sentence = "会上，他用“人民有所呼，改革有所应”来概括一年来的工作，赢得了代表们的掌声。"
    (found,) = find_jinju(sentence)
    assert (found.kind, sentence[found.start : found.stop]) == ("对仗", "“人民有所呼，改革有所应”")


#: EXTRACTOR 4: lines of the anthologies of src/sucai/classics/lines.txt, in plain prose,
#: without marks or a cue (增广贤文; 幼学琼林; 朱熹, 观书有感), traditional characters too.
KNOWN_LINES = [
    "观今宜鉴古，无古不成今。",
    "觀今宜鑑古，無古不成今。",
    "桃李不言，下自成蹊。",
    "一年之计在于春。",
    "问渠那得清如许，为有源头活水来。",
]
#: The same shapes that no anthology holds (headline couplets), and 成语 alone.
NOT_KNOWN_LINES = [
    "龙腾虎跃闹新春，红红火火过大年。",
    "春来农事忙，田间耕种勤。",
    "观今看发展，无处不繁荣。",
    "对待竞争，知己知彼，方能从容应对。",
    "各地风调雨顺，五谷丰登。",
    # A line as the title of a work.
    "新华社今天播发长篇通讯《登高壮观天地间》。",
]


@pytest.mark.parametrize("sentence", KNOWN_LINES)
def test_a_known_classical_line_in_plain_prose_is_a_quotation(sentence: str) -> None:
    found = find_jinju(sentence)
    assert [(s.kind, sentence[s.start : s.stop]) for s in found][:1] == [("引用", sentence)]


@pytest.mark.parametrize("sentence", NOT_KNOWN_LINES)
def test_a_couplet_of_the_same_shape_or_a_lone_chengyu_is_not(sentence: str) -> None:
    assert find_jinju(sentence) == []


def test_a_known_line_in_a_long_sentence_is_stored_alone_without_its_cue() -> None:
    sentence = (
        "回望来路，正所谓观今宜鉴古，无古不成今，我们要从历史中汲取智慧，不断开拓进取，"
        "推动各项工作取得新成效。"
    )
    (found,) = find_jinju(sentence)
    assert (found.kind, sentence[found.start : found.stop]) == ("引用", "观今宜鉴古，无古不成今")


@pytest.mark.parametrize(
    ("sentence", "stored"),
    [
        ("会议指出，一年之计在于春，春播粮食产量占全年六成左右。", "一年之计在于春"),
        ("水汽氤氲的荷塘里，鱼儿嬉戏，勾勒出“接天莲叶无穷碧”的盛夏画卷。", "“接天莲叶无穷碧”"),
        ("李强强调，一年之计在于春。", "李强强调，一年之计在于春。"),
        (
            "而在南方，江河山川依然澄澈、清新，“一年好景君须记，最是橙黄橘绿时”。",
            "“一年好景君须记，最是橙黄橘绿时”",
        ),
    ],
)
def test_a_known_line_within_prose_is_stored_alone_after_a_cue_with_it(
    sentence: str, stored: str
) -> None:
    (found,) = find_jinju(sentence)
    assert (found.kind, sentence[found.start : found.stop]) == ("引用", stored)


def test_a_known_line_after_a_dateline_is_stored_without_it() -> None:
    paragraph = "央视网消息（新闻联播）：一年之计在于春。各地抢抓农时，做好春耕备耕。"
    (found,) = find_jinju(paragraph)
    assert (found.kind, paragraph[found.start : found.stop]) == ("引用", "一年之计在于春。")


@pytest.mark.parametrize(
    "dateline",
    [
        "央视网消息（新闻联播）：",
        "新华社北京1月15日电（记者 张三）",
        "本台消息，",
        "新华社北京5月20日电",  # run on, as older papers print it
    ],
)
@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("习近平总书记指出，人民城市人民建，人民城市为人民。", "引用"),
        ("生态兴则文明兴，生态衰则文明衰。", "对仗"),
    ],
)
def test_a_saying_opening_a_news_item_is_found_after_its_dateline(
    dateline: str, sentence: str, kind: str
) -> None:
    # The dateline is no part of the first sentence: with it, a cue came too far from the
    # start and the clauses were three (EXTRACTOR 9).
    paragraph = dateline + sentence + "各地认真贯彻落实，取得积极成效。"
    (found,) = find_jinju(paragraph)
    assert (found.kind, paragraph[found.start : found.stop]) == (kind, sentence)


RUN = "以文明交流超越文明隔阂，以文明互鉴超越文明冲突，以文明共存超越文明优越。"


@pytest.mark.parametrize(
    "opening", ["人民网发布消息称，", "新华社记者了解到的消息显示，", "今年7月1日电价调整后，"]
)
def test_words_run_on_after_a_date_or_a_source_are_no_dateline(opening: str) -> None:
    # 消息 and 日电 run on into the sentence: it is read whole, from its first character.
    paragraph = opening + RUN
    (found,) = find_jinju(paragraph)
    assert (found.kind, found.start, found.stop) == ("排比", 0, len(paragraph))


def test_a_paragraph_of_a_dateline_alone_has_no_jinju() -> None:
    assert find_jinju("央视网消息（新闻联播）：") == []
    assert find_jinju("新华社北京1月15日电") == []


#: EXTRACTOR 5: a short saying of balanced clauses that a person is quoted saying (a title,
#: a pronoun or a name before 指出/强调/说/讲/告诫…, or a verb of counsel and whom it
#: counsels), in its marks or, a couplet, after a comma.
SAID = [
    "习近平指出，手中有粮，心中不慌。",
    "他说，民以食为天，农时不能误。",
    "李强强调，行而不辍，未来可期。",
    "习近平总书记指出：“没有全民健康，就没有全面小康。”",
    "老支书常讲：“村子要富，先修好路；日子要甜，先种好田。”",
    "他寄语青年“心有所信，方能行远”。",
]
#: Not a person's saying: a meeting, a text, an office or a spokesman; a requirement or a
#: measure; three clauses of a position; reported speech of ordinary content.
NOT_SAID = [
    "会议强调，心往一处想，劲往一处使。",
    "文章指出，手中有粮，心中不慌。",
    "外交部发言人说，原则立场一贯，态度十分坚定。",
    "习近平强调，要稳住农业基本盘，要守好粮食生产线。",
    "习近平指出，早日停火止战，寻求政治解决，符合各方利益。",
    "他说，“我们很高兴来到这里，感受到了中国人民的热情。”",
    # People in the news plainly saying what they report: a name or a role needs a verb of
    # citing (指出, 强调, 常讲 …), not 说.
    "游客说，景色很美，服务很好。",
    "市民张先生说，环境变好，出行方便。",
    "村民王大伯说，收入增加，日子红火。",
]


@pytest.mark.parametrize("sentence", SAID)
def test_a_saying_a_person_is_quoted_saying_is_a_quotation(sentence: str) -> None:
    assert [(s.kind, sentence[s.start : s.stop]) for s in find_jinju(sentence)] == [
        ("引用", sentence)
    ]


@pytest.mark.parametrize("sentence", NOT_SAID)
def test_what_is_not_a_persons_saying_is_not_a_quotation(sentence: str) -> None:
    assert [s.kind for s in find_jinju(sentence)] != ["引用"]


#: EXTRACTOR 5, tighter: an unquoted couplet with an archaic word only of the lengths of verse
#: (则 in prose; 者 in a motto of three); a time named with 之; a saying quoted alone in words
#: of speech (的, 们, 着); measures behind 进一步 sharing only 的; two clauses that merely
#: happen to hold a character twice.
NOT_ANY_MORE = [
    "人员出行持续旺盛，货运量则平稳增长。",
    "奋斗者，正青春。",
    "仲夏之月，万物正盛。",
    "“春节是新的开始，预示着新的希望。”",
    "“群众有需要，我们随时到”。",
    "发挥港口优势，进一步放大港口航运的辐射能力，进一步激发产业升级的巨大潜力，"
    "进一步彰显生态城市的宜居魅力。",
    "走进车间，工人们分工明确，分拣分级，一派繁忙景象。",
    "会上，中国代表表示，中方呼吁各方保持克制，尽快恢复对话。",
]
#: … while what the same rules are for stays (the gold of the criteria).
STILL = [
    ("治国之道，富民为始。", "引用"),
    ("“春分麦起身，一刻值千金”。", "引用"),
    ("“吃了春分饭，一天长一线”。", "引用"),
    ("以文明交流超越文明隔阂，以文明互鉴超越文明冲突，以文明共存超越文明优越。", "排比"),
]


@pytest.mark.parametrize("sentence", NOT_ANY_MORE)
def test_prose_mottos_and_chance_repeats_are_not_jinju(sentence: str) -> None:
    assert find_jinju(sentence) == []


@pytest.mark.parametrize(("sentence", "kind"), STILL)
def test_the_tightened_rules_keep_what_they_are_for(sentence: str, kind: str) -> None:
    assert [(s.kind, sentence[s.start : s.stop]) for s in find_jinju(sentence)] == [
        (kind, sentence)
    ]


@pytest.mark.parametrize(
    ("sentence", "pair"),
    [
        (
            "村里发展特色产业以后，人人有活干，家家有收入，日子越过越红火。",
            "人人有活干，家家有收入",
        ),
        (
            "大家都说，增绿就是增优势，植树就是植未来，这笔账算得清。",
            "增绿就是增优势，植树就是植未来",
        ),
        (
            "制度落实以后，做到人人有专责，事事有人管，形成齐抓共管的格局。",
            "做到人人有专责，事事有人管",
        ),
    ],
)
def test_two_clauses_echo_when_they_repeat_alike_in_a_long_sentence(
    sentence: str, pair: str
) -> None:
    """Each clause repeats a character in the same places, from the start (人人/家家; 增…增/
    植…植) or from the end (人人有专责, 事事有人管), not characters that merely come twice."""
    start = sentence.index(pair)
    assert [(s.kind, s.start, s.stop) for s in find_jinju(sentence)] == [
        ("对仗", start, start + len(pair))
    ]


JINJU_OLD = "我们要牢记“民为邦本，本固邦宁”，把群众冷暖放在心上。"
#: A 排比 the filter keeps (labelled true in bench/; 要做到…×3, a list of requirements, is not).
JINJU_NEW = "以文明交流超越文明隔阂，以文明互鉴超越文明冲突，以文明共存超越文明优越。"


def _speech(tmp_path: Path, name: str, extra: str) -> Path:
    body = [*BODY[:5], BODY[5] + extra, *BODY[6:]]
    return _write(tmp_path / name, "在全县经济工作会议上的讲话", body)


def test_jinju_are_stored_with_offsets_and_found_again_when_a_copy_is_kept_or_split(
    library: Library, tmp_path: Path
) -> None:
    _ingest_each(
        library, [_speech(tmp_path, "a.txt", JINJU_OLD), _speech(tmp_path, "b.txt", JINJU_NEW)]
    )
    assert library.count() == 1
    (article,) = library.articles()

    def texts(article_id: int) -> list[tuple[str, str]]:
        found = library.article_jinju(article_id)
        for j in found:  # the offsets point at the sentence in the stored paragraph
            assert library.get(article_id).paragraphs[j.paragraph].text[j.start : j.stop] == j.text
        return [(j.kind, j.text) for j in found]

    assert ("引用", JINJU_OLD) in texts(article.id)
    assert ("排比", JINJU_NEW) not in texts(article.id)
    (copy,) = library.duplicates().clusters[0].copies
    library.keep_copy(copy.id)
    assert ("排比", JINJU_NEW) in texts(article.id)
    assert ("引用", JINJU_OLD) not in texts(article.id)
    (old,) = library.duplicates().clusters[0].copies
    new_id = library.split_copy(old.id)
    assert ("引用", JINJU_OLD) in texts(new_id)
    assert ("引用", JINJU_OLD) not in texts(article.id)


def test_jinju_are_searched_by_words_and_kind_newest_first(library: Library) -> None:
    library.ingest([SEED])
    total, every = library.jinju(limit=None)
    assert total == len(every) > 0
    dates = [j.article.issued_on or str(j.article.year or "") for j in every]
    assert dates == sorted(dates, reverse=True)
    word = every[0].text[1:3]
    total, hits = library.jinju(word, limit=None)
    assert total == len(hits) == sum(word in j.text for j in every)
    kind = every[0].kind
    assert library.jinju(kinds=[kind], limit=None)[1] == [j for j in every if j.kind == kind]
    assert library.jinju(kinds=[], limit=None) == (0, [])
    assert library.jinju(limit=2, offset=1)[1] == every[1:3]
    with pytest.raises(UserError, match="unknown 金句 kind '比喻'"):
        library.jinju(kinds=["比喻"])


def test_a_jinju_of_a_paid_paragraph_is_not_listed_or_counted_for_a_visitor(
    library: Library,
) -> None:
    library.ingest([SEED])
    total, every = library.jinju(limit=None)
    paid = [j for j in every if j.paid]
    assert paid, "the seed's paid part has 金句"
    free_total, free = library.jinju(limit=None, paid=False)
    assert free == [j for j in every if not j.paid] and free_total == total - len(paid)
    article_id = paid[0].article.id
    assert all(not j.paid for j in library.article_jinju(article_id, paid=False))
    assert any(j.paid for j in library.article_jinju(article_id))


def test_a_saying_quoted_in_several_places_is_listed_once_at_its_newest(
    library: Library, tmp_path: Path
) -> None:
    saying = "“民之所忧，我必念之；民之所盼，我必行之。”"
    speeches = {  # the newest quotes it in its paid part
        "甲": ("2023年5月1日", f"{saying}各地要办好民生实事。", ""),
        "乙": ("2024年3月1日", f"习近平总书记指出：{saying}", ""),
        "丙": (
            "2025年1月2日",
            "要把群众的事办好。",
            f"##paidbegin##\n他说：{saying}\n##paidend##\n",
        ),
    }
    for name, (day, text, paid) in speeches.items():
        (tmp_path / f"{name}.txt").write_text(
            f"在{name}县民生工作会议上的讲话\n（{day}）\n一、提高站位\n{text}\n{paid}",
            encoding="utf-8",
        )
    library.ingest(sorted(tmp_path.glob("*.txt")))
    every = library.jinju("民之所忧", repeats=True)[1]
    assert [(j.article.title[1], j.paid, j.elsewhere) for j in every] == [
        ("丙", True, 0),
        ("乙", False, 0),
        ("甲", False, 0),
    ]
    assert [(j.text, j.elsewhere) for j in library.jinju("民之所忧")[1]] == [(f"他说：{saying}", 2)]
    # A visitor: the paid place is neither shown nor counted.
    assert library.jinju("民之所忧", paid=False) == (1, [replace(every[1], elsewhere=1)])
    runner = CliRunner()
    db = str(library.db)
    result = runner.invoke(cli, ["search", "--db", db, "--in", "jinju", "民之所忧"])
    assert f"[引用] 他说：{saying}  (+2 elsewhere)  [会员]" in result.output
    data = json.loads(
        runner.invoke(cli, ["search", "--db", db, "--in", "jinju", "民之所忧", "--json"]).output
    )
    assert (data["total"], data["jinju"][0]["elsewhere"]) == (1, 2)


def test_a_library_older_than_jinju_finds_them_when_first_opened(
    library: Library, tmp_path: Path
) -> None:
    library.ingest([SEED])
    before = library.jinju(limit=None)
    path = library.db
    library.close()
    with sqlite3.connect(path) as db:  # the library as sucai 0.11 left it
        db.execute("DROP TABLE jinju")
        db.execute("DROP INDEX paragraphs_paid")
        db.execute("DELETE FROM _sucai_migrations WHERE name = 'm016_jinju'")
    with open_library(path) as reopened:
        assert reopened.jinju(limit=None) == before


@pytest.mark.parametrize("recorded", ["1", "2", None])
def test_jinju_found_by_older_rules_are_found_again_on_open(
    library: Library, recorded: str | None
) -> None:
    """A library whose 金句 older rules found (version 1, or none recorded: as m016 left
    it) finds them again when opened, with progress; one found by these rules is left as it
    is."""
    library.ingest([SEED])
    before = library.jinju(limit=None)
    assert before[0] > 0
    path = library.db
    library.close()
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM jinju")
        db.execute("DELETE FROM meta WHERE key = 'jinju_extractor'")
        if recorded is not None:
            db.execute("INSERT INTO meta VALUES ('jinju_extractor', ?)", (recorded,))
    progress: list[tuple[int, int]] = []
    with open_library(path, on_jinju=lambda done, total: progress.append((done, total))) as again:
        assert again.jinju(limit=None) == before
    assert progress and progress[-1][0] == progress[-1][1] > 0
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM jinju")
    with open_library(path, on_jinju=lambda done, total: progress.append((done, total))) as same:
        assert same.jinju(limit=None) == (0, [])
        assert same.refind_jinju() == 0
    assert len(progress) == 1


def test_sucai_search_in_jinju_prints_each_with_its_kind_and_source(library: Library) -> None:
    library.ingest([SEED])
    _, found = library.jinju("发展", kinds=["警句"], limit=1)
    j = found[0]
    runner = CliRunner()
    db = str(library.db)
    result = runner.invoke(
        cli, ["search", "--db", db, "--in", "jinju", "发展", "--kind", "警句", "--limit", "1"]
    )
    assert result.exit_code == 0, result.output
    total = library.jinju("发展", kinds=["警句"])[0]
    assert result.output == (
        f"{total} matching 金句 (1–1 shown)\n\n[警句] {j.text}  [会员]\n"
        f"     [{j.article.id}:{j.paragraph + 1}] {j.article.title}（{j.article.role}）\n"
    )
    data = json.loads(
        runner.invoke(cli, ["search", "--db", db, "--in", "jinju", "发展", "--json"]).output
    )
    assert data["ok"] and data["total"] == library.jinju("发展")[0]
    first = data["jinju"][0]
    text = library.get(first["article_id"]).paragraphs[first["paragraph_index"]].text
    assert text[first["start"] : first["stop"]] == first["text"]
    result = runner.invoke(cli, ["search", "--db", db, "--in", "jinju", "没有这个词"])
    assert result.output == "No 金句 hold “没有这个词”. Try fewer words, or another --kind.\n"


def test_sucai_search_in_jinju_without_words_lists_them_all(library: Library) -> None:
    runner = CliRunner()
    db = str(library.db)
    empty = runner.invoke(cli, ["search", "--db", db, "--in", "jinju"])
    assert (empty.exit_code, empty.output) == (0, "No 金句 in this library yet.\n")
    library.ingest([SEED])
    total, every = library.jinju(kinds=["对仗"], limit=None)
    result = runner.invoke(cli, ["search", "--db", db, "--in", "jinju", "--kind", "对仗"])
    assert result.output.startswith(f"{total} matching 金句 (1–{total} shown)\n")
    assert [line for line in result.output.splitlines() if line.startswith("[对仗]")] == [
        f"[对仗] {j.text}" + ("  [会员]" if j.paid else "") for j in every
    ]
    # The seed's runs are lists of measures, which the filter drops: it has no 排比.
    none = runner.invoke(cli, ["search", "--db", db, "--in", "jinju", "--kind", "排比"])
    assert none.output == "No 金句 of the kind 排比 in this library.\n"
    # Words are needed to search anything else.
    refused = runner.invoke(cli, ["search", "--db", db])
    assert refused.exit_code == 2
    assert "give the words to search for (none: --in jinju only)." in refused.output


def test_tifa_of_a_library_without_dated_articles_prints_an_empty_table(tmp_path: Path) -> None:
    # No article has a year: there is no row to print (it was a TypeError traceback).
    notice = tmp_path / "通知.txt"
    notice.write_text("关于做好冬季防火工作的通知\n\n各单位要落实防火责任。", encoding="utf-8")
    db = str(tmp_path / "lib.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["import", "--db", db, str(notice)]).exit_code == 0
    result = runner.invoke(cli, ["tifa", "--db", db, "防火"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].split() == [
        "year",
        "chars",
        "防火",
        "uses",
        "防火",
        "/百万字",
    ]


def test_laws_and_regulations_have_no_jinju(library: Library) -> None:
    """A law is cited as a 依据, not quoted for its style (docs/jinju.md)."""
    report = library.ingest(sorted((ROOT / "samples" / "laws").glob("*.md")))
    assert report.new_articles > 0
    assert library.jinju(limit=None) == (0, [])


#: EXTRACTOR 7: a couplet that reads as a headline, a theme or a policy pair is no 对仗 —
#: clauses sharing their opening and nothing else of a saying, a quoted character or 向…而…,
#: a place named in both, 既…又/也…; a run sharing an opening that ends in a verb of measures
#: (有利于推动X ×3) is a list.
SLOGANS = [
    "精细管理，精细服务。",
    "抓存量项目开工，抓增量项目储备。",
    "向山而行，因山而兴。",
    "产业因“绿”而兴，乡村因“绿”而美。",
    "多彩云南游，好客云南情。",
    "既要抓发展，又要抓安全。",
    "改革开放以来，有利于推动产业升级，有利于推动城乡融合，有利于推动区域协调。",
]
#: … while a shared opening with a function word, words turned about or opposites in the
#: same place stays a 对仗, and a run of 共同…了 stays a 排比.
SAYINGS_KEPT = [
    ("实干才能兴业，实干方能致远。", "对仗"),
    ("在学习中实践，在实践中学习。", "对仗"),
    ("让群众少跑路，让干部多跑腿。", "对仗"),
    (
        "我们共同开拓了辽阔疆域，共同书写了悠久历史，共同创造了灿烂文化，共同培育了民族精神。",
        "排比",
    ),
]


@pytest.mark.parametrize("sentence", SLOGANS)
def test_headline_theme_and_policy_couplets_and_runs_of_measures_are_not_jinju(
    sentence: str,
) -> None:
    assert find_jinju(sentence) == []


@pytest.mark.parametrize(("sentence", "kind"), SAYINGS_KEPT)
def test_a_couplet_with_the_marks_of_a_saying_stays(sentence: str, kind: str) -> None:
    assert [(s.kind, s.start, s.stop) for s in find_jinju(sentence)] == [(kind, 0, len(sentence))]
