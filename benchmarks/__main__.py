"""Run the benchmarks: `make bench` (SQLite) or `DATABASE_URL=postgres://... make bench`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

BENCHMARKS = [
    "benchmarks.bench_register_import",
    "benchmarks.bench_notice_page",
    "benchmarks.bench_pages",
    "benchmarks.bench_casting",
    "benchmarks.bench_tally",
    "benchmarks.bench_consultation_results",
    "benchmarks.bench_posting",
    "benchmarks.bench_dashboard",
    "benchmarks.bench_search",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")
    import django

    django.setup()
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from benchmarks.harness import bench_database

    names = args.names or BENCHMARKS
    with bench_database():
        for name in names:
            module = importlib.import_module(name if "." in name else f"benchmarks.{name}")
            started = time.perf_counter()
            print(
                f"\n## {module.__name__.removeprefix('benchmarks.')}: {module.__doc__.strip().splitlines()[0]}"
            )
            module.run()
            print(f"   (took {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
