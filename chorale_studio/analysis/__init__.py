"""Voice-leading analysis: parallels, crossings, spacing, range and key findings."""
from .findings import KINDS, SEVERITY, Finding
from .keys import allowed_pitch_classes, estimate_key
from .report import Judgement, Report, analyze, judge
from .sonority import Sonority, sonorities

__all__ = ["Finding", "KINDS", "Report", "SEVERITY", "Sonority", "allowed_pitch_classes", "analyze",
           "estimate_key", "judge", "Judgement", "sonorities"]
