"""Every write to the registry. Each service is atomic, checks that the actor
may write where it writes, and runs inside a history context so that the
history rows written by the database triggers say who made the change."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from accounts.access import require_role, scope_of
from accounts.models import Role, User
from core.checks import policy_from_params, policy_spec, policy_to_params
from core.history import history_context
from personnel import rules
from personnel.access import require_write, writable_cadre
from personnel.models import Cadre, ChangeRequest, ChangeRequestStatus, Policy, Unit
from personnel.policy import clear_cache as clear_policy_cache

if TYPE_CHECKING:
    from accounts.access import Actor


def name_pinyin(name: str) -> tuple[str, str]:
    """Full pinyin ("zhangsan") and upper-case initials ("ZS") of a name, for
    search by 拼音 and 首字母. Non-Han characters (·, letters) are dropped."""
    han = [ch for ch in name if "\u4e00" <= ch <= "\u9fff"]
    full = "".join(lazy_pinyin(han, errors="ignore"))
    initials = "".join(lazy_pinyin(han, style=Style.FIRST_LETTER, errors="ignore")).upper()
    return full, initials


# --- units --------------------------------------------------------------------


@transaction.atomic
def unit_create(*, actor: Actor, name: str, parent: Unit | None, **fields: Any) -> Unit:
    """Create a unit under ``parent`` (only org staff whose jurisdiction
    covers the parent). A root unit (no parent) is created by setup code
    acting as ``SYSTEM`` (demo data, migrations of real data)."""
    if parent is not None:
        require_write(actor, parent)
    elif not scope_of(actor).everything:
        raise PermissionDenied("只有系统初始化可以创建顶级单位")
    with history_context(actor=actor):
        unit = Unit(name=name, parent=parent, **fields)
        unit.full_clean(exclude=["path"])
        unit.save()
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, data: dict[str, Any]) -> Unit:
    """Change a unit's fields; a new ``parent`` moves the whole subtree (one
    UPDATE rewrites the descendants' paths)."""
    require_write(actor, unit)
    new_parent = data.pop("parent", unit.parent)
    with history_context(actor=actor):
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        for field, value in data.items():
            setattr(locked, field, value)
        if new_parent != locked.parent:
            if new_parent is not None:
                require_write(actor, new_parent)
                if new_parent.path.startswith(locked.path):
                    raise ValidationError({"parent": "不能把单位移到它自己的下级单位之下"})
            old_path = locked.path
            locked.parent = new_parent
            locked.path = f"{new_parent.path if new_parent else '/'}{locked.pk}/"
            Unit.objects.filter(path__startswith=old_path).exclude(pk=locked.pk).update(
                path=Concat(Value(locked.path), Substr(F("path"), len(old_path) + 1))
            )
        locked.full_clean(exclude=["path"])
        locked.save()
    return locked


# --- cadres -------------------------------------------------------------------


def cadre_clean(cadre: Cadre) -> None:
    """Normalize and validate a cadre before saving: the ID number is
    normalized (full-width, lower-case x, 15 → 18 digits) and must be valid
    and agree with the birth date and sex (DOMAIN.md 4); a mismatch is an
    error for the user, never a silent overwrite."""
    errors: dict[str, list[str]] = {}
    if cadre.id_number:
        try:
            info = rules.parse_id_number(cadre.id_number)
        except rules.IdNumberError as exc:
            errors.setdefault("id_number", []).append(str(exc))
        else:
            cadre.id_number = info.number
            problems = rules.check_id_number_matches(info, birth_date=cadre.birth_date, sex=cadre.sex or None)
            if problems:
                errors.setdefault("id_number", []).extend(problems)
    else:
        cadre.id_number = None
    cadre.name = "".join(cadre.name.split())
    cadre.name_pinyin, cadre.name_initials = name_pinyin(cadre.name)
    try:
        # A number already reported above is left out of the model checks, so
        # the user reads that message, not the format constraint's name.
        exclude = ["version", "id_number"] if "id_number" in errors else ["version"]
        cadre.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cadre_create(*, actor: Actor, data: dict[str, Any]) -> Cadre:
    """Create a cadre in a unit the actor may write to."""
    cadre = Cadre(**data)
    require_write(actor, cadre.unit)
    cadre_clean(cadre)
    with history_context(actor=actor):
        cadre.save()
    return cadre


