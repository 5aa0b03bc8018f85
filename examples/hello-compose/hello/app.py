"""Edit the greeting and save: the next invoke runs the new code."""


def handler(event, context):
    name = (event or {}).get("name", "world")
    return {"message": f"Hello, {name}!"}
