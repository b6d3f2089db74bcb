"""A public notice page served to anonymous readers, against a trivial Django view.

Both go through the same middleware stack with Django's test client in one process, in the
same run: the ratio says how close the real page comes to the cheapest possible response.
Measured with the anonymous page cache (the production path) and without it.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.test import Client

from benchmarks.harness import report

REQUESTS = 200
ROUNDS = 5


def _rate(client: Client, url: str, *, clear_cache: bool = False) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        if clear_cache:
            cache.clear()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return REQUESTS / (time.perf_counter() - started)


def _median_rates(client: Client, targets: dict[str, tuple[str, bool]]) -> dict[str, float]:
    """Alternate the targets round by round, so a busy machine slows them alike."""
    for url, _clear in targets.values():
        for _ in range(20):
            client.get(url)
    rates: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(ROUNDS):
        for name, (url, clear) in targets.items():
            rates[name].append(_rate(client, url, clear_cache=clear))
    return {name: sorted(values)[len(values) // 2] for name, values in rates.items()}


def run() -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from benchmarks.harness import make_estate
    from portal.notices.models import NoticeIndexPage, NoticePage

    estate = make_estate("bench-notices", "公告基准小区")
    index = NoticeIndexPage.objects.descendant_of(estate.page).get()
    notice = NoticePage(
        title="3栋停水通知",
        summary="11月28日 9:00-17:00 因管道维修暂停供水，请提前储水。",
        category="outage",
        body=[
            (
                "key_facts",
                {"title": "要点", "facts": [{"label": "停水时间", "value": "11月28日 9:00-17:00"}]},
            ),
            (
                "paragraph",
                "<p>因二次供水管道维修，届时将暂停供水，请提前储水。给您带来不便，敬请谅解。</p>",
            ),
        ],
    )
    index.add_child(instance=notice)
    notice.save_revision().publish()
    url = NoticePage.objects.get(pk=notice.pk).url

    rates = _median_rates(
        Client(),
        {
            "trivial": ("/__bench__/trivial/", False),
            "cached": (url, False),
            "uncached": (url, True),
        },
    )
    trivial, cached, uncached = rates["trivial"], rates["cached"], rates["uncached"]
    report("trivial Django view", trivial, "req/s")
    report("public notice page, anonymous, with the page cache", cached, "req/s")
    report("public notice page, anonymous, cache cleared each time", uncached, "req/s")
    report("notice (cached) ÷ trivial view  [target ≥ 0.5]", cached / trivial, "×")
    report("notice (uncached) ÷ trivial view", uncached / trivial, "×")
