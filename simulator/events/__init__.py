"""Event sources: each turns something that happened (an S3 upload, a message, a schedule, an HTTP request) into invocations."""
