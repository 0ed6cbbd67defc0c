"""The care forms, each a ``CareFormDialog`` over one service call: a new file, a
household member, an assistance, a review, a consent and its withdrawal, the sensitive
fields.

Dates are typed as YYYY-MM-DD; ``today`` (from the database's clock) fills the default
date and is passed to the services, which check every value.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from desktop.models.codes import (
    ASSISTANCE_KIND,
    CONSENT_FORM,
    DISABILITY_GRADE,
    FUND_SOURCE,
    HARDSHIP_LEVEL,
    HOUSEHOLD_RELATION,
    REVIEW_RESULT,
    WORK_STATUS,
)
from desktop.services.care import assistance, consent, hardship, household, reviews, withdrawal
from desktop.services.care import settings as care_settings
from desktop.services.care.files import HardshipFile
from desktop.services.settings import office as office_settings
from desktop.views.care.form import CareFormDialog
from desktop.views.care.member_picker import MemberPicker
from desktop.views.context import AppContext
from desktop.views.widgets.code_combo import CodeCombo


def _line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setText(text)
    edit.setPlaceholderText(placeholder)
    return edit


def _notes() -> QPlainTextEdit:
    notes = QPlainTextEdit()
    notes.setFixedHeight(52)
    notes.setTabChangesFocus(True)  # Tab moves on, as in every other field
    return notes


def new_file(ctx: AppContext, parent: QWidget | None = None) -> CareFormDialog:
    today = ctx.db.clock.today()
    finder = _line(placeholder="姓名、拼音、卡号或身份证号后几位")
    picker = MemberPicker(ctx.db)
    finder.textChanged.connect(picker.search)
    labels = {
        "find": "查找会员",
        "member_id": "会员＊",
        "level": "困难类别＊",
        "causes": "致困原因",
        "opened_on": "建档日期＊",
        "household_size": "家庭人口",
        "notes": "备注",
    }
    editors: dict[str, QWidget] = {
        "find": finder,
        "member_id": picker,
        "level": CodeCombo(HARDSHIP_LEVEL, blank=None),
        "causes": _line(placeholder="用、分隔，如 患病、子女就学"),
        "opened_on": _line(today.isoformat(), "YYYY-MM-DD"),
        "household_size": _line(placeholder="含本人；不填按登记的家庭成员计"),
        "notes": _notes(),
    }

    def submit(v: dict[str, Any]) -> str:
        if not v["member_id"]:
            from desktop.errors import ValidationError

            raise ValidationError("请先查找并选择会员", field="member_id")
        return hardship.add_file(
            ctx.db,
            v["member_id"],
            level=v["level"],
            causes=v["causes"],
            opened_on=v["opened_on"],
            household_size=v["household_size"],
            notes=v["notes"],
            today=today,
        )

    return CareFormDialog("新建困难职工档案", labels, editors, submit, parent)


def household_member(
    ctx: AppContext, f: HardshipFile, parent: QWidget | None = None
) -> CareFormDialog:
    labels = {
        "name": "姓名＊",
        "relation": "与本人关系",
        "id_number": "身份证号",
        "age": "年龄",
        "work_status": "就业就学状况",
        "work_place": "工作单位或学校",
        "health": "健康状况（敏感）",
        "monthly_income": "月收入（元，敏感）",
    }
    editors: dict[str, QWidget] = {
        "name": _line(),
        "relation": CodeCombo(HOUSEHOLD_RELATION),
        "id_number": _line(placeholder="18 位；填了可不填年龄"),
        "age": _line(),
        "work_status": CodeCombo(WORK_STATUS),
        "work_place": _line(),
        "health": _line(),
        "monthly_income": _line(),
    }
    if not f.has_consent:
        for name in ("health", "monthly_income"):
            editors[name].setEnabled(False)
            editors[name].setToolTip("须先登记本人同意")
    return CareFormDialog(
        "添加家庭成员",
        labels,
        editors,
        lambda v: household.add_member(ctx.db, f.id, v, today=ctx.db.clock.today()),
        parent,
    )


def assist(ctx: AppContext, f: HardshipFile, parent: QWidget | None = None) -> CareFormDialog:
    today = ctx.db.clock.today()
    labels = {
        "given_on": "发放日期＊",
        "kind": "救助类别＊",
        "amount": "金额（元）＊",
        "fund_source": "资金来源＊",
        "handler": "经办人",
        "batch": "发放批次",
        "notes": "备注",
    }
    editors: dict[str, QWidget] = {
        "given_on": _line(today.isoformat(), "YYYY-MM-DD"),
        "kind": CodeCombo(ASSISTANCE_KIND, blank=None),
        "amount": _line(placeholder="如 500 或 1200.50"),
        "fund_source": CodeCombo(FUND_SOURCE, blank=None),
        "handler": _line(),
        "batch": _line(placeholder="如 2026年春节送温暖（签收表按批次打印）"),
        "notes": _notes(),
    }
    return CareFormDialog(
        "登记救助",
        labels,
        editors,
        lambda v: assistance.assist(ctx.db, f.id, today=today, **v),
        parent,
    )


def review(ctx: AppContext, f: HardshipFile, parent: QWidget | None = None) -> CareFormDialog:
    today = ctx.db.clock.today()
    labels = {
        "reviewed_on": "复核日期＊",
        "result": "复核结论＊",
        "level": "新的困难类别",
        "reviewer": "复核人＊",
        "next_due_on": "下次复核日期",
        "notes": "复核意见",
    }
    editors: dict[str, QWidget] = {
        "reviewed_on": _line(today.isoformat(), "YYYY-MM-DD"),
        "result": CodeCombo(REVIEW_RESULT, blank=None),
        "level": CodeCombo(HARDSHIP_LEVEL, blank="（不变）"),
        "reviewer": _line(),
        "next_due_on": _line(placeholder="不填为一年后"),
        "notes": _notes(),
    }
    return CareFormDialog(
        "年度复核",
        labels,
        editors,
        lambda v: reviews.review(ctx.db, f.id, today=today, **v),
        parent,
    )


def record_consent(
    ctx: AppContext, f: HardshipFile, parent: QWidget | None = None
) -> CareFormDialog:
    today = ctx.db.clock.today()
    labels = {
        "consented_on": "同意日期＊",
        "form": "同意方式＊",
        "recorded_by": "登记人＊",
        "notes": "备注",
    }
    editors: dict[str, QWidget] = {
        "consented_on": _line(today.isoformat(), "YYYY-MM-DD"),
        "form": CodeCombo(CONSENT_FORM, blank=None),
        "recorded_by": _line(),
        "notes": _notes(),
    }
    return CareFormDialog(
        "登记本人同意（处理敏感个人信息）",
        labels,
        editors,
        lambda v: consent.record(ctx.db, f.id, today=today, **v),
        parent,
    )


def withdraw_consent(
    ctx: AppContext, f: HardshipFile, parent: QWidget | None = None
) -> CareFormDialog:
    """撤回同意: the date the person withdrew it and the clerk who records it."""
    today = ctx.db.clock.today()
    labels = {"withdrawn_on": "撤回日期＊", "recorded_by": "登记人＊"}
    editors: dict[str, QWidget] = {
        "withdrawn_on": _line(today.isoformat(), "YYYY-MM-DD"),
        "recorded_by": _line(),
    }
    return CareFormDialog(
        "本人撤回同意（删除敏感信息）",
        labels,
        editors,
        lambda v: withdrawal.withdraw(
            ctx.db, f.id, v["withdrawn_on"], v["recorded_by"], today=today
        ),
        parent,
    )


def sensitive_fields(
    ctx: AppContext, f: HardshipFile, parent: QWidget | None = None
) -> CareFormDialog:
    """Edit the file's sensitive fields (opened only once a consent is on file)."""
    labels = {
        "monthly_income_per_capita": "家庭月人均收入（元）",
        "disability_grade": "残疾等级",
        "health_notes": "健康状况",
    }
    editors: dict[str, QWidget] = {
        "monthly_income_per_capita": _line(
            "" if f.monthly_income_per_capita is None else str(f.monthly_income_per_capita)
        ),
        "disability_grade": CodeCombo(DISABILITY_GRADE, blank="（无）"),
        "health_notes": _notes(),
    }
    grade = editors["disability_grade"]
    assert isinstance(grade, CodeCombo)
    grade.set_code(f.disability_grade)
    health = editors["health_notes"]
    assert isinstance(health, QPlainTextEdit)
    health.setPlainText(f.health_notes or "")
    return CareFormDialog(
        "编辑敏感信息",
        labels,
        editors,
        lambda v: hardship.update_file(ctx.db, f.id, **v),
        parent,
    )


