"""Event sources: each turns something that happened (an upload, a message, a schedule,
an HTTP request) into invocations."""
