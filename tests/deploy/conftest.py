from tests.parties.conftest import actions_client  # noqa: F401 - shared fixture
