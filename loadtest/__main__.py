"""`make loadtest`: build, serve, drive at a few numbers of owners, check, report. Stops by itself.

    make loadtest                                   # 20, 50 and 100 owners, 60 s each
    LOADTEST_USERS=50,100,150 LOADTEST_STEP_SECONDS=90 make loadtest

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis at 127.0.0.1:6379. The
database gz_loadtest is dropped and created afresh; Redis database 13 is flushed. Everything
else (secrets, hosts) is set here for the run; the Django settings are portal.settings.production.
The report is printed and written to test-artifacts/loadtest/report.md.

Long because: one run read top to bottom: services, build, the steps, the checks and the
report; each stage is a short function and nothing here is imported by the product.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "test-artifacts" / "loadtest"
DATABASE = os.environ.get("LOADTEST_DATABASE", "gz_loadtest")
PG = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/13")
USERS = [int(n) for n in os.environ.get("LOADTEST_USERS", "20,50,100").split(",")]
STEP_SECONDS = int(os.environ.get("LOADTEST_STEP_SECONDS", "60"))
WEB_WORKERS = int(os.environ.get("LOADTEST_WEB_WORKERS", "3"))
P95_LIMIT_MS = 500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DATABASE_URL=f"{PG}/{DATABASE}",
        REDIS_URL=REDIS_URL,
        SECRET_KEY=secrets.token_urlsafe(50),
        ID_HASH_KEY=secrets.token_urlsafe(32),
        LEDGER_SEAL_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DEBUG="0",
        # Plain HTTP on 127.0.0.1 stands in for the TLS proxy; the proxy's X-Real-IP gives
        # each simulated owner their own network, as their phones have.
        SECURE_SSL_REDIRECT="0",
        ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
        WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
        SMS_BACKEND="loadtest.sms.RedisOutboxSMSBackend",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
        Q_WORKERS="2",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(args: list[str], env: dict[str, str], **kwargs) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)
    if done.returncode:
        sys.stderr.write(done.stderr[-5000:])
        raise SystemExit(f"{' '.join(args[:4])} failed ({done.returncode})")
    return done.stdout


def schema_key() -> str:
    """Return a key of the migrations in force: this repository's and the installed apps'."""
    from importlib import metadata

    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" not in path.parts:
            digest.update(path.read_bytes())
    for package in ("django", "wagtail", "django-allauth", "django-q2", "django-taggit"):
        digest.update(metadata.version(package).encode())
    return digest.hexdigest()[:10]


def fresh_services(env: dict[str, str]) -> None:
    """Create the database afresh, from a migrated empty template when the schema is known.

    Migrating from nothing takes minutes on a busy 2-core machine; a copy of an empty
    database migrated by an earlier run with the same migrations takes seconds.
    """
    import redis

    host = PG.rsplit("@", 1)[1].split(":")[0]
    pg = ["-h", host, "-U", "postgres"]
    template = f"{DATABASE}_tpl_{schema_key()}"
    subprocess.run(["dropdb", *pg, "--if-exists", "--force", DATABASE], check=True)
    exists = subprocess.run(
        ["psql", *pg, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{template}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        for old in subprocess.run(
            [
                "psql",
                *pg,
                "-tAc",
                f"SELECT datname FROM pg_database WHERE datname LIKE '{DATABASE}_tpl_%'",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split():
            subprocess.run(["dropdb", *pg, "--if-exists", old], check=True)
        subprocess.run(["createdb", *pg, template], check=True)
        run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            {**env, "DATABASE_URL": f"{PG}/{template}"},
        )
    subprocess.run(["createdb", *pg, "-T", template, DATABASE], check=True)
    redis.Redis.from_url(REDIS_URL).flushdb()


def wait_http(url: str, timeout: float = 180) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def cpu_of(processes: dict[str, list[psutil.Process]]) -> dict[str, float]:
    totals = {}
    for name, group in processes.items():
        total = 0.0
        for process in group:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        totals[name] = total
    return totals


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_groups(gunicorn: subprocess.Popen, qcluster: subprocess.Popen) -> dict:
    def tree(pid: int) -> list[psutil.Process]:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]

    postgres = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if process.info["name"] and "postgres" in process.info["name"] and DATABASE in cmdline:
            postgres.append(process)
    return {
        "gunicorn": tree(gunicorn.pid),
        "qcluster": tree(qcluster.pid),
        "postgres": postgres,
    }


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def step(n_users: int, index: int, offset: int, env, config, port, servers) -> dict:
    prefix = OUT / f"step-{n_users}"
    results_file = OUT / f"results-{n_users}.json"
    overlap = ",".join(str(offset + k) for k in range(min(10, n_users)))
    step_env = {
        **env,
        "LOADTEST_CONFIG": json.dumps(config),
        "LOADTEST_OWNER_OFFSET": str(offset),
        "LOADTEST_PAPER_START": str(config["units"] - 1 - 200 * index),
        "LOADTEST_PAPER_OVERLAP": overlap,
        "LOADTEST_RESULTS": str(results_file),
    }
    urgent: dict[str, str] = {}

    def publish_urgent() -> None:
        urgent["id"] = run(
            [sys.executable, "-m", "loadtest.urgent", config["estate_slug"], f"step-{n_users}"],
            env,
        ).strip()

    timer = threading.Timer(STEP_SECONDS / 2, publish_urgent)
    locust = subprocess.Popen(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{port}",
            "-u",
            str(n_users + 1),
            "-r",
            str(max(1, (n_users + 1) // 10)),
            "-t",
            f"{STEP_SECONDS}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=step_env,
        cwd=ROOT,
        stdout=open(OUT / f"locust-{n_users}.log", "w"),  # noqa: SIM115 - closed at exit
        stderr=subprocess.STDOUT,
    )
    groups = process_groups(*servers)
    before = cpu_of(groups)
    # Locust (and the urgent publisher) are this process's children: their CPU is read from
    # the children's rusage once they are reaped, since a process that has exited has no
    # cpu_times to read.
    children_before = _children_cpu()
    idle_before = psutil.cpu_times().idle
    started = time.monotonic()
    timer.start()
    locust.wait(timeout=STEP_SECONDS + 60)
    timer.join()
    elapsed = time.monotonic() - started
    after = cpu_of(process_groups(*servers))
    cpu = {name: after[name] - before.get(name, 0.0) for name in after}
    cpu["locust and the urgent publisher"] = _children_cpu() - children_before
    idle = psutil.cpu_times().idle - idle_before
    # Backends opened during the step have no "before": all their time is this step's.
    rows = read_stats(prefix)
    return {
        "users": n_users,
        "load": os.getloadavg()[0],
        "rows": rows,
        "cpu": cpu,
        "idle": idle,
        "seconds": elapsed,
        "urgent_id": urgent.get("id", ""),
        "results": json.loads(results_file.read_text(encoding="utf-8")),
    }


def ms(value: str) -> str:
    return f"{float(value or 0):,.0f}"


def report(steps: list[dict], checks: dict, config: dict, took: float) -> str:
    lines = [
        f"# Load test: {config['units']:,} units, one open assembly, gunicorn -w {WEB_WORKERS},"
        f" qcluster (2 workers), PostgreSQL, Redis; {STEP_SECONDS} s per step",
        "",
        "| owners | requests/s | p50 ms | p95 ms | p99 ms | requests | errors | p95 < 500 ms and no errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    best = 0
    for result in steps:
        total = next(r for r in result["rows"] if r["Name"] == "Aggregated")
        ok = float(total["95%"]) < P95_LIMIT_MS and int(total["Failure Count"]) == 0
        if ok:
            best = max(best, result["users"])
        lines.append(
            f"| {result['users']} | {float(total['Requests/s']):.1f} | {ms(total['50%'])} |"
            f" {ms(total['95%'])} | {ms(total['99%'])} | {total['Request Count']} |"
            f" {total['Failure Count']} | {'yes' if ok else 'no'} |"
        )
    lines += ["", f"Largest number of simulated owners held: **{best or 'none'}**", ""]
    for result in steps:
        lines += [
            f"## {result['users']} owners (+1 committee member entering paper ballots)",
            "",
            "| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in result["rows"]:
            if row["Name"] == "Aggregated":
                continue
            lines.append(
                f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} |"
                f" {float(row['Requests/s']):.2f} | {ms(row['50%'])} | {ms(row['95%'])} |"
                f" {ms(row['99%'])} |"
            )
        cores = 2 * result["seconds"]
        split = ", ".join(
            f"{name} {seconds:.0f} s ({seconds / cores:.0%})"
            for name, seconds in sorted(result["cpu"].items(), key=lambda kv: -kv[1])
        )
        others = max(0.0, cores - sum(result["cpu"].values()) - result["idle"])
        lines += [
            "",
            f"CPU over the step ({cores:.0f} core-seconds on 2 cores): {split};"
            f" idle {result['idle']:.0f} s; everything else on the machine {others:.0f} s"
            f" (load average {result['load']:.1f} at the end of the step)",
            "",
        ]
    lines += ["## In-process profile after the run (one owner, median of 5)", ""]
    lines += [
        "| endpoint | ms | SQL ms | queries | rest (Python, templates) ms |",
        "|---|---|---|---|---|",
    ]
    for row in checks["profile"]:
        lines.append(
            f"| {row['endpoint']} | {row['ms']} | {row['sql_ms']} | {row['queries']} |"
            f" {row['python_ms']} |"
        )
    lines += [
        "",
        "## Database check",
        "",
        "```",
        json.dumps(
            {k: v for k, v in checks.items() if k != "profile"}, ensure_ascii=False, indent=1
        ),
        "```",
        "",
        f"Whole run: {took:.0f} s",
    ]
    return "\n".join(lines)


def checks_pass(checks: dict) -> bool:
    keys = [
        "online_none_lost",
        "online_nothing_else",
        "online_once_per_right",
        "second_submissions_stored_nothing",
        "paper_none_lost",
        "paper_nothing_else",
        "paper_once_per_right",
        "counted_once",
        "ledger_ok",
        "ledger_covers_every_ballot",
    ]
    notices_ok = all(
        n["inbox_once_each"]
        and n["sms_once_each"]
        and n["outbox_once_each"]
        and not n["sms_not_sent"]
        for n in checks["urgent_notices"]
    )
    return all(checks[k] for k in keys) and checks["ledger_pending"] == 0 and notices_ok


def main() -> int:
    started = time.monotonic()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    port = free_port()
    env = environment(port)
    manage = [sys.executable, "manage.py"]
    print(f"[loadtest] fresh database {DATABASE}, Redis {REDIS_URL}", flush=True)
    fresh_services(env)
    run([*manage, "migrate", "--noinput"], env)  # nothing to do unless the template is stale
    run([*manage, "collectstatic", "--noinput"], env)
    print(
        f"[loadtest] migrated ({time.monotonic() - started:.0f} s); building the estate", flush=True
    )
    config = json.loads(run([sys.executable, "-m", "loadtest.build"], env).strip().splitlines()[-1])
    print(
        f"[loadtest] built {config['units']} units ({time.monotonic() - started:.0f} s)", flush=True
    )
    logs = open(OUT / "servers.log", "w")  # noqa: SIM115 - the servers write to it until the end
    qcluster = subprocess.Popen(
        [*manage, "qcluster"], env=env, cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT
    )
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "portal.wsgi:application",
            "-w",
            str(WEB_WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            # Load the application once, then fork: workers answer at once on a busy machine.
            "--preload",
            "--control-socket",
            str(OUT / "gunicorn.ctl"),
        ],
        env=env,
        cwd=ROOT,
        stdout=logs,
        stderr=subprocess.STDOUT,
    )
    steps = []
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        offset = 0
        for index, n_users in enumerate(USERS):
            print(f"[loadtest] {n_users} owners for {STEP_SECONDS} s", flush=True)
            steps.append(step(n_users, index, offset, env, config, port, (gunicorn, qcluster)))
            offset += n_users + 10
        merged: dict[str, list] = {}
        for result in steps:
            for key, values in result["results"].items():
                merged.setdefault(key, []).extend(values)
        (OUT / "results.json").write_text(json.dumps(merged))
        print("[loadtest] checking the database", flush=True)
        gunicorn.terminate()
        checks = json.loads(
            run(
                [
                    sys.executable,
                    "-m",
                    "loadtest.check",
                    json.dumps(config),
                    str(OUT / "results.json"),
                    ",".join(s["urgent_id"] for s in steps if s["urgent_id"]),
                ],
                env,
            )
            .strip()
            .splitlines()[-1]
        )
    finally:
        for process in (gunicorn, qcluster):
            process.terminate()
        for process in (gunicorn, qcluster):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    text = report(steps, checks, config, time.monotonic() - started)
    (OUT / "report.md").write_text(text, encoding="utf-8")
    print(text)
    passed = checks_pass(checks)
    print(f"\n[loadtest] database checks {'passed' if passed else 'FAILED'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
