'use strict';
/*
 * Lambda Simulator's Node.js runtime: a dependency-free client of the Lambda Runtime API.
 *
 * It behaves like AWS's own Node.js runtime, so a function sees no difference: the same handler
 * loading (CommonJS or ES modules), async and callback handlers (callbacks refused from
 * nodejs24.x on, as AWS refuses them), context object, error payloads and log lines, and
 * response streaming (`awslambda.streamifyResponse`, `awslambda.HttpResponseStream.from`). Two
 * additions serve the simulator: an end-of-invocation marker on stdout, and the process's peak
 * memory in a header (a trailer, for a streamed response) of every POST.
 */

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Writable } = require('node:stream');
const { finished } = require('node:stream/promises');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

const API = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY_TRAILER = 'Lambda-Runtime-Function-Error-Body';
const RESPONSE_MODE_HEADER = 'Lambda-Runtime-Function-Response-Mode';
const MEMORY_HEADER = 'Lambda-Sim-Max-Memory-Kb';
// How long this runtime held the invocation, from the event's arrival to posting the answer:
// the server's own share of an invoke is the rest.
const RUNTIME_DURATION_HEADER = 'Lambda-Sim-Runtime-Duration-Ms';
// How AWS's runtime marks a streamified handler, so that libraries that look for it find it.
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';
const HTTP_INTEGRATION_RESPONSE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_DELIMITER = Buffer.alloc(8); // the 8 NUL bytes between a prelude and the body
const UNCAUGHT_EXCEPTION_EXIT = 129;
const UNHANDLED_REJECTION_EXIT = 128;

// -- errors, named and shaped as AWS's runtime names and shapes them ----------------------------

function runtimeErrorClass(name) {
  const ErrorClass = class extends Error {};
  ErrorClass.prototype.name = `Runtime.${name}`;
  return ErrorClass;
}

const ImportModuleError = runtimeErrorClass('ImportModuleError');
const HandlerNotFound = runtimeErrorClass('HandlerNotFound');
const MalformedHandlerName = runtimeErrorClass('MalformedHandlerName');
const UserCodeSyntaxError = runtimeErrorClass('UserCodeSyntaxError');
const UnhandledPromiseRejection = runtimeErrorClass('UnhandledPromiseRejection');
const NodeJsExit = runtimeErrorClass('NodeJsExit');
const InvalidStreamingOperation = runtimeErrorClass('InvalidStreamingOperation');
const CallbackHandlerDeprecated = runtimeErrorClass('CallbackHandlerDeprecated');

function isErrorLike(value) {
  const parts = value ? [value.name, value.message, value.stack] : [];
  return parts.length > 0 && parts.every((part) => typeof part === 'string' && part !== '');
}

/** The error body the Runtime API gets: what Invoke returns to the caller. */
function errorResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while ' +
        'retrieving one or more of its message, name, and stack',
    };
  }
}

/** An error as AWS logs it: a tab, then JSON with the error's name, message and stack lines. */
function formatted(error) {
  const withStack = (_key, value) => {
    if (!(value instanceof Error)) return value;
    const shown = { errorType: value.name, errorMessage: value.message, code: value.code, ...value };
    if (typeof value.stack === 'string') shown.stack = value.stack.split('\n');
    return shown;
  };
  try {
    return '\t' + JSON.stringify(error, withStack);
  } catch {
    return '\t' + JSON.stringify(errorResponse(error));
  }
}

// -- logging --------------------------------------------------------------------------------------

let currentRequestId; // undefined until the first invocation, as AWS's log lines show it

/** Make every console method write AWS's line: time, request id, level, message. stdout only, so
 * that log lines and the end-of-invocation marker reach the server in the order written. */
function patchConsole() {
  const levels = {
    trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR',
    fatal: 'FATAL',
  };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const time = new Date().toISOString();
      process.stdout.write(`${time}\t${currentRequestId}\t${level}\t${util.format(...args)}\n`);
    };
  }
  process.stderr.write = process.stdout.write.bind(process.stdout);
}

function logError(label, error) {
  console.error(label, formatted(error instanceof Error ? error : new Error(error)));
}

function endInvocation(requestId) {
  process.stdout.write(`\x1eLAMBDA_SIM_END ${requestId}\x1e\n`);
}

/** Peak resident memory. VmHWM, unlike getrusage's maxRSS, starts afresh at exec instead of
 * carrying over the peak of the process that started this one. */