class StaleRecord(Exception):
    """The record changed since the caller read it (optimistic concurrency)."""

    def __init__(self, current: Cadre) -> None:
        super().__init__("该记录已被他人修改")
        self.current = current


def _lock_cadre_at(actor: Actor, cadre_id: int, expected_version: int | None) -> Cadre:
    """Lock the cadre row, check the actor may write it and, with
    ``expected_version``, refuse (StaleRecord) when someone saved in
    between. Under the lock, so nothing slips in between the check and the
    write."""
    locked = Cadre.objects.select_for_update().select_related("unit").get(pk=cadre_id)
    require_write(actor, locked.unit)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRecord(locked)
    return locked


@transaction.atomic
def cadre_update(*, actor: Actor, cadre: Cadre, data: dict[str, Any], expected_version: int | None = None) -> Cadre:
    """Change a cadre's fields. With ``expected_version`` the change is
    refused (StaleRecord) when someone else saved in between, so that no edit
    silently overwrites another. Moving a cadre needs write access to both
    units."""
    locked = _lock_cadre_at(actor, cadre.pk, expected_version)
    original_unit_id = locked.unit_id
    for field, value in data.items():
        setattr(locked, field, value)
    if locked.unit_id != original_unit_id:
        require_write(actor, locked.unit)
    cadre_clean(locked)
    locked.version = F("version") + 1
    with history_context(actor=actor):
        locked.save()
    locked.refresh_from_db()
    return locked


@transaction.atomic
def cadre_delete(*, actor: Actor, cadre: Cadre) -> None:
    """Delete a cadre and its sub-records (history keeps every row)."""
    locked = Cadre.objects.select_for_update().select_related("unit").get(pk=cadre.pk)
    require_write(actor, locked.unit)
    with history_context(actor=actor):
        locked.delete()


# --- sub-records ----------------------------------------------------------------


@transaction.atomic
def subrecord_save(*, actor: Actor, record: Any, expected_version: int | None = None) -> Any:
    """Create or change one sub-record (education, résumé line, post, family
    member, reward, appraisal, photo) of a cadre the actor may write to; the
    cadre's version is bumped so concurrent editors of the record notice.
    With ``expected_version`` (the cadre's version the editor saw) the
    change is refused (StaleRecord) when the record moved on since."""
    cadre = _lock_cadre_at(actor, record.cadre_id, expected_version)
    record.full_clean()
    with history_context(actor=actor):
        record.save()
        Cadre.objects.filter(pk=cadre.pk).update(version=F("version") + 1)
    return record


@transaction.atomic
def subrecord_delete(*, actor: Actor, record: Any, expected_version: int | None = None) -> None:
    """Delete one sub-record; ``expected_version`` as for ``subrecord_save``."""
    cadre = _lock_cadre_at(actor, record.cadre_id, expected_version)
    with history_context(actor=actor):
        record.delete()
        Cadre.objects.filter(pk=cadre.pk).update(version=F("version") + 1)


@transaction.atomic
def cadre_relation_save(*, actor: Actor, relation: Any) -> Any:
    """Record that two cadres are relatives (read by the avoidance check):
    the actor must be able to write the first and see the second."""
    writable_cadre(actor, relation.cadre)
    if not scope_of(actor).can_read_path(relation.relative.unit.path):
        raise PermissionDenied("该亲属不在您的查看范围内")
    relation.full_clean()
    with history_context(actor=actor):
        relation.save()
    return relation


@transaction.atomic
def cadre_relation_delete(*, actor: Actor, relation: Any) -> None:
    writable_cadre(actor, relation.cadre)
    with history_context(actor=actor):
        relation.delete()


# --- policies ---------------------------------------------------------------------------


