"""Each party's commitments on the actions that bind it: writes, history, CSV, progress."""