function peakMemoryKb() {
  try {
    const match = /^VmHWM:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // no /proc: getrusage's figure is the best there is
  }
  return process.resourceUsage().maxRSS;
}

// -- the Runtime API ------------------------------------------------------------------------------

class RuntimeApi {
  constructor(address) {
    const colon = address.lastIndexOf(':');
    this.host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    this.port = Number(address.slice(colon + 1));
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.eventArrived = null; // when the invocation held now arrived (hrtime, ns)
    this.answerArrived = null; // when the last answer's head came (hrtime, ns)
  }

  /** One request; sent again once if the server had closed the kept-alive connection. */
  async request(method, route, body, headers = {}) {
    try {
      return await this.send(method, route, body, headers);
    } catch (error) {
      if (!error.reusedSocket) throw error;
      return this.send(method, route, body, headers);
    }
  }

  send(method, route, body, headers) {
    return new Promise((resolve, reject) => {
      const options = {
        host: this.host, port: this.port, path: API + route, method, headers, agent: this.agent,
      };
      const request = http.request(options, (response) => {
        this.answerArrived = process.hrtime.bigint();
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({
          status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks),
        }));
      });
      request.on('error', (error) => {
        error.reusedSocket = request.reusedSocket && error.code === 'ECONNRESET';
        reject(error);
      });
      request.end(body);
    });
  }

  async next() {
    this.eventArrived = null;
    const answer = await this.request('GET', '/invocation/next');
    this.eventArrived = this.answerArrived;
    if (answer.status !== 200) {
      throw new Error(`Runtime API answered ${answer.status} to invocation/next`);
    }
    return answer;
  }

  post(route, body, headers) {
    const payload = Buffer.from(body);
    const timing = {};
    if (this.eventArrived !== null) {
      const heldNs = process.hrtime.bigint() - this.eventArrived;
      timing[RUNTIME_DURATION_HEADER] = (Number(heldNs) / 1e6).toFixed(3);
    }
    return this.request('POST', route, payload, {
      ...headers,
      ...timing,
      'Content-Type': 'application/json',
      'Content-Length': payload.length,
      [MEMORY_HEADER]: String(peakMemoryKb()),
    });
  }

  respond(requestId, body) {
    return this.post(`/invocation/${requestId}/response`, body, {});
  }

  /** Post an invocation's error. `ending` says the runtime exits next: the header then tells
   * the simulator so, as Runtime.ExitError does, lest it hand this runtime another event. */
  fail(requestId, error, ending) {
    const body = JSON.stringify(errorResponse(error));
    const errorType = ending ? 'Runtime.ExitError' : 'Unhandled';
    return this.post(`/invocation/${requestId}/error`, body, { [ERROR_TYPE_HEADER]: errorType });
  }

  failInit(error) {
    const response = errorResponse(error);
    return this.post('/init/error', JSON.stringify(response), {
      [ERROR_TYPE_HEADER]: response.errorType,
    });
  }

  /** A streamed response: chunked, on a connection of its own (closed after it, as AWS asks);
   * its trailers come at the end. `answer` settles with the Runtime API's reply. */
  openStream(requestId, contentType) {
    let request;
    const answer = new Promise((resolve, reject) => {
      request = http.request({
        host: this.host, port: this.port, path: `${API}/invocation/${requestId}/response`,
        method: 'POST', agent: false,
        headers: {
          [RESPONSE_MODE_HEADER]: 'streaming',
          'Transfer-Encoding': 'chunked',
          Trailer: [ERROR_TYPE_HEADER, ERROR_BODY_TRAILER, MEMORY_HEADER].join(', '),
          'Content-Type': contentType,
        },
      }, (response) => {
        response.resume();
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode));
      });
      request.on('error', reject);
    });
    return { request, answer };
  }
}

// -- response streaming ---------------------------------------------------------------------------

/** What a streamified handler writes to: its bytes go to the Runtime API as the chunks of a
 * streamed response. The request starts with the first write, so the content type (and the
 * prelude of HttpResponseStream.from) can be set until then; the runtime ends it once the
 * handler has settled, with the error, if any, in its trailers. */
class ResponseStream extends Writable {
  constructor(api, requestId) {
    super();
    this.api = api;
    this.requestId = requestId;
    this.contentType = 'application/octet-stream';
    this.prelude = undefined;
    this.request = null;
    this.answer = null;
    // A write after the response has ended goes nowhere, as on AWS; it must not end the runtime.
    this.on('error', () => {});
  }

  setContentType(contentType) {
    if (this.request) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
    this.contentType = String(contentType);
  }

