"""opspulse: trusted KPI marts and morning emails for every operations role."""
