"""Import an owner register into an estate: all rows or none, in one transaction.

This is the one entry point for changing the register in bulk; the admin screen, the
`import_register` command, the background task and `seed_demo` all call `import_rows`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import actions, audit
from portal.community.choices import IdentityKind
from portal.community.models import Building, Estate, OwnerIdentity, Ownership, Unit
from portal.community.models.register import hash_id_number
from portal.community.register.parsing import RegisterFileError, RowError, parse_register_file
from portal.community.register.validation import (
    DEVELOPER_FIXED_KEY,
    CleanRow,
    DeveloperInfo,
    validate_rows,
)

BATCH_SIZE = 500
UNIT_FIELDS = ("floor", "exclusive_area", "area_source", "state")


@dataclass
class ImportResult:
    """What an import did: units created, updated and unchanged, or why it changed nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    identities_created: int = 0
    ownerships_ended: int = 0
    accounts_linked: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


Progress = Callable[[int], None]


def import_file(
    estate: Estate,
    fileobj: IO[bytes],
    filename: str,
    *,
    actor: Any,
    progress: Progress | None = None,
) -> ImportResult:
    """Parse a CSV or XLSX register and import it; a file that cannot be read changes nothing."""
    try:
        rows = parse_register_file(fileobj, filename)
    except RegisterFileError as exc:
        return ImportResult(errors=exc.errors)
    return import_rows(estate, rows, actor=actor, source_name=filename, progress=progress)


