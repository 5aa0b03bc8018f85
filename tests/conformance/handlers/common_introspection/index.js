// Reports what a Node.js function sees: its whole environment and its context object.
// `memoryLimitInMb` is read as the recorded handler read it; Node.js's context names it
// `memoryLimitInMB`, so the key is left out of the JSON, as it is in AWS's answer.
exports.handler = async (event, context) => ({
  environment: process.env,
  ctx: {
    function_name: context.functionName,
    function_version: context.functionVersion,
    invoked_function_arn: context.invokedFunctionArn,
    memory_limit_in_mb: context.memoryLimitInMb,
    aws_request_id: context.awsRequestId,
    log_group_name: context.logGroupName,
    log_stream_name: context.logStreamName,
    remaining_time_in_millis: context.getRemainingTimeInMillis(),
  },
  packages: [],
});
