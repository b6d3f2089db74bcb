"""Names for who acts, for type hints only: `user: User`, `actor: User | None`.

Import them under TYPE_CHECKING, so that a module of actions does not import the accounts
models at run time (with `from __future__ import annotations` the hints are never evaluated):

    if TYPE_CHECKING:
        from portal.accounts.types import AnyUser, User

`User` is the site's user model (settings.AUTH_USER_MODEL); `AnyUser` is whoever makes a
request, signed in or not, for the few entry points that answer anonymous visitors too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

    AnyUser: TypeAlias = User | AnonymousUser

__all__ = ["AnyUser", "User"]
