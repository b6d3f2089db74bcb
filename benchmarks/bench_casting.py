"""Ballot casting with 32 concurrent voters through the real `cast_ballot`, against raw INSERTs.

Long because: the concurrent run, the lone cast and the HTTP figure share one scene.

PostgreSQL only (set DATABASE_URL); on SQLite, which has one writer, it says so and skips.
Creates an estate with N verified owners (one flat each) and an open assembly meeting with
three motions, then 32 threads (each with its own database connection) cast one ballot per
right through `voting.actions.cast_ballot`: permission checks, validation, the ballot and its
choices, the audit record, the receipt notification (enqueued, as in production) and the
hash-chained ledger entry. The baseline is 32 threads doing single-row INSERT transactions
(autocommit) into a table of the same width on the same database, measured before and after
the casting in the same run. Ends by verifying the chain: every ballot in it, no gap.

The lone cast (issue #15 item 2), on SQLite and PostgreSQL: one voter at a time, in process,
through `cast_ballot` as the vote view calls it (the view's checked right and the form's
motions passed in), timed with an empty ledger and again after BENCH_CASTING_BALLOTS (default
100,000) more ballots were stored and chained; the two medians and their ratio, with the
statements one cast runs. Targets: ≤ 4 ms, ratio ≤ 1.2.

Two more figures, in the same run:
- `pgbench` (PostgreSQL's own load generator, in C) running a single-row INSERT script into
  the same table shape with the same 32 clients: the database's own ceiling, which the
  Python-threaded baseline above cannot reach on 2 cores; casting is reported against both.
- Casting through the real HTTP endpoint: the vote POST (the confirmation step) for 100 more
  voters, one after another, through Django's test client and the whole middleware stack
  (sessions, CSRF, authentication, the site's own), against a trivial view served the same
  way; with the statements the POST runs. Also measured on SQLite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python -m benchmarks bench_casting
    BENCH_CASTING_RIGHTS=2000 ...   (default 960 rights)
    BENCH_CASTING_HTTP=300 ...      (default 100 voters through the endpoint)
    BENCH_CASTING_BALLOTS=10000 ... (default 100,000 ballots stored before the second lone-cast run)
"""

from __future__ import annotations

import copy
import logging
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from benchmarks.harness import report

THREADS = int(os.environ.get("BENCH_CASTING_THREADS", "32"))
RAW_PER_THREAD = 100
HTTP_VOTERS = int(os.environ.get("BENCH_CASTING_HTTP", "100"))
LONE_VOTERS = 60  # timed one at a time, before and after the stored ballots
STORED_BALLOTS = int(os.environ.get("BENCH_CASTING_BALLOTS", "100000"))
PGBENCH_SECONDS = 5
PGBENCH_SCRIPT = """\\set right random(1, 1000000000)
INSERT INTO bench_raw_ballot (assembly_id, right_id, channel, receipt_code, cast_at, submission_key)
  VALUES (1, :right, 'online', md5(random()::text || clock_timestamp()::text), now(), '');
"""


def _in_threads(work: Callable[[int], None]) -> float:
    """Run work(thread_index) in THREADS threads started together; return the wall time."""
    from django.db import connections

    barrier = threading.Barrier(THREADS + 1)
    errors: list[str] = []

    def target(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except Exception as exc:  # noqa: BLE001 - reported after the run
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} thread(s) failed, first: {errors[0]}")
    return elapsed


def _raw_inserts() -> float:
    """Return single-row INSERT transactions per second with THREADS concurrent writers."""
    from django.db import connection

    def work(index: int) -> None:
        with connection.cursor() as cursor:
            for n in range(RAW_PER_THREAD):
                cursor.execute(
                    "INSERT INTO bench_raw_ballot (assembly_id, right_id, channel, receipt_code,"
                    " cast_at, submission_key) VALUES (%s, %s, 'online', %s, now(), '')",
                    [1, index * RAW_PER_THREAD + n, f"R{time.perf_counter_ns()}-{index}-{n}"],
                )

    elapsed = _in_threads(work)
    return THREADS * RAW_PER_THREAD / elapsed


