"""The owner register import (业主名册导入): parse a CSV/XLSX file, check it, apply it.

Use `import_rows` (rows already read) or `import_file` (an uploaded file); both return an
ImportResult and change nothing unless every row is valid.
"""

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
    "RegisterFileError",
    "RowError",
    "import_file",
    "import_rows",
    "parse_register_file",
]
