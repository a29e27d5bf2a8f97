"""Read a data CSV as text, turning every reading failure into one clear gzsim error.

Shared by the observations file (calibration) and the reference-class file (outside view):
both are UTF-8 CSV edited by hand, possibly in Excel (hence ``utf-8-sig``: a byte-order mark).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

__all__ = ["read_text_csv"]


def read_text_csv(path: Path, *, error: Callable[..., Exception], what: str, not_found: str,
                  header: str, **options) -> pd.DataFrame:
    """The CSV at *path* as strings (no NA conversion), column names stripped.

    *error* is the gzsim error class to raise (called with a message and ``path=``); *what*
    names the file in messages ("observations file"); *not_found* is the fix for a missing
    file; *header* the header line a file needs. *options* go to :func:`pandas.read_csv`.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **options)
    except FileNotFoundError:
        raise error(f"{what} not found; {not_found}", path=path) from None
    except IsADirectoryError:
        raise error(f"is a folder, not a {what.removesuffix(' file')} CSV file; give the file",
                    path=path) from None
    except pd.errors.EmptyDataError:
        raise error(f"the {what} is empty; it needs the header line {header} and one row per "
                    f"data point", path=path) from None
    except UnicodeDecodeError as exc:
        raise error(f"is not valid UTF-8 (byte {exc.start}); save the file as UTF-8 CSV",
                    path=path) from None
    except (OSError, pd.errors.ParserError) as exc:
        raise error(f"cannot read the {what} as CSV: {str(exc).strip()}; check the quoting and the "
                    f"number of fields there", path=path) from None
    table.columns = [str(c).strip() for c in table.columns]
    return table
