"""Voice-leading analysis: parallels, crossings, spacing, range and key findings."""
