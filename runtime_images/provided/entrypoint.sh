#!/bin/sh
# Starts a custom runtime: the function's own executable `bootstrap`, else a layer's, looked for
# where AWS looks. The process executor passes its own code and layer folders as arguments.
[ "$#" -gt 0 ] || set -- /var/task /opt
tried=""
for folder in "$@"; do
    if [ -f "$folder/bootstrap" ] && [ -x "$folder/bootstrap" ]; then
        exec "$folder/bootstrap"
    fi
    tried="$tried${tried:+ }$folder/bootstrap"
done
echo "Couldn't find valid bootstrap(s): [$tried]"
exit 1
