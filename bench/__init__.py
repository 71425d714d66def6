"""Benchmarks of the plugin, and of django-oauth-toolkit for comparison.

``./scripts/bench`` runs them all; ``bench.run`` is the orchestrator.
"""