def _create_raw_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE TABLE bench_raw_ballot (
                id bigserial PRIMARY KEY,
                assembly_id integer NOT NULL,
                right_id bigint NOT NULL,
                channel varchar(10) NOT NULL,
                receipt_code varchar(32) NOT NULL UNIQUE,
                cast_at timestamptz NOT NULL,
                submission_key varchar(64) NOT NULL
            )"""
        )


def _pgbench() -> float | None:
    """Return pgbench's single-row INSERT transactions per second with THREADS clients, or
    None when pgbench is not installed."""
    from django.db import connection

    binary = shutil.which("pgbench")
    if binary is None:
        return None
    db = connection.settings_dict
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = [binary, "-n", "-f", script.name, "-c", str(THREADS), "-j", "2"]
    args += ["-T", str(PGBENCH_SECONDS), "-d", db["NAME"]]
    args += ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    found = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    return float(found.group(1)) if found else None


def _http_casts(assembly, pairs, choices) -> dict[str, float]:
    """Cast each pair's ballot through the vote endpoint; return the figures.

    The confirmation POST alone is timed (the ballot form and the review step before it are
    reads); its statements are counted on the last voter.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("voting:vote", args=[assembly.pk])
    receipt = reverse("voting:receipt", args=[assembly.pk])
    fields = {
        f"motion_{pk}": [str(v) for v in value] if isinstance(value, list) else value
        for pk, value in choices.items()
    }
    client = Client()
    for _ in range(50):
        client.get("/__bench__/trivial/")
    trivial = []
    for _ in range(200):
        started = time.perf_counter()
        client.get("/__bench__/trivial/")
        trivial.append(time.perf_counter() - started)
    times, statements = [], 0
    for _right, user in pairs:
        client.force_login(user)
        data = {**fields, "step": "confirm", "submission_key": uuid.uuid4().hex}
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(url, data)
            times.append(time.perf_counter() - started)
        assert response.status_code == 302 and response.url == receipt, response
        statements = len(captured.captured_queries)
        production = len(_production_statements(captured))
    _print_sql("the last vote POST", captured)
    cast = statistics.median(times)
    return {
        "cast_ms": cast * 1000,
        "cast_p95_ms": sorted(times)[int(0.95 * (len(times) - 1))] * 1000,
        "per_second": 1 / cast,
        "trivial_per_second": 1 / statistics.median(trivial),
        "statements": statements,
        "production_statements": production,
    }


def _report_http(http: dict[str, float]) -> None:
    report(
        f"vote POST through the endpoint, one at a time ({HTTP_VOTERS} voters)",
        http["per_second"],
        "ballots/s",
    )
    report("   its median / p95 time", http["cast_ms"], f"ms (p95 {http['cast_p95_ms']:.1f} ms)")
    report("   statements per vote POST, as run here", http["statements"], "statements")
    report(
        "   …as production runs it (issue #15 target ≤ 12)",
        http["production_statements"],
        "statements",
    )
    report("trivial view through the same client", http["trivial_per_second"], "req/s")
    ratio = http["per_second"] / http["trivial_per_second"]
    print(f"   {'vote POST ÷ trivial view (throughput ratio)':<58} {ratio:>12.4f} ×")


def _lone_casts(assembly, pairs, choices) -> tuple[list[float], int]:
    """Cast each pair's ballot alone, as the vote view does; return the times and statements.

    The view hands cast_ballot the right its permission-checked lookup found and the motions
    its form read; so does this (read outside the timing, as the view reads them before).
    """
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from voting import actions, lookups
    from voting.choices import Channel

    motions = list(assembly.motions.prefetch_related("candidates"))
    assembly.page_estate  # noqa: B018 - read once, as the view's lookup does
    times, statements = [], 0
    for right, user in pairs:
        checked = next(
            r for r in lookups.rights_for_voter(user, assembly) if r.right.pk == right.pk
        )
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = actions.cast_ballot(
                assembly,
                right,
                choices,
                channel=Channel.ONLINE,
                cast_by=user,
                checked=checked,
                motions=motions,
            )
            times.append(time.perf_counter() - started)
        assert result.created
        statements = len(captured.captured_queries)
    _print_sql("the last lone cast", captured)
    return times, statements


