//! A custom runtime's side of the Lambda Runtime API, with the standard library only: it takes
//! each event, hands it and its context to a handler, and posts the handler's answer or error,
//! as a compiled `bootstrap` on provided.al2 and provided.al2023 does.

use std::collections::BTreeMap;
use std::env;
use std::error::Error;
use std::io::{Read, Write};
use std::net::TcpStream;

pub type HandlerError = Box<dyn Error + Send + Sync>;

/// What the runtime knows of one invocation: the function's settings and the event's headers.
/// Not every handler reads every field.
#[allow(dead_code)]
pub struct Context {
    pub request_id: String,
    pub deadline_ms: u64,
    pub invoked_function_arn: String,
    pub function_name: String,
    pub function_version: String,
    pub memory_mb: u64,
    pub log_group_name: String,
    pub log_stream_name: String,
}

struct Answer {
    headers: BTreeMap<String, String>,
    body: String,
}

fn request(api: &str, method: &str, path: &str, body: &str) -> Answer {
    let mut stream = TcpStream::connect(api).expect("the Runtime API is reachable");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {api}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("request written");
    stream.write_all(body.as_bytes()).expect("request written");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("answer read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let headers: BTreeMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let chunked = headers.get("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    let body = if chunked { unchunk(rest) } else { rest.to_string() };
    Answer { headers, body }
}

fn unchunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// `text` as a JSON string.
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn variable(name: &str) -> String {
    env::var(name).unwrap_or_default()
}

/// Serves events forever: each goes to `handler`, whose JSON text is the response, or whose
/// error is posted as the invocation's error, named by the error's type.
pub fn run(handler: fn(&str, &Context) -> Result<String, HandlerError>) {
    let api = variable("AWS_LAMBDA_RUNTIME_API");
    loop {
        let next = request(&api, "GET", "/2018-06-01/runtime/invocation/next", "");
        let header = |name: &str| next.headers.get(name).cloned().unwrap_or_default();
        // As the runtimes do: the trace of the current invocation is in the environment.
        match next.headers.get("lambda-runtime-trace-id") {
            Some(trace) => env::set_var("_X_AMZN_TRACE_ID", trace),
            None => env::remove_var("_X_AMZN_TRACE_ID"),
        }
        let context = Context {
            request_id: header("lambda-runtime-aws-request-id"),
            deadline_ms: header("lambda-runtime-deadline-ms").parse().unwrap_or(0),
            invoked_function_arn: header("lambda-runtime-invoked-function-arn"),
            function_name: variable("AWS_LAMBDA_FUNCTION_NAME"),
            function_version: variable("AWS_LAMBDA_FUNCTION_VERSION"),
            memory_mb: variable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").parse().unwrap_or(0),
            log_group_name: variable("AWS_LAMBDA_LOG_GROUP_NAME"),
            log_stream_name: variable("AWS_LAMBDA_LOG_STREAM_NAME"),
        };
        let base = format!("/2018-06-01/runtime/invocation/{}", context.request_id);
        match handler(&next.body, &context) {
            Ok(body) => request(&api, "POST", &format!("{base}/response"), &body),
            Err(error) => {
                let body = format!(
                    "{{\"errorType\":{},\"errorMessage\":{}}}",
                    quoted(std::any::type_name_of_val(&&error)),
                    quoted(&error.to_string())
                );
                request(&api, "POST", &format!("{base}/error"), &body)
            }
        };
    }
}
