import logging

logging.basicConfig(level=logging.INFO)
LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)


def handler(event, context):
    print("Lambda log message - print function", flush=True)
    LOGGER.info("Lambda log message - logging module")
    if "raise_error" in event:
        raise Exception("Test exception (this is intentional)")
    return {"event": event, "context": {
        "invoked_function_arn": context.invoked_function_arn,
        "function_version": context.function_version,
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "client_context": context.client_context,
    }}