  /** As on AWS, what is neither text nor bytes is written as its JSON. */
  write(chunk, encoding, callback) {
    const data = typeof chunk === 'string' || chunk instanceof Uint8Array
      ? chunk : JSON.stringify(chunk);
    return super.write(data, encoding, callback);
  }

  _write(chunk, _encoding, callback) {
    // A chunk the Runtime API no longer takes (the response grew too large) is dropped: the
    // invocation has its answer already, and the handler goes on undisturbed.
    this.opened().write(chunk, () => callback());
  }

  opened() {
    if (this.request === null) {
      ({ request: this.request, answer: this.answer } =
        this.api.openStream(this.requestId, this.contentType));
      this.answer.catch(() => {}); // awaited in close(); a refusal must not crash the runtime
      // The Runtime API cut the response short (it grew too large): the chunks still waiting
      // will never go out, and the stream must not wait for them.
      this.request.on('error', () => this.destroy());
      if (this.prelude !== undefined) {
        this.request.write(Buffer.concat([Buffer.from(JSON.stringify(this.prelude)),
          PRELUDE_DELIMITER]));
      }
    }
    return this.request;
  }

  /** Settles once the handler has ended the stream and every chunk has gone out. */
  ended() {
    if (!this.writableEnded) return Promise.reject('Response stream is not finished.');
    return finished(this);
  }

  /** End the response once the chunks written before have gone out; a stream never written to
   * still answers (with its prelude, if set). */
  async close(error) {
    if (!this.writableFinished && !this.destroyed) {
      if (!this.writableEnded) this.end();
      await finished(this).catch(() => {});
    }
    const request = this.opened();
    const trailers = { [MEMORY_HEADER]: String(peakMemoryKb()) };
    if (error !== undefined) {
      const response = errorResponse(error);
      trailers[ERROR_TYPE_HEADER] = response.errorType;
      trailers[ERROR_BODY_TRAILER] = Buffer.from(JSON.stringify(response)).toString('base64');
    }
    request.addTrailers(trailers);
    request.end();
    return this.answer;
  }
}

class HttpResponseStream {
  /** Give a response stream the HTTP status, headers and cookies a function URL answers
   * with: written as a JSON prelude and 8 NUL bytes before the body. */
  static from(responseStream, prelude) {
    responseStream.setContentType(HTTP_INTEGRATION_RESPONSE);
    responseStream.prelude = prelude;
    return responseStream;
  }
}

/** The `awslambda` global AWS's Node.js runtimes offer a function's code. */
const awslambda = {
  streamifyResponse(handler) {
    handler[HANDLER_STREAMING] = STREAM_RESPONSE;
    return handler;
  },
  HttpResponseStream,
};

// -- loading the handler --------------------------------------------------------------------------

/** Whether a .js file in this folder is an ES module: its nearest package.json says so. The
 * search stops at the task root, above which nothing of the function's can be. */
function isModuleFolder(folder, taskRoot) {
  if (folder.endsWith(`${path.sep}node_modules`)) return false;
  const manifest = path.join(folder, 'package.json');
  if (fs.existsSync(manifest)) {
    try {
      return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module';
    } catch (error) {
      console.warn(
        `${manifest} cannot be read, it will be ignored for ES module detection purposes.`, error);
      return false;
    }
  }
  const parent = path.dirname(folder);
  if (folder === taskRoot || parent === folder) return false;
  return isModuleFolder(parent, taskRoot);
}

/** Find the module as AWS does: extensionless, .js (CommonJS or, by package.json, ES), .mjs,
 * .cjs, then Node's own resolution from the task root. */
async function importModule(taskRoot, moduleRoot, moduleName) {
  const file = path.resolve(taskRoot, moduleRoot, moduleName);
  const exists = (extension) => fs.existsSync(file + extension);
  const esModule = (extension) => import(pathToFileURL(file + extension).href);
  if (exists('')) return require(file);
  const isModule = exists('.js') && isModuleFolder(path.dirname(file), taskRoot);
  if (exists('.js')) return isModule ? esModule('.js') : require(file + '.js');
  if (exists('.mjs')) return esModule('.mjs');
  if (exists('.cjs')) return require(file + '.cjs');
  return require(require.resolve(moduleName, { paths: [taskRoot, moduleRoot] }));
}

