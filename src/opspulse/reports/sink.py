"""A local SMTP server that keeps every message it receives as a ``.eml`` file.

The embedded default delivers email here instead of to a real mail server, so a demo or a
test run sends for real and the result can be opened in any mail program::

    python -m opspulse.reports.sink --outbox var/outbox --port 8025 --pid-file var/sink.pid

It binds a loopback address only (it accepts mail from anyone who can connect, and relays
nothing). File names are ``<UTC timestamp>_<role>_<subject slug>_<hash>.eml``; a file is
written under a temporary name and linked into place, so a reader never sees half a message
and nothing is ever overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import ipaddress
import itertools
import logging
import os
import re
import signal
import sys
import threading
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025


def _slug(text: str, limit: int = 60) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:limit].rstrip("-") or "message"


def eml_name(content: bytes, received_at: dt.datetime) -> str:
    headers = BytesHeaderParser(policy=default_policy).parsebytes(content)
    subject = str(headers.get("Subject", "") or "")
    role = str(headers.get("X-Opspulse-Role", "") or "")
    slug = _slug(f"{role} {subject}" if role else subject)
    digest = hashlib.sha256(content).hexdigest()[:10]
    return f"{received_at:%Y%m%dT%H%M%S.%fZ}_{slug}_{digest}.eml"


def store(outbox: Path, content: bytes, received_at: dt.datetime | None = None) -> Path:
    """Write one message into ``outbox`` without ever overwriting a file; return its path."""
    outbox.mkdir(parents=True, exist_ok=True)
    name = eml_name(content, received_at or dt.datetime.now(dt.UTC))
    tmp = outbox / f".{name}.{os.getpid()}.{threading.get_ident()}.part"
    tmp.write_bytes(content)
    try:
        stem = name.removesuffix(".eml")
        for n in itertools.count():
            path = outbox / (name if n == 0 else f"{stem}-{n}.eml")
            try:
                os.link(tmp, path)
                return path
            except FileExistsError:
                continue
    finally:
        tmp.unlink(missing_ok=True)
    raise AssertionError("unreachable")  # pragma: no cover


class OutboxHandler:
    """aiosmtpd handler: store each message's bytes in the outbox."""

    def __init__(self, outbox: Path):
        self.outbox = Path(outbox)

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        path = store(self.outbox, content)
        log.info("stored %s (for %d recipient(s))", path.name, len(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def start_sink(
    outbox: Path | str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> Controller:
    """Start the sink in a background thread; stop it with ``controller.stop()``."""
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the SMTP sink binds a loopback address only, not {host!r}")
    controller = Controller(OutboxHandler(Path(outbox)), hostname=host, port=port)
    controller.start()
    return controller


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m opspulse.reports.sink",
        description="Local SMTP sink: keeps every received email as a .eml file.",
    )
    parser.add_argument(
        "--outbox", type=Path, help="directory for .eml files (default: <OPSPULSE_HOME>/outbox)"
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="loopback address to bind")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--pid-file", type=Path, help="write the process id here while running")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    if args.outbox is None:
        from opspulse import settings

        args.outbox = settings.load().outbox_dir
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        controller = start_sink(args.outbox, args.host, args.port)
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"sink: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    if args.pid_file:
        args.pid_file.parent.mkdir(parents=True, exist_ok=True)
        args.pid_file.write_text(f"{os.getpid()}\n")
    log.info("SMTP sink on %s:%d, storing into %s", args.host, args.port, args.outbox)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        controller.stop()
        if args.pid_file:
            args.pid_file.unlink(missing_ok=True)
        log.info("SMTP sink stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
