"""Settings of the actions service (environment prefix `ACTIONS_`)."""

from pydantic_settings import SettingsConfigDict

from services.common.settings import DatabaseUrl, Port, ServiceSettings, sqlite_url


class ActionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACTIONS_", extra="ignore")

    database_url: DatabaseUrl = sqlite_url("actions.db")
    port: Port = 8001
    # The plan that `/actions` and `/sections` mean when no `plan_id` is given.
    default_plan_id: str = "cartagena-2010-2014"