def can_edit_policies(actor: Actor) -> bool:
    """Policies are configuration: the system administrator's (三员分立:
    the accounts-and-configuration role), who sees no cadre data."""
    return scope_of(actor).has_role(Role.SYSTEM_ADMIN)


@transaction.atomic
def policy_set(
    *, actor: Actor, key: str, effective_from: datetime.date, params: dict[str, Any], note: str = ""
) -> Policy:
    """A new version of a policy from ``effective_from`` (or a change of the
    version starting that day). The values are checked by reading them into
    the policy's dataclass; history is written by the triggers."""
    if not can_edit_policies(actor):
        raise PermissionDenied("只有系统管理员可以修改政策")
    key = policy_spec(key).key  # an unknown key is a KeyError: callers send registered ones only
    try:
        value = policy_from_params(key, params)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"政策参数有误：{exc}") from exc
    for name, number in policy_to_params(value).items():
        if isinstance(number, int) and number < 0:
            raise ValidationError({name: "不能为负数"})
    with history_context(actor=actor):
        policy, _created = Policy.objects.update_or_create(
            key=key,
            effective_from=effective_from,
            defaults={
                "params": policy_to_params(value),
                "note": note.strip(),
                "changed_by": actor if isinstance(actor, User) else None,
            },
        )
    # This process reads the new numbers at once; others within a minute.
    transaction.on_commit(clear_policy_cache)
    clear_policy_cache()
    return policy


# --- quotas and code tables ---------------------------------------------------------


@transaction.atomic
def quota_save(*, actor: Actor, quota: Any) -> Any:
    """Set a unit's leadership quota (职数) for one post level."""
    require_write(actor, quota.unit)
    quota.full_clean()
    with history_context(actor=actor):
        quota.save()
    return quota


@transaction.atomic
def quota_delete(*, actor: Actor, quota: Any) -> None:
    require_write(actor, quota.unit)
    with history_context(actor=actor):
        quota.delete()


@transaction.atomic
def code_save(*, actor: Actor, code: Any) -> Any:
    """Add or correct a code-table entry (system administrators only)."""
    require_role(actor, Role.SYSTEM_ADMIN, message="只有系统管理员可以维护代码表")
    code.full_clean()
    with history_context(actor=actor):
        code.save()
    return code


# --- change requests (信息变更审核) ------------------------------------------------

# Fields a clerk may propose to change: the record's own editable fields, not
# its placement (moving a cadre between units is org staff's decision) or
# the bookkeeping columns.
_NOT_REQUESTABLE = {"id", "unit", "version", "created_at", "updated_at", "name_pinyin", "name_initials"}


def requestable_fields() -> list[str]:
    return [
        field.name for field in Cadre._meta.concrete_fields if field.editable and field.name not in _NOT_REQUESTABLE
    ]


def field_to_json(cadre: Cadre, name: str) -> Any:
    """A field's value as JSON: dates as ISO strings, codes by id."""
    field = Cadre._meta.get_field(name)
    if field.is_relation:
        return getattr(cadre, f"{name}_id")
    value = getattr(cadre, name)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def field_from_json(name: str, raw: Any) -> Any:
    """The model value for a JSON value of a requestable field; a bad value
    is a ValidationError on that field, in Chinese."""
    field = Cadre._meta.get_field(name)
    if raw in (None, ""):
        return None if field.null or field.is_relation else ""
    if isinstance(field, models.DateField):
        try:
            return datetime.date.fromisoformat(str(raw))
        except ValueError:
            raise ValidationError({name: f"“{raw}”不是有效日期（应为YYYY-MM-DD）"}) from None
    if field.is_relation:
        related = field.related_model
        limit = getattr(field, "_limit_choices_to", None) or {}
        try:
            return related._default_manager.get(pk=raw, **limit)  # type: ignore[union-attr]
        except (related.DoesNotExist, ValueError, TypeError):  # type: ignore[union-attr]
            raise ValidationError({name: f"代码“{raw}”无效"}) from None
    return raw


