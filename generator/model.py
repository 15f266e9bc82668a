"""The typed model of the policy data: one class per entity kind kept in ``policies/``.

Every YAML file becomes one of the ``*File`` models below, or a list of located errors.
Field descriptions are written in Chinese because they feed the JSON Schemas that editors
show while typing and the 编写指南 page of the site.
"""

from __future__ import annotations

import datetime as _dt
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic import Strict as _StrictMode

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# "doc-id#provision-id"; the part before '#' is a document id.
CLAUSE_REF_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*#[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=80),
    Field(description="标识符：小写 ASCII 字母、数字和连字符，如 shiwei-zuzhibu；一经发布永不更改"),
]
ClauseRef = Annotated[
    str,
    StringConstraints(pattern=CLAUSE_REF_PATTERN, max_length=161),
    Field(description="条款引用：文件标识#条款标识，如 xx-zhengzhi-jiaoyu#yasi-zeren-1"),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300)]


class Entity(BaseModel):
    """Base for every entity: unknown fields are errors, values are not coerced across types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=False, use_enum_values=True)


# --------------------------------------------------------------------------- enumerations


class Category(str, Enum):
    """六大建设: the six kinds of Party building every obligation falls under."""

    political = "政治建设"
    ideological = "思想建设"
    organizational = "组织建设"
    conduct = "作风建设"
    discipline = "纪律建设"
    institutional = "制度建设"


CATEGORY_ORDER = [c.value for c in Category]


class DocumentKind(str, Enum):
    implementing_measures = "实施办法"
    implementing_plan = "实施方案"
    action_plan = "行动计划"
    work_points = "工作要点"
    guiding_opinion = "指导意见"
    implementing_opinion = "实施意见"
    regulation = "规定"
    system = "制度"
    work_report = "工作报告"
    research_report = "调研报告"
    news_report = "新闻报道"
    interpretation = "政策解读"


class DocumentStatus(str, Enum):
    in_force = "现行"
    trial = "试行"
    repealed = "废止"
    expired = "失效"


class ItemStatus(str, Enum):
    """Lifecycle of a provision, list item or indicator inside a document."""

    active = "现行"
    withdrawn = "已撤销"


class ReplacementKind(str, Enum):
    merged = "合并"
    moved = "移动"
    split = "拆分"
    repealed = "废止"


class Responsibility(str, Enum):
    principal = "主体责任"
    first = "第一责任人责任"
    direct = "直接责任"
    supervisory = "监督责任"
    leading = "领导责任"
    important_leading = "重要领导责任"
    dual = "一岗双责"
    political = "政治责任"


class Period(str, Enum):
    """The unit a recurrence counts in."""

    week = "week"
    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"
    term = "term"  # 任期内 / 一届任期内
    irregular = "irregular"  # 定期/不定期, 经常性 without a stated interval


class RoleKind(str, Enum):
    organization = "党组织"
    individual = "个人"
    body = "机构"


class DeductionUnit(str, Enum):
    """What one deduction or bonus counts: the rule is points × occurrences, up to the cap."""

    occurrence = "每次"
    item = "每项"
    person = "每人"
    case = "每起"
    missing = "每缺一项"
    once = "一次性"


class CaseKind(str, Enum):
    accountability = "问责情形"
    fault_tolerance = "容错情形"


class DefinitionSource(str, Enum):
    seed = "原文"
    editorial = "编者"


# Enums arrive from YAML as strings; strict mode would only accept enum instances.
CategoryT = Annotated[Category, _StrictMode(False)]
DocumentKindT = Annotated[DocumentKind, _StrictMode(False)]
DocumentStatusT = Annotated[DocumentStatus, _StrictMode(False)]
ItemStatusT = Annotated[ItemStatus, _StrictMode(False)]
ReplacementKindT = Annotated[ReplacementKind, _StrictMode(False)]
ResponsibilityT = Annotated[Responsibility, _StrictMode(False)]
PeriodT = Annotated[Period, _StrictMode(False)]
RoleKindT = Annotated[RoleKind, _StrictMode(False)]
DeductionUnitT = Annotated[DeductionUnit, _StrictMode(False)]
CaseKindT = Annotated[CaseKind, _StrictMode(False)]
DefinitionSourceT = Annotated[DefinitionSource, _StrictMode(False)]


# --------------------------------------------------------------------------- shared parts


class Source(Entity):
    """Where a transcribed entity comes from, so the fidelity check can compare it."""

    seed: str | None = Field(
        default=None,
        description="原始文本文件名（shared/seeds/ 下），用于逐字核对；非转录内容不填",
        pattern=r"^[A-Za-z0-9_.-]+\.txt$",
    )
    title: ShortText | None = Field(default=None, description="来源标题，如报道或原文件标题")
    note: Text | None = Field(default=None, description="来源说明")


class Correction(Entity):
    """An obvious typo in the source: the text keeps the source's form, this records the fix."""

    original: ShortText = Field(description="原文中的写法（正文保留此写法）")
    corrected: ShortText = Field(description="更正后的写法")
    note: ShortText | None = Field(default=None, description="说明")


