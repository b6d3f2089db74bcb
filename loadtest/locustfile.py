"""The simulated people of the load test (driven by `python -m loadtest`, not run by hand).

Owners sign in by SMS code (reading it from the load test's SMS outbox in Redis, as a person
reads their phone), read the notices and acknowledge the one that asks for it, open the
assembly, vote (some submit a second time, which must be answered with the first receipt),
read and post in the discussion, and look at their inbox. One committee member signs in with
a password, steps up with the authenticator app's code and enters paper ballots, some for
units whose owner also votes online (both kept; the online vote stands).

Each owner user takes the next owner of the register from LOADTEST_OWNER_OFFSET on, so each
step of the test signs in new people. What was accepted is written to LOADTEST_RESULTS at the
end for the database check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.cookiejar
import itertools
import json
import os
import random
import re
import struct
import time
import uuid

import redis
from locust import HttpUser, between, events, task

CONFIG = json.loads(os.environ["LOADTEST_CONFIG"])
OFFSET = int(os.environ.get("LOADTEST_OWNER_OFFSET", "0"))
PAPER_OVERLAP = [int(n) for n in os.environ.get("LOADTEST_PAPER_OVERLAP", "").split(",") if n]
PAPER_START = int(os.environ.get("LOADTEST_PAPER_START", str(CONFIG["units"] - 1)))
SECOND_VOTE_SHARE = 0.15
PER_BUILDING = 200

_owner_numbers = itertools.count(OFFSET)
_paper_numbers = itertools.count(0)
_redis = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)

RESULTS: dict[str, list] = {
    # Casts sent; a cast whose answer the run's end cut off may be stored without being told.
    "online_attempted": [],
    "paper_attempted": [],
    "online_created": [],  # owner numbers whose cast was accepted as a new ballot
    "online_repeat": [],  # owner numbers whose second submission got the first receipt
    "paper_created": [],  # owner numbers whose paper ballot the committee entered
    "paper_repeat": [],
    "logins": [],
    "posts": [],
    "acknowledged": [],
}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([0-9a-f]+)"')
MOTION_RADIO = re.compile(r'name="(motion_\d+)" value="agree"')
MOTION_CHECKBOX = re.compile(r'type="checkbox" name="(motion_\d+)" value="(\d+)"')
CODE = re.compile(r"(\d{6})")


# The production settings mark the session and CSRF cookies Secure; in production the TLS
# proxy is the https end. Here plain HTTP on 127.0.0.1 stands in for it, so this process (the
# load generator only) sends Secure cookies over it. requests copies the session's cookies
# into fresh jars with the default policy, hence the class attribute rather than set_policy.
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def unit_of(n: int) -> tuple[str, str]:
    return f"{n // PER_BUILDING + 1}栋", f"{(n % PER_BUILDING) // 4 + 1}{n % 4 + 1:02d}"


def totp(secret: str, *, at: float | None = None) -> str:
    """Return the RFC 6238 code an authenticator app shows now for the base32 secret."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def csrf_of(text: str) -> str:
    found = CSRF.search(text)
    return found.group(1) if found else ""


def ballot_fields(text: str) -> dict[str, object]:
    """Return a complete ballot for the vote form in `text`: agree on motions, 3 candidates."""
    fields: dict[str, object] = {}
    for name in dict.fromkeys(MOTION_RADIO.findall(text)):
        fields[name] = random.choice(["agree", "agree", "oppose", "abstain"])
    candidates: dict[str, list[str]] = {}
    for name, value in MOTION_CHECKBOX.findall(text):
        candidates.setdefault(name, []).append(value)
    for name, values in candidates.items():
        fields[name] = random.sample(values, min(3, len(values)))
    return fields


