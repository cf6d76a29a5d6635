"""Who gets which email: ``config/recipients.toml`` (``settings.recipients_file``).

```toml
sender = "opspulse reports <reports@example.com>"

[data_team]               # the "reports withheld" alert
to = ["data-team@example.com"]

[roles.ecommerce]         # one table per role of opspulse.reports.roles
to = ["ecommerce-ops@example.com"]
```

Addresses appear only in the message headers, never in a body. Each entry of a ``to`` list
is exactly one address (``"Sales <sales@example.com>"`` or ``"sales@example.com"``); an
entry that reads as more or fewer (``"sales@example.com, x@evil.test"``), or holds a line
break, is refused when the file is read, naming the role and the entry. The envelope is one
address per entry (``opspulse.reports.delivery.envelope_address``), the To header lists the
same addresses: exactly the parsed ones.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formataddr, getaddresses, parseaddr
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


def one_address(entry: str, *, path: Path, where: str) -> str:
    """``entry`` as one ``Name <address>`` (or bare address) header value, or a
    :class:`RecipientsError` naming ``where`` (the role) and the entry: an entry is exactly one
    address, as :func:`email.utils.getaddresses` reads it, with no line break or other
    control character (``"a@x.com, b@y.com"`` would put both in the envelope)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in entry):
        raise RecipientsError(
            f"{path}: {where} entry {entry!r} holds a line break or control character; "
            "write one address per entry"
        )
    pairs = getaddresses([entry])
    found = [addr for _, addr in pairs]
    if len(pairs) != 1 or not _is_address(found[0]):
        raise RecipientsError(
            f"{path}: {where} entry {entry!r} must be exactly one address "
            f"(read as {len(pairs)}: {', '.join(repr(a) for a in found) or 'none'}); "
            "write one address per entry"
        )
    value = formataddr(pairs[0])
    if getaddresses([value]) != pairs:  # pragma: no cover - formataddr round-trips
        raise RecipientsError(f"{path}: {where} entry {entry!r} is not a plain address")
    return value


def _is_address(addr: str) -> bool:
    local, at, domain = addr.rpartition("@")
    return (
        bool(at and local and domain)
        and "@" not in local.strip('"')
        and not any(ch.isspace() for ch in addr)
    )


def _addresses(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise RecipientsError(f"{path}: {where}.to must be a list of addresses")
    out = []
    for item in value:
        if not isinstance(item, str):
            raise RecipientsError(f"{path}: {where}.to has an invalid address {item!r}")
        out.append(one_address(item.strip(), path=path, where=f"{where}.to"))
    joined = getaddresses([", ".join(out)])  # the To header reads back as the entries
    if [addr for _, addr in joined] != [getaddresses([e])[0][1] for e in out]:  # pragma: no cover
        raise RecipientsError(f"{path}: {where}.to does not read back as its own addresses")
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
    sender = one_address(sender.strip(), path=path, where="sender")
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
