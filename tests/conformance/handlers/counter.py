calls = 0


def handler(event, context):
    global calls
    seen = calls
    calls += 1
    return {"counter": seen}
