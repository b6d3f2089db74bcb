"""The append-only base shared by the roll and the ballots."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.community.models.audit import AppendOnlyError


class AppendOnlyModel(models.Model):
    """A record that is written once: saving an existing row or deleting one raises.

    Migration 0003 adds database triggers that refuse UPDATE and DELETE as well, so a
    hand-written query cannot rewrite a ballot either.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} records are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AppendOnlyError(f"{self._meta.label} records are append-only.")
