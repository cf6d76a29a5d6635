"""Contracts of the marketing area: campaigns, ad_spend, social_posts, social_followers, livestreams."""

from __future__ import annotations

from opspulse.sources.model import Source

SOURCES: tuple[Source, ...] = ()
