"""What the plugin's migrations may look at: its own tables only."""

from __future__ import annotations

from typing import Any

from vte_extapps.models import TABLE_PREFIX


def include_object(
    object: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Without this, autogenerate would propose dropping the host's tables."""
    if type_ == "table":
        return bool(name and name.startswith(TABLE_PREFIX))
    return True
