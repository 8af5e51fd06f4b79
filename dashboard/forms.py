"""The forms a signed-in reader writes with: a party's commitment (carrying the version it was
loaded at, as `If-Match`), an upload of the export's file, the committee's assessment.

Each form sends what curl would, with the reader's key; the service decides. What the reader
typed stays in the form whatever the answer: a refused or stale write loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal

import streamlit as st

from dashboard import ui
from dashboard.account import SignedIn, show_problem, writer
from dashboard.api_models import Commitment
from dashboard.compute.actions import ASSESSMENT_STATUSES
from dashboard.compute.formatting import STATUS_LABELS
from dashboard.compute.writes import (
    DECLARATIONS,
    assessment_body,
    commitment_body,
    declarations_body,
    side_by_side,
)
from dashboard.i18n import _, ngettext
from dashboard.writer import Answer, new_attempt

# The day range the date pickers offer (the Convention opened for signature in 1997).
EARLIEST, LATEST = date(1997, 12, 3), date(2099, 12, 31)
COMMITMENT_STATUSES = [status for status in STATUS_LABELS if status != "not_recorded"]
WRITTEN = "written"


def commitment_form(who: SignedIn, iso3: str, number: int) -> None:
    """Edit one commitment of `iso3`: loaded fresh with its ETag, saved only over that version."""
    loaded = _loaded(iso3, number)
    if loaded is None:
        return
    commitment, etag = loaded
    key = f"{iso3}-{number}-{commitment.version}"
    with st.form(f"commitment-{key}"):
        status = st.selectbox(
            _("Status"),
            COMMITMENT_STATUSES,
            index=COMMITMENT_STATUSES.index(commitment.status) if commitment.status else None,
            format_func=lambda s: _(STATUS_LABELS[s]),
            placeholder=_("No status recorded yet: choose one"),
            key=f"status-{key}",
        )
        target = st.date_input(
            _("Target date"),
            value=commitment.target_date,
            min_value=EARLIEST,
            max_value=LATEST,
            format=ui.DATE_FORMAT,
            key=f"target-{key}",
        )
        narrative = st.text_area(_("Narrative"), value=commitment.narrative, key=f"text-{key}")
        evidence = st.text_input(
            _("Evidence (web address)"), value=commitment.evidence_url or "", key=f"url-{key}"
        )
        submitted = st.form_submit_button(_("Save"))
    target_day = target if isinstance(target, date) else None
    mine = commitment_body(status, target_day, narrative, evidence)
    stale_key = f"stale-{key}"
    if submitted:
        _save(who, iso3, number, mine, etag, stale_key)
    if stale_key in st.session_state:
        _offer_stale_choice(who, iso3, number, mine, st.session_state[stale_key], stale_key)


def _loaded(iso3: str, number: int) -> tuple[Commitment, str] | None:
    """The commitment as it stands now and its ETag (read once per version, not cached)."""
    slot = f"loaded-{iso3}-{number}"
    if slot not in st.session_state:
        answer = writer().commitment(iso3, number)
        if answer.data is None or answer.etag is None:
            show_problem(answer.problem)
            return None
        st.session_state[slot] = (answer.data, answer.etag)
    loaded: tuple[Commitment, str] = st.session_state[slot]
    return loaded


def _save(
    who: SignedIn, iso3: str, number: int, mine: dict[str, Any], etag: str, stale_key: str
) -> None:
    _save_over(
        lambda: writer().update_commitment(iso3, number, mine, etag, who.key),
        lambda: writer().commitment(iso3, number),
        f"loaded-{iso3}-{number}",
        stale_key,
        lambda saved: _("Saved: version {version}.").format(version=saved.version),
    )


def _save_over(
    put: Callable[[], Answer[Any]],
    reread: Callable[[], Answer[Any]],
    loaded_slot: str,
    stale_slot: str,
    saying: Callable[[Any], str],
) -> None:
    """Send a conditional update. Saved: the form is loaded afresh and says so. Refused as
    stale (412): what is recorded now goes to `stale_slot`, for the reader to compare and
    choose. Refused otherwise: the problem, in the service's words."""
    answer = put()
    if answer.data is not None:
        st.session_state.pop(loaded_slot, None)
        st.session_state.pop(stale_slot, None)
        _written(saying(answer.data))
    elif answer.problem is not None and answer.problem.stale:
        current = reread()
        if current.data is not None and current.etag is not None:
            st.session_state[stale_slot] = (current.data, current.etag)
    else:
        show_problem(answer.problem)


def _offer_stale_choice(
    who: SignedIn,
    iso3: str,
    number: int,
    mine: dict[str, Any],
    current: tuple[Commitment, str],
    stale_key: str,
) -> None:
    """Someone saved this commitment after it was loaded: both versions side by side, and the
    reader's choice (nothing is overwritten unseen)."""
    recorded, etag = current
    st.warning(
        _(
            "Not saved: this commitment was changed since you opened it (now version "
            "{version}). Your version is kept below beside the one recorded now."
        ).format(version=recorded.version)
    )
    ui.table(side_by_side(mine, recorded), f"{iso3}-{number}-versions")
    keep, take = st.columns(2)
    if keep.button(_("Save my version over version {version}").format(version=recorded.version)):
        _save(who, iso3, number, mine, etag, stale_key)
    if take.button(_("Discard mine and edit the recorded version")):
        st.session_state[f"loaded-{iso3}-{number}"] = current
        del st.session_state[stale_key]
        st.rerun()


