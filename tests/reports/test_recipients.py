import pytest

from opspulse.reports.recipients import RecipientsError, load_recipients
from opspulse.settings import REPO_ROOT


def test_shipped_config_has_demo_recipients_for_every_registered_role():
    recipients = load_recipients(REPO_ROOT / "config" / "recipients.toml")
    from opspulse.reports.roles import ROLES

    recipients.check_roles(ROLES)
    addresses = [a for r in ROLES for a in recipients.for_role(r)] + list(recipients.for_alerts())
    assert all(a.endswith("@example.com") for a in addresses)
    assert recipients.sender_domain == "example.com"


def test_role_without_recipients_names_file_and_role(tmp_path):
    path = tmp_path / "recipients.toml"
    path.write_text('sender = "r@example.com"\n[roles.ecommerce]\nto = []\n')
    recipients = load_recipients(path)
    with pytest.raises(RecipientsError, match=rf"{path}.*'ecommerce'"):
        recipients.for_role("ecommerce")
    with pytest.raises(RecipientsError, match=rf"{path}.*users"):
        recipients.check_roles(["users"])


@pytest.mark.parametrize(
    "text",
    [
        '[roles.x]\nto = ["a@example.com"]\n',
        'sender = "r@example.com"\n[roles.x]\nto = "a@b.c"\n',
        'sender = "r@example.com"\n[roles.x]\nto = ["nobody"]\n',
        "sender = [\n",
    ],
)
def test_malformed_files_are_refused_with_their_path(tmp_path, text):
    path = tmp_path / "recipients.toml"
    path.write_text(text)
    with pytest.raises(RecipientsError, match=str(path)):
        load_recipients(path)


def _file(tmp_path, to: str, sender: str = '"r@example.com"'):
    path = tmp_path / "recipients.toml"
    path.write_text(
        f'sender = {sender}\n[data_team]\nto = ["d@example.com"]\n[roles.sales]\nto = {to}\n'
    )
    return path


@pytest.mark.parametrize(
    "entry",
    [
        "sales@example.com, x@evil.test",
        "sales@example.com; x@evil.test",
        "<sales@example.com> x@evil.test",
        "sales@example.com\\r\\nBcc: x@evil.test",
        "sales@example.com\\nx@evil.test",
        "Sales <sales@example.com>, Evil <x@evil.test>",
        "sales@",
        "a@b@c",
        "",
    ],
)
def test_an_entry_that_is_not_exactly_one_address_is_refused_naming_role_and_entry(tmp_path, entry):
    path = _file(tmp_path, f'["ok@example.com", "{entry}"]')
    with pytest.raises(RecipientsError) as raised:
        load_recipients(path)
    message = str(raised.value)
    assert str(path) in message and "roles.sales" in message
    assert repr(entry.replace("\\r", "\r").replace("\\n", "\n")) in message


def test_a_sender_with_a_line_break_is_refused(tmp_path):
    path = _file(tmp_path, '["ok@example.com"]', sender='"r@example.com\\r\\nBcc: x@evil.test"')
    with pytest.raises(RecipientsError, match="sender"):
        load_recipients(path)


def test_the_envelope_is_exactly_the_parsed_addresses(tmp_path):
    from email.utils import getaddresses

    from opspulse.reports.delivery import envelope_address

    path = _file(
        tmp_path,
        '["sales@example.com", "Head of Sales <head@example.com>", '
        '"\\"Doe, Jane\\" <jane@example.com>", "ops@example.com (night shift)"]',
    )
    to = load_recipients(path).for_role("sales")
    expected = ["sales@example.com", "head@example.com", "jane@example.com", "ops@example.com"]
    assert [envelope_address(entry) for entry in to] == expected  # RCPT TO, one per entry
    header = ", ".join(to)  # the To header, as opspulse.reports.delivery.build_message writes it
    assert [address for _, address in getaddresses([header])] == expected
