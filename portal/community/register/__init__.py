"""The owner register (业主名册): import a CSV/XLSX file, and correct who owns which unit.

Use `import_rows` (rows already read) or `import_file` (an uploaded file); both return an
ImportResult and change nothing unless every row is valid. Corrections of who owns which
unit (`assign_unit`, `regroup_units`, `merge_identities`, `identity_for`) live in
`corrections`; a unit's own facts (area, state) are corrected by `actions.correct_unit`.
"""

from portal.community.register.corrections import (
    assign_unit,
    identity_for,
    merge_identities,
    refuse_unless_register_manager,
    regroup_units,
)
from portal.community.register.parsing import (
    COLUMNS,
    REQUIRED_COLUMNS,
    RegisterFileError,
    RowError,
    parse_register_file,
)
from portal.community.register.service import ImportResult, import_file, import_rows

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportResult",
    "assign_unit",
    "identity_for",
    "merge_identities",
    "refuse_unless_register_manager",
    "regroup_units",
    "RegisterFileError",
    "RowError",
    "import_file",
    "import_rows",
    "parse_register_file",
]