def _store_ballots(assembly, count: int, cast_by_id: int) -> None:
    """Store `count` sealed ballots of as many more rights and chain them, in bulk.

    The rights join the roll after it froze (the lone cast does not read the roll), and the
    ballots are queued and sequenced by the ordinary batch step, so the chain and head are
    the real ones a meeting with that many ballots has.
    """
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.db import connection
    from django.utils import timezone

    from voting import ledger
    from voting.choices import Channel, ChannelClass, RightKind
    from voting.models import Ballot, BallotChoice, ElectoralRoll, LedgerPending, VotingRight

    roll = ElectoralRoll.objects.get(assembly=assembly)
    resolution, special, _election = assembly.motions.order_by("sort_order", "pk")
    chunk = 10_000
    for start in range(0, count, chunk):
        rights = VotingRight.objects.bulk_create(
            VotingRight(
                roll=roll,
                assembly=assembly,
                kind=RightKind.PERSON,
                area=Decimal("88.50"),
                unit_count=1,
                holder_name="业主",
            )
            for _ in range(start, min(start + chunk, count))
        )
        ballots = []
        for n, right in enumerate(rights):
            chosen = {resolution.pk: ("agree", "oppose", "abstain")[n % 3], special.pk: "agree"}
            nonce = ledger.new_nonce()
            ballot = Ballot(
                assembly=assembly,
                right=right,
                channel=Channel.ONLINE,
                channel_class=ChannelClass.ELECTRONIC,
                cast_by_id=cast_by_id,  # who cast them does not enter the cost
                receipt_code=ledger.new_receipt_code(),
                cast_at=timezone.now(),
                ledger_pseudonym=right.pseudonym,
                nonce=nonce,
                right_nonce=ledger.new_nonce(),
                commitment=ledger.commitment(chosen, nonce),
            )
            ballot.seal = ledger.ballot_seal(
                ballot, right_pseudonym=right.pseudonym, superseded_receipt=None
            )
            ballot.chosen = chosen
            ballots.append(ballot)
        stored = Ballot.objects.bulk_create(ballots)
        BallotChoice.objects.bulk_create(
            BallotChoice(ballot=ballot, motion_id=motion, choice=choice)
            for ballot, original in zip(stored, ballots, strict=True)
            for motion, choice in original.chosen.items()
        )
        LedgerPending.objects.bulk_create(
            LedgerPending(assembly=assembly, ballot=ballot) for ballot in stored
        )
        ledger.sequence_pending(assembly)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _report_lone(before: list[float], after: list[float], statements: int) -> None:
    empty, full = statistics.median(before) * 1000, statistics.median(after) * 1000
    report(f"lone cast, empty ledger (median of {len(before)}; target ≤ 4)", empty, "ms")
    report(f"lone cast after {STORED_BALLOTS:,} ballots (median of {len(after)})", full, "ms")
    ratio = full / empty
    print(f"   {f'lone cast at {STORED_BALLOTS:,} ÷ at none (target ≤ 1.2)':<58} {ratio:>12.2f} ×")
    report("statements per lone cast", statements, "statements")


def _lone_cast_figures(assembly, pairs, choices) -> None:
    """Time lone casts with an empty ledger, store the ballots, time them again; report."""
    before, statements = _lone_casts(assembly, pairs[:LONE_VOTERS], choices)
    started = time.perf_counter()
    _store_ballots(assembly, STORED_BALLOTS, cast_by_id=pairs[0][1].pk)
    print(
        f"   (stored and chained {STORED_BALLOTS:,} ballots in {time.perf_counter() - started:.0f} s)"
    )
    after, _ = _lone_casts(assembly, pairs[LONE_VOTERS : 2 * LONE_VOTERS], choices)
    _report_lone(before, after, statements)


