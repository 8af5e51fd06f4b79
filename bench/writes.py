"""The write path under load: wrk PUTs commitments, each to a row of its own, with If-Match."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import Session

from services.common.db import create_engine
from services.parties.models import CommitmentVersion

LUA = """
-- Each thread takes every n-th commitment, so no two requests in flight touch the same row.
-- setup() runs in the main Lua state and gives each thread its `offset` as a global there: a
-- local of that name in this script would shadow it, and every thread would start at 0.
-- Every PUT names the ETag it was made from (`If-Match: *` is refused): each thread starts from
-- the ETags read before the run and keeps the one each accepted PUT answers with.
local pairs = {pairs}
local etags = {etags}
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
    ["If-Match"] = etags[pair[1] .. ":" .. pair[2]],
    ["Content-Type"] = "application/json",
  }}, body)
end
function response(status, headers, body)
  if status ~= 200 then return end
  local iso3 = string.match(body, '"iso3":"(%u+)"')
  local number = string.match(body, '"action_number":(%d+)')
  if iso3 and number then etags[iso3 .. ":" .. number] = headers["etag"] end
end
"""


def script(path: Path, *, key: str, etags: dict[tuple[str, int], str], threads: int) -> Path:
    """Write the wrk script that PUTs each commitment of `etags` from the ETag it holds."""
    pairs = "{" + ",".join(f'{{"{iso3}",{number}}}' for iso3, number in etags) + "}"
    tags = "{" + ",".join(f'["{iso3}:{n}"]={_lua_string(tag)}' for (iso3, n), tag in etags.items())
    path.write_text(LUA.format(pairs=pairs, etags=tags + "}", threads=threads, key=key))
    return path


def _lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def current_etags(base: str, pairs: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The ETag each commitment has now, read from the API."""
    with httpx.Client(base_url=base, timeout=60) as client:
        return {
            (iso3, n): client.get(f"/parties/{iso3}/commitments/{n}").headers["etag"]
            for iso3, n in pairs
        }


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
