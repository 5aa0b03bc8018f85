"""Templates and folders on this machine: a template deployed as a stack of the simulator's
own CloudFormation with its local code taken in place, requirements installed, and a
function redeployed when a saved file really changes (hot reload).

May import: `stacks` (the deploy goes through the stack engine), `templates` (reading the
file), `functions` and the plain modules."""
