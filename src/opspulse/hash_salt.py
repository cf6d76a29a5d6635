"""The home's secret salt for customer email hashes.

Staging keeps a customer's email only as ``sha256(salt || '|' || lower(trim(email)))``. An
unsalted hash of an address is no secret: anyone with a list of known addresses hashes them
and matches. The salt is random, generated once per home into ``<home>/secrets/email_hash_salt``
(mode 0600, folder 0700) by ``opspulse init`` and the demo set-up, or given by the setting
``OPSPULSE_HASH_SALT`` (which wins). It reaches dbt in the environment variable
``DBT_ENV_SECRET_OPSPULSE_HASH_SALT``, read with ``env_var`` in ``profiles.yml`` only: dbt
scrubs ``DBT_ENV_SECRET_*`` values from its logs, and the profile's plugin
(:mod:`opspulse.warehouse.dbt_hash_salt`) sets it as a DuckDB session variable, so it never
appears in compiled SQL, a log, the repository or the build database.

Keep the salt with the home: a new salt makes every hash new (the same customer is then
another hash; nothing downstream joins on it).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

from opspulse import settings as settings_mod
from opspulse.private_files import private_folder, write_new_private

SETTING = "OPSPULSE_HASH_SALT"
DBT_ENV = "DBT_ENV_SECRET_OPSPULSE_HASH_SALT"
DUCKDB_VARIABLE = "opspulse_hash_salt"
MIN_LENGTH = 16


def ensure(cfg: settings_mod.Settings, env: Mapping[str, str] | None = None) -> str:
    """The home's salt: ``OPSPULSE_HASH_SALT``, else the salt file, created (0600) with 32
    random bytes the first time it is needed."""
    env = os.environ if env is None else env
    given = env.get(SETTING, "").strip()
    if given:
        if len(given) < MIN_LENGTH:
            raise settings_mod.SettingsError(
                f"{SETTING} is too short to be a secret: use at least {MIN_LENGTH} random "
                "characters (or unset it: opspulse init generates one)"
            )
        return given
    path = cfg.hash_salt_file
    private_folder(path.parent)
    write_new_private(path, secrets.token_hex(32) + "\n")
    salt = path.read_text(encoding="utf-8").strip()
    if len(salt) < MIN_LENGTH:
        raise settings_mod.SettingsError(
            f"{path} holds no usable salt; remove the file and run opspulse init again"
        )
    return salt
