"""The Textual front end of Capacity Wars (the only package that imports Textual)."""
