from __future__ import annotations

import pytest
from family_builder import FamilyIds, add_family

from earlyhelp_desktop.core.store.store import Workspace


@pytest.fixture
def family(workspace: Workspace) -> FamilyIds:
    """The Ó Briain family: members with diacritics, an assessment, a plan, two reviews, links."""
    return add_family(workspace)
