"""The dashboard's pure functions, on real answers of the services and on edge cases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from dashboard import charts
from dashboard.api_models import (
    Action,
    ActionProgress,
    Assessment,
    Change,
    Commitment,
    Counted,
    Event,
    Obligations,
    PartyDeadline,
    ProgressCounts,
    Reminder,
    Seeded,
    State,
    Summary,
)
from dashboard.client import as_of_params
from dashboard.compute.actions import assessment_rows, heatmap, lagging_rows, section_shares
from dashboard.compute.calendar import deadline_rows, event_rows, outbox_rows, split_meetings
from dashboard.compute.changes import change_rows, since_last_meeting
from dashboard.compute.deadlines import (
    clearance_timeline,
    completed_clearance_rows,
    stockpile_rows,
)
from dashboard.compute.formatting import (
    link_columns,
    notice,
    number,
    provenance,
    uniform_columns,
)
from dashboard.compute.overview import overview_cards
from dashboard.compute.party import obligation_rows, va_matrix
from dashboard.compute.universalization import (
    map_rows,
    map_shapes,
    non_party_rows,
    region_rows,
)
from tests.parties.conftest import open_api, prepare_database


def parse(shape: Any, data: Any) -> Any:
    """Read an answer as the dashboard's client does."""
    return TypeAdapter(shape).validate_python(data)


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory, actions_client: TestClient) -> dict[str, Any]:
    """Real answers of the parties and actions services on the seeded data, 1 May 2010."""
    url = f"sqlite:///{tmp_path_factory.mktemp('dash') / 'parties.db'}"
    prepare_database(url)
    with open_api(url, actions_client) as client:
        return {
            "summary": parse(Summary, client.get("/summary").json()),
            "states": parse(
                list[State], client.get("/states", params={"limit": 500}).json()["items"]
            ),
            "clearance": parse(
                list[PartyDeadline],
                client.get("/deadlines", params={"kind": "article5_clearance"}).json()["items"],
            ),
            "progress": parse(list[ProgressCounts], client.get("/progress").json()["items"]),
            "progress_13": parse(ActionProgress, client.get("/actions/13/progress").json()),
            "actions": parse(
                list[Action], actions_client.get("/actions", params={"limit": 500}).json()["items"]
            ),
            "nic": parse(
                list[Commitment],
                client.get("/parties/NIC/commitments", params={"limit": 500}).json()["items"],
            ),
        }


def test_overview_has_seven_cards_with_the_seed_figures(answers: dict) -> None:
    cards = {card.aim: card for card in overview_cards(answers["summary"])}
    assert list(cards)[:4] == [
        "Universalization",
        "Stockpile destruction",
        "Clearance of mined areas",
        "Victim assistance",
    ]
    assert len(cards) == 7
    values = {aim: (card.value, card.label) for aim, card in cards.items()}
    assert values["Universalization"] == ("156", "States Parties, of 195 States")
    assert cards["Universalization"].share == pytest.approx(156 / 195)
    assert values["Stockpile destruction"] == (
        "152",
        "States Parties holding no stockpiles, of 156",
    )
    assert values["Clearance of mined areas"][0] == "16"
    assert "of 54" in values["Clearance of mined areas"][1]
    assert values["Victim assistance"][0] == "26"
    assert values["Compliance (Article 9)"][0] == "92"
    assert values["Cooperation and assistance"][0] == "approximately US$ 2.0 billion"
    assert all(card.sources for card in cards.values())
    assert any("seed" in source for source in cards["Stockpile destruction"].sources)
    assert any("Cuba and the United States" in line for line in cards["Universalization"].progress)
    assert any("Belarus" in line for line in cards["Stockpile destruction"].challenges)
    # No annual report is recorded yet: the card says so, and counts nobody as overdue.
    assert cards["Transparency (Article 7)"].challenges == [
        "No record: annual reports covering 2009 are not recorded yet for 156 States Parties, "
        "so none is counted as overdue."
    ]