class Frequency(Entity):
    """How often an obligation recurs: 每年至少1次, 每半年1次, 每2—3年至少1次, 5年内累计…"""

    per: PeriodT = Field(description="周期单位：week 每周 / month 每月 / quarter 每季度 / half_year 每半年 / year 每年 / term 任期内 / irregular 定期或不定期")
    interval: int = Field(default=1, ge=1, le=10, description="每几个周期一次，如每 2 年为 2")
    interval_max: int | None = Field(default=None, ge=2, le=10, description="区间上限，如每 2—3 年为 3")
    at_least: int | None = Field(default=None, ge=1, le=1000, description="每个周期至少几次")
    cumulative: bool = Field(default=False, description="是否为期间内累计要求，如 5 年内累计 550 学时")
    label: ShortText | None = Field(default=None, description="原文写法，如“每年1次以上”")

    @model_validator(mode="after")
    def _interval_range(self) -> "Frequency":
        if self.interval_max is not None and self.interval_max <= self.interval:
            raise ValueError(f"interval_max（{self.interval_max}）必须大于 interval（{self.interval}）")
        return self


class Target(Entity):
    """A quantitative target such as 不低于30% or 550学时以上."""

    text: ShortText = Field(description="原文写法，如“550 学时以上”")
    value: float = Field(description="数值")
    unit: ShortText = Field(description="单位，如 学时、%、次、个月")
    comparator: Literal["至少", "不低于", "以上", "不超过", "以内", "等于"] = Field(
        default="至少", description="比较关系"
    )


class Withdrawal(Entity):
    """Why an item is no longer in force and where its content went."""

    kind: ReplacementKindT = Field(description="合并 / 移动 / 拆分 / 废止")
    to: list[Slug] = Field(default_factory=list, description="接替它的条目标识（同一文件内）")
    note: ShortText | None = Field(default=None, description="说明")

    @model_validator(mode="after")
    def _targets_match_kind(self) -> "Withdrawal":
        if self.kind in (ReplacementKind.merged.value, ReplacementKind.moved.value) and len(self.to) != 1:
            raise ValueError(f"{self.kind}时 to 必须恰好指向 1 个条目")
        if self.kind == ReplacementKind.split.value and len(self.to) < 2:
            raise ValueError("拆分时 to 至少指向 2 个条目")
        if self.kind == ReplacementKind.repealed.value and self.to:
            raise ValueError("废止时不应填写 to")
        return self


class Duty(Entity):
    """One obligation inside a clause: who must do what, how often."""

    subjects: list[Slug] = Field(min_length=1, description="责任主体（角色标识）")
    text: Text = Field(description="该义务在条款原文中的语句（须为条款正文的一部分）")
    responsibility: ResponsibilityT | None = Field(default=None, description="责任类型")
    frequency: Frequency | None = None
    category: CategoryT | None = Field(default=None, description="六大建设类别；缺省时沿用条款的类别")
    targets: list[Target] = Field(default_factory=list)


