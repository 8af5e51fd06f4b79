"""The committed data tables obey the rules the product relies on."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pycountry
import pytest

from services.common.settings import PROJECT_ROOT
from services.parties.obligations.deadlines import add_years
from services.parties.seed import DATA, read_rows

BROCHURE = PROJECT_ROOT / "docs" / "sources" / "isu-brochure-2010.txt"


def entry_into_force(deposit: date) -> date:
    """Article 17: 1 March 1999 if deposited by 30 Sep 1998, else the 1st of the 6th month after."""
    if deposit <= date(1998, 9, 30):
        return date(1999, 3, 1)
    month = deposit.month + 6
    return date(deposit.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


@pytest.fixture(scope="module")
def states() -> dict[str, dict[str, str]]:
    return {row["iso3"]: row for row in read_rows("states.csv")}


def test_195_states_156_parties_every_code_valid(states: dict) -> None:
    assert len(states) == 195
    assert Counter(row["status"] for row in states.values()) == {"party": 156, "non_party": 39}
    assert all(pycountry.countries.get(alpha_3=code) is not None for code in states)


def test_entry_into_force_follows_article_17(states: dict) -> None:
    wrong = [
        code
        for code, row in states.items()
        if row["status"] == "party"
        and entry_into_force(date.fromisoformat(row["deposit_date"]))
        != date.fromisoformat(row["entry_into_force"])
        and code != "MNE"
    ]  # Montenegro succeeded on 23 October 2006: 1 April 2007
    assert wrong == []
    assert states["MNE"]["entry_into_force"] == "2007-04-01"


def test_article5_original_deadlines_are_eif_plus_ten_years(states: dict) -> None:
    for row in read_rows("article5.csv"):
        eif = date.fromisoformat(states[row["iso3"]]["entry_into_force"])
        assert date.fromisoformat(row["original_deadline"]) == add_years(eif, 10), row["iso3"]


def test_the_alias_table_maps_every_seed_spelling(states: dict) -> None:
    aliases = {row["alias"]: row["iso3"] for row in read_rows("aliases.csv")}
    for code, row in states.items():
        if row["name_in_seed"]:
            assert aliases[row["name_in_seed"]] == code
    assert set(aliases.values()) <= set(states)


def test_the_seeds_victim_assistance_list_resolves_through_the_aliases() -> None:
    lines = [line.strip() for line in BROCHURE.read_text(encoding="utf-8").splitlines()]
    start = lines.index("Afghanistan", lines.index("6. ASSISTING THE VICTIMS"))
    end = lines.index("States Parties with significant numbers of landmine survivors")
    aliases = {row["alias"]: row["iso3"] for row in read_rows("aliases.csv")}
    listed = {aliases[name] for name in lines[start:end] if name and len(name) > 1}
    assert listed == {row["iso3"] for row in read_rows("victim_assistance.csv")}
    assert len(listed) == 26


def test_data_files_are_utf8_csv_with_sources() -> None:
    for path in sorted(Path(DATA).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, path.name
        source_columns = [c for c in rows[0] if "source" in c]
        assert source_columns, path.name
        assert all(all(row[c] for c in source_columns) for row in rows), path.name


def test_each_dated_undertaking_is_owed_by_the_group_its_action_binds() -> None:
    plan = json.loads(
        (PROJECT_ROOT / "services/actions/data/cartagena_action_plan.json").read_text("utf-8")
    )
    actions = {a["number"]: a for a in plan["actions"]}
    rows = read_rows("undertakings.csv")
    assert [int(row["action"]) for row in rows] == [14, 34]
    for row in rows:
        action = actions[int(row["action"])]
        assert row["applies_to"] == action["actor_group"]["applies_to"]
        assert "no later than the Tenth Meeting of the States Parties" in action["text"]
    # The Tenth Meeting's first day, as the reminders service's seed has it.
    assert {row["due"] for row in rows} == {"2010-11-29"}