def test_a_statement_that_no_longer_holds_moves_to_the_challenges(answers: dict) -> None:
    summary = answers["summary"]
    statement = summary.universalization.statements[0].model_copy(
        update={"holds": False, "exceptions": ["USA"]}
    )
    universalization = summary.universalization.model_copy(update={"statements": [statement]})
    changed = summary.model_copy(update={"universalization": universalization})
    card = overview_cards(changed)[0]
    assert not any("Americas" in line for line in card.progress)
    assert any("no longer" in line and "USA" in line for line in card.challenges)
    named = overview_cards(changed, {"USA": "United States of America"})[0]
    assert any("not party now: United States of America." in line for line in named.challenges)


def test_regions_and_map_rows(answers: dict) -> None:
    regions = {row["region"]: row for row in region_rows(answers["summary"])}
    assert regions["Americas"]["not party"] == "CUB, USA"
    names = {state.iso3: state.name for state in answers["states"]}
    named = {row["region"]: row for row in region_rows(answers["summary"], names)}
    assert named["Americas"]["not party"] == "Cuba, United States"
    assert regions["Sub-Saharan Africa"]["not party"] == "SOM"
    rows = map_rows(answers["states"])
    assert len(rows) == 195
    assert sum(row["status"] == "State Party" for row in rows) == 156
    # The map also colours South Sudan's territory as Sudan's (independent 9 July 2011).
    shapes = map_shapes(rows, date(2010, 5, 1))
    south = next(shape for shape in shapes if shape["iso3"] == "SSD")
    assert south["status"] == next(row for row in rows if row["iso3"] == "SDN")["status"]
    assert len(map_shapes(rows, date(2011, 7, 9))) == 195
    assert len(non_party_rows(answers["states"])) == 39


def test_stockpile_rows_flag_overdue_deadlines(answers: dict) -> None:
    rows = {row["iso3"]: row for row in stockpile_rows(answers["summary"])}
    assert [iso3 for iso3, row in rows.items() if row["overdue"]] == ["BLR", "GRC", "TUR"]
    assert rows["UKR"]["Article 4 deadline"] == "2010-06-01"
    # The brochure's chart: one mark per State on its deadline, red where it passed.
    figure = charts.stockpile_deadlines(list(rows.values()), date(2010, 5, 1))
    marks = figure.data[0]
    assert list(marks.y) == [row["state"] for row in rows.values()]
    assert list(marks.x) == [row["Article 4 deadline"] for row in rows.values()]
    colours = dict(zip(marks.y, marks.marker.color, strict=True))
    assert colours[rows["UKR"]["state"]] == charts.ORIGINAL_COLOUR
    assert {colours[rows[iso3]["state"]] for iso3 in ("BLR", "GRC", "TUR")} == {charts.DAY_COLOUR}
    assert "1 June 2010" in marks.text
    assert figure.layout.xaxis.range == ("2007-01-01", "2012-12-31")
    assert [a.text for a in figure.layout.annotations] == ["today (1 May 2010)"]


def test_clearance_timeline_has_38_bars_with_extensions(answers: dict) -> None:
    bars = clearance_timeline(answers["clearance"])
    assert len(bars) == 38
    cambodia = next(b for b in bars if b.iso3 == "KHM")
    assert (cambodia.start, cambodia.original, cambodia.extended) == (
        date(2000, 1, 1),
        date(2010, 1, 1),
        date(2020, 1, 1),
    )
    afghanistan = next(b for b in bars if b.iso3 == "AFG")
    assert afghanistan.extended is None
    completed = {row["iso3"]: row for row in completed_clearance_rows(answers["clearance"])}
    assert len(completed) == 16
    # Nicaragua's last mine went on 13 April 2010; no record dates the other completions.
    assert completed.pop("NIC")["completed on"] == "2010-04-13"
    assert {row["completed on"] for row in completed.values()} == {"date not recorded"}
    figure = charts.clearance_gantt(bars, date(2010, 5, 1))
    # An extended deadline that rests on an unverified input is drawn hatched: among them those
    # whose pairing with their State no located source confirms.
    extended = [b for b in bars if b.extended]
    shapes = figure.data[1].marker.pattern.shape
    hatched = {b.iso3 for b, shape in zip(extended, shapes, strict=True) if shape}
    assert hatched == {b.iso3 for b in extended if not b.verified}
    assert {"BIH", "DNK", "ECU", "GBR", "PER", "SEN", "VEN"} <= hatched
    assert "KHM" not in hatched
    assert len(figure.data) == 2
    assert len(figure.data[1].y) == sum(1 for b in bars if b.extended)
    assert [a.text for a in figure.layout.annotations] == ["today (1 May 2010)"]
    earlier = charts.clearance_gantt(bars, date(2010, 5, 1), as_of=date(2010, 3, 1))
    assert [a.text for a in earlier.layout.annotations] == ["as of 1 March 2010"]


