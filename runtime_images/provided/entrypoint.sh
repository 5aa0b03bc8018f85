#!/bin/sh
# Starts a custom runtime: the function's own executable `bootstrap`, else a layer's, looked for
# where AWS looks. The process executor passes its own code and layer folders as arguments.
[ "$#" -gt 0 ] || set -- /var/task /opt
# A pipe the simulator reads the runtime's output from, past the container engine; the variable
# naming it is the runtime's, not the function's.
if [ -p "$LAMBDA_SIM_OUTPUT" ]; then
    exec >"$LAMBDA_SIM_OUTPUT" 2>&1
fi
unset LAMBDA_SIM_OUTPUT
tried=""
for folder in "$@"; do
    if [ -f "$folder/bootstrap" ] && [ -x "$folder/bootstrap" ]; then
        exec "$folder/bootstrap"
    fi
    tried="$tried${tried:+ }$folder/bootstrap"
done
echo "Couldn't find valid bootstrap(s): [$tried]"
exit 1
