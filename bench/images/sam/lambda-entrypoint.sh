#!/bin/sh
# As in AWS's base images: the runtime itself under Lambda (AWS_LAMBDA_RUNTIME_API set),
# else behind the Runtime Interface Emulator.
if [ $# -ge 1 ]; then
    export _HANDLER="$1"
fi
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
    exec /usr/local/bin/aws-lambda-rie /var/runtime/bootstrap
fi
exec /var/runtime/bootstrap
