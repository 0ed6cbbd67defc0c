"""Search by any reading of a name (issue 17, point 9): polyphonic characters in given
names, surnames as a public surname table reads them, a bounded number of terms."""

from __future__ import annotations

import pytest
from stdnum.cn import ric

from desktop.services.members import queries as member_queries
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage import pinyin, search_index
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


PEOPLE = [
    "李曾",  # given name 曾: ceng or zeng
    "王乐天",  # 乐: le or yue
    "赵长青",  # 长: chang or zhang
    "孙行健",  # 行: xing or hang
    "周重阳",  # 重: zhong or chong
    "乜小红",  # surname 乜: nie
    "子车明",  # compound surname 子车: ziju
    "六一",  # surname 六: lu
    "吕布",  # surname 吕: lv or lu
    "尉缭",  # surname 尉: wei or yu
    "曾华",
    "单田芳",
    "解放",
    "仇英",
    "朴正",
    "区永",
    "查理",
    "盖聂",
    "万俟卨",
    "尉迟恭",
    "陈旅",  # given name with ü: lv or lu
]


def _id(serial: int) -> str:
    body = f"44030419900101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def people(db: Database) -> None:
    federations.create(db, "联合会", card_prefix="GH")
    union = unions.add(db, "一号工会").id
    for i, name in enumerate(PEOPLE):
        members.add(db, {"name": name, "id_number": _id(i + 1), "union_id": union})


def _names(db: Database, query: str) -> set[str]:
    with db.connect(write=False) as conn:
        return {r.name for r in member_queries.find(conn, query)}


@pytest.mark.parametrize(
    ("queries", "name"),
    [
        (["ceng", "zeng", "liceng", "lizeng", "lc", "lz"], "李曾"),
        (["le", "yue", "wangletian", "wangyuetian"], "王乐天"),
        (["changqing", "zhangqing", "zhaozhangqing", "zhaochangqing"], "赵长青"),
        (["xingjian", "hangjian", "sunhangjian"], "孙行健"),
        (["zhongyang", "chongyang", "zhouchongyang", "zhouzhongyang"], "周重阳"),
        (["niexiaohong", "nie", "nxh"], "乜小红"),
        (["zijuming", "ziju", "zjm"], "子车明"),
        (["luyi", "lu", "ly"], "六一"),
        (["lvbu", "lubu", "lv"], "吕布"),
        (["weiliao", "yuliao", "wl", "yl"], "尉缭"),
        (["zenghua", "zh"], "曾华"),
        (["shantianfang", "stf"], "单田芳"),
        (["xiefang"], "解放"),
        (["qiuying"], "仇英"),
        (["piaozheng"], "朴正"),
        (["ouyong"], "区永"),
        (["zhali"], "查理"),
        (["genie"], "盖聂"),
        (["moqixie", "mqx"], "万俟卨"),
        (["yuchigong", "ycg"], "尉迟恭"),
        (["chenlv", "chenlu", "lv", "lu"], "陈旅"),
    ],
)
def test_found_by_every_reading(db: Database, people: None, queries: list[str], name: str) -> None:
    for query in queries:
        assert name in _names(db, query), query


def test_wrong_surname_readings_are_not_indexed(db: Database, people: None) -> None:
    assert "乜小红" not in _names(db, "miexiaohong")
    assert "六一" not in _names(db, "liuyi")
    assert "子车明" not in _names(db, "zicheming")
    assert "单田芳" not in _names(db, "dantianfang")


def test_readings_are_bounded() -> None:
    """Every name has at most ``MAX_READINGS`` readings; a character at most
    ``MAX_CHAR_READINGS`` (each with its u spelling of the ü)."""
    assert len(pinyin.name_readings("乐长行重朝")) == pinyin.MAX_READINGS
    assert pinyin.name_readings("张三") == (pinyin.name_pinyin("张三"),)
    assert pinyin.name_readings("曾行")[0] == pinyin.name_pinyin("曾行")  # sorting reading
    for char in "曾乐长行重和朝觉单":
        (options,) = pinyin.given_options(char)
        assert 2 <= len(options) <= pinyin.MAX_CHAR_READINGS
    terms = search_index.name_terms("乐长行重朝").split()
    assert len(terms) < 80


def test_sort_key_reads_the_surname_as_a_surname() -> None:
    assert pinyin.sort_key("乜小红").startswith("nie xiao hong")
    assert pinyin.sort_key("六一").startswith("lu yi")
    assert pinyin.sort_key("子车明").startswith("zi ju ming")


def test_given_name_readings_are_readings_pypinyin_knows() -> None:
    """The curated table only chooses among the heteronyms pypinyin lists."""
    from pypinyin import Style
    from pypinyin import pinyin as heteronyms

    for char, readings in pinyin.GIVEN_NAME_READINGS.items():
        known = {r.lower() for r in heteronyms(char, style=Style.NORMAL, heteronym=True)[0]}
        assert set(readings) <= known, (char, readings, known)
        assert len(readings) <= pinyin.MAX_CHAR_READINGS
    assert pinyin.name_readings("张明") == (pinyin.name_pinyin("张明"),)  # not "meng"
