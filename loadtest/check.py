"""After the run: let the queue drain, then check the database and profile the endpoints.

Prints one JSON object. The checks (voting is closed first, as at the end of the window):
- every ballot the simulated people were told was accepted is stored, once, and nothing else
  (online and paper separately); a second submission stored nothing;
- the tally counts one ballot per right that voted (online standing over paper);
- the ledger verifies (`manage.py verify_ledger`), every ballot in it, none pending;
- each urgent notice reached every member once: one inbox item and one sent SMS delivery per
  member in the database, and one message per phone in the SMS outbox.
The profile renders each endpoint in-process (Django's test client with the production
middleware) and splits its time into SQL and the rest.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import time


def wait_for_queue(timeout: float = 300) -> float:
    """Wait until django-q2's queue is empty and no delivery or ledger entry waits."""
    # Imported after django.setup() in main(): this script configures Django itself.
    from django_q.brokers import get_broker

    from portal.notifications.models import Delivery
    from voting.models import LedgerPending

    broker = get_broker()
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        queued = broker.queue_size() or 0
        deliveries = Delivery.objects.filter(status__in=["queued", "sending"]).count()
        if not queued and not deliveries and not LedgerPending.objects.exists():
            return time.monotonic() - started
        time.sleep(2)
    raise SystemExit("the queue did not drain in time")


def check(config: dict, results: dict, urgent_ids: list[int]) -> dict:
    # Imported after django.setup() in main(): this script configures Django itself.
    from django.core.management import call_command
    from django.db.models import Max

    from loadtest.sms import SMS_COUNTS, client
    from portal.notices.models import NoticePage
    from portal.notices.scope import users_in_scope
    from portal.notifications.models import Delivery, Notification, NotificationBatch
    from voting import actions, ledger, tally
    from voting.choices import Channel
    from voting.models import AssemblyPage, Ballot

    assembly = AssemblyPage.objects.get(pk=config["assembly_id"])
    ballots = Ballot.objects.filter(assembly=assembly)
    online = list(
        ballots.filter(channel=Channel.ONLINE).values_list("cast_by__username", flat=True)
    )
    paper = list(
        ballots.filter(channel=Channel.PAPER).values_list(
            "right__units__building_name", "right__units__unit_number"
        )
    )
    told_online = sorted(results["online_created"])
    told_paper = sorted(results["paper_created"])
    stored_online = sorted(int(name.rsplit("-", 1)[1]) for name in online)
    # Imported after django.setup() in main(): this script configures Django itself.
    from loadtest.build import unit_of

    unit_numbers = {unit_of(n): n for n in range(config["units"])}
    stored_paper = sorted(unit_numbers[(b, u)] for b, u in paper)
    attempted_online = set(results.get("online_attempted", []))
    attempted_paper = set(results.get("paper_attempted", []))
    repeats_not_stored = all(n in set(told_online) for n in results["online_repeat"]) and len(
        stored_online
    ) == len(set(stored_online))

    # The end of the last hour: voting closes as its schedule would at the window's end
    # (passed explicitly: the window was set an hour ahead at build). The close sequences any
    # ballot still waiting and sweeps for one that lost its queue row.
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    assembly.refresh_from_db()
    counted = tally.counted_ballots(assembly).count()
    paper_counts = not assembly.paper_needs_confirmation
    # Every stored ballot's right voted once in the count: online, or paper where no online.
    expected_counted = len(set(stored_online) | (set(stored_paper) if paper_counts else set()))
    result = tally.tally(assembly)

    out = io.StringIO()
    call_command("verify_ledger", assembly.pk, stdout=out)
    verification = ledger.verify_assembly(assembly)

    notices = []
    sms_counts = client().hgetall(SMS_COUNTS)
    for notice_id in urgent_ids:
        notice = NoticePage.objects.get(pk=notice_id)
        members = set(users_in_scope(notice).values_list("pk", flat=True))
        phones = set(users_in_scope(notice).values_list("phone", flat=True))
        batch = NotificationBatch.objects.get(dedupe_key=f"notice:{notice.pk}:published")
        inbox = list(Notification.objects.filter(batch=batch).values_list("user_id", flat=True))
        sms = Delivery.objects.filter(batch=batch, channel="sms")
        sent = list(sms.filter(status="sent").values_list("user_id", flat=True))
        outbox = {
            key.split("\t", 1)[0]: int(count)
            for key, count in sms_counts.items()
            if notice.title[:8] in key.split("\t", 1)[1]
        }
        last_sent = sms.aggregate(last=Max("sent_at"))["last"]
        fan_out = (last_sent - batch.created_at).total_seconds() if last_sent else None
        notices.append(
            {
                "notice": notice.title,
                "fan_out_seconds": round(fan_out, 1) if fan_out else None,
                "sms_per_second": round(len(sent) / fan_out, 1) if fan_out else None,
                "members": len(members),
                "inbox_items": len(inbox),
                "inbox_once_each": sorted(inbox) == sorted(members),
                "sms_sent": len(sent),
                "sms_not_sent": sms.exclude(status="sent").count(),
                "sms_once_each": sorted(sent) == sorted(members),
                "outbox_phones": len(outbox),
                "outbox_once_each": set(outbox) == phones and set(outbox.values()) == {1},
            }
        )

    return {
        "logins": len(results["logins"]),
        "posts": len(results["posts"]),
        "acknowledged": len(results["acknowledged"]),
        "online_accepted": len(told_online),
        "online_stored": len(stored_online),
        # None lost: every cast the voter was told was accepted is stored. Nothing else: every
        # stored ballot was sent by the run (one whose answer the end cut off may be stored).
        "online_none_lost": set(told_online) <= set(stored_online),
        "online_nothing_else": set(stored_online) <= attempted_online,
        "online_once_per_right": len(stored_online) == len(set(stored_online)),
        "second_submissions": len(results["online_repeat"]),
        "second_submissions_stored_nothing": repeats_not_stored,
        "paper_accepted": len(told_paper),
        "paper_stored": len(stored_paper),
        "paper_none_lost": set(told_paper) <= set(stored_paper),
        "paper_nothing_else": set(stored_paper) <= attempted_paper,
        "paper_once_per_right": len(stored_paper) == len(set(stored_paper)),
        "paper_and_online": len(set(told_paper) & set(told_online)),
        "paper_counts_before_confirmation": paper_counts,
        "counted": counted,
        "tally_counted": result.counted,
        "expected_counted": expected_counted,
        "counted_once": counted == expected_counted == result.counted,
        "ledger_ok": verification.ok,
        "ledger_entries": verification.checked,
        "ledger_pending": verification.pending,
        "ledger_covers_every_ballot": verification.checked == ballots.count(),
        "verify_ledger_says": out.getvalue().strip().splitlines()[-1:],
        "urgent_notices": notices,
    }