async function loadHandler(taskRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. Use absolute ` +
      'paths when specifying root directories in handler names.');
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - handlerString.length);
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, functionPath] = match;
  let userModule;
  try {
    userModule = await importModule(taskRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(String(error));
    if (error.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(String(error));
    throw error;
  }
  const handler = functionPath.split('.').reduce((found, key) => found && found[key], userModule);
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return handler;
}

/** From nodejs24.x on, AWS's runtime refuses at init a handler that declares a callback (a third
 * parameter), unless it streams. The declared runtime decides, not the Node.js that runs it. */
function refuseCallbackHandler(handler) {
  const runtimeMajor = /^AWS_Lambda_nodejs(\d+)\.x$/.exec(process.env.AWS_EXECUTION_ENV || '');
  if (!runtimeMajor || Number(runtimeMajor[1]) < 24) return;
  if (handler.length >= 3 && handler[HANDLER_STREAMING] !== STREAM_RESPONSE) {
    throw new CallbackHandlerDeprecated('ERROR: AWS Lambda has removed support for ' +
      'callback-based function handlers starting with Node.js 24. You need to modify this ' +
      'function to use a supported handler signature to use Node.js 24 or later. For more ' +
      'information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
  }
}

// -- invocations ----------------------------------------------------------------------------------

function parseJson(text, name) {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${error}`);
  }
}

class Runtime {
  constructor(api, handler) {
    this.api = api;
    this.handler = handler; // called as this.handler, so traces read "at Runtime.handler"
    this.handlerIsAsync = handler.constructor.name === 'AsyncFunction';
    this.streaming = handler[HANDLER_STREAMING] === STREAM_RESPONSE;
    this.onEmptyEventLoop = null; // what to do should the handler leave nothing to wait for
    this.abort = null; // ends the current invocation with an error that kills the runtime
    process.on('beforeExit', () => {
      const action = this.onEmptyEventLoop;
      this.onEmptyEventLoop = null;
      if (action) action();
    });
  }

  async serve() {
    for (;;) {
      const { headers, body } = await this.api.next();
      const requestId = headers['lambda-runtime-aws-request-id'];
      currentRequestId = requestId;
      if (headers['lambda-runtime-trace-id']) {
        process.env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
      } else {
        delete process.env._X_AMZN_TRACE_ID;
      }
      if (this.streaming) {
        const stream = new ResponseStream(this.api, requestId);
        const outcome = await this.invokeStreaming(stream, headers, body);
        await this.reportStream(requestId, stream, outcome);
        if (outcome.exitCode !== undefined) process.exit(outcome.exitCode);
        continue;
      }
      const outcome = await this.invoke(headers, body);
      await this.report(requestId, outcome);
      if (outcome.exitCode !== undefined) process.exit(outcome.exitCode);
    }
  }

  /** Run the handler until it answers, by promise, callback or context method, whichever
   * comes first; the answer is { result } or { error }. */
  invoke(headers, body) {
    return new Promise((settle) => {
      let answered = false;
      const once = (method) => (...args) => {
        if (answered) return;
        answered = true;
        method(...args);
      };
      const finish = (outcome) => {
        this.onEmptyEventLoop = null;
        this.abort = null;
        settle(outcome);
      };
      const done = (error, result) => {
        finish(error === undefined || error === null ? { result } : { error });
      };
      let waitsForEmptyEventLoop = true;
      const callback = (error, result) => {
        if ((error !== undefined && error !== null) || !waitsForEmptyEventLoop) {
          done(error, result);
        } else {
          this.onEmptyEventLoop = () => setImmediate(() => done(null, result));
        }
      };
      const context = {
        get callbackWaitsForEmptyEventLoop() { return waitsForEmptyEventLoop; },
        set callbackWaitsForEmptyEventLoop(value) { waitsForEmptyEventLoop = value; },
        done: once(done),
        succeed: once((result) => done(null, result)),
        fail: once((error) => done(error ?? 'handled')),
      };
      this.abort = (error, exitCode) => finish({ error, exitCode });
      this.onEmptyEventLoop = () => {
        answered = true;
        done(this.handlerIsAsync ? new NodeJsExit('The Lambda runtime client detected an ' +
          'unexpected Node.js exit code. This is most commonly caused by a Promise that was ' +
          'never settled.') : null, null);
      };
      try {
        Object.assign(context, this.environmentData(headers));
        const returned = this.handler(JSON.parse(body.toString('utf8')), context, once(callback));
        if (returned && typeof returned.then === 'function') {
          returned.then(context.succeed, context.fail);
        }
      } catch (error) {
        once(callback)(error);
      }
    });
  }

