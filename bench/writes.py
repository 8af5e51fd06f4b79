"""The write path under load: wrk PUTs commitments, each to a row of its own, with If-Match."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from services.common.db import create_engine
from services.parties.models import CommitmentVersion

LUA = """
-- Each thread takes every n-th commitment, so no two requests in flight touch the same row.
-- setup() runs in the main Lua state and gives each thread its `offset` as a global there: a
-- local of that name in this script would shadow it, and every thread would start at 0.
local pairs = {pairs}
local threads = {threads}
local counter = 0
local next_offset = 0
function setup(thread)
  thread:set("offset", next_offset)
  next_offset = next_offset + 1
end
function request()
  local index = (offset + counter * threads) % #pairs + 1
  counter = counter + 1
  local pair = pairs[index]
  local body = '{{"status": "in_progress", "narrative": "Benchmark update ' .. counter .. '"}}'
  return wrk.format("PUT", "/parties/" .. pair[1] .. "/commitments/" .. pair[2], {{
    ["Authorization"] = "Bearer {key}",
    ["If-Match"] = "*",
    ["Content-Type"] = "application/json",
  }}, body)
end
"""


def script(path: Path, *, key: str, pairs: list[tuple[str, int]], threads: int) -> Path:
    """Write the wrk script that sends the PUTs."""
    table = "{" + ",".join(f'{{"{iso3}",{number}}}' for iso3, number in pairs) + "}"
    path.write_text(LUA.format(pairs=table, threads=threads, key=key))
    return path


def bound_pairs(commitments_json: dict[str, list[dict[str, object]]]) -> list[tuple[str, int]]:
    """Every (party, action) with a commitment to update, from the parties' commitment lists."""
    return [
        (iso3, int(str(item["action_number"])))
        for iso3, items in commitments_json.items()
        for item in items
    ]


def versions_written(database_url: str) -> int:
    """How many commitment versions the database holds."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        count = session.execute(select(func.count()).select_from(CommitmentVersion)).scalar_one()
    engine.dispose()
    return int(count)


def dump(path: Path, value: object) -> None:
    path.write_text(json.dumps(value))
