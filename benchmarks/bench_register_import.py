"""Register import throughput: rows per second through the real import, against bulk inserts.

Imports a 480-unit register (the size of the larger demo estate) through
`register_import.import_rows` — validation, identity grouping, audit — and compares with a raw
`bulk_create` of the same number of Unit rows, in the same run on the same database.
"""

from __future__ import annotations

import time
from decimal import Decimal

from benchmarks.harness import report


def run() -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from benchmarks.harness import make_estate
    from demo import district as demo
    from portal.community.models import Building, Unit
    from portal.community.register import import_rows

    estate = make_estate("bench-register", "名册基准小区")
    rows = demo.register_rows(demo.ESTATES[0])

    started = time.perf_counter()
    result = import_rows(estate, rows, actor=None, source_name="bench")
    first = time.perf_counter() - started
    assert not result.errors, result.errors[:3]

    started = time.perf_counter()
    import_rows(estate, rows, actor=None, source_name="bench")
    again = time.perf_counter() - started

    raw_estate = make_estate("bench-register-raw", "名册基准小区二")
    building = Building.objects.create(estate=raw_estate, name="1栋")
    started = time.perf_counter()
    Unit.objects.bulk_create(
        Unit(building=building, number=str(i), floor=1, exclusive_area=Decimal("88.00"))
        for i in range(len(rows))
    )
    raw = time.perf_counter() - started

    report(f"first import of {len(rows)} rows", len(rows) / first, "rows/s")
    report("re-import of the same file (no changes)", len(rows) / again, "rows/s")
    report("raw bulk_create of the same number of units", len(rows) / raw, "rows/s")
    report("import ÷ raw insert (throughput ratio)", raw / first, "×")
