from __future__ import annotations

import pytest

from earlyhelp_desktop.core.store.store import Workspace
from tests.family_builder import FamilyIds, add_family


@pytest.fixture
def family(workspace: Workspace) -> FamilyIds:
    """The Ó Briain family: members with diacritics, an assessment, a plan, two reviews, links."""
    return add_family(workspace)
