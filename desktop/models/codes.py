"""Every code list in one place: a stable English/standard code stored, a Chinese label shown.

The UI, the roster spreadsheets and the printed forms all read labels from here, and the
roster importer turns the spellings offices really write (壮 for 壮族, 党员 for 中共党员)
back into codes through ``CodeList.lookup``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CodeList:
    name: str
    label_zh: str
    items: tuple[tuple[str, str], ...]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items)

    def __contains__(self, code: object) -> bool:
        return any(code == c for c, _ in self.items)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.items)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.items)

    def label(self, code: str | None) -> str:
        if code is None or code == "":
            return ""
        for c, label in self.items:
            if c == code:
                return label
        return code

    def lookup(self, text: str) -> str | None:
        """Code for a code, a label or a known alias; None if unknown."""
        value = text.strip()
        if not value:
            return None
        for c, label in self.items:
            if value == c or value == label:
                return c
        return self.aliases.get(value)


_ETHNICITIES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 "
    "哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 "
    "柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()

ETHNICITY = CodeList(
    "ethnicity",
    "民族",
    tuple((f"{i:02d}", n) for i, n in enumerate(_ETHNICITIES, start=1))
    + (("97", "其他"), ("98", "外国血统中国籍人士")),
    # Rosters often drop the trailing 族 (壮, 回).
    aliases={n[:-1]: f"{i:02d}" for i, n in enumerate(_ETHNICITIES, start=1)},
)

POLITICAL_STATUS = CodeList(
    "political_status",
    "政治面貌",
    (
        ("01", "中共党员"),
        ("02", "中共预备党员"),
        ("03", "共青团员"),
        ("04", "民革党员"),
        ("05", "民盟盟员"),
        ("06", "民建会员"),
        ("07", "民进会员"),
        ("08", "农工党党员"),
        ("09", "致公党党员"),
        ("10", "九三学社社员"),
        ("11", "台盟盟员"),
        ("12", "无党派人士"),
        ("13", "群众"),
    ),
    aliases={
        "党员": "01",
        "预备党员": "02",
        "团员": "03",
        "无": "13",
        "无党派": "12",
        # a democratic party written without 党员/盟员/会员/社员, as rosters often do
        "民革": "04",
        "民盟": "05",
        "民建": "06",
        "民进": "07",
        "农工党": "08",
        "致公党": "09",
        "九三学社": "10",
        "台盟": "11",
    },
)

EDUCATION = CodeList(
    "education",
    "学历",
    (
        ("doctorate", "博士研究生"),
        ("master", "硕士研究生"),
        ("bachelor", "大学本科"),
        ("college", "大学专科"),
        ("vocational", "中专/中技/职高"),
        ("high_school", "高中"),
        ("junior_high", "初中"),
        ("primary", "小学及以下"),
    ),
    aliases={
        "博士": "doctorate",
        "硕士": "master",
        "研究生": "master",
        "本科": "bachelor",
        "大专": "college",
        "专科": "college",
        "中专": "vocational",
        "中技": "vocational",
        "职高": "vocational",
        "技校": "vocational",
        "小学": "primary",
    },
)

HUKOU_TYPE = CodeList(
    "hukou_type",
    "户籍类型",
    (
        ("local_urban", "本地城镇"),
        ("local_rural", "本地农村"),
        ("nonlocal_urban", "外地城镇"),
        ("nonlocal_rural", "外地农村"),
    ),
    # Older rosters only say 农业/非农业; locality is unknown, so assume local.
    aliases={
        "农业户口": "local_rural",
        "非农业户口": "local_urban",
        "农业": "local_rural",
        "非农业": "local_urban",
        "农村": "local_rural",
        "城镇": "local_urban",
    },
)
RURAL_HUKOU = frozenset({"local_rural", "nonlocal_rural"})

INDUSTRY = CodeList(
    "industry",
    "行业",
    (
        ("A", "农、林、牧、渔业"),
        ("B", "采矿业"),
        ("C", "制造业"),
        ("D", "电力、热力、燃气及水生产和供应业"),
        ("E", "建筑业"),
        ("F", "批发和零售业"),
        ("G", "交通运输、仓储和邮政业"),
        ("H", "住宿和餐饮业"),
        ("I", "信息传输、软件和信息技术服务业"),
        ("J", "金融业"),
        ("K", "房地产业"),
        ("L", "租赁和商务服务业"),
        ("M", "科学研究和技术服务业"),
        ("N", "水利、环境和公共设施管理业"),
        ("O", "居民服务、修理和其他服务业"),
        ("P", "教育"),
        ("Q", "卫生和社会工作"),
        ("R", "文化、体育和娱乐业"),
        ("S", "公共管理、社会保障和社会组织"),
        ("T", "国际组织"),
    ),
)

OWNERSHIP = CodeList(
    "ownership",
    "单位类别",
    (
        ("110", "国有企业"),
        ("120", "集体企业"),
        ("130", "股份合作企业"),
        ("140", "联营企业"),
        ("150", "有限责任公司"),
        ("160", "股份有限公司"),
        ("170", "私营企业"),
        ("190", "其他内资企业"),
        ("200", "港澳台商投资企业"),
        ("300", "外商投资企业"),
        ("400", "事业单位"),
        ("500", "机关"),
        ("600", "个体工商户"),
        ("700", "民办非企业单位"),
        ("900", "其他"),
    ),
)

MEMBERSHIP_STATUS = CodeList(
    "membership_status",
    "会籍状态",
    (
        ("applicant", "申请中"),
        ("active", "在会"),
        ("retained", "保留会籍"),
        ("transferred_out", "已转出"),
        ("withdrawn", "已退会"),
        ("expelled", "已开除"),
    ),
    aliases={
        "会员": "active",
        "正常": "active",
        "欠费被退会": "withdrawn",
        "退会": "withdrawn",
        # 保留会籍 is what a retired or unemployed member keeps (CODES.md)
        "退休": "retained",
        "失业": "retained",
    },
)
# Statuses that count as "in the union" for totals and card printing.
CURRENT_STATUSES = frozenset({"active", "retained"})
# Display order of statuses in statistics.
MEMBERS_STATUS_ORDER = (
    "applicant",
    "active",
    "retained",
    "transferred_out",
    "withdrawn",
    "expelled",
)
LEFT_STATUSES = frozenset({"transferred_out", "withdrawn", "expelled"})

GENDER = CodeList("gender", "性别", (("M", "男"), ("F", "女")))

HARDSHIP_LEVEL = CodeList(
    "hardship_level",
    "困难类别",
    (("deep", "深度困难"), ("relative", "相对困难"), ("accidental", "意外致困")),
)

APPLICATION_STATUS = CodeList(
    "application_status",
    "申请状态",
    (("submitted", "待审核"), ("approved", "已批准"), ("rejected", "未批准")),
)

# Age bands shown in filters and the dashboard; 16–34 is the 新生代 (new-generation) band.
AGE_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("under_35", "35岁以下（新生代）", 16, 34),
    ("35_44", "35–44岁", 35, 44),
    ("45_54", "45–54岁", 45, 54),
    ("55_plus", "55岁及以上", 55, 200),
)

# ---- Activities and 会站家 (issue 6) -------------------------------------------------

# The "3" of the 3+N service plan: fixed, cannot be renamed or retired.
FIXED_SERVICE_CATEGORIES = CodeList(
    "fixed_service_category",
    "服务类别（必选）",
    (
        ("hardship_help", "困难帮扶"),
        ("legal_aid", "法律援助"),
        ("culture_sport_health", "文体健康"),
    ),
)
# The "N": seeds of the editable list kept in the synced ``service_categories`` table.
DEFAULT_N_SERVICE_CATEGORIES = CodeList(
    "n_service_category",
    "服务类别（自选）",
    (
        ("career", "职业发展"),
        ("family_care", "亲情关爱"),
        ("festival", "节日喜庆"),
        ("counselling", "心理咨询"),
        ("child_care", "子女关爱"),
        ("public_services", "争取公共服务均等化"),
    ),
)

SITE_KIND = CodeList(
    "site_kind",
    "阵地类别",
    (("federation", "工会联合会"), ("station", "职工服务站"), ("home", "职工之家")),
    aliases={"会": "federation", "站": "station", "家": "home", "服务站": "station"},
)

FACILITY = CodeList(
    "facility",
    "设施",
    (
        ("reading_room", "阅览室"),
        ("activity_room", "活动室"),
        ("nursing_room", "母婴室"),
        ("counselling_room", "心理咨询室"),
        ("gym", "健身室"),
        ("legal_room", "法律服务室"),
        ("aed", "AED（自动体外除颤器）"),
        ("meeting_room", "会议室"),
        ("rest_area", "休息区（爱心驿站）"),
        ("canteen", "职工食堂"),
        ("first_aid_kit", "急救箱"),
        ("wifi", "无线网络"),
    ),
    aliases={"AED": "aed", "除颤仪": "aed", "图书室": "reading_room", "爱心驿站": "rest_area"},
)

FACILITY_CONDITION = CodeList(
    "facility_condition",
    "设施状况",
    (("good", "良好"), ("fair", "一般"), ("poor", "需维修"), ("out_of_use", "停用")),
)

ATTENDANCE_METHOD = CodeList(
    "attendance_method",
    "签到方式",
    (("card", "刷卡/输入卡号"), ("search", "查找会员"), ("guest", "非会员")),
)

WORKER_STATUS = CodeList(
    "worker_status",
    "在岗状态",
    (("active", "在岗"), ("left", "已离职")),
)

STAR_LEVELS: tuple[tuple[int, str], ...] = (
    (1, "一星"),
    (2, "二星"),
    (3, "三星"),
    (4, "四星"),
    (5, "五星"),
)

ALL_LISTS: dict[str, CodeList] = {
    cl.name: cl
    for cl in (
        ETHNICITY,
        POLITICAL_STATUS,
        EDUCATION,
        HUKOU_TYPE,
        INDUSTRY,
        OWNERSHIP,
        MEMBERSHIP_STATUS,
        GENDER,
        HARDSHIP_LEVEL,
        APPLICATION_STATUS,
        FIXED_SERVICE_CATEGORIES,
        DEFAULT_N_SERVICE_CATEGORIES,
        SITE_KIND,
        FACILITY,
        FACILITY_CONDITION,
        ATTENDANCE_METHOD,
        WORKER_STATUS,
    )
}

# ---- Legal aid and honours (issue 22) ------------------------------------------------

LEGAL_CASE_TYPE = CodeList(
    "legal_case_type",
    "案件类型",
    (
        ("labour_contract", "劳动合同"),
        ("wage_arrears", "工资拖欠"),
        ("work_injury", "工伤"),
        ("social_insurance", "社保"),
        ("dismissal", "解除劳动关系/经济补偿"),
        ("working_hours", "工时与休息休假"),
        ("occupational_disease", "职业病"),
        ("other", "其他"),
    ),
    aliases={
        "欠薪": "wage_arrears",
        "社会保险": "social_insurance",
        "劳动合同纠纷": "labour_contract",
    },
)

# 受理 → 调解/仲裁/诉讼/咨询 → 结案: the middle stages may follow each other (a failed
# mediation goes to arbitration, an appealed award to court); 结案 only via ``close``.
LEGAL_CASE_STATUS = CodeList(
    "legal_case_status",
    "案件状态",
    (
        ("accepted", "受理"),
        ("mediation", "调解"),
        ("arbitration", "仲裁"),
        ("litigation", "诉讼"),
        ("consultation", "咨询"),
        ("closed", "结案"),
    ),
)
LEGAL_OPEN_STAGES = ("mediation", "arbitration", "litigation", "consultation")

LEGAL_OUTCOME = CodeList(
    "legal_outcome",
    "结案结果",
    (
        ("mediated", "调解成功"),
        ("upheld", "仲裁/判决支持"),
        ("partly_upheld", "部分支持"),
        ("not_upheld", "未获支持"),
        ("withdrawn", "申请人撤回"),
        ("advised", "咨询已解答"),
        ("referred", "转介其他机构"),
    ),
)

HONOUR_LEVEL = CodeList(
    "honour_level",
    "荣誉级别",
    (("national", "国家级"), ("provincial", "省级"), ("city", "市级"), ("district", "区级")),
    aliases={
        "国家": "national",
        "全国": "national",
        "省": "provincial",
        "市": "city",
        "区": "district",
    },
)

# Seeds of the editable 荣誉称号 list (the synced ``honour_titles`` table); the third
# value marks a team honour (工人先锋号 goes to a team, not to one member).
DEFAULT_HONOUR_TITLES: tuple[tuple[str, str, bool], ...] = (
    ("nanyue_craftsman", "南粤工匠", False),
    ("nanyue_best_worker", "南粤最美职工", False),
    ("model_worker", "劳动模范", False),
    ("may_day_medal", "五一劳动奖章", False),
    ("pioneer_team", "工人先锋号", True),
    ("advanced_worker", "先进工作者", False),
)

ALL_LISTS.update(
    {cl.name: cl for cl in (LEGAL_CASE_TYPE, LEGAL_CASE_STATUS, LEGAL_OUTCOME, HONOUR_LEVEL)}
)
# 入会申请的渠道 (issue #21): how an application reached the office.
APPLICATION_CHANNEL = CodeList(
    "application_channel",
    "申请渠道",
    (("paper", "纸质"), ("phone", "电话"), ("qr", "扫码"), ("visit", "上门")),
)
ALL_LISTS[APPLICATION_CHANNEL.name] = APPLICATION_CHANNEL
# ---- Care records: hardship files 困难职工档案 (issue 22) -----------------------------

HARDSHIP_CAUSE = CodeList(
    "hardship_cause",
    "致困原因",
    (
        ("illness", "患病"),
        ("disability", "残疾"),
        ("unemployment", "失业"),
        ("accident", "意外事故"),
        ("schooling", "子女就学"),
        ("disaster", "自然灾害"),
        ("single_parent", "单亲家庭"),
        ("elderly_care", "赡养老人"),
        ("low_income", "收入低"),
        ("other", "其他"),
    ),
    aliases={"疾病": "illness", "大病": "illness", "下岗": "unemployment", "就学": "schooling"},
)

DISABILITY_GRADE = CodeList(
    "disability_grade",
    "残疾等级",
    (("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")),
)

HOUSEHOLD_RELATION = CodeList(
    "household_relation",
    "与本人关系",
    (
        ("spouse", "配偶"),
        ("child", "子女"),
        ("parent", "父母"),
        ("parent_in_law", "配偶父母"),
        ("sibling", "兄弟姐妹"),
        ("grandchild", "孙子女"),
        ("other", "其他"),
    ),
    aliases={"妻子": "spouse", "丈夫": "spouse", "儿子": "child", "女儿": "child"},
)

WORK_STATUS = CodeList(
    "work_status",
    "就业就学状况",
    (
        ("employed", "在职"),
        ("unemployed", "失业"),
        ("retired", "退休"),
        ("student", "在校"),
        ("preschool", "学龄前"),
        ("farming", "务农"),
        ("unable", "丧失劳动能力"),
        ("other", "其他"),
    ),
)

ASSISTANCE_KIND = CodeList(
    "assistance_kind",
    "救助类别",
    (
        ("living", "生活救助"),
        ("medical", "医疗救助"),
        ("education", "助学"),
        ("warmth", "送温暖"),
        ("employment", "就业帮扶"),
        ("emergency", "临时救助"),
        ("other", "其他"),
    ),
    aliases={"金秋助学": "education", "助学金": "education", "慰问": "warmth"},
)

FUND_SOURCE = CodeList(
    "fund_source",
    "资金来源",
    (
        ("union_funds", "本级工会经费"),
        ("higher_union", "上级工会补助"),
        ("special_fund", "帮扶专项资金"),
        ("donation", "社会捐助"),
        ("employer", "企业（单位）自筹"),
        ("other", "其他"),
    ),
)

REVIEW_RESULT = CodeList(
    "review_result",
    "复核结论",
    (("continue", "继续帮扶"), ("adjust", "调整困难类别"), ("exit", "脱困退档")),
)

CONSENT_FORM = CodeList(
    "consent_form",
    "同意方式",
    (("written", "书面签字"), ("oral", "口头同意（有见证人）"), ("electronic", "电子确认")),
    aliases={"书面": "written", "口头": "oral", "电子": "electronic"},
)

for _care_list in (
    HARDSHIP_CAUSE,
    DISABILITY_GRADE,
    HOUSEHOLD_RELATION,
    WORK_STATUS,
    ASSISTANCE_KIND,
    FUND_SOURCE,
    REVIEW_RESULT,
    CONSENT_FORM,
):
    ALL_LISTS[_care_list.name] = _care_list

# ---- Transfers (issue 21) -------------------------------------------------------------

TRANSFER_KIND = CodeList(
    "transfer_kind",
    "转接类型",
    (("internal", "联合会内转接"), ("out", "转出联合会"), ("in", "外单位转入")),
    aliases={"内部": "internal", "转出": "out", "转入": "in"},
)
ALL_LISTS[TRANSFER_KIND.name] = TRANSFER_KIND