class ClauseAnnotations(Entity):
    """Annotations any clause-like entity may carry."""

    units: list[Slug] = Field(default_factory=list, description="责任单位（按原文顺序）")
    lead_units: list[Slug] = Field(default_factory=list, description="牵头单位（原文写明时）")
    subjects: list[Slug] = Field(default_factory=list, description="责任主体：须履行义务的角色")
    frequency: Frequency | None = Field(default=None, description="频次")
    deadline: ShortText | None = Field(default=None, description="时限，如“每年年初”")
    category: CategoryT | None = Field(default=None, description="六大建设类别")
    targets: list[Target] = Field(default_factory=list, description="量化目标")
    tags: list[ShortText] = Field(default_factory=list, description="标签")
    terms: list[Slug] = Field(default_factory=list, description="涉及的术语标识")
    cites: list[ClauseRef] = Field(default_factory=list, description="引用的其他条款")
    status: ItemStatusT = Field(default=ItemStatus.active, description="现行 / 已撤销")
    withdrawn: Withdrawal | None = Field(default=None, description="撤销时：去向")
    corrections: list[Correction] = Field(default_factory=list, description="原文明显笔误的更正说明")
    note: Text | None = Field(default=None, description="编者注")

    @model_validator(mode="after")
    def _withdrawn_needs_pointer(self):
        if self.status == ItemStatus.withdrawn.value and self.withdrawn is None:
            raise ValueError("status 为“已撤销”时必须填写 withdrawn（合并/移动/拆分/废止 及去向）")
        if self.withdrawn is not None and self.status != ItemStatus.withdrawn.value:
            raise ValueError("填写了 withdrawn 时 status 必须为“已撤销”")
        return self


# --------------------------------------------------------------------------- documents


class Provision(ClauseAnnotations):
    """A node of a document's body: 章 / 条 / 款 / 项, or 一、(一) 1. as printed."""

    id: Slug
    num: ShortText | None = Field(default=None, description="原文编号，如 “二、” “(一)” “1.” “第三条”")
    heading: ShortText | None = Field(default=None, description="标题")
    text: Text | None = Field(default=None, description="正文（原文逐字转录）")
    duties: list[Duty] = Field(default_factory=list, description="条款中的具体义务（谁、做什么、多久一次）")
    children: list["Provision"] = Field(default_factory=list, description="下级条款")
    transcribed: bool = Field(default=True, description="正文是否逐字转录自原文（摘要或编者概述填 false）")

    @model_validator(mode="after")
    def _has_content(self) -> "Provision":
        if not (self.heading or self.text or self.children):
            raise ValueError("条款至少需要 heading、text 或 children 之一")
        return self


class YearRange(Entity):
    start: int = Field(ge=1921, le=2100)
    end: int = Field(ge=1921, le=2100)

    @model_validator(mode="after")
    def _ordered(self) -> "YearRange":
        if self.end < self.start:
            raise ValueError(f"end（{self.end}）不能早于 start（{self.start}）")
        return self


class Figure(Entity):
    """A figure a report states, e.g. 19.58% of respondents."""

    text: ShortText = Field(description="原文语句或短语")
    value: float
    unit: ShortText


class DocumentFile(Entity):
    """一份政策文件（实施办法、方案、报告……）及其条款树。"""

    id: Slug
    title: ShortText = Field(description="文件全称")
    short_title: ShortText | None = Field(default=None, description="简称")
    kind: DocumentKindT = Field(description="文种")
    issuer: ShortText | None = Field(default=None, description="发文机关（原文写法）")
    issuer_units: list[Slug] = Field(default_factory=list, description="发文机关对应的单位标识")
    doc_number: ShortText | None = Field(default=None, description="文号，如 穗字〔2017〕1号")
    issued: _dt.date | None = Field(default=None, description="印发日期")
    effective: _dt.date | None = Field(default=None, description="施行日期")
    status: DocumentStatusT = Field(default=DocumentStatus.in_force, description="现行 / 试行 / 废止 / 失效")
    region: ShortText | None = Field(default=None, description="地区，如 广州市")
    level: Literal["中央", "省级", "市级", "县级", "区级", "乡镇级", "单位"] | None = None
    period: YearRange | None = Field(default=None, description="实施期间")
    year: int | None = Field(default=None, ge=1921, le=2100, description="年份（报告类）")
    basis: list[Slug] = Field(default_factory=list, description="上位依据：本库中的文件标识")
    external_basis: list[ShortText] = Field(default_factory=list, description="上位依据：本库外的文件名称")
    structure: ShortText | None = Field(default=None, description="原文所述结构，如“共7章30条”")
    summary: Text | None = Field(default=None, description="提要")
    figures: list[Figure] = Field(default_factory=list, description="文中报告的数据")
    source: Source | None = None
    sample: bool = Field(default=False, description="示例数据：含原文未给出的内容")
    body: list[Provision] = Field(min_length=1, description="条款树")


