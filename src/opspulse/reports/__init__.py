"""The email step: from the published marts to each operations team's morning email.

| module        | does                                                                  |
|---------------|-----------------------------------------------------------------------|
| ``roles``     | the registry: each role's title, mart, headline tiles, sections (data) |
| ``kpis``      | reads a role's numbers for one day from the published database         |
| ``formatting``| the one number formatter (money, counts, rates, changes, n/a)           |
| ``render``    | HTML + plain-text emails (``templates/``), restatements, the alert      |
| ``recipients``| ``config/recipients.toml``: sender, per-role and data-team addresses    |
| ``ledger``    | ``ops.send_ledger`` in the build database: send once, restate, resend   |
| ``delivery``  | builds the MIME message and sends it through an Airflow SMTP connection |
| ``mailer``    | ``send_reports`` / ``send_alert``: what the Airflow tasks call          |
| ``notifier``  | the failure notifier of every Airflow task: emails the data team        |
| ``sink``      | a local SMTP server that keeps what it receives as ``.eml`` files       |
"""
