"""Views of the discussion area. Thin: read input, fetch through a checked lookup, call an action.

Every view reads the estate through portal.community.lookups (members and officials over the
estate only: threads are not public); writing views then let the action decide.

Long because: one view per URL of the discussion area (threads, posts, moderation). Their
form -> action -> message code already goes through portal.views.run_action (#14 item 6), and
the module is still over, so it is the next to split, by threads, posts and moderation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import actions, metrics, thread_page, visibility
from deliberation.choices import AppealStatus, PostStatus, ReportStatus, ThreadState
from deliberation.forms import (
    AppealForm,
    AssignForm,
    BlockForm,
    BulkModerationForm,
    DecideAppealForm,
    EditPostForm,
    PostForm,
    RateForm,
    ReopenForm,
    ReportForm,
    ResolveForm,
    ThreadFilterForm,
    ThreadForm,
)
from deliberation.lookups import get_attachable_page, get_post, get_post_photo, get_thread
from deliberation.models import (
    Appeal,
    Follow,
    Post,
    PostReport,
    Resolution,
    Thread,
    UserBlock,
)
from portal.community import permissions
from portal.community.lookups import get_estate, get_estate_for_member
from portal.community.storage import private_file_response
from portal.dashboard.period import Period
from portal.views import message_form_errors, run_action

THREADS_PER_PAGE = 20


def _thread_redirect(thread: Thread, post: Post | None = None):
    url = reverse("deliberation:thread_detail", args=[thread.estate.slug, thread.pk])
    return redirect(f"{url}#post-{post.pk}" if post else url)


# --- listing -------------------------------------------------------------------------------


def thread_list(request, estate_slug: str):
    """The estate's discussion area: threads with filters, and the parties' figures."""
    estate = get_estate_for_member(request, estate_slug)
    user = request.user
    threads = (
        Thread.objects.filter(estate=estate)
        .listed()
        .select_related("author")
        .prefetch_related("tags")
    )
    form = ThreadFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            threads = threads.filter(kind=data["kind"])
        if data["state"]:
            threads = threads.filter(state=data["state"])
        if data["party"]:
            threads = threads.filter(responsible_party=data["party"])
        if data["show"] == "mine":
            threads = threads.filter(author=user)
        elif data["show"] == "following":
            threads = threads.filter(follows__user=user)
        if data["tag"]:
            threads = visibility.tagged(threads, data["tag"])
    page_obj = Paginator(threads.order_by("-last_post_at", "-pk"), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    items = list(page_obj.object_list)
    following = set(
        Follow.objects.filter(user=user, thread__in=items).values_list("thread_id", flat=True)
    )
    now = timezone.now()
    for thread in items:
        thread.is_followed = thread.pk in following
        thread.overdue = thread.is_overdue(now)
    period = Period.default()
    return render(
        request,
        "deliberation/thread_list.html",
        {
            "estate": estate,
            "filter_form": form,
            "page_obj": page_obj,
            "threads": items,
            # The dashboard's default period (the last 90 Beijing days, today included) and
            # the dashboard's own computation, so both pages give the same figures.
            "figures": metrics.report_figures([estate.pk], period, now=now)[estate.pk].by_party(),
            "figures_period": period,
            "may_post": permissions.may(user, "deliberate", estate),
            "may_moderate": permissions.may(user, "moderate", estate),
        },
    )


def thread_create(request, estate_slug: str):
    estate = get_estate(request, estate_slug, action="deliberate")
    requested_page = request.POST.get("page") or request.GET.get("page")
    page = get_attachable_page(request, estate, requested_page)
    form = ThreadForm(
        request.POST or None, request.FILES or None, initial={"page": page.pk if page else None}
    )
    if request.method == "POST" and form.is_valid() and requested_page and page is None:
        form.add_error(None, actions.attach_refused_message())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        started = run_action(
            request,
            lambda: actions.start_thread(
                estate,
                request.user,
                kind=data["kind"],
                category=data["category"],
                title=data["title"],
                body=data["body"],
                page=page,
                tags=data["tags"].split(),
                photos=data["photos"],
            ),
            form=form,
        )
        if started:
            thread = started.value
            if thread.is_held:
                messages.info(request, _("已提交，待版主审核后对其他成员显示。"))
            else:
                messages.success(request, _("已发布。"))
            return _thread_redirect(thread)
    return render(
        request,
        "deliberation/thread_form.html",
        {"estate": estate, "form": form, "attached_page": page},
    )


# --- one thread ----------------------------------------------------------------------------


def thread_detail(request, estate_slug: str, pk: int):
    """The thread with its posts, 50 top-level posts (and their replies) a page."""
    thread = get_thread(request, estate_slug, pk)
    return _render_thread(request, thread)


def _render_thread(request, thread: Thread, *, resolve_form: ResolveForm | None = None):
    """Render the thread page; with a refused resolve_form, show it again with its errors."""
    context = thread_page.thread_context(thread, request.user, page_number=request.GET.get("page"))
    context.update(
        reply_form=PostForm(),
        assign_form=AssignForm(),
        rate_form=RateForm(),
        resolve_form=resolve_form or ResolveForm(),
        States=ThreadState,
    )
    return render(
        request,
        "deliberation/thread_detail.html",
        context,
        status=400 if resolve_form is not None and resolve_form.errors else 200,
    )


@require_POST
def post_reply(request, estate_slug: str, pk: int):
    thread = get_thread(request, estate_slug, pk)
    form = PostForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写回复内容。"))
        return _thread_redirect(thread)
    parent = None
    if parent_id := form.cleaned_data["parent"]:
        parent = get_object_or_404(Post, pk=parent_id, thread=thread)
    added = run_action(
        request,
        lambda: actions.add_post(
            thread,
            request.user,
            body=form.cleaned_data["body"],
            parent=parent,
            official=form.cleaned_data["official"],
        ),
    )
    if not added:
        return _thread_redirect(thread)
    post = added.value
    if post.status == PostStatus.HELD:
        messages.info(request, _("已提交，待版主审核后对其他成员显示。"))
    return _thread_redirect(thread, post)


@require_POST
def thread_follow(request, estate_slug: str, pk: int):
    thread = get_thread(request, estate_slug, pk)
    if request.POST.get("follow") == "0":
        actions.unfollow(thread, request.user)
        messages.success(request, _("已取消关注。"))
    else:
        actions.follow(thread, request.user)
        messages.success(request, _("已关注，有新回复和官方答复时会通知您。"))
    return _thread_redirect(thread)


def _thread_action(action: Callable[..., Any], success: str, *, form_class=None):
    """Build a POST view that calls one thread action and returns to the thread."""

    @require_POST
    def view(request, estate_slug: str, pk: int):
        thread = get_thread(request, estate_slug, pk)
        kwargs: dict[str, Any] = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                message_form_errors(request, form)
                return _thread_redirect(thread)
            kwargs = form.cleaned_data
        # Without a form the action takes nothing from the request: a stray field (a `reason`
        # posted to resolve or confirm) must not become an argument it does not have.
        run_action(request, lambda: action(thread, request.user, **kwargs), success=success)
        return _thread_redirect(thread)

    return view


thread_assign = _thread_action(actions.assign, _("已改派。"), form_class=AssignForm)


@require_POST
def thread_resolve(request, estate_slug: str, pk: int):
    """Mark an issue resolved with a note of what was done; on a refusal show the page again,
    the note kept, the problem beside its field."""
    thread = get_thread(request, estate_slug, pk)
    form = ResolveForm(request.POST, request.FILES)
    form.is_valid()
    if not run_action(
        request,
        lambda: actions.mark_resolved(
            thread,
            request.user,
            note=form.cleaned_data.get("note", ""),
            photo=form.cleaned_data.get("photo"),
        ),
        form=form,
        success=_("已标记为已解决，等待反映人确认。"),
    ):
        return _render_thread(request, thread, resolve_form=form)
    return _thread_redirect(thread)


def resolution_photo(request, estate_slug: str, pk: int, resolution_id: int):
    """Stream a resolution's photo to those who may read the thread (the estate's members)."""
    thread = get_thread(request, estate_slug, pk)
    resolution = get_object_or_404(Resolution, thread=thread, pk=resolution_id)
    return private_file_response(resolution.photo)


def post_photo(request, estate_slug: str, pk: int, photo_id: int, *, thumbnail: bool = False):
    """Stream a post's photo (or its thumbnail) to those who may see the post's words."""
    photo = get_post_photo(request, estate_slug, pk, photo_id)
    return private_file_response(photo.thumbnail if thumbnail else photo.image)


thread_confirm = _thread_action(actions.confirm_resolution, _("已确认解决，问题已关闭。"))
thread_reopen = _thread_action(actions.reopen, _("已重新打开。"), form_class=ReopenForm)
thread_rate = _thread_action(actions.rate, _("感谢您的评价。"), form_class=RateForm)


# --- one post ------------------------------------------------------------------------------


def post_edit(request, estate_slug: str, pk: int):
    post = get_post(request, estate_slug, pk)
    if not permissions.may(request.user, "edit_post", post):
        raise PermissionDenied
    form = EditPostForm(request.POST or None, initial={"body": post.body})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            request,
            lambda: actions.edit_post(post, request.user, body=form.cleaned_data["body"]),
            form=form,
            success=_("已保存修改。"),
        )
    ):
        return _thread_redirect(post.thread, post)
    return render(
        request,
        "deliberation/post_form.html",
        {"estate": post.thread.estate, "post": post, "form": form, "title": _("修改发言")},
    )


@require_POST
def post_delete(request, estate_slug: str, pk: int):
    post = get_post(request, estate_slug, pk)
    actions.delete_post(post, request.user)
    messages.success(request, _("已删除。"))
    return _thread_redirect(post.thread, post)


@require_POST
def post_official(request, estate_slug: str, pk: int):
    post = get_post(request, estate_slug, pk)
    run_action(
        request,
        lambda: actions.mark_official(post, request.user),
        success=_("已标记为官方答复。"),
    )
    return _thread_redirect(post.thread, post)


def post_report(request, estate_slug: str, pk: int):
    post = get_post(request, estate_slug, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_action(
            request,
            lambda: actions.report_post(post, request.user, **form.cleaned_data),
            success=_("举报已提交，感谢您帮助维护讨论秩序。"),
        )
        return _thread_redirect(post.thread, post)
    return render(
        request,
        "deliberation/post_form.html",
        {"estate": post.thread.estate, "post": post, "form": form, "title": _("举报发言")},
    )


def post_appeal(request, estate_slug: str, pk: int):
    post = get_post(request, estate_slug, pk)
    if not permissions.may(request.user, "appeal_post", post):
        raise PermissionDenied
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_action(
            request,
            lambda: actions.appeal(post, request.user, text=form.cleaned_data["text"]),
            success=_("申诉已提交，将由另一位版主复核。"),
        )
        return _thread_redirect(post.thread, post)
    return render(
        request,
        "deliberation/post_form.html",
        {"estate": post.thread.estate, "post": post, "form": form, "title": _("申诉")},
    )


def post_history(request, estate_slug: str, pk: int):
    """The post's earlier versions: for its author and the estate's moderators."""
    post = get_post(request, estate_slug, pk)
    estate = post.thread.estate
    # Earlier versions may hold words that were never shown: the same readers as a hidden
    # post's original.
    if not permissions.may(request.user, "read_withheld_post", post):
        raise PermissionDenied
    return render(
        request,
        "deliberation/post_history.html",
        {
            "estate": estate,
            "post": post,
            "revisions": list(post.revisions.select_related("edited_by").order_by("-created_at")),
        },
    )


# --- moderation ----------------------------------------------------------------------------


def moderation_queue(request, estate_slug: str):
    """Held posts, hidden posts awaiting review, reported posts and appeals, with bulk acts."""
    estate = get_estate(request, estate_slug, action="moderate")
    queue = (
        Post.objects.filter(thread__estate=estate)
        .filter(
            Q(status=PostStatus.HELD)
            | Q(review_pending=True)
            | Q(reports__status=ReportStatus.OPEN)
        )
        .distinct()
        .select_related("thread", "author")
        .prefetch_related(
            "thread__tags",  # an opening post's tags are reviewed with it
            Prefetch(
                "reports",
                queryset=PostReport.objects.filter(status=ReportStatus.OPEN),
                to_attr="open_reports",
            ),
        )
        .order_by("created_at", "pk")
    )
    page_obj = Paginator(queue, 50).get_page(request.GET.get("page"))
    items = list(page_obj.object_list)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("posts") if v.isdigit()]
        form = BulkModerationForm(request.POST, post_ids=ids)
        if form.is_valid():
            chosen = Post.objects.filter(
                pk__in=form.cleaned_data["posts"], thread__estate=estate
            ).select_related("thread__estate")
            data = form.cleaned_data
            if data["action"] == "hide" and not data["reason"]:
                messages.error(request, _("隐藏时请选择原因。"))
            else:
                run_action(
                    request,
                    lambda: actions.moderate_posts(
                        chosen,
                        request.user,
                        action=data["action"],
                        # The words each row showed: an approval names the version read.
                        seen={pk: request.POST.get(f"seen-{pk}", "") for pk in data["posts"]},
                        reason=data["reason"],
                        note=data["note"],
                    ),
                    success=lambda done: _("已处理 %(n)s 条。") % {"n": done},
                )
                return redirect("deliberation:moderation_queue", estate.slug)
        else:
            messages.error(request, _("请至少选择一条发言并选择操作。"))
    appeals = list(
        Appeal.objects.filter(post__thread__estate=estate, status=AppealStatus.PENDING)
        .select_related("post__thread", "author", "hidden_by")
        .order_by("created_at")
    )
    blocks = list(
        UserBlock.objects.active().filter(estate=estate).select_related("user", "created_by")
    )
    return render(
        request,
        "deliberation/moderation_queue.html",
        {
            "estate": estate,
            "page_obj": page_obj,
            "items": items,
            "bulk_form": BulkModerationForm(),
            "appeals": appeals,
            "decide_form": DecideAppealForm(),
            "blocks": blocks,
        },
    )


@require_POST
def appeal_decide(request, estate_slug: str, pk: int):
    estate = get_estate(request, estate_slug, action="moderate")
    appeal = get_object_or_404(Appeal, pk=pk, post__thread__estate=estate)
    form = DecideAppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择复核结果。"))
    else:
        run_action(
            request,
            lambda: actions.decide_appeal(appeal, request.user, **form.cleaned_data),
            success=_("申诉已处理。"),
        )
    return redirect("deliberation:moderation_queue", estate.slug)


def block_user(request, estate_slug: str, user_id: int):
    estate = get_estate(request, estate_slug, action="moderate")
    from django.contrib.auth import get_user_model

    target = get_object_or_404(get_user_model(), pk=user_id)
    form = BlockForm(request.POST or None, initial={"user": target.pk})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            request,
            lambda: actions.block_user(
                estate,
                request.user,
                target,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            ),
            form=form,
            success=_("已禁言。"),
        )
    ):
        return redirect("deliberation:moderation_queue", estate.slug)
    return render(
        request,
        "deliberation/block_form.html",
        {"estate": estate, "target": target, "form": form},
    )


@require_POST
def block_lift(request, estate_slug: str, pk: int):
    estate = get_estate(request, estate_slug, action="moderate")
    block = get_object_or_404(UserBlock, pk=pk, estate=estate)
    actions.lift_block(block, request.user)
    messages.success(request, _("已解除禁言。"))
    return redirect("deliberation:moderation_queue", estate.slug)
