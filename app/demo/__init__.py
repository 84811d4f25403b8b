"""Fictional demo data for a rural city with six stations (see generator.py)."""

from app.demo.generator import DemoReport, fill

__all__ = ["DemoReport", "fill"]
