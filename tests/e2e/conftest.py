"""The sync fixtures (a real server on 127.0.0.1, enrolled laptops) for end-to-end tests."""

from tests.sync.conftest import laptop, pg_url, sync_server  # noqa: F401
