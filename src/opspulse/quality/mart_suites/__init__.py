"""The report marts' suites, one module per role (``<role>.py`` defining ``MARTS``).

A module lists a :class:`opspulse.quality.suites.MartSpec` per report mart of its role;
:func:`opspulse.quality.suites.mart_specs` collects them. What dbt tests already hold (keys,
not-null, relationships, accepted values, contracts) is not repeated here: these suites hold
ranges, cross-column rules, reconciliations and anomaly checks.
"""
