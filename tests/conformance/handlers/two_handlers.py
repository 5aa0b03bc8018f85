def handler(event, context):
    print({"handler": "handler"})
    return {"handler": "handler"}


def handler_two(event, context):
    print({"handler": "handler_two"})
    return {"handler": "handler_two"}
