"""The wire APIs, one blueprint or listener each: the Lambda API boto3 speaks (and its fast
Invoke path), the Runtime API a runtime pulls work from, HTTP events and function URLs, the
simulator's own `/_simulator/` routes, and the gateway that sends every other AWS service
to the embedded moto. Routes and wire details only; the work is done below.

May import: `observability`, `workspace`, `events`, `invocation`, `templates`, `functions`,
`environments` and the plain modules. Only `app`, `http_server` and `commands` import it."""
