"""One-click unsubscribe (RFC 8058): the routes of the signed link every reminder e-mail carries
in `List-Unsubscribe` (`unsubscribe_links`), which pause that recipient's reminders until its state
confirms it. GET shows a page with a button (mail scanners follow links; only the POST that the
button or the client's one-click sends pauses).
"""

from __future__ import annotations

import hmac
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse

from services.common.db import SessionDep
from services.common.errors import NotFound
from services.common.routes import Responses, RowId, not_found
from services.reminders import service
from services.reminders.http import ContextDep
from services.reminders.models import Recipient
from services.reminders.unsubscribe_links import token_for

Token = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{43}$", description="The link's signature")]
NOT_FOUND: Responses = not_found("No recipient with this link")


async def signed_recipient(request: Request, recipient_id: RowId, token: Token) -> int:
    """The recipient a link names, once its signature holds (404 otherwise). A dependency, so a
    forged link is refused before the request takes a database session (or SQLite's write
    turn); `async`, as it needs no thread."""
    secret = request.app.state.settings.webhook_secret
    expected = token_for(recipient_id, secret.get_secret_value()) if secret else ""
    if not expected or not hmac.compare_digest(expected, token):
        raise NotFound("There is no recipient with this unsubscribe link.")
    return recipient_id


SignedRecipient = Annotated[int, Depends(signed_recipient)]


router = APIRouter(tags=["recipients"])


LINK = "/unsubscribe/{recipient_id}/{token}"


@router.get(LINK, response_class=HTMLResponse, responses=NOT_FOUND)
def read_unsubscribe_page(recipient_id: SignedRecipient) -> HTMLResponse:
    """The page an unsubscribe link opens: a button that stops the recipient's reminders."""
    return HTMLResponse(
        _page(
            "Stop these reminders?",
            "You will receive no more Cartagena Monitor reminders at this address until your "
            "State confirms it as its contact point.",
            '<form method="post"><button type="submit">Stop the reminders</button></form>',
        )
    )


@router.post(LINK, response_class=HTMLResponse, responses=NOT_FOUND)
def unsubscribe(
    recipient_id: SignedRecipient, session: SessionDep, ctx: ContextDep
) -> HTMLResponse:
    """Pause the recipient's reminders (RFC 8058 one-click, or the page's button); again is
    harmless. Its state sees `paused_at` on the contact point and resumes it with a PUT."""
    recipient = session.get(Recipient, recipient_id)
    if recipient is None:
        raise NotFound("There is no recipient with this unsubscribe link.")
    service.pause_recipient(session, recipient=recipient, ctx=ctx)
    return HTMLResponse(
        _page(
            "Reminders stopped",
            "This address will receive no more reminders. Your State's officer sees that you "
            "unsubscribed, and can confirm the address again.",
        )
    )


def _page(title: str, text: str, form: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f"<p>{escape(text)}</p>{form}</body></html>"
    )
