"""The seeded plan is the brochure's: 67 verbatim actions in six sections, each with a source."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from services.actions.seed import PLAN_FILE, load_json
from services.common.settings import PROJECT_ROOT

BROCHURE = PROJECT_ROOT / "docs" / "sources" / "isu-brochure-2010.txt"
SECTION_RANGES = {
    "I": (1, 6),
    "II": (7, 12),
    "III": (13, 22),
    "IV": (23, 33),
    "V": (34, 52),
    "VI": (53, 67),
}


def normalize(text: str) -> str:
    """Join line-break hyphenation either way, drop hyphens, collapse whitespace."""
    text = re.sub(r"-[ \t]*\n\s*", "", text)
    text = text.replace("-", "")
    return " ".join(text.split())


def brochure_action_block(number: int) -> str:
    """The brochure's text between 'Action #N' and the next action (or the back cover)."""
    brochure = BROCHURE.read_text(encoding="utf-8")
    start = brochure.index(f"Action #{number}\n")
    ends = [
        brochure.find(marker, start + 1)
        for marker in (f"Action #{number + 1}\n", "This document was prepared")
    ]
    return brochure[start : min(end for end in ends if end > 0)]


@pytest.fixture(scope="module")
def plan() -> dict:
    return load_json(PLAN_FILE)


def test_there_are_67_actions_numbered_in_order(plan: dict) -> None:
    assert [action["number"] for action in plan["actions"]] == list(range(1, 68))


@pytest.mark.parametrize("number", range(1, 68))
def test_action_text_is_the_brochures(plan: dict, number: int) -> None:
    action = plan["actions"][number - 1]
    assert normalize(action["text"]) in normalize(brochure_action_block(number))
    assert "\n" not in action["text"] and "  " not in action["text"]
    assert not re.search(r"\w- \w", action["text"]), "a line-break hyphen survived"
    assert "CARTAGENA ACTION PLAN" not in action["text"]
    assert action["source"] == f'seed: "10. Cartagena Action Plan 2010-2014", Action #{number}'


def test_action_texts_keep_genuine_hyphens_and_join_broken_words(plan: dict) -> None:
    texts = {action["number"]: action["text"] for action in plan["actions"]}
    assert "anti-personnel mines" in texts[7]
    assert "gender-sensitive" in texts[19]
    assert "structures established" in texts[9]
    assert "accordance with Article 9" in texts[59]
    assert "full and effective implementation" in plan["introduction"][1]["text"]


def test_sections_cover_their_ranges(plan: dict) -> None:
    ranges = {s["number"]: (s["first_action"], s["last_action"]) for s in plan["sections"]}
    assert ranges == SECTION_RANGES
    for action in plan["actions"]:
        first, last = SECTION_RANGES[action["section"]]
        assert first <= action["number"] <= last


def test_actor_groups_follow_the_will_lines(plan: dict) -> None:
    applies = {action["number"]: action["actor_group"]["applies_to"] for action in plan["actions"]}
    assert {applies[n] for n in (7, 8, 9)} == {"missed_article4_deadline"}
    assert {applies[n] for n in (10, 11)} == {"article4_in_progress"}
    assert applies[13] == "article5_extension_granted"
    assert {applies[n] for n in range(14, 21)} == {"reported_mined_areas"}
    assert applies[21] == "needs_article5_extension"
    assert {applies[n] for n in range(23, 34)} == {"significant_survivors"}
    assert {applies[n] for n in (34, 35, 36)} == {"with_stockpile_clearance_or_va_obligations"}
    assert {applies[n] for n in (*range(37, 44), 66, 67)} == {"in_a_position_to_assist"}
    assert applies[54] == "initial_article7_report_missing"
    assert {applies[n] for n in (56, 57)} == {"retained_mines_article3"}
    assert applies[59] == "no_national_implementation_measures"
    assert Counter(applies.values())["all_states_parties"] == 26


def test_introduction_and_section_paragraphs_are_numbered_1_to_17(plan: dict) -> None:
    numbers = [p["number"] for p in plan["introduction"]]
    numbers += [p["number"] for s in plan["sections"] for p in s["paragraphs"]]
    assert numbers == list(range(1, 18))


def test_every_record_carries_a_source(plan: dict) -> None:
    records = [plan["plan"], *plan["introduction"], *plan["sections"], *plan["actions"]]
    assert all(record["source"].startswith("seed: ") for record in records)


def test_the_data_file_is_what_the_extractor_produces() -> None:
    result = subprocess.run(
        [sys.executable, str(Path(PROJECT_ROOT, "tools", "extract_action_plan.py")), "--check"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