def profile(config: dict) -> list[dict]:
    """Return, per endpoint, the in-process time of one request split into SQL and the rest."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    owner = User.objects.get(username="lt-owner-0")
    client = Client(HTTP_X_REAL_IP="10.255.0.1")
    client.force_login(owner)
    assembly_id = config["assembly_id"]
    endpoints = [
        ("notice index", config["notice_index_url"]),
        ("notice page", config["notice_urls"][1]),
        ("assembly page", config["assembly_url"]),
        ("vote: ballot form", f"/assemblies/{assembly_id}/vote/"),
        ("vote: receipt", f"/assemblies/{assembly_id}/receipt/"),
        ("thread page", config["thread_url"]),
        ("inbox", "/inbox/"),
    ]
    rows = []
    for name, url in endpoints:
        client.get(url)  # warm
        walls, sqls, counts = [], [], []
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                walls.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            sqls.append(sum(float(q["time"]) for q in captured.captured_queries))
            counts.append(len(captured.captured_queries))
        wall, sql = statistics.median(walls) * 1000, statistics.median(sqls) * 1000
        rows.append(
            {
                "endpoint": name,
                "ms": round(wall, 1),
                "sql_ms": round(sql, 1),
                "queries": counts[-1],
                "python_ms": round(wall - sql, 1),
            }
        )
    return rows


def main() -> int:
    import django

    django.setup()
    config = json.loads(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as handle:
        results = json.load(handle)
    urgent_ids = [int(n) for n in sys.argv[3].split(",") if n]
    drained = wait_for_queue()
    report = check(config, results, urgent_ids)
    report["queue_drained_after_s"] = round(drained, 1)
    report["profile"] = profile(config)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