def test_heatmap_shares_and_sections(answers: dict) -> None:
    rows = heatmap(answers["progress"], answers["actions"])
    assert len(rows) == 67
    first = rows[0]
    assert (first["action"], first["section"], first["parties bound"], first["no record"]) == (
        1,
        "I",
        156,
        100.0,
    )
    assert first["not started"] == 0.0  # no party wrote "not started": nobody is shown so
    assert {row["section"] for row in section_shares(rows)} == {"I", "II", "III", "IV", "V", "VI"}
    assert charts.status_heatmap(rows).data[0].zmax == 100


def test_heatmap_with_an_action_that_binds_nobody() -> None:
    rows = heatmap(
        parse(
            list[ProgressCounts],
            [
                {
                    "action_number": 54,
                    "applies_to": "x",
                    "applicable_parties": 0,
                    "membership_not_recorded": 156,
                    "by_status": {"not_started": 0},
                }
            ],
        ),
        [],
    )
    assert rows[0]["not started"] is None
    assert rows[0]["membership not recorded"] == 156  # not a silent 0
    assert section_shares(rows) == []


def test_lagging_rows_list_parties_not_done(answers: dict) -> None:
    rows = lagging_rows(answers["progress_13"])
    assert len(rows) == 18
    progress = answers["progress_13"]
    done = progress.model_copy(
        update={"parties": [p.model_copy(update={"status": "completed"}) for p in progress.parties]}
    )
    assert lagging_rows(done) == []


def test_assessments_up_to_the_as_of_day() -> None:
    items = parse(
        list[Assessment],
        [
            {
                "action_number": 1,
                "assessed_on": "2010-06-25",
                "status": "on_track",
                "period": "p",
                "narrative": "n",
                "source": "APLC/MSP.10/2010/7",
            },
            {
                "action_number": 1,
                "assessed_on": "2010-03-01",
                "status": "off_track",
                "period": "p",
                "narrative": "n",
            },
        ],
    )
    assert [r["status"] for r in assessment_rows(items, date(2010, 5, 1))] == ["off track"]
    assert list(assessment_rows(items, None, with_action=True)[0])[:2] == ["action", "assessed on"]
    assert [r["source"] for r in assessment_rows(items, None)] == [
        "APLC/MSP.10/2010/7",
        "recorded by the committee, no document cited",
    ]


def test_va_matrix_has_actions_23_to_33(answers: dict) -> None:
    rows = va_matrix({"NIC": answers["nic"]}, {"NIC": "Nicaragua"})
    assert rows[0]["state"] == "Nicaragua"
    assert [key for key in rows[0] if key.startswith("#")] == [f"#{n}" for n in range(23, 34)]
    assert rows[0]["#23"] == "no record"  # Nicaragua has written nothing on #23


def test_formatting_and_provenance() -> None:
    assert number(43_000_000, "mines") == "43,000,000 mines"
    assert number(2_000_000_000, "US$") == "US$ 2.0 billion"
    assert number(200_000_000, "US$") == "US$ 200 million"
    assert number(None) == "—"
    assert (
        provenance(Seeded(value=1, source="seed", period="early 2010"))
        == "Source: seed (early 2010)"
    )
    assert provenance(Counted(value=1, derivation="counted")).startswith("Counted from the records")
    assert notice("parties", None) == "The parties service is unavailable — no data yet."
    at = datetime(2010, 5, 1, 12, 30, tzinfo=UTC)
    assert notice("parties", at) == (
        "The parties service is unavailable — last data from 2010-05-01 12:30:00 UTC."
    )


