def handler(event, context):
    report = {"version_id": "%s", "invoked_arn": context.invoked_function_arn,
              "version_from_ctx": context.function_version}
    print(report)
    return report
