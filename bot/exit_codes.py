"""The exit statuses of the `parley` command, which a service manager acts on.

deploy/parley.service restarts Parley after a failure that may pass by itself (no network, a
database server that is down) and not after one only the teacher can fix (a setting, the token,
a path): restarting every few seconds would only fill the log with the same line.
"""

EXIT_OK = 0
EXIT_FAILURE = 1
"""Something failed that may pass by itself, or a command found problems (`parley check`)."""
EXIT_SETTINGS = 2
"""A setting, the token, a path or the command line is wrong: only the user can fix it."""
EXIT_INTERRUPTED = 130
"""Ctrl-C."""
