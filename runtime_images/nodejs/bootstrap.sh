#!/bin/sh
# Starts Lambda Simulator's Node.js runtime as AWS starts its own: V8's heap is sized from the
# function's memory, so a function that allocates too much fails as it would on AWS, within
# its limit rather than at the kernel's.
if [ -n "$AWS_LAMBDA_FUNCTION_MEMORY_SIZE" ]; then
    new_space=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE / 25))
    set -- "--max-semi-space-size=$((new_space / 2))" \
        "--max-old-space-size=$((AWS_LAMBDA_FUNCTION_MEMORY_SIZE - new_space))"
fi
# A pipe the simulator reads the runtime's output from, past the container engine; the variable
# naming it is the runtime's, not the function's.
if [ -p "$LAMBDA_SIM_OUTPUT" ]; then
    exec >"$LAMBDA_SIM_OUTPUT" 2>&1
fi
unset LAMBDA_SIM_OUTPUT
set -- node --expose-gc --max-http-header-size 81920 "$@" "${0%/*}/bootstrap.js"
# AWS_LAMBDA_EXEC_WRAPPER: the runtime starts through that program, given its own command.
if [ -n "$AWS_LAMBDA_EXEC_WRAPPER" ]; then
    set -- "$AWS_LAMBDA_EXEC_WRAPPER" "$@"
fi
exec "$@"