# --------------------------------------------------------------------------- responsibility lists


class ListItem(ClauseAnnotations):
    id: Slug
    num: ShortText | None = None
    text: Text
    transcribed: bool = True


class ListSection(Entity):
    subject: Slug = Field(description="责任主体（角色标识）")
    responsibility: ResponsibilityT = Field(description="责任类型")
    heading: ShortText | None = None
    stated_count: int | None = Field(default=None, ge=1, description="原文所述条数（原文未逐条列出时）")
    items: list[ListItem] = Field(default_factory=list)


class ResponsibilityListFile(Entity):
    """责任清单：按责任主体列出的义务条目。"""

    id: Slug
    title: ShortText
    document: Slug | None = Field(default=None, description="所属或出处文件")
    issuer: ShortText | None = None
    stated_count: int | None = Field(default=None, ge=1, description="原文所述清单总条数")
    summary: Text | None = None
    source: Source | None = None
    sample: bool = False
    sections: list[ListSection] = Field(min_length=1)


# --------------------------------------------------------------------------- indicator standards


class ScoreRule(Entity):
    """A deduction or bonus: points per unit, counted up to a cap."""

    id: Slug
    condition: Text = Field(description="情形")
    points: float = Field(gt=0, le=100, description="每单位分值（正数）")
    per: DeductionUnitT = Field(description="计分单位：每次 / 每项 / 每人 / 每起 / 每缺一项 / 一次性")
    cap: float | None = Field(default=None, gt=0, le=100, description="封顶分值；一次性时可省略")
    status: ItemStatusT = ItemStatus.active
    withdrawn: Withdrawal | None = None

    @model_validator(mode="after")
    def _cap_fits(self) -> "ScoreRule":
        if self.cap is not None and self.cap < self.points:
            raise ValueError(f"封顶分值 cap（{self.cap}）小于单次分值 points（{self.points}）")
        if self.per != DeductionUnit.once.value and self.cap is None:
            raise ValueError(f"按“{self.per}”计分时必须填写封顶分值 cap")
        return self


class Indicator(Entity):
    id: Slug
    num: ShortText | None = None
    name: ShortText = Field(description="指标名称")
    content: Text = Field(description="评价内容")
    rule: Text | None = Field(default=None, description="评分规则（文字说明）")
    points: float = Field(ge=0, le=100, description="分值")
    veto: bool = Field(default=False, description="一票否决项：发生即总评不合格")
    deductions: list[ScoreRule] = Field(default_factory=list, description="扣分情形")
    bonuses: list[ScoreRule] = Field(default_factory=list, description="奖励情形")
    evidence: list[ShortText] = Field(default_factory=list, description="佐证材料")
    subjects: list[Slug] = Field(default_factory=list, description="涉及的责任主体")
    cites: list[ClauseRef] = Field(default_factory=list, description="依据条款")
    status: ItemStatusT = ItemStatus.active
    withdrawn: Withdrawal | None = None


class Dimension(Entity):
    id: Slug
    category: CategoryT = Field(description="六大建设类别")
    points: float = Field(ge=0, le=1000, description="该维度分值（各指标分值之和）")
    indicators: list[Indicator] = Field(default_factory=list)


class Edition(Entity):
    series: Slug = Field(description="系列标识：同一标准的各年度版本共用")
    year: int = Field(ge=1921, le=2100, description="版本年度")
    label: ShortText | None = Field(default=None, description="版本说明，如“2020年版”")


class IndicatorStandardFile(Entity):
    """指标评价标准：基本分、六大建设维度、指标、扣分与奖励情形。"""

    id: Slug
    title: ShortText
    evaluates: ShortText = Field(description="评价对象，如 街道党工委")
    evaluated_roles: list[Slug] = Field(default_factory=list, description="评价对象对应的角色标识")
    document: Slug | None = Field(default=None, description="配套的实施办法等文件")
    year: int | None = Field(default=None, ge=1921, le=2100)
    edition: Edition | None = None
    base_score: float = Field(gt=0, le=1000, description="基本分")
    bonus_cap: float | None = Field(default=None, gt=0, le=100, description="奖励加分总上限")
    summary: Text | None = None
    source: Source | None = None
    sample: bool = False
    dimensions: list[Dimension] = Field(min_length=1)


