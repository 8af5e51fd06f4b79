"""Extract the Cartagena Action Plan 2010-2014 from the ISU brochure text into JSON.

The brochure (docs/sources/isu-brochure-2010.txt) is a plain-text extraction of a PDF, so
its section "10. CARTAGENA ACTION PLAN 2010-2014" carries layout artefacts: repeated page
headers, leading spaces at page starts, trailing spaces and words hyphenated at line ends.
This script reads that section structurally and writes
services/actions/data/cartagena_action_plan.json.

Usage, from the repository root:

    python tools/extract_action_plan.py            # (re)write the JSON
    python tools/extract_action_plan.py --check    # exit 1 if the JSON on disk is stale
    python tools/extract_action_plan.py --verbose  # also print every de-hyphenation decision

Anything the script cannot read with confidence (an unknown actor line, a gap in the action
numbering, a leftover artefact) stops it with a non-zero exit code instead of producing a
plausible but wrong file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE_RELPATH = "docs/sources/isu-brochure-2010.txt"
OUTPUT_RELPATH = "services/actions/data/cartagena_action_plan.json"

SOURCE_DOCUMENT = (
    "Anti-Personnel Mine Ban Convention Implementation Support Unit, brochure (2010), "
    + SOURCE_RELPATH
)
SEED = 'seed: "10. Cartagena Action Plan 2010-2014"'
PLAN_SOURCE = (
    'seed: "1. What is the AP Mine Ban Convention?" (Cartagena Summit dates); '
    '"10. Cartagena Action Plan 2010-2014" (title)'
)

# The same header opens the section and is repeated at the top of later pages.
HEADER_RE = re.compile(r"^10\. CARTAGENA ACTION PLAN (\d{4})-(\d{4}):$")
# The back cover follows the last action directly, so it marks the end of the section.
SECTION_END_PREFIX = "This document was prepared by"

ACTION_RE = re.compile(r"^Action #(\d+)$")
PARAGRAPH_RE = re.compile(r"^(\d+)\.\s+(\S.*)$")
# "III.CLEARING MINED AREAS" has no space after the dot in the source.
SECTION_HEADING_RE = re.compile(r"^(I|II|III|IV|V|VI)\.\s*(\S.*)$")
ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI")
INTRODUCTION_HEADING = "Introduction"
SUBHEADINGS = frozenset(
    {
        "Compliance",
        "Reporting and transparency",
        "Accountability",
        "Implementation partnerships and support",
    }
)
PREAMBLE_PREFIX = "The States Parties agree to undertake"

# Actor lines name a group of States Parties and end with "will:" or "... to:". The end
# test matters: body lines such as "States Parties. To this end:" also start this way.
ACTOR_START_RE = re.compile(r"^(?:To this end, )?(?:All |The )?States Parties\b")
ACTOR_END_RE = re.compile(r"\b(?:will|to):$")
# Action #53 names its actors inside its own text ("All States Parties will, in case of").
INLINE_ACTOR_RE = re.compile(r"^((?:All |The )?States Parties\b[^,:]*? will),")

ACTOR_KEYS: dict[str, str] = {
    "All States Parties will:": "all_states_parties",
    "All States Parties will": "all_states_parties",
    "States Parties that have missed their deadlines for completion of obligations under "
    "Article 4, and thus remain non-compliant with the Convention, will:": (
        "missed_article4_deadline"
    ),
    "All States Parties yet to complete their obligations under Article 4 will:": (
        "article4_in_progress"
    ),
    "The States Parties that have been granted an extension to their initial Article 5 "
    "deadline will:": "article5_extension_granted",
    "States Parties that have reported mined areas under their jurisdiction or control, "
    "will do their utmost to:": "reported_mined_areas",
    "States Parties that have reported mined areas under their jurisdiction or control but "
    "due to exceptional circumstances need to request an extension to their 10-year "
    "deadline, will:": "needs_article5_extension",
    "To this end, States Parties, particularly those accountable to and responsible for the "
    "well-being of significant numbers of mine victims, will reinforce their efforts and "
    "will do their utmost to:": "significant_survivors",
    "To this end, States Parties with obligations to destroy stockpiled anti-personnel "
    "mines, identify and clear mined areas, and assist mine victims, will:": (
        "with_stockpile_clearance_or_va_obligations"
    ),
    "States Parties in a position to do so will:": "in_a_position_to_assist",
    "States Parties that have not submitted their initial Article 7 report will:": (
        "initial_article7_report_missing"
    ),
    "States Parties that have retained anti-personnel mines under Article 3 of the "
    "Convention will:": "retained_mines_article3",
    "States Parties that have not developed national implementation measures will:": (
        "no_national_implementation_measures"
    ),
}

# Compounds whose hyphen must survive a line-end split even where the brochure's own
# spelling is inconclusive: it has one stray "antipersonnel" in the section 1 prose, and
# "assistance-related" appears nowhere else. The others are normally settled by the
# brochure's spelling already; listing them guards against a future edit of the text.
KNOWN_COMPOUNDS = frozenset(
    {
        "age-appropriate",
        "anti-personnel",
        "assistance-related",
        "gender-sensitive",
        "mine-affected",
    }
)

LINE_END_HYPHEN_RE = re.compile(r"([A-Za-z]+)-$")
LEADING_LETTERS_RE = re.compile(r"^([A-Za-z]+)")
# A hyphen followed by a space inside running text is a missed line-end join, except for a
# suspended compound such as "age- and gender-sensitive" (paragraph 12).
LEFTOVER_HYPHEN_RE = re.compile(r"[A-Za-z]- (?!(?:and|or) [A-Za-z]+-)")
SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}
)
SUMMIT_RE = re.compile(
    r"the (Cartagena Summit on a [\w-]+ World), was held in ([A-Z]\w+, [A-Z]\w+) "
    r"from (\d{1,2}) ([A-Z][a-z]+) to (\d{1,2}) ([A-Z][a-z]+) (\d{4})"
)


class ExtractionError(Exception):
    """The brochure does not read the way this script expects."""


class Line(NamedTuple):
    number: int  # 1-based line number in the brochure, for error messages
    text: str


@dataclass
class Block:
    kind: str
    lines: list[Line]
    number: int | None = None
    label: str | None = None


@dataclass
class Evidence:
    """Spellings used across the whole brochure, to judge a line-end hyphen."""

    text: str
    decisions: list[str] = field(default_factory=list)

    def count(self, word: str) -> int:
        # Whole words only: "compliance" must not be counted inside "noncompliance".
        pattern = rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])"
        return len(re.findall(pattern, self.text, flags=re.IGNORECASE))


# --- reading the section -----------------------------------------------------------------


def section_lines(raw_lines: list[str]) -> list[Line]:
    """Return the action plan section, from its first header to the back cover."""
    start = next((i for i, text in enumerate(raw_lines) if HEADER_RE.match(text.strip())), None)
    if start is None:
        raise ExtractionError("section header '10. CARTAGENA ACTION PLAN ...' not found")
    lines: list[Line] = []
    for index in range(start, len(raw_lines)):
        # Leading spaces mark page starts and trailing spaces are PDF noise: neither is text.
        text = raw_lines[index].strip()
        if text.startswith(SECTION_END_PREFIX):
            return lines
        lines.append(Line(index + 1, text))
    raise ExtractionError(f"end of section ({SECTION_END_PREFIX!r}) not found")


def actor_length(lines: list[Line], index: int) -> int:
    """Number of lines (0, 1 or 2) of the actor line starting at index."""
    if not ACTOR_START_RE.match(lines[index].text):
        return 0
    if ACTOR_END_RE.search(lines[index].text):
        return 1
    # Long actor lines wrap once; the wrapped half must not itself start a new block.
    if index + 1 < len(lines):
        follower = lines[index + 1].text
        if ACTOR_END_RE.search(follower) and opening_block(lines, index + 1) is None:
            return 2
    return 0


def opening_block(lines: list[Line], index: int) -> tuple[Block, int] | None:
    """The block that lines[index] opens, with the number of lines it takes, if any."""
    line = lines[index]
    if match := ACTION_RE.match(line.text):
        return Block("action", [], number=int(match[1])), 1
    if HEADER_RE.match(line.text):
        return None
    if match := PARAGRAPH_RE.match(line.text):
        return Block("paragraph", [Line(line.number, match[2])], number=int(match[1])), 1
    match = SECTION_HEADING_RE.match(line.text)
    if match and match[2].isupper():
        return Block("heading", [Line(line.number, match[2])], label=match[1]), 1
    if line.text in SUBHEADINGS:
        return Block("subheading", [line]), 1
    if line.text == INTRODUCTION_HEADING:
        return Block("introduction", [line]), 1
    if line.text.startswith(PREAMBLE_PREFIX):
        return Block("preamble", [line]), 1
    if length := actor_length(lines, index):
        return Block("actor", lines[index : index + length]), length
    return None


# Blocks that can take continuation lines; the others are complete once opened.
OPEN_KINDS = frozenset({"action", "paragraph", "heading", "preamble"})


def split_blocks(lines: list[Line]) -> list[Block]:
    """Group lines into blocks; blank lines and page headers close the current block."""
    blocks: list[Block] = []
    current: Block | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.text or HEADER_RE.match(line.text):
            current, index = None, index + 1
            continue
        opened = opening_block(lines, index)
        if opened is not None:
            block, length = opened
            blocks.append(block)
            current = block if block.kind in OPEN_KINDS else None
            index += length
            continue
        if current is None:
            raise ExtractionError(f"line {line.number}: text outside any block: {line.text!r}")
        current.lines.append(line)
        index += 1
    return blocks


# --- de-hyphenation and text checks ------------------------------------------------------


def keep_hyphen(left: str, right: str, evidence: Evidence) -> tuple[bool, str]:
    """Decide whether 'left-' + newline + 'right' is a compound or a word break."""
    compound = f"{left}-{right}".lower()
    hyphenated = evidence.count(compound)
    joined = evidence.count(left + right)
    counts = f"'{compound}' x{hyphenated}, '{(left + right).lower()}' x{joined} elsewhere"
    if hyphenated and not joined:
        return True, counts
    if compound in KNOWN_COMPOUNDS:
        return True, f"{counts}; known compound"
    if joined:
        return False, counts
    # Neither spelling occurs elsewhere: a plain word break is by far the likelier case,
    # and --verbose lists it for review.
    return False, f"{counts}; no evidence, word break assumed"


def join_lines(lines: list[Line], evidence: Evidence) -> str:
    """Join wrapped lines into one single-spaced text, undoing line-end hyphenation."""
    if not lines:
        return ""
    text = lines[0].text
    for previous, line in itertools.pairwise(lines):
        left = LINE_END_HYPHEN_RE.search(text)
        right = LEADING_LETTERS_RE.match(line.text)
        if left and right:
            keep, reason = keep_hyphen(left[1], right[1], evidence)
            verdict = "KEEP" if keep else "JOIN"
            evidence.decisions.append(
                f"line {previous.number}: {verdict} {left[1]}-|{right[1]}: {reason}"
            )
            text = (text if keep else text[:-1]) + line.text
        else:
            text = f"{text} {line.text}"
    return re.sub(r"\s+", " ", text).strip()


def check_text(label: str, text: str) -> str:
    """Fail on any PDF artefact left in a finished text."""
    problems = []
    if not text:
        problems.append("empty text")
    if "CARTAGENA ACTION PLAN" in text:
        problems.append("page header inside the text")
    if "Action #" in text:
        problems.append("action marker inside the text")
    if match := LEFTOVER_HYPHEN_RE.search(text):
        problems.append(f"hyphen followed by a space inside a word near {match[0]!r}")
    if text != text.strip() or "  " in text:
        problems.append("untrimmed or doubled whitespace")
    if problems:
        raise ExtractionError(f"{label}: {'; '.join(problems)}: {text!r}")
    return text


def title_case(upper: str) -> str:
    """'CLEARING MINED AREAS' -> 'Clearing Mined Areas', small words in lower case."""
    words: list[str] = []
    for position, word in enumerate(upper.split()):
        lower = word.lower()
        if position > 0 and lower in SMALL_WORDS and not words[-1].endswith(":"):
            words.append(lower)
        else:
            words.append("-".join(part[:1].upper() + part[1:] for part in lower.split("-")))
    return " ".join(words)


def actor_key(text: str, where: str) -> str:
    if text not in ACTOR_KEYS:
        raise ExtractionError(f"{where}: actor line not mapped to an applies_to key: {text!r}")
    return ACTOR_KEYS[text]


# --- building the document ---------------------------------------------------------------


@dataclass
class PlanBuilder:
    """Walks the blocks in reading order and keeps track of what is in force."""

    evidence: Evidence
    introduction: list[dict[str, Any]] = field(default_factory=list)
    preamble: str | None = None
    sections: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    subheading: str | None = None
    actor: dict[str, str] | None = None
    seen_introduction: bool = False

    def text(self, block: Block, label: str) -> str:
        return check_text(label, join_lines(block.lines, self.evidence))

    def add(self, block: Block) -> None:
        handlers = {
            "introduction": self.on_introduction,
            "paragraph": self.on_paragraph,
            "preamble": self.on_preamble,
            "heading": self.on_heading,
            "subheading": self.on_subheading,
            "actor": self.on_actor,
            "action": self.on_action,
        }
        try:
            handlers[block.kind](block)
        except ExtractionError as error:
            where = f"line {block.lines[0].number}" if block.lines else "empty block"
            raise ExtractionError(f"{where}: {error}") from None

    def on_introduction(self, block: Block) -> None:
        self.seen_introduction = True

    def on_paragraph(self, block: Block) -> None:
        text = self.text(block, f"paragraph {block.number}")
        if not self.sections:
            if not self.seen_introduction or self.preamble is not None:
                raise ExtractionError(f"paragraph {block.number} outside the introduction")
            self.introduction.append(
                {
                    "number": block.number,
                    "text": text,
                    "source": f"{SEED}, Introduction, paragraph {block.number}",
                }
            )
            return
        section = self.sections[-1]
        if self.actor is not None or section["last_action"] is not None:
            raise ExtractionError(f"paragraph {block.number} after the section's actions began")
        section["paragraphs"].append({"number": block.number, "text": text})

    def on_preamble(self, block: Block) -> None:
        if self.preamble is not None or self.sections:
            raise ExtractionError("unexpected second preamble")
        self.preamble = self.text(block, "preamble")

    def on_heading(self, block: Block) -> None:
        if self.preamble is None:
            raise ExtractionError("section heading before the preamble")
        expected = ROMAN_NUMERALS[len(self.sections)] if len(self.sections) < 6 else None
        if block.label != expected:
            raise ExtractionError(f"section {block.label} found, expected {expected}")
        self.sections.append(
            {
                "number": block.label,
                "title": title_case(self.text(block, f"section {block.label} title")),
                "first_action": None,
                "last_action": None,
                "paragraphs": [],
                "source": f"{SEED}, section {block.label}",
            }
        )
        # Actor lines and sub-headings never carry over into a new section.
        self.subheading, self.actor = None, None

    def on_subheading(self, block: Block) -> None:
        if not self.sections:
            raise ExtractionError("sub-heading before the first section")
        self.subheading = block.lines[0].text
        self.actor = None

    def on_actor(self, block: Block) -> None:
        text = self.text(block, "actor line")
        self.actor = {"text": text, "applies_to": actor_key(text, "actor line")}

    def on_action(self, block: Block) -> None:
        if not self.sections:
            raise ExtractionError(f"Action #{block.number} before the first section")
        text = self.text(block, f"Action #{block.number}")
        actor = self.actor
        if inline := INLINE_ACTOR_RE.match(text):
            actor = {"text": inline[1], "applies_to": actor_key(inline[1], "inline actor")}
        if actor is None:
            raise ExtractionError(f"Action #{block.number} has no actor line in force")
        section = self.sections[-1]
        section["first_action"] = section["first_action"] or block.number
        section["last_action"] = block.number
        self.actions.append(
            {
                "number": block.number,
                "section": section["number"],
                "subheading": self.subheading,
                "actor_group": dict(actor),
                "text": text,
                "source": f"{SEED}, Action #{block.number}",
            }
        )


def check_numbering(label: str, numbers: list[int], first: int) -> None:
    expected = list(range(first, first + len(numbers)))
    if numbers != expected:
        missing = sorted(set(expected) - set(numbers))
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        raise ExtractionError(
            f"{label} numbering broken: got {numbers}, missing {missing}, duplicates {duplicates}"
        )


def check_structure(builder: PlanBuilder) -> None:
    if builder.preamble is None:
        raise ExtractionError("preamble sentence not found")
    if len(builder.sections) != len(ROMAN_NUMERALS):
        raise ExtractionError(f"expected 6 sections, found {len(builder.sections)}")
    intro = [item["number"] for item in builder.introduction]
    paragraphs = [p["number"] for s in builder.sections for p in s["paragraphs"]]
    check_numbering("introduction paragraph", intro, 1)
    check_numbering("section paragraph", paragraphs, len(intro) + 1)
    check_numbering("action", [a["number"] for a in builder.actions], 1)
    for section in builder.sections:
        if section["first_action"] is None:
            raise ExtractionError(f"section {section['number']} has no actions")
    # A section with sub-headings (VI) must have one over every action, or one went unread.
    for number in ROMAN_NUMERALS:
        headed = {a["subheading"] is None for a in builder.actions if a["section"] == number}
        if len(headed) > 1:
            raise ExtractionError(f"section {number}: some actions lack a sub-heading")


def summit(normalized: str) -> tuple[str, date, date]:
    """Where and when the plan was adopted, from the brochure's opening page."""
    match = SUMMIT_RE.search(normalized)
    if match is None:
        raise ExtractionError("Cartagena Summit venue and dates not found in section 1")
    name, place, day_from, month_from, day_to, month_to, year = match.groups()

    def parse(day: str, month: str) -> date:
        return datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date()

    return f"{name}, {place}", parse(day_from, month_from), parse(day_to, month_to)