  /** Run a streamified handler, `handler(event, responseStream, context)`, until its promise
   * settles and its stream has ended; the answer is {} or { error }. */
  invokeStreaming(stream, headers, body) {
    return new Promise((settle) => {
      let settled = false;
      const finish = (outcome) => {
        if (settled) return;
        settled = true;
        this.onEmptyEventLoop = null;
        this.abort = null;
        settle(outcome);
      };
      this.abort = (error, exitCode) => finish({ error, exitCode });
      this.onEmptyEventLoop = () => finish({ error: new NodeJsExit('The Lambda runtime client ' +
        'detected an unexpected Node.js exit code. This is most commonly caused by a Promise ' +
        'that was never settled.') });
      let waitsForEmptyEventLoop = true;
      const context = {
        get callbackWaitsForEmptyEventLoop() { return waitsForEmptyEventLoop; },
        set callbackWaitsForEmptyEventLoop(value) { waitsForEmptyEventLoop = value; },
      };
      const run = async () => {
        Object.assign(context, this.environmentData(headers));
        const returned = this.handler(JSON.parse(body.toString('utf8')), stream, context);
        if (!returned || typeof returned.then !== 'function') {
          throw 'Streaming does not support non-async handlers.';
        }
        if ((await returned) !== undefined) console.warn('Streaming handlers ignore return values.');
        await stream.ended();
      };
      run().then(() => finish({}), (error) => finish({ error }));
    });
  }

  /** End the streamed response: an error goes in its trailers, as AWS's runtime sends it. The
   * end-of-invocation marker comes after, so that what goes wrong on the way is in this
   * invocation's log. */
  async reportStream(requestId, stream, { error, exitCode }) {
    if (error !== undefined && exitCode === undefined) logError('Invoke Error', error);
    try {
      await stream.close(error);
    } catch (refusal) {
      console.error('The Runtime API did not take the streamed response:', refusal.message);
    }
    endInvocation(requestId);
  }

  environmentData(headers) {
    const env = process.env;
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    return {
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: parseJson(headers['lambda-runtime-client-context'], 'ClientContext'),
      identity: parseJson(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: headers['lambda-runtime-aws-request-id'],
      tenantId: headers['lambda-runtime-aws-tenant-id'],
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
  }

  /** Post the answer; an error that will also end the runtime was logged when it was caught. */
  async report(requestId, { result, error, exitCode }) {
    let body;
    if (error === undefined) {
      try {
        body = JSON.stringify(result === undefined ? null : result);
      } catch {
        error = new Error('Unable to stringify response body');
      }
    }
    if (error !== undefined) {
      if (exitCode === undefined) logError('Invoke Error', error);
      endInvocation(requestId);
      await this.api.fail(requestId, error, exitCode !== undefined);
    } else {
      endInvocation(requestId);
      await this.api.respond(requestId, body);
    }
  }
}

// -- start ----------------------------------------------------------------------------------------

let api = null;
let runtime = null; // null while the function's code loads: failures then are init errors

/** An error nothing caught: it ends the current invocation, or the init, and then the runtime. */
async function fatal(label, error, exitCode) {
  logError(label, error);
  if (runtime === null) {
    try {
      await api.failInit(error);
    } finally {
      process.exit(1);
    }
  }
  if (runtime.abort) {
    runtime.abort(error, exitCode);
  } else {
    process.exit(exitCode);
  }
}

async function main() {
  // AWS's runtime starts through a bash script that execs node: the handler sees its SHLVL.
  process.env.SHLVL ??= '0';
  patchConsole();
  globalThis.awslambda = awslambda; // before the function's code loads: it calls it as it loads
  process.on('uncaughtException', (error) => {
    fatal('Uncaught Exception', error, UNCAUGHT_EXCEPTION_EXIT);
  });
  process.on('unhandledRejection', (reason) => {
    const error = new UnhandledPromiseRejection(reason?.toString());
    fatal('Unhandled Promise Rejection', error, UNHANDLED_REJECTION_EXIT);
  });
  api = new RuntimeApi(process.env.AWS_LAMBDA_RUNTIME_API);
  const taskRoot = process.env.LAMBDA_TASK_ROOT || '/var/task';
  const handler = await loadHandler(taskRoot, process.env._HANDLER || '');
  refuseCallbackHandler(handler);
  runtime = new Runtime(api, handler);
  await runtime.serve();
}

main().catch((error) => fatal('Uncaught Exception', error, UNCAUGHT_EXCEPTION_EXIT));
