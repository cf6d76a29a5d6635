"""Who gets which email: ``config/recipients.toml`` (``settings.recipients_file``).

```toml
sender = "opspulse reports <reports@example.com>"

[data_team]               # the "reports withheld" alert
to = ["data-team@example.com"]

[roles.ecommerce]         # one table per role of opspulse.reports.roles
to = ["ecommerce-ops@example.com"]
```

Addresses appear only in the message headers, never in a body.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

DATA_TEAM = "data_team"


class RecipientsError(ValueError):
    """recipients.toml is missing, malformed, or has no recipients for a role."""


@dataclass(frozen=True)
class Recipients:
    path: Path
    sender: str
    roles: dict[str, tuple[str, ...]]
    data_team: tuple[str, ...]

    @property
    def sender_domain(self) -> str:
        return parseaddr(self.sender)[1].rpartition("@")[2]

    def for_role(self, role: str) -> tuple[str, ...]:
        addresses = self.roles.get(role, ())
        if not addresses:
            raise RecipientsError(
                f"{self.path}: role {role!r} has no recipients; "
                f'add [roles.{role}] with to = ["someone@your-company.com"]'
            )
        return addresses

    def for_alerts(self) -> tuple[str, ...]:
        if not self.data_team:
            raise RecipientsError(
                f"{self.path}: no recipients for alerts; "
                f'add [{DATA_TEAM}] with to = ["data-team@your-company.com"]'
            )
        return self.data_team

    def check_roles(self, roles: Iterable[str]) -> None:
        """Fail before anything is sent when any of ``roles`` has no recipients."""
        missing = [r for r in roles if not self.roles.get(r)]
        if missing:
            raise RecipientsError(
                f"{self.path}: no recipients for role(s) {', '.join(missing)}; "
                "add a [roles.<role>] table with a non-empty `to` list for each"
            )


def _addresses(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise RecipientsError(f"{path}: {where}.to must be a list of addresses")
    out = []
    for item in value:
        if not isinstance(item, str) or "@" not in parseaddr(item)[1]:
            raise RecipientsError(f"{path}: {where}.to has an invalid address {item!r}")
        out.append(item.strip())
    return tuple(out)


def load_recipients(path: Path | str) -> Recipients:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecipientsError(f"recipients file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise RecipientsError(f"{path} is not valid TOML: {exc}") from None
    sender = data.get("sender")
    if not isinstance(sender, str) or "@" not in parseaddr(sender)[1]:
        raise RecipientsError(f'{path}: set sender = "Name <address@your-company.com>"')
    roles_table = data.get("roles", {})
    if not isinstance(roles_table, dict):
        raise RecipientsError(f"{path}: [roles] must be a table of [roles.<role>] tables")
    roles = {}
    for role, table in roles_table.items():
        if not isinstance(table, dict):
            raise RecipientsError(f"{path}: [roles.{role}] must be a table with a `to` list")
        roles[role] = _addresses(path, f"roles.{role}", table.get("to"))
    team = data.get(DATA_TEAM, {})
    if not isinstance(team, dict):
        raise RecipientsError(f"{path}: [{DATA_TEAM}] must be a table with a `to` list")
    return Recipients(
        path=path,
        sender=sender.strip(),
        roles=roles,
        data_team=_addresses(path, DATA_TEAM, team.get("to")),
    )