def upload_form(who: SignedIn, iso3: str) -> None:
    """Import the State's commitments from the export's CSV or Excel file: every row or none."""
    upload = st.file_uploader(
        _("The commitments file (CSV or Excel, as downloaded)"),
        type=["csv", "xlsx"],
        key=f"upload-{iso3}",
    )
    if upload is None or not st.button(_("Import the file"), key=f"import-{iso3}"):
        return
    kind: Literal["csv", "xlsx"] = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
    answer = writer().import_commitments(iso3, upload.getvalue(), kind, who.key)
    if answer.data is None:
        show_problem(answer.problem)
        return
    for slot in [s for s in st.session_state if str(s).startswith(f"loaded-{iso3}-")]:
        del st.session_state[slot]
    changed = len(answer.data)
    _written(
        ngettext(
            "Imported: {count} commitment changed.",
            "Imported: {count} commitments changed.",
            changed,
        ).format(count=changed)
    )


def declarations_form(who: SignedIn, iso3: str) -> None:
    """The State's own declarations that place it in an action plan's group (in a position to
    assist; needing an Article 5 extension), saved only over the version loaded."""
    slot, stale_slot = f"obligations-{iso3}", f"stale-obligations-{iso3}"
    if slot not in st.session_state:
        answer = writer().obligations(iso3)
        if answer.data is None or answer.etag is None:
            show_problem(answer.problem)
            return
        st.session_state[slot] = (answer.data, answer.etag)
    recorded, etag = st.session_state[slot]
    with st.form(f"declarations-{iso3}-{etag}"):
        declared = {
            name: st.radio(
                _(label),
                [True, False, None],
                index=[True, False, None].index(recorded.get(name)),
                format_func=_declared,
                horizontal=True,
            )
            for name, label in DECLARATIONS.items()
        }
        evidence = st.text_input(
            _("Evidence of the declarations (web address)"), key=f"evidence-{iso3}-{etag}"
        )
        submitted = st.form_submit_button(_("Save the declarations"))
    mine = declarations_body(recorded, declared, evidence)
    if submitted:
        _save_declarations(who, iso3, mine, etag)
    if stale_slot in st.session_state:
        current, current_etag = st.session_state[stale_slot]
        st.warning(
            _(
                "Not saved: these declarations were changed since you opened them. Recorded "
                "now: {recorded}. Your choices are kept above."
            ).format(recorded="; ".join(_declaration_line(current, name) for name in DECLARATIONS))
        )
        if st.button(_("Save my declarations over the recorded ones")):
            _save_declarations(
                who, iso3, declarations_body(current, declared, evidence), current_etag
            )


def _save_declarations(who: SignedIn, iso3: str, body: dict[str, Any], etag: str) -> None:
    _save_over(
        lambda: writer().update_obligations(iso3, body, etag, who.key),
        lambda: writer().obligations(iso3),
        f"obligations-{iso3}",
        f"stale-obligations-{iso3}",
        lambda _saved: _("Saved: the declarations of {state}.").format(state=iso3),
    )


def _declared(value: bool | None) -> str:
    return _("yes") if value is True else _("no") if value is False else _("not declared")


def _declaration_line(recorded: dict[str, Any], name: str) -> str:
    return f"{_(DECLARATIONS[name])}: {_declared(recorded.get(name))}"


def assessment_form(who: SignedIn, numbers: list[int]) -> None:
    """Record the committee's assessment of an action (one per submission, however often the
    button is pressed: the submission's Idempotency-Key)."""
    attempt = st.session_state.setdefault("assessment_attempt", new_attempt())
    with st.form("assessment"):
        number = st.selectbox(
            _("Action"), numbers, format_func=lambda n: _("Action #{number}").format(number=n)
        )
        statuses = list(ASSESSMENT_STATUSES)
        rating = st.selectbox(
            _("Assessment"), statuses, format_func=lambda s: _(ASSESSMENT_STATUSES[s])
        )
        period = st.text_input(_("Period assessed"), placeholder="2010")
        assessed_on = st.date_input(
            _("Assessed on"), value=ui.today(), max_value=ui.today(), format=ui.DATE_FORMAT
        )
        narrative = st.text_area(_("The committee's observations"))
        source = st.text_input(_("Source (a document of the committee, optional)"))
        submitted = st.form_submit_button(_("Record the assessment"))
    if not submitted:
        return
    day = assessed_on if isinstance(assessed_on, date) else ui.today()
    body = assessment_body(rating, period, day, narrative, source)
    answer = writer().record_assessment(number, body, who.key, attempt)
    if answer.data is None:
        show_problem(answer.problem)
        return
    st.session_state["assessment_attempt"] = new_attempt()
    _written(_("Recorded: the assessment of action #{number}.").format(number=number))


def _written(message: str) -> None:
    """After a write: let every page read the records afresh, and draw the form again from
    what is now recorded, saying what was written."""
    st.cache_data.clear()
    st.session_state[WRITTEN] = message
    st.rerun()


def show_written() -> None:
    """What the last write of this reader did, once."""
    if (message := st.session_state.pop(WRITTEN, None)) is not None:
        st.success(message)
