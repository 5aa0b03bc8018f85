"""The control plane: what a function *is*. The registry and its SQLite store, versions and
aliases, layers, code (uploads, the unpacked store, /opt), tags, validation with AWS's limits
and wording, and account settings.

May import: `environments` (to prepare and retire environments when a function changes) and
the plain modules (`models`, `errors`, `config`, `state_db`). Never the data plane above it,
the API, or observability."""
