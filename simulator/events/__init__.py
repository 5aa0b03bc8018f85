"""Event sources: each turns something that happened (an upload, a message, a schedule,
an HTTP request) into calls of the data plane's `Invoker`, with the event JSON AWS sends.

May import: `invocation`, `templates` (a template's event specs), `functions` and the plain
modules."""