# --------------------------------------------------------------------------- cases


class CaseItem(Entity):
    id: Slug
    num: ShortText | None = None
    text: Text
    transcribed: bool = True


class CaseSetFile(Entity):
    """问责情形或容错情形的集合，如约谈一把手制度的 13 个方面问责情形。"""

    id: Slug
    title: ShortText
    kind: CaseKindT
    document: Slug | None = Field(default=None, description="出处文件")
    provision: ClauseRef | None = Field(default=None, description="出处条款")
    stated_count: int | None = Field(default=None, ge=1, description="原文所述情形数量")
    summary: Text | None = None
    source: Source | None = None
    sample: bool = False
    items: list[CaseItem] = Field(default_factory=list, description="逐条情形（原文列明时）")


# --------------------------------------------------------------------------- glossary and registries


class TermSource(Entity):
    document: Slug | None = None
    provision: ClauseRef | None = None


class Term(Entity):
    id: Slug
    term: ShortText = Field(description="术语或提法")
    aliases: list[ShortText] = Field(default_factory=list, description="别称、全称或简称")
    definition: Text = Field(description="释义")
    definition_source: DefinitionSourceT = Field(default=DefinitionSource.seed, description="释义出自原文还是编者")
    expansion: ShortText | None = Field(default=None, description="展开，如 三述 → 述责述廉述德")
    source: TermSource | None = None
    related: list[Slug] = Field(default_factory=list, description="相关术语")


class GlossaryFile(Entity):
    terms: list[Term] = Field(min_length=1)


class Unit(Entity):
    id: Slug
    name: ShortText = Field(description="单位名称（规范写法）")
    aliases: list[ShortText] = Field(default_factory=list, description="其他写法，如 市纪委监委")
    region: ShortText | None = None
    parent: Slug | None = Field(default=None, description="上级单位")


class UnitsFile(Entity):
    units: list[Unit] = Field(min_length=1)


class Role(Entity):
    id: Slug
    name: ShortText = Field(description="角色名称")
    aliases: list[ShortText] = Field(default_factory=list)
    kind: RoleKindT = Field(description="党组织 / 个人 / 机构")
    description: Text | None = None
    parent: Slug | None = Field(default=None, description="更一般的角色，如 市委书记 → 党委书记")


class RolesFile(Entity):
    roles: list[Role] = Field(min_length=1)


# --------------------------------------------------------------------------- study sessions


class Excerpt(Entity):
    """Part of a clause's text to quote: from the first occurrence of ``start`` to ``end``."""

    start: ShortText
    end: ShortText


class StudyClause(Entity):
    ref: ClauseRef
    excerpt: Excerpt | None = None
    note: Text | None = None


class StudySessionFile(Entity):
    """专题学习：可打印的学习材料。"""

    id: Slug
    title: ShortText
    audience: ShortText = Field(description="对象")
    duration_minutes: int = Field(ge=10, le=1440, description="时长（分钟）")
    objectives: list[ShortText] = Field(min_length=1, description="学习目标")
    clauses: list[StudyClause] = Field(min_length=1, description="学习条款")
    terms: list[Slug] = Field(default_factory=list, description="术语")
    questions: list[ShortText] = Field(default_factory=list, description="讨论题")
    sample: bool = False


# Which folder under policies/ holds which kind of file.
FILE_KINDS: dict[str, type[BaseModel]] = {
    "documents": DocumentFile,
    "lists": ResponsibilityListFile,
    "standards": IndicatorStandardFile,
    "cases": CaseSetFile,
    "glossary": GlossaryFile,
    "units": UnitsFile,
    "roles": RolesFile,
    "study": StudySessionFile,
}

FILE_KIND_NAMES = {
    "documents": "政策文件",
    "lists": "责任清单",
    "standards": "指标评价标准",
    "cases": "问责与容错情形",
    "glossary": "术语",
    "units": "单位",
    "roles": "角色",
    "study": "专题学习",
}
