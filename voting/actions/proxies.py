"""Proxies (委托投票): an owner registers a written authorisation naming an agent; the
committee approves it (within the cap per agent) or rejects it with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit
from portal.community.models import OwnerIdentity
from portal.community.phone import InvalidPhone, normalize_phone
from portal.notifications.api import fit_title, notify
from voting.actions.common import refuse_non_voter, reload_assembly, require_runner
from voting.choices import AssemblyState, ProxyStatus
from voting.models import AssemblyPage, Proxy
from voting.scans import validate_scan

if TYPE_CHECKING:
    from portal.accounts.types import User


@transaction.atomic
def register_proxy(assembly: AssemblyPage, *, grantor: User, agent_phone: str, scan: Any) -> Proxy:
    """Register an owner's written authorisation naming an agent (by phone number)."""
    assembly = reload_assembly(assembly)
    estate = assembly.page_estate
    if assembly.state not in (AssemblyState.ANNOUNCED, AssemblyState.OPEN) or (
        assembly.voting_closes_at and timezone.now() >= assembly.voting_closes_at
    ):
        raise ValidationError(_("只能在会议公告发布后、投票结束前办理委托投票。"))
    refuse_non_voter(grantor, estate)
    identity = OwnerIdentity.objects.filter(estate=estate, user=grantor).first()
    if identity is None:
        raise ValidationError(_("没有找到您在本小区的业主身份。"))
    try:
        phone = normalize_phone(agent_phone or "")
    except InvalidPhone:
        raise ValidationError(_("受托人手机号格式不正确。")) from None
    agent = get_user_model().objects.filter(phone=phone, is_active=True).first()
    if agent is None:
        raise ValidationError(_("没有找到使用该手机号注册的用户，请受托人先注册账户。"))
    if agent.pk == grantor.pk:
        raise ValidationError(_("不能委托自己。"))
    if not scan:
        raise ValidationError(_("请上传签字的授权委托书扫描件。"))
    validate_scan(scan)
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                assembly=assembly, identity=identity, grantor=grantor, agent=agent, scan=scan
            )
    except IntegrityError:
        raise ValidationError(
            _("您已为本次会议办理了委托；如需更换受托人，请先请业委会驳回原委托。")
        ) from None
    audit.record("proxy.registered", actor=grantor, obj=proxy, estate=estate, agent_id=agent.pk)
    return proxy


@transaction.atomic
def decide_proxy(proxy: Proxy, *, actor: User, approve: bool, reason: str = "") -> Proxy:
    """Approve or reject a proxy (with a reason); the cap per agent applies on approval."""
    proxy = Proxy.objects.select_for_update().select_related("assembly").get(pk=proxy.pk)
    assembly = proxy.assembly
    require_runner(actor, assembly)
    if proxy.status != ProxyStatus.PENDING:
        raise ValidationError(_("该委托已经审核过了。"))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("驳回委托时请填写理由。"))
    if approve and assembly.proxy_cap_per_agent:
        approved = Proxy.objects.filter(
            assembly=assembly, agent=proxy.agent, status=ProxyStatus.APPROVED
        ).count()
        if approved >= assembly.proxy_cap_per_agent:
            raise ValidationError(
                _("受托人在本次会议已代理 %(count)s 位业主，达到议事规则规定的上限 %(cap)s。")
                % {"count": approved, "cap": assembly.proxy_cap_per_agent}
            )
    proxy.status = ProxyStatus.APPROVED if approve else ProxyStatus.REJECTED
    proxy.decided_at = timezone.now()
    proxy.decided_by = actor
    proxy.decision_reason = reason[:300]
    proxy.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    estate = assembly.page_estate
    audit.record(
        "proxy.approved" if approve else "proxy.rejected",
        actor=actor,
        obj=proxy,
        estate=estate,
        reason=proxy.decision_reason,
        agent_id=proxy.agent_id,
    )
    title = (
        _("委托投票已批准：%(assembly)s") if approve else _("委托投票被驳回：%(assembly)s")
    ) % {"assembly": assembly.title}
    body = (
        _("业委会已批准委托，受托人现在可以代为投票。")
        if approve
        else _("业委会驳回了委托，理由：%(reason)s") % {"reason": proxy.decision_reason}
    )
    transaction.on_commit(
        lambda: notify(
            [user for user in (proxy.grantor, proxy.agent) if user is not None],
            category="assembly",
            title=fit_title(title),
            body=body,
            url=assembly.url or "",
            estate=estate,
            dedupe_key=f"voting:proxy:{proxy.pk}:{proxy.status}",
            actor=actor,
        ),
        robust=True,
    )
    return proxy