def test_as_of_is_sent_only_for_a_past_day() -> None:
    assert as_of_params(date(2010, 5, 1), date(2010, 5, 1)) == {}
    assert as_of_params(date(2010, 3, 1), date(2010, 5, 1)) == {"as_of": "2010-03-01"}


def test_uniform_columns_turns_mixed_columns_into_text() -> None:
    rows = uniform_columns([{"a": 1, "b": "x"}, {"a": "two", "b": None}, {"a": None, "b": "y"}])
    assert rows == [{"a": "1", "b": "x"}, {"a": "two", "b": None}, {"a": None, "b": "y"}]
    assert uniform_columns([{"n": 1}, {"n": 2.5}]) == [{"n": 1}, {"n": 2.5}]


def test_outbox_rows_name_the_date_each_reminder_is_for() -> None:
    events = parse(
        list[Event],
        [{"id": 7, "start": "2010-06-01", "kind": "deadline", "title": "Ukraine: Article 4"}],
    )
    reminders = parse(
        list[Reminder],
        [
            {
                "event_id": 7,
                "offset_days": 30,
                "channel": "email",
                "due_at": "2010-05-02T08:00:00Z",
                "status": "delivered",
                "delivered_at": "2010-05-02T08:00:05Z",
            },
            {
                "event_id": 9,
                "offset_days": 7,
                "channel": "webhook",
                "due_at": "2010-05-25T08:00:00Z",
                "status": "pending",
            },
        ],
    )
    rows = outbox_rows(reminders, events)
    assert [(r["for"], r["days before"], r["status"]) for r in rows] == [
        ("Ukraine: Article 4", 30, "delivered"),
        ("event 9", 7, "planned, not sent yet"),
    ]
    assert rows[0]["due (UTC)"] == "2010-05-02T08:00:00Z"


def test_changes_start_from_the_last_meeting_held() -> None:
    meetings = parse(
        list[Event],
        [
            {"title": "Ninth", "kind": "k", "start": "2008-11-24", "end": "2008-11-28"},
            {"title": "Summit", "kind": "k", "start": "2009-11-29", "end": "2009-12-04"},
            {"title": "Tenth", "kind": "k", "start": "2010-11-29", "end": "2010-12-03"},
        ],
    )
    assert since_last_meeting(meetings, date(2010, 5, 1)) == date(2009, 11, 29)
    assert since_last_meeting(meetings, date(2010, 12, 1)) == date(2009, 11, 29)  # still sitting
    assert since_last_meeting(meetings, date(2010, 12, 6)) == date(2010, 11, 29)
    assert since_last_meeting([], date(2010, 5, 1)) is None


def test_change_rows() -> None:
    rows = change_rows(
        parse(
            list[Change],
            [
                {
                    "occurred_at": "2010-07-02T09:15:00+00:00",
                    "entity": "commitment",
                    "entity_id": "NIC:1",
                    "operation": "update",
                    "version": 2,
                    "actor": "abc",
                    "actor_role": "state",
                    "fields": ["narrative", "status"],
                    "values": [
                        {"field": "narrative", "before": "", "after": "Plan adopted."},
                        {"field": "status", "before": "in_progress", "after": "completed"},
                    ],
                }
            ],
        )
    )
    assert rows == [
        {
            "when (UTC)": "2010-07-02 09:15:00",
            "what": "commitment",
            "which": "NIC:1",
            "change": "updated",
            "before → after": "narrative: — → Plan adopted.; status: in_progress → completed",
            "by": "State Party",
        }
    ]


