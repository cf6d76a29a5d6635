"""The session fixture ``world``: see :mod:`e2e_world`."""

from __future__ import annotations

import pytest
from e2e_world import World, build_world


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory)