def plan_title(lines: list[Line]) -> tuple[str, int, int]:
    """Title and period from the header and the upper-case line under it."""
    header = HEADER_RE.match(lines[0].text)
    if header is None or len(lines) < 2 or not lines[1].text.isupper():
        raise ExtractionError("section header is not followed by the plan's subtitle")
    title = title_case(f"{lines[0].text[len('10. ') :]} {lines[1].text}")
    return title, int(header[1]), int(header[2])


def build_document(raw: str, evidence: Evidence) -> dict[str, Any]:
    lines = section_lines(raw.splitlines())
    title, period_start, period_end = plan_title(lines)
    builder = PlanBuilder(evidence)
    for block in split_blocks(lines[2:]):
        builder.add(block)
    check_structure(builder)
    adopted_at, adopted_from, adopted_to = summit(re.sub(r"\s+", " ", raw))
    return {
        "source_document": SOURCE_DOCUMENT,
        "plan": {
            "id": f"cartagena-{period_start}-{period_end}",
            "title": title,
            "period_start": period_start,
            "period_end": period_end,
            "adopted_at": adopted_at,
            "adopted_from": adopted_from.isoformat(),
            "adopted_to": adopted_to.isoformat(),
            "preamble": builder.preamble,
            "source": PLAN_SOURCE,
        },
        "introduction": builder.introduction,
        "sections": builder.sections,
        "actions": builder.actions,
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- command line ------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the JSON on disk differs; write nothing"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print every de-hyphenation decision"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    source = REPO_ROOT / SOURCE_RELPATH
    output = REPO_ROOT / OUTPUT_RELPATH
    raw = source.read_text(encoding="utf-8")
    evidence = Evidence(raw)
    try:
        rendered = render(build_document(raw, evidence))
    except ExtractionError as error:
        print(f"error: {SOURCE_RELPATH}: {error}", file=sys.stderr)
        return 2
    if args.verbose:
        print("\n".join(evidence.decisions))
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != rendered:
            print(f"{OUTPUT_RELPATH} is out of date: run python tools/extract_action_plan.py")
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(rendered, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