def test_change_rows_name_the_action_assessed_and_the_meeting() -> None:
    created = {"operation": "create", "version": 1, "actor": "k", "actor_role": "committee"}
    rows = change_rows(
        parse(
            list[Change],
            [
                {
                    **created,
                    "occurred_at": "2010-06-01T09:00:00+00:00",
                    "entity": "assessment",
                    "entity_id": "12",
                    "fields": ["action_number", "status"],
                    "values": [
                        {"field": "action_number", "before": None, "after": 9},
                        {"field": "status", "before": None, "after": "some_progress"},
                    ],
                },
                {
                    **created,
                    "occurred_at": "2010-06-02T09:00:00+00:00",
                    "entity": "event",
                    "entity_id": "8",
                    "fields": ["title"],
                    "values": [{"field": "title", "before": None, "after": "MSP11"}],
                },
            ],
        )
    )
    assert [row["which"] for row in rows] == ["action #9", "event 8: MSP11"]


def test_world_map_uses_iso3_and_local_shapes(answers: dict) -> None:
    figure = charts.world_map(map_shapes(map_rows(answers["states"]), date(2010, 5, 1)))
    assert {trace.locationmode for trace in figure.data} == {"ISO-3"}
    # The 195 States, and in 2010 South Sudan's shape drawn with Sudan's status; the legend
    # counts States, not shapes.
    assert sum(len(trace.locations) for trace in figure.data) == 196
    assert [trace.name for trace in figure.data] == ["State Party (156)", "not party (39)"]
    assert figure.layout.geo.resolution == 50
    assert charts.TOPOJSON_CONFIG["topojsonURL"] == "app/static/"


def test_calendar_rows_say_each_date_s_status_and_group_deadlines_by_state() -> None:
    events = [
        Event(title="Deadline for Ukraine", kind="deadline", start=date(2010, 6, 1), iso3="UKR",
              status="scheduled"),
        Event(title="Deadline for Nicaragua", kind="deadline", start=date(2010, 5, 1),
              iso3="NIC", status="met"),
        Event(title="Standing Committees", kind="standing_committees", start=date(2010, 6, 21),
              end=date(2010, 6, 25), status="scheduled"),
    ]  # fmt: skip
    meetings, deadlines = split_meetings(events)
    assert [row["status"] for row in event_rows(meetings)] == ["coming"]
    assert event_rows(meetings)[0]["kind"] == "Standing Committees (intersessional meetings)"
    rows = deadline_rows(deadlines, {"NIC": "Nicaragua", "UKR": "Ukraine"})
    assert [(row["state"], row["status"]) for row in rows] == [
        ("Nicaragua", "met"),
        ("Ukraine", "coming"),
    ]
    assert deadline_rows(deadlines, {})[0]["state"] == "NIC"


def test_obligation_rows_read_as_words_not_field_names() -> None:
    obligations = Obligations(
        article3_mines_retained=None, article4_status="no_stockpiles", article4_completed_on=None,
        article4_mines_destroyed=1004, article5_applies=True, article5_completed=False,
        article5_completed_on=None, article5_area_released_m2=None, significant_survivors=True,
        article7_initial_submitted=True, article7_initial_submitted_on=date(1999, 9, 1),
        article9_status="legislation_adopted", in_a_position_to_assist=None,
        needs_article5_extension=False,
    )  # fmt: skip
    rows = {row["obligation"]: row["value"] for row in obligation_rows(obligations)}
    assert rows["Mines retained for training (Article 3)"] == "not recorded"
    assert rows["Stockpile destruction (Article 4)"] == "no stockpiles"
    assert rows["Stockpiled mines destroyed"] == "1,004"
    assert rows["Reported mined areas (Article 5)"] == "yes"
    assert rows["National implementation measures (Article 9)"] == "legislation adopted"
    assert rows["Initial report submitted on"] == "1999-09-01"
    assert not any("_" in label for label in rows)
    assert {"None", "True", "False"}.isdisjoint(rows.values())


def test_columns_of_web_addresses_are_links() -> None:
    rows = [
        {"state": "Nicaragua", "evidence": "https://example.org/plan.pdf", "source": "seed: 4."},
        {"state": "Ukraine", "evidence": "", "source": "https://www.apminebanconvention.org/"},
    ]
    assert link_columns(rows) == ["evidence"]
    assert link_columns([]) == []
