"""The demo company simulator: a deterministic online retailer that writes every source.

``generate(start, end, out_dir, scale=..., seed=...)`` writes the landing files of the seven
commerce, web and service sources for each day, following :mod:`opspulse.sources.contracts`.
"""

from opspulse.demo.generator import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]
