import logging

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)


def handler(event, context):
    print("Lambda log message - print function", flush=True)
    logger.info("Lambda log message - logging module")
    names = ["invoked_function_arn", "function_version", "function_name", "memory_limit_in_mb",
             "aws_request_id", "log_group_name", "log_stream_name"]
    seen = {name: getattr(context, name) for name in names}
    if hasattr(context, "client_context"):
        seen["client_context"] = context.client_context
    return {"event": event, "context": seen}