@transaction.atomic
def change_request_submit(
    *, actor: Actor, cadre: Cadre, changes: dict[str, Any], note: str = "", expected_version: int | None = None
) -> ChangeRequest:
    """A clerk proposes changes to a cadre in their scope. The proposal is
    validated now (the same checks as a direct edit), so org staff only ever
    review changes that can be applied; only fields that really change are
    kept. With ``expected_version`` (the version the clerk's form showed) a
    proposal made against an older state of the record is refused
    (StaleRecord): it could silently undo someone else's change."""
    scope = scope_of(actor)
    if not scope.can_read_path(cadre.unit.path):
        raise PermissionDenied("无权对该干部提出变更")
    allowed = set(requestable_fields())
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "该项不能通过变更申请修改"))
    current = Cadre.objects.select_related("unit").get(pk=cadre.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleRecord(current)
    proposed = Cadre.objects.select_related("unit").get(pk=cadre.pk)
    kept: dict[str, Any] = {}
    original: dict[str, Any] = {}
    for name, raw in changes.items():
        setattr(proposed, name, field_from_json(name, raw))
    cadre_clean(proposed)
    for name in changes:
        new, old = field_to_json(proposed, name), field_to_json(current, name)
        if new != old:
            kept[name], original[name] = new, old
    if not kept:
        raise ValidationError("没有需要变更的内容")
    with history_context(actor=actor):
        return ChangeRequest.objects.create(
            cadre=current,
            requested_by=actor,  # type: ignore[misc]
            changes=kept,
            original=original,
            base_version=current.version,
            note=note,
        )


def _lock_pending(request_id: int) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().select_related("cadre__unit").get(pk=request_id)
    if locked.status != ChangeRequestStatus.PENDING:
        raise ValidationError(f"该申请{locked.get_status_display()}，不能再处理")
    return locked


@transaction.atomic
def change_request_approve(*, actor: Actor, change_request: ChangeRequest) -> ChangeRequest:
    """Org staff approve: the proposed values are applied in the same
    transaction, attributed to the approver and tagged with the request.
    When the record has since changed a field the request touches, approval
    is refused: the reviewer sees the conflict and rejects or asks again."""
    locked = _lock_pending(change_request.pk)
    require_write(actor, locked.cadre.unit)
    cadre = Cadre.objects.select_for_update().get(pk=locked.cadre_id)
    conflicts = [
        str(getattr(Cadre._meta.get_field(name), "verbose_name", name))
        for name, old in locked.original.items()
        if field_to_json(cadre, name) != old
    ]
    if conflicts:
        raise ValidationError(f"申请提交后以下信息已被修改：{'、'.join(conflicts)}，请驳回后重新申请")
    data = {name: field_from_json(name, raw) for name, raw in locked.changes.items()}
    with history_context(actor=actor, change_request=locked.pk, requested_by=locked.requested_by_id):
        cadre_update(actor=actor, cadre=cadre, data=data)
        locked.status = ChangeRequestStatus.APPROVED
        locked.decided_by = actor  # type: ignore[assignment]
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def change_request_reject(*, actor: Actor, change_request: ChangeRequest, reason: str) -> ChangeRequest:
    """Org staff reject, always with a reason the clerk will read."""
    if not reason.strip():
        raise ValidationError({"decision_reason": "驳回时必须填写理由"})
    locked = _lock_pending(change_request.pk)
    require_write(actor, locked.cadre.unit)
    with history_context(actor=actor, change_request=locked.pk):
        locked.status = ChangeRequestStatus.REJECTED
        locked.decided_by = actor  # type: ignore[assignment]
        locked.decided_at = timezone.now()
        locked.decision_reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return locked


@transaction.atomic
def change_request_withdraw(*, actor: Actor, change_request: ChangeRequest) -> ChangeRequest:
    """The requester withdraws a request that is still pending."""
    locked = _lock_pending(change_request.pk)
    if locked.requested_by_id != getattr(actor, "pk", None):
        raise PermissionDenied("只能撤回自己提交的申请")
    with history_context(actor=actor, change_request=locked.pk):
        locked.status = ChangeRequestStatus.WITHDRAWN
        locked.save(update_fields=["status"])
    return locked
