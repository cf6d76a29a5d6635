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
import io
import logging
import re
import smtplib
from collections.abc import Mapping, Sequence
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, parseaddr
from typing import TYPE_CHECKING

from opspulse.reports.render import RenderedEmail

if TYPE_CHECKING:
    from airflow.providers.smtp.hooks.smtp import SmtpHook

log = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    """The SMTP server could not be reached or refused the message (or some recipients).

    What the server's answer means for a retry:

    - ``temporary``: nothing was delivered to the addresses still missing and trying again
      later may work (a 4xx answer, a refused or timed-out connection): retried within the run.
    - ``outcome_unknown``: the whole message was sent after DATA, then the connection dropped
      before the server's final answer; the server may have accepted it. Not retried within
      the run (that would be a blind double send); a re-run resends it with the same
      Message-ID, so a receiver that got it can drop the copy.
    - neither: permanent (a 5xx answer, a missing connection, no AUTH): not retried within
      the run; a re-run, after someone fixed the cause, tries again.

    ``delivered`` lists the envelope addresses the server accepted the message for (some may
    have been refused, named in ``refused`` with the server's answer), ``unreachable`` says
    that no SMTP conversation took place at all (the server is down).
    """

    def __init__(
        self,
        message: str,
        *,
        temporary: bool = False,
        outcome_unknown: bool = False,
        unreachable: bool = False,
        refused: Mapping[str, str] | None = None,
        delivered: Sequence[str] = (),
    ):
        super().__init__(message)
        self.temporary = temporary
        self.outcome_unknown = outcome_unknown
        self.unreachable = unreachable
        self.refused = dict(refused or {})
        self.delivered = tuple(delivered)


def _answer(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}".strip()


def _is_temporary(code: int) -> bool:
    return 400 <= code < 500


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


def envelope_address(entry: str) -> str:
    """The bare address of one recipients entry (``Name <a@b>`` gives ``a@b``)."""
    return parseaddr(entry)[1] or entry.strip()


def send_message(
    message: EmailMessage, *, conn_id: str, envelope_to: Sequence[str] | None = None
) -> tuple[str, ...]:
    """Send ``message`` over the Airflow connection ``conn_id`` to ``envelope_to`` (default:
    every address of its To header); return the addresses the server accepted it for.

    The SMTP conversation is driven step by step (MAIL, one RCPT per address, DATA) so that
    each answer is read for what it says. Raises :class:`DeliveryError` unless every address
    was accepted and the server confirmed the message; the error tells a temporary failure
    from a permanent one and from an unknown outcome (see :class:`DeliveryError`).
    """
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    if envelope_to is None:
        to = [a for _, a in getaddresses(message.get_all("To", []))]
    else:
        to = [envelope_address(a) for a in envelope_to]
    sender = parseaddr(str(message["From"]))[1]
    hook = SmtpHook(smtp_conn_id=conn_id)
    connected = False
    try:
        with hook:
            connected = True
            client = hook._smtp_client  # the hook only sends its own single-part messages
            if client is None:  # pragma: no cover - get_conn either sets it or raises
                raise DeliveryError(f"{_where(hook)}: no SMTP client after connecting")
            delivered = _converse(client, message, sender, to, where=_where(hook))
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()  # the hook's exit only closes the socket
    except DeliveryError:
        raise
    except smtplib.SMTPResponseException as exc:  # the greeting, EHLO or AUTH answered no
        raise DeliveryError(
            f"{_where(hook)}: {type(exc).__name__}: {_answer(exc.smtp_code, exc.smtp_error)}",
            temporary=_is_temporary(exc.smtp_code),
        ) from exc
    except (smtplib.SMTPServerDisconnected, OSError) as exc:  # refused, timed out, dropped
        raise DeliveryError(
            f"{_where(hook)}: {type(exc).__name__}: {exc}",
            temporary=True,
            unreachable=not connected,
        ) from exc
    except smtplib.SMTPException as exc:  # no AUTH offered, no SMTPUTF8: configuration
        raise DeliveryError(f"{_where(hook)}: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # AirflowException and friends: missing or broken connection
        if hook.smtp_connection is None:
            raise DeliveryError(
                f"{_where(hook)} is not defined or cannot be read ({type(exc).__name__}); "
                f"define it in "
                f"Airflow or set AIRFLOW_CONN_{conn_id.upper()} (see opspulse.reports.delivery)"
            ) from exc
        raise DeliveryError(f"{_where(hook)}: {type(exc).__name__}: {exc}") from exc
    return delivered


def _flatten(message: EmailMessage, *, international: bool) -> bytes:
    """The message as DATA carries it: CRLF lines, leading dots doubled, ended by ``.``."""
    policy = message.policy.clone(utf8=True) if international else None
    with io.BytesIO() as out:
        BytesGenerator(out, policy=policy).flatten(message, linesep="\r\n")
        data = re.sub(rb"(?m)^\.", b"..", out.getvalue())
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _converse(
    client: smtplib.SMTP, message: EmailMessage, sender: str, to: Sequence[str], *, where: str
) -> tuple[str, ...]:
    """MAIL FROM, RCPT TO per address, DATA; raise :class:`DeliveryError` on any refusal."""
    client.ehlo_or_helo_if_needed()
    international = not "".join([sender, *to]).isascii()
    options: list[str] = []
    if international:
        if not client.has_extn("smtputf8"):
            raise DeliveryError(f"{where}: the server does not offer SMTPUTF8 for {to}")
        options = ["SMTPUTF8", "BODY=8BITMIME"]
    code, text = client.mail(sender, options)
    if code != 250:
        raise DeliveryError(
            f"{where}: MAIL FROM {sender} refused: {_answer(code, text)}",
            temporary=_is_temporary(code),
        )
    accepted: list[str] = []
    refused: dict[str, tuple[int, str]] = {}
    for address in to:
        code, text = client.rcpt(address)
        if code in (250, 251):
            accepted.append(address)
        else:
            refused[address] = (code, _answer(code, text))
    if not accepted:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.rset()
        raise _refusal(where, refused, delivered=())
    code, text = client.docmd("DATA")
    if code != 354:
        raise DeliveryError(
            f"{where}: DATA refused: {_answer(code, text)}", temporary=_is_temporary(code)
        )
    client.send(_flatten(message, international=international))
    try:
        code, text = client.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise DeliveryError(
            f"{where}: outcome unknown: the connection was lost after the message was sent "
            f"and before the server answered ({exc}); it may have been delivered to "
            f"{', '.join(accepted)}",
            outcome_unknown=True,
        ) from exc
    if code != 250:
        raise DeliveryError(
            f"{where}: message refused after DATA: {_answer(code, text)}",
            temporary=_is_temporary(code),
        )
    if refused:
        log.warning("%s refused recipient(s) %s", where, ", ".join(refused))
        raise _refusal(where, refused, delivered=accepted)
    return tuple(accepted)


def _refusal(
    where: str, refused: Mapping[str, tuple[int, str]], *, delivered: Sequence[str]
) -> DeliveryError:
    answers = "; ".join(f"{address}: {answer}" for address, (_, answer) in refused.items())
    sent = f" (delivered to {', '.join(delivered)})" if delivered else ""
    return DeliveryError(
        f"{where}: recipient(s) refused at RCPT: {answers}{sent}",
        temporary=all(_is_temporary(code) for code, _ in refused.values()),
        refused={address: answer for address, (_, answer) in refused.items()},
        delivered=delivered,
    )
