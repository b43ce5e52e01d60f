"""Reads: views across many records (timeline, search, summaries, the graph), read in one snapshot."""