def _build(rights: int):
    """Return (assembly, [(right, user)], choices) for an open assembly with `rights` owners."""
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from benchmarks.harness import make_estate
    from portal.community.actions import grant_role, link_identity
    from portal.community.choices import IdentityKind, RoleKind
    from portal.community.models import Building, OwnerIdentity, Ownership, Unit
    from voting import actions
    from voting.choices import Matter, MotionKind
    from voting.models import AssemblyIndexPage, AssemblyPage, Motion, VotingRight

    estate = make_estate("bench-casting", "投票基准小区")
    User = get_user_model()
    chair = User.objects.create_user(username="bench-chair", phone="+8613600000000")
    grant_role(chair, RoleKind.COMMITTEE_CHAIR, estate=estate)
    per_building = 200
    buildings = [
        Building.objects.create(estate=estate, name=f"{n + 1}栋")
        for n in range((rights + per_building - 1) // per_building)
    ]
    users = User.objects.bulk_create(
        User(username=f"bench-owner-{n}", phone=f"+86135{n:08d}", phone_verified=True)
        for n in range(rights)
    )
    units = Unit.objects.bulk_create(
        Unit(
            building=buildings[n // per_building],
            number=f"{(n % per_building) // 4 + 1}{n % 4 + 1:02d}",
            floor=(n % per_building) // 4 + 1,
            exclusive_area=Decimal("88.50"),
        )
        for n in range(rights)
    )
    identities = OwnerIdentity.objects.bulk_create(
        OwnerIdentity(
            estate=estate,
            kind=IdentityKind.PERSON,
            name=f"业主{n}",
            mobile=users[n].phone,
            id_hash=f"{n:064x}",
        )
        for n in range(rights)
    )
    Ownership.objects.bulk_create(
        Ownership(unit=unit, identity=identity)
        for unit, identity in zip(units, identities, strict=True)
    )
    for identity, user in zip(identities, users, strict=True):
        link_identity(identity, user, how="bench")

    now = timezone.now()
    index = AssemblyIndexPage.objects.descendant_of(estate.page).first()
    page = AssemblyPage(
        title="基准业主大会会议",
        slug="bench-assembly",
        voting_opens_at=now - timedelta(hours=1),
        voting_closes_at=now + timedelta(days=10),
    )
    page.motions = [
        Motion(title="续聘物业服务企业", matter=Matter.PROPERTY_COMPANY),
        Motion(title="使用专项维修资金更换电梯", matter=Matter.REBUILD),
        Motion(
            title="选举业主委员会委员",
            matter=Matter.COMMITTEE_ELECTION,
            kind=MotionKind.ELECTION,
            seats=5,
            candidate_names="王建国\n李秀英\n张伟\n刘洋\n陈静\n杨磊",
        ),
    ]
    index.add_child(instance=page)
    actions.announce_assembly(page, actor=chair, now=now - timedelta(days=20))
    actions.record_residents_committee_informed(
        page, actor=chair, informed_whom="和平社区居民委员会", informed_at=now - timedelta(days=20)
    )
    actions.open_voting(page, actor=chair)
    assembly = AssemblyPage.objects.get(pk=page.pk)
    resolution, special, election = assembly.motions.order_by("sort_order", "pk")
    picked = list(election.candidates.values_list("pk", flat=True)[:3])
    choices = {resolution.pk: "agree", special.pk: "oppose", election.pk: picked}
    by_user = {
        right.holders.get().user_id: right
        for right in VotingRight.objects.filter(assembly=assembly).prefetch_related("holders")
    }
    pairs = [(by_user[user.pk], user) for user in users]
    return assembly, pairs, choices


def _production_statements(captured) -> list[str]:
    """Return the statements a production server runs for what was captured here.

    Here the session is a database row and (without a Redis answering) the task broker
    django-q2's ORM queue, and transaction control is logged; in production (Redis) the
    session is read from the cache and the receipt's task goes to Redis; BEGIN and COMMIT are
    not queries.
    """
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"] not in ("BEGIN", "COMMIT")
        and '"django_session"' not in query["sql"]
        and '"django_q_ormq"' not in query["sql"]
    ]


def _print_sql(what: str, captured) -> None:
    """With BENCH_CASTING_SQL set, print the statements `what` ran (to see what a count is)."""
    if os.environ.get("BENCH_CASTING_SQL"):
        print(f"   statements of {what} (seconds, statement):")
        for query in captured.captured_queries:
            print(f"      {query['time']:>6}  {query['sql'][:140]}")


def _queries_per_cast(assembly, pair, choices) -> int:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from voting import actions
    from voting.choices import Channel

    right, user = pair
    with CaptureQueriesContext(connection) as captured:
        result = actions.cast_ballot(
            assembly, right, choices, channel=Channel.ONLINE, cast_by=copy.copy(user)
        )
    assert result.created
    if os.environ.get("BENCH_CASTING_SQL"):
        for query in captured.captured_queries:
            print("     ", query["sql"][:160])
    return len(captured.captured_queries)


def run() -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.db import connection
    from django_q.conf import Conf

    from voting import actions, ledger
    from voting.choices import Channel
    from voting.models import Ballot, LedgerEntry

    # As in production: the receipt notification is enqueued for a worker, not fanned out
    # inside the request (the test settings run django-q2 synchronously).
    Conf.SYNC = False
    logging.getLogger("django-q").setLevel(logging.WARNING)
    if connection.vendor != "postgresql":
        # SQLite has a single writer: only the one-at-a-time figures mean anything.
        assembly, pairs, choices = _build(HTTP_VOTERS + 2 * LONE_VOTERS)
        _report_http(_http_casts(assembly, pairs[:HTTP_VOTERS], choices))
        _lone_cast_figures(assembly, pairs[HTTP_VOTERS:], choices)
        print(
            "   32 concurrent voters and pgbench: PostgreSQL only (SQLite has a single writer);"
            " set DATABASE_URL=postgres://…"
        )
        return
    rights = int(os.environ.get("BENCH_CASTING_RIGHTS", "960"))
    assembly, pairs, choices = _build(rights + 1 + HTTP_VOTERS + 2 * LONE_VOTERS)
    http_pairs = [pairs.pop() for _ in range(HTTP_VOTERS)]
    lone_pairs = [pairs.pop() for _ in range(2 * LONE_VOTERS)]
    queries = _queries_per_cast(assembly, pairs.pop(), choices)
    _create_raw_table()
    connection.close()

    raw_before = _raw_inserts()

    def cast(index: int) -> None:
        for right, user in pairs[index::THREADS]:
            result = actions.cast_ballot(
                assembly, right, choices, channel=Channel.ONLINE, cast_by=copy.copy(user)
            )
            assert result.created

    elapsed = _in_threads(cast)
    ballots_per_second = len(pairs) / elapsed
    raw_after = _raw_inserts()
    raw = (raw_before + raw_after) / 2
    pgbench = _pgbench()
    http = _http_casts(assembly, http_pairs, choices)

    stored = Ballot.objects.filter(assembly=assembly).count()
    # One sequencing batch writes all its entries with the same timestamp.
    batches = (
        LedgerEntry.objects.filter(assembly=assembly).values("sequenced_at").distinct().count()
    )
    verification = ledger.verify_assembly(assembly)
    assert stored == len(pairs) + 1 + len(http_pairs), stored
    assert verification.ok and verification.checked == stored, verification
    assert verification.pending == 0, verification

    report(f"queries per cast (one ballot, {len(choices)} motions)", queries, "queries")
    report(f"cast_ballot, {THREADS} threads, {len(pairs)} ballots", ballots_per_second, "ballots/s")
    report(f"raw single-row INSERT transactions, {THREADS} threads (before)", raw_before, "rows/s")
    report(f"raw single-row INSERT transactions, {THREADS} threads (after)", raw_after, "rows/s")
    ratio = ballots_per_second / raw
    print(f"   {'casting ÷ raw INSERT (throughput ratio; target ≥ 0.3)':<58} {ratio:>12.4f} ×")
    if pgbench is None:
        print("   pgbench: not installed (apt-get install postgresql-client), no ratio")
    else:
        report(
            f"pgbench single-row INSERT, {THREADS} clients, {PGBENCH_SECONDS} s", pgbench, "tx/s"
        )
        print(
            f"   {'casting ÷ pgbench (throughput ratio)':<58} {ballots_per_second / pgbench:>12.4f} ×"
        )
        print(f"   {'Python-threaded baseline ÷ pgbench':<58} {raw / pgbench:>12.4f} ×")
    _report_http(http)
    report("ledger batches and appends in place", batches, "batches")
    report("ballots per batch (mean)", stored / batches, "ballots")
    print(f"   ledger verified: {verification.checked} entries, no gap, head matches, none pending")
    _lone_cast_figures(assembly, lone_pairs, choices)
