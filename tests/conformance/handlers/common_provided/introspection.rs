//! Reports what a custom runtime's function sees: its whole environment and its context.

mod runtime;

use runtime::{quoted, Context, HandlerError};

fn handler(_event: &str, context: &Context) -> Result<String, HandlerError> {
    let environment: Vec<String> = std::env::vars()
        .map(|(name, value)| format!("{}:{}", quoted(&name), quoted(&value)))
        .collect();
    let ctx = format!(
        "{{\"aws_request_id\":{},\"deadline\":{},\"function_name\":{},\"function_version\":{},\
         \"invoked_function_arn\":{},\"log_group_name\":{},\"log_stream_name\":{},\
         \"memory_limit_in_mb\":{}}}",
        quoted(&context.request_id),
        context.deadline_ms,
        quoted(&context.function_name),
        quoted(&context.function_version),
        quoted(&context.invoked_function_arn),
        quoted(&context.log_group_name),
        quoted(&context.log_stream_name),
        context.memory_mb
    );
    Ok(format!(
        "{{\"environment\":{{{}}},\"ctx\":{},\"packages\":[]}}",
        environment.join(","),
        ctx
    ))
}

fn main() {
    runtime::run(handler);
}
