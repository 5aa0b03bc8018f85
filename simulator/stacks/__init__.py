"""CloudFormation stacks: templates deployed, as CloudFormation deploys them, into the
resources they describe, each made through the simulator's own endpoint by its type's
provisioner.

May import: `templates` (reading a template's text) and the plain modules."""
