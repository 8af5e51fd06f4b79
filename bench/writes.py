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
-- Thread k of n takes the commitments k, k + n, k + 2n…, so no two threads ever touch the same
-- row (each knows only the ETags it was answered). setup() runs in the main Lua state and gives
-- each thread its `slot` as a global there: a local of that name in this script would shadow
-- it, and every thread would be slot 0.
-- Every PUT names the ETag it was made from (`If-Match: *` is refused): the threads start from
-- the ETags read before the run and keep the one each accepted PUT answers with. The runs of
-- wrk one after the other (the warm-up, then each measured run) go on where the last stopped,
-- with the ETags it left, through a state file.
local targets = {targets}
-- `learned` (the ETags a thread was answered) and `counter` are globals so that done() can
-- read them from each thread.
local etags = {etags}
learned = {{}}
counter = 0
local threads = {threads}
local state_file = "{state_file}"
local next_offset = 0
local started = {{}}

local function resume()
  local file = io.open(state_file, "r")
  if not file then return 0 end
  local cursor = tonumber(file:read("*l")) or 0
  for line in file:lines() do
    local key, tag = string.match(line, "^(%S+) (.+)$")
    if key then etags[key] = tag end
  end
  file:close()
  return cursor
end
local cursor = resume()

local per_thread = math.floor(#targets / threads)

function setup(thread)
  thread:set("slot", next_offset)
  next_offset = next_offset + 1
  table.insert(started, thread)
end
function request()
  local index = ((cursor + counter) % per_thread) * threads + slot + 1
  counter = counter + 1
  local target = targets[index]
  local key = target[1] .. ":" .. target[2]
  local body = '{{"status": "in_progress", "narrative": "Benchmark update ' .. counter .. '"}}'
  return wrk.format("PUT", "/parties/" .. target[1] .. "/commitments/" .. target[2], {{
    ["Authorization"] = "Bearer {key}",
    ["If-Match"] = etags[key],
    ["Content-Type"] = "application/json",
  }}, body)
end
function learn(key, tag)
  etags[key] = tag
  learned[key] = tag
end
function response(status, headers, body)
  if status == 412 then
    -- Changed by a PUT still in flight when an earlier run ended: learn the current tag.
    local key = string.match(body, '"instance":"/parties/(%u+)/commitments/')
    local number = string.match(body, '"instance":"/parties/%u+/commitments/(%d+)"')
    local tag = string.match(body, '"current_etag":"(.-[^\\\\])"')
    if key and number and tag then learn(key .. ":" .. number, (string.gsub(tag, '\\\\"', '"'))) end
    return
  end
  if status ~= 200 then return end
  local iso3 = string.match(body, '"iso3":"(%u+)"')
  local number = string.match(body, '"action_number":(%d+)')
  if iso3 and number then learn(iso3 .. ":" .. number, headers["etag"]) end
end
function done(summary, latency, requests)
  local furthest = 0
  for _, thread in ipairs(started) do
    furthest = math.max(furthest, thread:get("counter"))
    for key, tag in pairs(thread:get("learned")) do etags[key] = tag end
  end
  local file = io.open(state_file, "w")
  file:write(cursor + furthest, "\\n")
  for key, tag in pairs(etags) do file:write(key, " ", tag, "\\n") end
  file:close()
end
"""


def script(path: Path, *, key: str, etags: dict[tuple[str, int], str], threads: int) -> Path:
    """Write the wrk script that PUTs each commitment of `etags` from the ETag it holds."""
    targets = "{" + ",".join(f'{{"{iso3}",{number}}}' for iso3, number in etags) + "}"
    tags = "{" + ",".join(f'["{iso3}:{n}"]={_lua_string(tag)}' for (iso3, n), tag in etags.items())
    state_file = path.with_suffix(".state")
    state_file.unlink(missing_ok=True)
    path.write_text(
        LUA.format(
            targets=targets, etags=tags + "}", threads=threads, key=key, state_file=state_file
        )
    )
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
