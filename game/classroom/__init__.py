"""The classroom: scenario files, debrief reports and class results (headless, no network)."""
