"""Synthetic hub data for demos, tests and benchmarks (never real people)."""

from earlyhelp_desktop.core.demo.generator import DemoSummary, build_demo

__all__ = ["DemoSummary", "build_demo"]
