def handler(event, context):
    raise Exception("Test exception (this is intentional)")
