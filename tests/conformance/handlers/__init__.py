"""Handlers the invoke scenarios deploy: each does what the recorded test's handler did (the
same results, prints and failures), so what AWS answered for it can be compared with ours.
They are read as text and zipped; nothing imports them."""