def import_rows(
    estate: Estate,
    rows: list[dict[str, str]],
    *,
    actor: Any,
    source_name: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row, then write them all in one transaction; any bad row changes nothing.

    Rows are dicts keyed by the Chinese column headers (see parsing.COLUMNS). Units are keyed
    by (楼栋, 房号); people by the keyed hash of their ID number; every developer-held unit
    belongs to the estate's one developer identity (SPC interpretation Art. 9).
    `progress(n)` is called with the number of rows checked so far.
    """
    if not rows:
        return ImportResult(errors=[RowError(0, "", _("文件中没有数据行。"))])

    def existing_kinds(hashes: Iterable[str]) -> dict[str, str]:
        return dict(
            OwnerIdentity.objects.filter(estate=estate, id_hash__in=list(hashes)).values_list(
                "id_hash", "kind"
            )
        )

    checked = validate_rows(rows, existing_kinds=existing_kinds, progress=progress)
    if checked.errors:
        return ImportResult(errors=checked.errors)
    result = _apply(estate, checked.rows, checked.developer, actor=actor, source_name=source_name)
    if progress is not None:
        progress(len(rows))
    return result


@transaction.atomic
def _apply(
    estate: Estate,
    rows: list[CleanRow],
    developer_info: DeveloperInfo,
    *,
    actor: Any,
    source_name: str,
) -> ImportResult:
    # Lock the estate row so two imports into one estate run one after the other.
    Estate.objects.select_for_update().filter(pk=estate.pk).values_list("pk").first()
    now = timezone.now()
    result = ImportResult()

    buildings = _ensure_buildings(estate, {r.building for r in rows})
    identities, changed_identity_ids, new_identity_ids = _ensure_identities(
        estate, rows, developer_info
    )
    developer = identities.get(DEVELOPER_FIXED_KEY)

    existing_units = {
        (u.building_id, u.number): u
        for u in Unit.objects.filter(building__estate=estate, building__name__in=list(buildings))
    }
    new_units: list[Unit] = []
    changed_units: list[Unit] = []
    row_unit: list[tuple[CleanRow, Unit, bool]] = []  # (row, unit, unit fields changed)
    for row in rows:
        building = buildings[row.building]
        unit = existing_units.get((building.pk, row.number))
        wanted = {
            "floor": row.floor,
            "exclusive_area": row.exclusive_area,
            "area_source": row.area_source,
            "state": row.state,
        }
        if unit is None:
            unit = Unit(building=building, number=row.number, **wanted)
            new_units.append(unit)
            row_unit.append((row, unit, True))
            continue
        differs = any(getattr(unit, name) != value for name, value in wanted.items())
        if differs:
            for name, value in wanted.items():
                setattr(unit, name, value)
            # bulk_update skips auto_now, so the change time is set by hand.
            unit.updated_at = now
            changed_units.append(unit)
        row_unit.append((row, unit, differs))
    Unit.objects.bulk_create(new_units, batch_size=BATCH_SIZE)
    _fill_missing_pks(new_units, estate)
    Unit.objects.bulk_update(changed_units, [*UNIT_FIELDS, "updated_at"], batch_size=BATCH_SIZE)

    current: dict[int, list[Ownership]] = defaultdict(list)
    unit_ids = [unit.pk for _row, unit, _changed in row_unit]
    for ownership in Ownership.objects.filter(unit_id__in=unit_ids, ended_at__isnull=True):
        current[ownership.unit_id].append(ownership)

    to_end: list[int] = []
    to_create: list[Ownership] = []
    is_new_unit = {id(u) for u in new_units}
    for row, unit, unit_changed in row_unit:
        owner = developer if row.kind == IdentityKind.DEVELOPER else identities[row.id_hash]
        held = current.get(unit.pk, [])
        ending = [o.pk for o in held if o.identity_id != owner.pk]
        owner_changed = bool(ending) or not any(o.identity_id == owner.pk for o in held)
        to_end.extend(ending)
        if not any(o.identity_id == owner.pk for o in held):
            to_create.append(Ownership(unit=unit, identity=owner))
        if id(unit) in is_new_unit:
            result.created += 1
        elif unit_changed or owner_changed or owner.pk in changed_identity_ids:
            result.updated += 1
        else:
            result.unchanged += 1
    # Ownerships are history: a change of owner ends the old one, it is never deleted.
    if to_end:
        for start in range(0, len(to_end), BATCH_SIZE):
            Ownership.objects.filter(pk__in=to_end[start : start + BATCH_SIZE]).update(ended_at=now)
    Ownership.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    result.ownerships_ended = len(to_end)
    result.identities_created = len(new_identity_ids)
    result.accounts_linked = _link_accounts(
        [i for i in identities.values() if i.pk in new_identity_ids or i.pk in changed_identity_ids]
    )

    audit.record(
        "register.imported",
        actor=actor,
        obj=estate,
        estate=estate,
        file=source_name,
        rows=len(rows),
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        identities_created=result.identities_created,
        ownerships_ended=result.ownerships_ended,
        accounts_linked=result.accounts_linked,
    )
    return result


def _ensure_buildings(estate: Estate, names: set[str]) -> dict[str, Building]:
    """Return the estate's buildings by name, creating those the file names for the first time."""
    buildings = {b.name: b for b in Building.objects.filter(estate=estate, name__in=list(names))}
    for name in sorted(names - set(buildings)):
        building = Building(estate=estate, name=name)
        building.save()  # save() derives the sort key from the name; buildings are few
        buildings[name] = building
    return buildings


def _ensure_identities(
    estate: Estate, rows: list[CleanRow], developer_info: DeveloperInfo
) -> tuple[dict[str, OwnerIdentity], set[int], set[int]]:
    """Create or refresh the owner identities the rows name.

    Return them by ID hash (the developer under DEVELOPER_FIXED_KEY), with the pks of those
    whose details changed and of those newly created.
    """
    wanted: dict[str, dict[str, str]] = {}
    for row in rows:
        if row.kind != IdentityKind.PERSON:
            continue
        entry = wanted.setdefault(
            row.id_hash, {"name": row.name, "mobile": row.mobile, "id_last4": row.id_last4}
        )
        if not entry["mobile"] and row.mobile:
            entry["mobile"] = row.mobile
    existing = {
        i.id_hash: i
        for i in OwnerIdentity.objects.filter(
            estate=estate, kind=IdentityKind.PERSON, id_hash__in=list(wanted)
        )
    }
    changed: list[OwnerIdentity] = []
    new: list[OwnerIdentity] = []
    for id_hash, details in wanted.items():
        identity = existing.get(id_hash)
        if identity is None:
            new.append(
                OwnerIdentity(estate=estate, kind=IdentityKind.PERSON, id_hash=id_hash, **details)
            )
        elif any(getattr(identity, k) != v for k, v in details.items()):
            for key, value in details.items():
                setattr(identity, key, value)
            changed.append(identity)
    OwnerIdentity.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if any(i.pk is None for i in new):  # databases that cannot return ids from a bulk insert
        refetched = {
            i.id_hash: i
            for i in OwnerIdentity.objects.filter(
                estate=estate, id_hash__in=[i.id_hash for i in new]
            )
        }
        new = [refetched[i.id_hash] for i in new]
    OwnerIdentity.objects.bulk_update(
        changed, ["name", "mobile", "id_last4"], batch_size=BATCH_SIZE
    )
    identities = {**existing, **{i.id_hash: i for i in new}}
    changed_ids = {i.pk for i in changed}
    new_ids = {i.pk for i in new}

    if any(row.kind == IdentityKind.DEVELOPER for row in rows):
        developer, was_created, was_changed = _ensure_developer(estate, developer_info)
        identities[DEVELOPER_FIXED_KEY] = developer
        if was_created:
            new_ids.add(developer.pk)
        elif was_changed:
            changed_ids.add(developer.pk)
    return identities, changed_ids, new_ids


def _ensure_developer(estate: Estate, info: DeveloperInfo) -> tuple[OwnerIdentity, bool, bool]:
    """Return the estate's one developer identity, created or refreshed from the file."""
    developer = OwnerIdentity.objects.filter(estate=estate, kind=IdentityKind.DEVELOPER).first()
    if developer is None:
        developer = OwnerIdentity.objects.create(
            estate=estate,
            kind=IdentityKind.DEVELOPER,
            name=info.name or _("建设单位"),
            id_hash=info.id_hash or hash_id_number(DEVELOPER_FIXED_KEY),
            id_last4=info.id_last4,
        )
        return developer, True, False
    # A blank name or code in the file keeps what the register already knows.
    changes: list[str] = []
    if info.name and developer.name != info.name:
        developer.name = info.name
        changes.append("name")
    if info.id_hash and developer.id_hash != info.id_hash:
        developer.id_hash, developer.id_last4 = info.id_hash, info.id_last4
        changes += ["id_hash", "id_last4"]
    if changes:
        developer.save(update_fields=changes)
    return developer, False, bool(changes)


def _fill_missing_pks(units: list[Unit], estate: Estate) -> None:
    """Fetch the pks of bulk-created units where the database did not return them."""
    missing = [u for u in units if u.pk is None]
    if not missing:
        return
    by_key = {
        (u.building_id, u.number): u.pk
        for u in Unit.objects.filter(building__estate=estate).only("pk", "building_id", "number")
    }
    for unit in missing:
        unit.pk = by_key[(unit.building_id, unit.number)]


def _link_accounts(identities: list[OwnerIdentity]) -> int:
    """Link accounts whose verified mobile matches a new or changed identity; return how many."""
    mobiles = {
        i.mobile for i in identities if i.kind == IdentityKind.PERSON and i.mobile and not i.user_id
    }
    if not mobiles:
        return 0
    users = get_user_model().objects.filter(
        phone__in=mobiles, phone_verified=True, is_active=True, closed_at__isnull=True
    )
    linked = 0
    for user in users:
        linked += len(actions.link_by_verified_phone(user))
    return linked