def close_file(ctx: AppContext, f: HardshipFile, parent: QWidget | None = None) -> CareFormDialog:
    """脱困退档: the exit date and reason; the file is then kept ≥ 10 years."""
    today = ctx.db.clock.today()
    labels = {"closed_on": "脱困日期＊", "close_reason": "脱困原因＊"}
    editors: dict[str, QWidget] = {
        "closed_on": _line(today.isoformat(), "YYYY-MM-DD"),
        "close_reason": _line(placeholder="如 再就业、病愈、子女完成学业"),
    }
    return CareFormDialog(
        "脱困退档",
        labels,
        editors,
        lambda v: hardship.close_file(ctx.db, f.id, v["closed_on"], v["close_reason"], today=today),
        parent,
    )


def income_threshold(ctx: AppContext, parent: QWidget | None = None) -> CareFormDialog:
    """The local income threshold (元/人·月) the office sets."""
    current = care_settings.income_threshold(ctx.db)
    labels = {"income_threshold": "困难认定收入标准（元/人·月）"}
    editors: dict[str, QWidget] = {
        "income_threshold": _line("" if current is None else str(current), "如 1200；留空为不设")
    }
    return CareFormDialog(
        "当地困难认定收入标准",
        labels,
        editors,
        # the same setter as 设置: administrators only, audited
        lambda v: office_settings.set_income_threshold(ctx.db, v["income_threshold"]),
        parent,
    )
