"""Publish an urgent notice to the whole estate, as the property company would mid-run.

The publication goes through Wagtail's publish and the notices app's signal, so the fan-out
to every unit (inbox and SMS, which urgent notices cannot silence) is queued on Redis for the
running qcluster, exactly as in production. Prints the notice's id.
"""

from __future__ import annotations

import sys

URGENT_TITLE = "紧急通知：今晚20:00至22:00全小区临时停水"


def publish(estate_slug: str, step: str) -> int:
    # Imported after django.setup() in main(): this script configures Django itself.
    from portal.community.models import Estate
    from portal.notices.choices import NoticeCategory, Urgency
    from portal.notices.models import NoticeIndexPage, NoticePage

    estate = Estate.objects.get(slug=estate_slug)
    index = NoticeIndexPage.objects.descendant_of(estate.page).first()
    notice = NoticePage(
        title=f"{URGENT_TITLE}（{step}）",
        slug=f"urgent-{step}",
        summary="因主供水管抢修，今晚20:00至22:00全小区停水，请提前储水。",
        category=NoticeCategory.OUTAGE,
        urgency=Urgency.URGENT,
        body=[("paragraph", "<p>因主供水管抢修，今晚20:00至22:00全小区停水，请提前储水。</p>")],
        live=False,
    )
    index.add_child(instance=notice)
    notice.save_revision().publish(skip_permission_checks=True)
    return notice.pk


def main() -> int:
    import django

    django.setup()
    print(publish(sys.argv[1], sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
