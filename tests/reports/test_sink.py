import datetime as dt
import os
import signal
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest

from opspulse.reports.sink import start_sink, store

from .conftest import free_port


def _message(subject="[opspulse] E-commerce · Fri 27 Nov 2026", role="ecommerce"):
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = "reports@example.com"
    msg["To"] = "ecommerce-ops@example.com"
    msg["X-Opspulse-Role"] = role
    msg.set_content("Net sales: $1.00")
    return msg


def test_sink_stores_each_message_as_eml(sink):
    with smtplib.SMTP("127.0.0.1", sink.port) as client:
        client.send_message(_message())
        client.send_message(_message())
    files = sink.files()
    assert len(files) == 2
    assert all("_ecommerce-opspulse-e-commerce-fri-27-nov-2026_" in f.name for f in files)
    assert sink.messages()[0]["Subject"] == "[opspulse] E-commerce · Fri 27 Nov 2026"


def test_store_never_overwrites(tmp_path):
    content = _message().as_bytes()
    at = dt.datetime(2026, 11, 28, 6, 0, tzinfo=dt.UTC)
    first, second = store(tmp_path, content, at), store(tmp_path, content, at)
    assert first != second and first.read_bytes() == second.read_bytes() == content
    assert second.name.endswith("-1.eml")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])


def test_sink_binds_loopback_only(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        start_sink(tmp_path, "0.0.0.0", free_port())


def test_sink_runs_as_a_module_until_sigterm(tmp_path):
    port, pid_file, outbox = free_port(), tmp_path / "sink.pid", tmp_path / "outbox"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "opspulse.reports.sink",
            "--outbox",
            str(outbox),
            "--port",
            str(port),
            "--pid-file",
            str(pid_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists():
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "sink did not start"
            time.sleep(0.05)
        assert int(pid_file.read_text()) == proc.pid
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(_message())
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not pid_file.exists()
    assert len(list(outbox.glob("*.eml"))) == 1
