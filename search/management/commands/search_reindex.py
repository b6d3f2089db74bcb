"""Rebuild the search index from every registered model, with a progress bar."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, OutputWrapper

from search import index
from search.backends import get_backend


class ProgressBar:
    """A one-line progress bar on a terminal, or a line every 10% when output is a file."""

    def __init__(self, total: int, stream: OutputWrapper, *, width: int = 30) -> None:
        self.total, self.done, self.stream, self.width = max(total, 1), 0, stream, width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_tenth = -1
        self.started = time.monotonic()

    def __call__(self, step: int = 1) -> None:
        self.done += step
        fraction = min(self.done / self.total, 1.0)
        if self.tty:
            filled = int(fraction * self.width)
            bar = "█" * filled + "·" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}", ending="")
            self.stream.flush()
        elif int(fraction * 10) > self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self.stream.write(f"{int(fraction * 100)}% ({self.done}/{self.total})")

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")


class Command(BaseCommand):
    help = "重建搜索索引（所有已注册的内容类型），显示进度。"

    def handle(self, *args, **options) -> None:
        total = index.count_candidates()
        backend = get_backend()
        self.stdout.write(f"后端：{backend.name}；候选对象 {total} 个。")
        bar = ProgressBar(total, self.stdout)
        started = time.monotonic()
        count = index.rebuild(progress=bar)
        bar.finish()
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"已索引 {count} 个文档，用时 {seconds:.1f} 秒。"))
