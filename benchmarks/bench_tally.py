"""Tally speed: `voting.tally.tally()` against a hand-written GROUP BY over the same rows.

Builds one closed assembly with 100,000 voting rights × 10 motions (9 resolutions and one
election with 7 candidates) on PostgreSQL, or 10,000 rights on SQLite (say so in the figures:
SQLite is the embedded default, not where 100,000-right estates live). Rows are generated in
bulk (COPY on PostgreSQL, executemany on SQLite; the ballots' append-only triggers allow
INSERT): about 80 % of rights vote online, 5 % of those change their ballot once before the
close (a superseding version), 3 % also vote on paper (resolved by the online-first rule).
Then both are timed in the same run, median of several calls: the real `tally()` (the ORM
aggregates plus the decisions of voting.rules) and one hand-written SQL statement that
computes the same sums with the same counting rules. Target: tally ≤ 2 × the hand-written SQL.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from benchmarks.harness import median, report, timed

RESOLUTIONS = 9
CANDIDATES = 7
SEATS = 5

HAND_SQL = """
WITH current_ballots AS (
    SELECT b.id, b.right_id, b.channel_class
    FROM voting_ballot b
    WHERE b.assembly_id = %(assembly)s
      AND NOT EXISTS (SELECT 1 FROM voting_ballot s WHERE s.supersedes_id = b.id)
), counted AS (
    SELECT c.id, c.right_id
    FROM current_ballots c
    WHERE c.channel_class = 'electronic'
       OR NOT EXISTS (
           SELECT 1 FROM current_ballots p
           WHERE p.right_id = c.right_id AND p.channel_class = 'electronic'
       )
), per_choice AS (
    SELECT bc.motion_id, bc.choice, bc.candidate_id, SUM(r.area) AS area, COUNT(*) AS heads
    FROM voting_ballotchoice bc
    JOIN counted c ON c.id = bc.ballot_id
    JOIN voting_votingright r ON r.id = c.right_id
    GROUP BY bc.motion_id, bc.choice, bc.candidate_id
), per_motion AS (
    SELECT t.motion_id, SUM(r.area) AS area, COUNT(*) AS heads
    FROM (
        SELECT DISTINCT bc.ballot_id, bc.motion_id, c.right_id
        FROM voting_ballotchoice bc JOIN counted c ON c.id = bc.ballot_id
        WHERE bc.candidate_id IS NOT NULL
    ) t
    JOIN voting_votingright r ON r.id = t.right_id
    GROUP BY t.motion_id
)
SELECT motion_id, choice, candidate_id, area, heads FROM per_choice
UNION ALL
SELECT motion_id, 'participation', NULL, area, heads FROM per_motion
"""


def _insert(cursor, vendor: str, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _build(rights_count: int):
    """Create the estate, a closed assembly with its roll and its ballots; return it."""
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from benchmarks.harness import make_estate
    from voting.choices import AssemblyState, Matter, MotionKind
    from voting.models import (
        AssemblyIndexPage,
        AssemblyPage,
        Ballot,
        Candidate,
        ElectoralRoll,
        Motion,
        VotingRight,
    )

    rng = random.Random(20261127)
    vendor = connection.vendor
    estate = make_estate("bench-tally", "计票基准小区")
    voter = get_user_model().objects.create_user(display_name="基准投票人")
    now = timezone.now()
    index = AssemblyIndexPage.objects.descendant_of(estate.page).first()
    assembly = AssemblyPage(
        title="计票基准会议",
        slug="bench-tally",
        voting_opens_at=now - timedelta(days=10),
        voting_closes_at=now - timedelta(days=1),
    )
    matters = [Matter.PROPERTY_COMPANY, Matter.REBUILD, Matter.USE_MAINTENANCE_FUND]
    assembly.motions = [
        Motion(title=f"表决事项 {n + 1}", matter=matters[n % 3], kind=MotionKind.RESOLUTION)
        for n in range(RESOLUTIONS)
    ] + [
        Motion(
            title="选举业主委员会委员",
            matter=Matter.COMMITTEE_ELECTION,
            kind=MotionKind.ELECTION,
            seats=SEATS,
            candidate_names="\n".join(f"候选人{n + 1}" for n in range(CANDIDATES)),
        )
    ]
    index.add_child(instance=assembly)
    motions = list(assembly.motions.order_by("sort_order", "pk"))
    election = motions[-1]
    candidates = Candidate.objects.bulk_create(
        Candidate(motion=election, name=name, sort_order=i)
        for i, name in enumerate(election.candidate_name_list())
    )
    candidate_ids = [c.pk for c in Candidate.objects.filter(motion=election).order_by("pk")]
    assert len(candidate_ids) == len(candidates)

    areas = [Decimal(rng.randint(4500, 16000)) / 100 for _ in range(rights_count)]
    with transaction.atomic():
        roll = ElectoralRoll.objects.create(
            assembly=assembly,
            total_area=sum(areas, Decimal(0)),
            total_heads=rights_count,
            total_units=rights_count,
        )
        with connection.cursor() as cursor:
            _insert(
                cursor,
                vendor,
                VotingRight._meta.db_table,
                [
                    "roll_id",
                    "assembly_id",
                    "kind",
                    "pseudonym",
                    "area",
                    "unit_count",
                    "holder_name",
                ],
                [
                    (roll.pk, assembly.pk, "person", secrets.token_hex(8), area, 1, "")
                    for area in areas
                ],
            )
        right_ids = list(
            VotingRight.objects.filter(assembly=assembly)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

        # Ballots: (right, channel, channel_class, version, supersedes index or None)
        plan: list[tuple[int, str, str, int, int | None]] = []
        for right_id in right_ids:
            if rng.random() < 0.8:
                plan.append((right_id, "online", "electronic", 1, None))
                if rng.random() < 0.05:
                    plan.append((right_id, "online", "electronic", 2, len(plan) - 1))
                if rng.random() < 0.03:
                    plan.append((right_id, "paper", "paper", 1, None))
        # The columns come from the model, so the rows fit whichever ledger layout the
        # schema has (chain columns on the ballot, or a separate ledger table the tally
        # does not read); ballots are matched back by their unique receipt code.
        columns = [f.column for f in Ballot._meta.concrete_fields if not f.primary_key]

        def row(n: int, item, supersedes_id):
            right_id, channel, channel_class, version, _ = item
            values = {
                "assembly_id": assembly.pk,
                "right_id": right_id,
                "channel": channel,
                "channel_class": channel_class,
                "version": version,
                "supersedes_id": supersedes_id,
                "cast_by_id": voter.pk,
                "entered_by_id": voter.pk if channel == "paper" else None,
                "proxy_id": None,
                "scan": "",
                "submission_key": "",
                "receipt_code": f"B{n:09d}",
                "cast_at": now - timedelta(days=2),
                "sequence": n + 1,
                "ledger_pseudonym": "x",
                # The ledger's commitment columns: the tally never reads them.
                "nonce": "",
                "right_nonce": "",
                "commitment": "",
                "seal": "",
                "prev_hash": f"{n:064x}",
                "hash": f"{n + 1:064x}",
            }
            return tuple(values[column] for column in columns)

        def ballot_ids():
            return dict(Ballot.objects.filter(assembly=assembly).values_list("receipt_code", "pk"))

        with connection.cursor() as cursor:
            firsts = [(n, item) for n, item in enumerate(plan) if item[4] is None]
            _insert(
                cursor, vendor, Ballot._meta.db_table, columns, [row(n, i, None) for n, i in firsts]
            )
            first_ids = ballot_ids()
            seconds = [(n, item) for n, item in enumerate(plan) if item[4] is not None]
            _insert(
                cursor,
                vendor,
                Ballot._meta.db_table,
                columns,
                [row(n, i, first_ids[f"B{i[4]:09d}"]) for n, i in seconds],
            )
            ids = ballot_ids()
            choices = []
            options = ("agree", "agree", "agree", "oppose", "abstain")
            for n, _item in enumerate(plan):
                ballot_id = ids[f"B{n:09d}"]
                for motion in motions[:-1]:
                    if rng.random() < 0.95:  # a few leave a motion blank
                        choices.append((ballot_id, motion.pk, None, rng.choice(options)))
                picked = rng.sample(candidate_ids, rng.randint(0, SEATS))
                if picked:
                    choices.extend((ballot_id, election.pk, c, "agree") for c in picked)
                else:
                    choices.append((ballot_id, election.pk, None, "abstain"))
            _insert(
                cursor,
                vendor,
                "voting_ballotchoice",
                ["ballot_id", "motion_id", "candidate_id", "choice"],
                choices,
            )
        AssemblyPage.objects.filter(pk=assembly.pk).update(
            state=AssemblyState.CLOSED,
            notice_published_at=now - timedelta(days=30),
            opened_at=now - timedelta(days=10),
            closed_at=now - timedelta(days=1),
        )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return AssemblyPage.objects.get(pk=assembly.pk), len(plan), len(choices)


def run() -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    import time

    from django.db import connection

    from voting.tally import tally

    vendor = connection.vendor
    rights_count = 100_000 if vendor == "postgresql" else 10_000
    if vendor != "postgresql":
        print(f"   SQLite: {rights_count:,} rights (set DATABASE_URL for the 100,000-right run)")
    started = time.perf_counter()
    assembly, ballots, choices = _build(rights_count)
    print(
        f"   built {rights_count:,} rights, {ballots:,} ballots, {choices:,} choice rows "
        f"in {time.perf_counter() - started:.1f} s ({vendor})"
    )

    def hand_written():
        with connection.cursor() as cursor:
            sql = HAND_SQL if vendor == "postgresql" else HAND_SQL.replace("%(assembly)s", "%s")
            cursor.execute(
                sql, {"assembly": assembly.pk} if vendor == "postgresql" else [assembly.pk]
            )
            return cursor.fetchall()

    result = tally(assembly)
    rows = hand_written()
    # The two agree: the first resolution's agree heads are the same.
    first = result.motions[0]
    hand_agree = next(r for r in rows if r[0] == first.motion.pk and r[1] == "agree")
    assert hand_agree[4] == first.tally.agree_heads, (hand_agree, first.tally)
    assert Decimal(hand_agree[3]).quantize(Decimal("0.01")) == first.tally.agree_area

    hand_times = timed(hand_written, repeat=5)
    tally_times = timed(lambda: tally(assembly), repeat=5)
    report("hand-written GROUP BY (median of 5)", median(hand_times) * 1000, "ms")
    report("tally() through the ORM + voting.rules (median of 5)", median(tally_times) * 1000, "ms")
    report("tally ÷ hand-written (target ≤ 2)", median(tally_times) / median(hand_times), "×")
    print(f"   {'counted ballots (one per right that voted)':<58} {result.counted:>12,}")
