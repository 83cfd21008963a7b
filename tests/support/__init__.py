"""Test support: a broker for the session, workers as real processes, polling with deadlines."""
