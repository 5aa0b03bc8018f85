"""The data plane: running functions. `Invoker.invoke` is the one path every caller takes
(resolve -> acquire -> hand over -> wait): the Invoke route, function URLs and HTTP events,
the SQS poller, moto's S3/SNS/EventBridge fan-in, async retries and destinations. The
asynchronous queue and destinations live here too.

May import: `functions` (to resolve what a reference names), `environments`, and the plain
modules. Observers are told what happened through `observer.InvocationObserver`; nothing
here imports `observability`."""
