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