class Person(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.headers["X-Real-IP"] = (
            f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        )

    def form_post(self, url: str, data: dict, *, name: str, page_text: str, **kwargs):
        data = {"csrfmiddlewaretoken": csrf_of(page_text), **data}
        return self.client.post(url, data=data, name=name, catch_response=True, **kwargs)


class Owner(Person):
    weight = 20
    wait_time = between(2, 6)

    def on_start(self) -> None:
        super().on_start()
        self.number = next(_owner_numbers)
        self.phone = f"+86139{self.number:08d}"
        self.votes = 0
        self.votes_wanted = 2 if random.random() < SECOND_VOTE_SHARE else 1
        self.acknowledged = False
        self.posts = 0
        self.log_in()

    def log_in(self) -> None:
        page = self.client.get("/accounts/login/code/", name="login: code form")
        _redis.delete("loadtest:code:" + self.phone)
        with self.form_post(
            "/accounts/login/code/",
            {"phone": self.phone[3:]},
            name="login: request SMS code",
            page_text=page.text,
        ) as response:
            if "/accounts/login/code/confirm/" not in response.url:
                response.failure(f"no code page: {response.url}")
                return
            confirm_page = response.text
        popped = _redis.blpop("loadtest:code:" + self.phone, timeout=10)
        code = CODE.search(popped[1]).group(1) if popped else "000000"
        with self.form_post(
            "/accounts/login/code/confirm/",
            {"code": code},
            name="login: enter SMS code",
            page_text=confirm_page,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("SMS code refused")
            else:
                RESULTS["logins"].append(self.number)

    @task(4)
    def notice_index(self) -> None:
        self.client.get(CONFIG["notice_index_url"], name="notice index")

    @task(3)
    def read_notice(self) -> None:
        url = random.choice(CONFIG["notice_urls"])
        page = self.client.get(url, name="notice page")
        if url == CONFIG["notice_urls"][0] and not self.acknowledged:
            with self.form_post(
                url + "acknowledge/", {}, name="notice: acknowledge", page_text=page.text
            ) as response:
                if response.status_code == 200:
                    self.acknowledged = True
                    RESULTS["acknowledged"].append(self.number)

    @task(3)
    def assembly(self) -> None:
        self.client.get(CONFIG["assembly_url"], name="assembly page")

    @task(4)
    def vote(self) -> None:
        if self.votes >= self.votes_wanted:
            self.client.get(f"/assemblies/{CONFIG['assembly_id']}/receipt/", name="vote: receipt")
            return
        vote_url = f"/assemblies/{CONFIG['assembly_id']}/vote/"
        form = self.client.get(vote_url, name="vote: ballot form")
        ballot = ballot_fields(form.text)
        with self.form_post(vote_url, ballot, name="vote: review", page_text=form.text) as response:
            key = SUBMISSION_KEY.search(response.text)
            if not key:
                response.failure("no confirmation step")
                return
            review = response.text
        RESULTS["online_attempted"].append(self.number)
        with self.form_post(
            vote_url,
            {**ballot, "step": "confirm", "submission_key": key.group(1)},
            name="vote: cast",
            page_text=review,
        ) as response:
            if "投票成功" in response.text:
                RESULTS["online_created"].append(self.number)
            elif "该投票权已经投过票" in response.text:
                RESULTS["online_repeat"].append(self.number)
            else:
                response.failure("cast neither accepted nor answered with the first receipt")
                return
        self.votes += 1

    @task(2)
    def discussion(self) -> None:
        page = self.client.get(CONFIG["thread_url"], name="thread page")
        if self.posts >= 2 or random.random() > 0.4:
            return
        with self.form_post(
            CONFIG["thread_url"] + "reply/",
            {"body": f"我支持更换电梯，建议公开招标。（{uuid.uuid4().hex[:6]}）"},
            name="thread: post reply",
            page_text=page.text,
        ) as response:
            if response.status_code == 200 and "请填写回复内容" not in response.text:
                self.posts += 1
                RESULTS["posts"].append(self.number)

    @task(2)
    def inbox(self) -> None:
        self.client.get("/inbox/", name="inbox")


class CommitteeMember(Person):
    """The chair entering paper ballots at the management office's desk."""

    fixed_count = 1
    wait_time = between(3, 6)

    def on_start(self) -> None:
        super().on_start()
        self.paper_url = f"/assemblies/{CONFIG['assembly_id']}/paper/"
        page = self.client.get("/accounts/login/", name="login: password form")
        with self.form_post(
            "/accounts/login/",
            {"login": CONFIG["chair_phone"][3:], "password": CONFIG["chair_password"]},
            name="login: password",
            page_text=page.text,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("password refused")
        verify = self.client.get(f"/me/verify/?next={self.paper_url}", name="staff: step-up form")
        with self.form_post(
            "/me/verify/",
            {"code": totp(CONFIG["chair_totp_secret"]), "next": self.paper_url},
            name="staff: step-up",
            page_text=verify.text,
        ) as response:
            if self.paper_url not in response.url:
                response.failure(f"step-up refused: {response.url}")

    @task
    def enter_paper_ballot(self) -> None:
        count = next(_paper_numbers)
        if count % 4 == 3 and count // 4 < len(PAPER_OVERLAP):
            number = PAPER_OVERLAP[count // 4]  # an owner who also votes online
        else:
            number = PAPER_START - count
        building, unit_number = unit_of(number)
        page = self.client.get(self.paper_url, name="paper: entry page")
        key = SUBMISSION_KEY.search(page.text)
        data = {
            **ballot_fields(page.text),
            "building": building,
            "unit_number": unit_number,
            "submission_key": key.group(1) if key else "",
        }
        RESULTS["paper_attempted"].append(number)
        scan = ("ballot.pdf", b"%PDF-1.4\n% loadtest paper ballot\n%%EOF\n", "application/pdf")
        with self.form_post(
            self.paper_url,
            data,
            name="paper: enter ballot",
            page_text=page.text,
            files={"scan": scan},
        ) as response:
            if "书面选票已录入" in response.text:
                RESULTS["paper_created"].append(number)
            elif "该投票权已有书面选票" in response.text:
                RESULTS["paper_repeat"].append(number)
            else:
                response.failure("paper ballot neither entered nor answered as already entered")


@events.quitting.add_listener
def write_results(environment, **kwargs) -> None:
    path = os.environ.get("LOADTEST_RESULTS")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(RESULTS, handle)
