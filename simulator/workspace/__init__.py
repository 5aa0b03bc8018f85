"""Functions that live in local folders and templates on disk: deployed into the control
plane, their requirements installed, and redeployed when a saved file really changes (hot
reload).

May import: `templates`, `events` (to wire a template's event sources), `functions` and the
plain modules."""
