"""The user account: login by mobile number (E.164) or email."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.community.masking import mask_name, mask_phone


class GongzhiUserManager(UserManager):
    def create_user(self, username=None, email=None, password=None, **extra):
        username = username or self.model.new_username()
        return super().create_user(username, email, password, **extra)

    def create_superuser(self, username=None, email=None, password=None, **extra):
        username = username or self.model.new_username()
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person with an account. Units, roles and ballots hang off other models.

    A closed account is never deleted: its personal data is erased and the row stays,
    because ballots and the audit log must keep pointing at something (PIPL Art. 47
    allows keeping what another law requires).
    """

    email = models.EmailField(_("电子邮箱"), blank=True, null=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, null=True)
    phone_verified = models.BooleanField(_("手机号已验证"), default=False)
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    privacy_consent_at = models.DateTimeField(_("同意隐私说明时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    # 长辈模式 (portal.accounts.elder): None until the person chooses; then it follows them
    # to every device they sign in on.
    elder_mode = models.BooleanField(_("长辈模式"), null=True, blank=True, default=None)

    objects = GongzhiUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=Q(phone__isnull=False), name="user_phone_unique"
            ),
            models.UniqueConstraint(
                fields=["email"], condition=Q(email__isnull=False), name="user_email_unique"
            ),
        ]

    @staticmethod
    def new_username() -> str:
        import uuid

        return f"u{uuid.uuid4().hex[:20]}"

    def __str__(self) -> str:
        return self.display_name or self.masked_phone or self.email or self.username

    def save(self, *args, **kwargs) -> None:
        # allauth saves "" for a missing email and no username (login is by phone or
        # email); "" would collide under the unique constraints, so store NULL and a
        # random username instead.
        if not self.email:
            self.email = None
        if not self.phone:
            self.phone = None
        if not self.username:
            self.username = self.new_username()
        # Wagtail's admin names people by first_name (the sidebar, the greeting) or by
        # get_full_name(), else by the random username: the name is kept in both.
        self.first_name, self.last_name = self.display_name, ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "first_name", "last_name"}
        super().save(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def masked_name(self) -> str:
        return mask_name(self.display_name) if self.display_name else self.masked_phone

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""
