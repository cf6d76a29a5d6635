"""Build a multipart email and hand it to SMTP through an Airflow connection.

The SMTP server, port, TLS/SSL switches, login and password all come from the Airflow
connection ``settings.smtp_conn_id`` (default ``opspulse_smtp``), for instance from the
environment::

    AIRFLOW_CONN_OPSPULSE_SMTP='{"conn_type": "smtp", "host": "127.0.0.1", "port": 8025,
        "extra": {"disable_ssl": true, "disable_tls": true, "from_email": "reports@example.com"}}'

(the local sink of :mod:`opspulse.reports.sink`), or from Airflow's UI, CLI or a secrets
backend. Airflow is imported only when a message is sent. The connection's password is never
logged nor put into an error message: errors name the connection id, host and port only.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate
from typing import TYPE_CHECKING

from opspulse.reports.render import RenderedEmail

if TYPE_CHECKING:
    from airflow.providers.smtp.hooks.smtp import SmtpHook

log = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


def build_message(
    rendered: RenderedEmail,
    *,
    sender: str,
    to: Sequence[str],
    message_id: str,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """A ``multipart/alternative`` message: the plain-text part first, then the HTML."""
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(rendered.text, cte="quoted-printable")
    msg.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    return msg


def _where(hook: SmtpHook) -> str:
    """The connection id, host and port, never the login or password."""
    conn = hook.smtp_connection
    address = f" ({conn.host}:{conn.port})" if conn is not None else ""
    return f"SMTP connection {hook.smtp_conn_id!r}{address}"


def send_message(message: EmailMessage, *, conn_id: str) -> dict[str, tuple[int, bytes]]:
    """Send ``message`` (envelope from its From/To/Cc headers) over the Airflow connection.

    Returns the recipients the server refused when it accepted the others (usually empty).
    Raises :class:`DeliveryError` when nothing was delivered.
    """
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    hook = SmtpHook(smtp_conn_id=conn_id)
    try:
        with hook:
            client = hook._smtp_client  # the hook only sends its own single-part messages
            if client is None:  # pragma: no cover - get_conn either sets it or raises
                raise DeliveryError(f"{_where(hook)}: no SMTP client after connecting")
            refused = client.send_message(message)
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()  # the hook's exit only closes the socket
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{_where(hook)}: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # AirflowException and friends: missing or broken connection
        if hook.smtp_connection is None:
            raise DeliveryError(
                f"{_where(hook)} is not defined or cannot be read ({type(exc).__name__}); "
                f"define it in "
                f"Airflow or set AIRFLOW_CONN_{conn_id.upper()} (see opspulse.reports.delivery)"
            ) from exc
        raise DeliveryError(f"{_where(hook)}: {type(exc).__name__}: {exc}") from exc
    if refused:
        log.warning("%s refused recipient(s) %s", _where(hook), ", ".join(refused))
    return refused
