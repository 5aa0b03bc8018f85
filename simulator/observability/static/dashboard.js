// The dashboard's behaviour: poll the simulator's JSON every second and redraw the tables,
// follow the chosen function's log, and invoke with a saved test event through the Lambda API.
"use strict";

const UI = "/_simulator/ui";
const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "–")));
  }
  return node;
}

function fill(tbody, rows, columns, emptyText) {
  tbody.replaceChildren(...(rows.length ? rows : [
    el("tr", { class: "empty" }, el("td", { colspan: String(columns) }, emptyText)),
  ]));
}

async function getJson(url) {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// -- functions, environments and invocations ---------------------------------------------

function syncSelect(select, names) {
  const current = select.value;
  const have = [...select.options].map((option) => option.value);
  if (have.join("\n") === names.join("\n")) return;
  select.replaceChildren(...names.map((name) => el("option", { value: name }, name)));
  if (names.includes(current)) select.value = current;
  if (select.value !== current) select.dispatchEvent(new Event("change"));
}

// What each function would cost on AWS this month (refreshCost), by name.
let costs = {};

function renderFunctions(functions) {
  const selected = $("#test-function").value;
  fill($("#functions tbody"), functions.map((f) => {
    const row = el("tr", { "data-function": f.name, class: f.name === selected ? "selected" : "" },
      el("td", { class: "name" }, f.name), el("td", {}, f.runtime), el("td", {}, f.handler),
      el("td", {}, `${f.memory} MB`), el("td", {}, `${f.timeout} s`), el("td", {}, `${f.codeSize} B`),
      el("td", {}, f.reserved), el("td", { class: "warm" }, f.warm),
      el("td", { class: "busy" }, f.busy), el("td", { class: "starting" }, f.starting),
      el("td", {}, f.invocations), el("td", {}, f.errors), el("td", {}, f.coldStarts),
      el("td", {}, f.averageMs), el("td", { class: "cost" }, usd(costs[f.name])));
    row.addEventListener("click", () => chooseFunction(f.name));
    return row;
  }), 15, "No functions yet: create one with boto3, the AWS CLI or a SAM template.");
  const names = functions.map((f) => f.name);
  syncSelect($("#test-function"), names);
  syncSelect($("#log-function"), names);
}

function renderEnvironments(environments) {
  fill($("#environments tbody"), environments.map((e) => el("tr", {},
    el("td", {}, e.function), el("td", { title: e.id }, e.id.slice(0, 12)),
    el("td", { class: `state-${e.state}` }, e.state === "idle" ? "warm" : e.state),
    el("td", {}, `${e.ageSeconds} s`), el("td", {}, e.idleSeconds === null ? "–" : `${e.idleSeconds} s`),
  )), 5, "None running.");
}

const phasesTotal = (phases) => Object.values(phases || {}).reduce((sum, ms) => sum + ms, 0);

// One scale for every row (`scaleMs`, the longest shown), so that a warm invoke's bar is as
// much shorter than a cold one's as its time is.
function timeline(phases, scaleMs) {
  const bar = el("div", { class: "timeline" });
  if (!phases) return bar;
  for (const [phase, ms] of Object.entries(phases)) {
    bar.append(el("span", { class: phase, style: `width:${(100 * ms) / (scaleMs || 1)}%`,
      title: `${phase}: ${ms.toFixed(1)} ms` }));
  }
  const label = Object.entries(phases).map(([p, ms]) => `${p} ${ms.toFixed(1)}`).join(" · ");
  return el("div", { title: `${label} ms` }, bar);
}

function renderInvocations(invocations) {
  const scaleMs = Math.max(1, ...invocations.map((i) => phasesTotal(i.phases_ms)));
  $("#timeline-scale").textContent = `bars to one scale: full width = ${scaleMs.toFixed(1)} ms`;
  fill($("#invocations tbody"), invocations.map((i) => el("tr", {},
    el("td", {}, i.time), el("td", {}, i.function_name), el("td", {}, i.request_id),
    el("td", { class: `status-${i.status}` }, i.error_type ? `${i.status} (${i.error_type})` : i.status),
    el("td", {}, i.status === "Throttled" ? "–" : i.cold ? "cold" : "warm"),
    el("td", {}, `${i.duration_ms.toFixed(1)} ms`), responseCell(i.streamed),
    el("td", {}, timeline(i.phases_ms, scaleMs)), el("td", {}, traceLink(i.trace_id)),
  )), 9, "No invocations yet.");
}

// A streamed response: its chunks, its bytes and how soon the first came; else a dash.
function responseCell(streamed) {
  if (!streamed) return el("td", { class: "response" }, "–");
  const first = streamed.first_chunk_ms === null ? "" : `, first after ${streamed.first_chunk_ms.toFixed(1)} ms`;
  return el("td", { class: "response", title: streamed.content_type },
    `streamed: ${streamed.chunks} chunks, ${streamed.total_bytes} B${first}`);
}

async function refreshState() {
  try {
    const state = await getJson(`${UI}/state`);
    renderFunctions(state.functions);
    renderEnvironments(state.environments);
    renderInvocations(state.invocations);
    $("#live").classList.remove("stale");
    $("#live").textContent = "live";
  } catch (error) {
    $("#live").classList.add("stale");
    $("#live").textContent = "disconnected";
  }
}

function chooseFunction(name) {
  for (const select of [$("#test-function"), $("#log-function")]) {
    if (select.value === name) continue;
    select.value = name;
    select.dispatchEvent(new Event("change"));
  }
}

// -- the log viewer ---------------------------------------------------------------------------

const logs = { function: null, after: null, busy: false };

function resetLogs() {
  logs.function = $("#log-function").value || null;
  logs.after = null;
  $("#log-lines").replaceChildren();
}

async function followLogs() {
  if (!logs.function || logs.busy) return;
  logs.busy = true;
  try {
    const query = logs.after === null ? "" : `?after=${logs.after}`;
    const name = logs.function;
    const { events } = await getJson(`${UI}/logs/${encodeURIComponent(name)}${query}`);
    if (name !== logs.function) return;
    const pane = $("#log-lines");
    const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 4;
    for (const event of events) {
      const stamp = new Date(event.timestamp).toISOString().slice(11, 23);
      const report = /^(START|END|REPORT) RequestId/.test(event.message);
      pane.append(el("span", { class: "stamp" }, `${stamp} `),
        el("span", { class: report ? "report" : "" }, event.message.endsWith("\n") ? event.message : `${event.message}\n`));
      logs.after = event.seq;
    }
    if (logs.after === null) logs.after = 0;
    if (events.length && $("#log-follow").checked && atBottom) pane.scrollTop = pane.scrollHeight;
  } catch (error) {
    // the next tick retries
  } finally {
    logs.busy = false;
  }
}

// -- the test form ----------------------------------------------------------------------------

let savedEvents = {};

async function loadSavedEvents() {
  const name = $("#test-function").value;
  savedEvents = name ? await getJson(`${UI}/events/${encodeURIComponent(name)}`) : {};
  const select = $("#saved-events");
  select.replaceChildren(el("option", { value: "" }, "(new event)"),
    ...Object.keys(savedEvents).sort().map((event) => el("option", { value: event }, event)));
}

function showSavedEvent() {
  const chosen = $("#saved-events").value;
  if (!chosen) return;
  $("#event-name").value = chosen;
  $("#event-body").value = JSON.stringify(savedEvents[chosen], null, 2);
}

function parsedEvent() {
  try {
    return JSON.parse($("#event-body").value || "{}");
  } catch (error) {
    $("#invoke-status").textContent = `The event is not JSON: ${error.message}`;
    return undefined;
  }
}

async function saveEvent() {
  const event = parsedEvent();
  const name = $("#event-name").value.trim();
  if (event === undefined || !name) return;
  const response = await fetch(`${UI}/events/${encodeURIComponent($("#test-function").value)}/${encodeURIComponent(name)}`,
    { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(event) });
  const answer = await response.json();
  $("#invoke-status").textContent = response.ok ? `Saved ${name}.` : answer.message;
  await loadSavedEvents();
  if (response.ok) $("#saved-events").value = name;
}

async function deleteEvent() {
  const name = $("#saved-events").value;
  if (!name) return;
  await fetch(`${UI}/events/${encodeURIComponent($("#test-function").value)}/${encodeURIComponent(name)}`,
    { method: "DELETE" });
  $("#invoke-status").textContent = `Deleted ${name}.`;
  await loadSavedEvents();
}

function decodeBase64(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

async function invoke(submitted) {
  submitted.preventDefault();
  const name = $("#test-function").value;
  const event = parsedEvent();
  if (!name || event === undefined) return;
  chooseFunction(name);
  $("#invoke-status").textContent = `Invoking ${name}…`;
  const started = performance.now();
  const response = await fetch(`/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, {
    method: "POST", headers: { "Content-Type": "application/json", "X-Amz-Log-Type": "Tail" },
    body: JSON.stringify(event),
  });
  const payload = await response.text();
  const error = response.headers.get("X-Amz-Function-Error");
  const timing = response.headers.get("Server-Timing") || "";
  const handler = /handler;dur=([\d.]+)/.exec(timing);
  const start = /start;desc="(\w+)"/.exec(timing);
  const parts = [`${response.status}${error ? ` ${error}` : ""}`,
    handler ? `${Number(handler[1]).toFixed(1)} ms in the handler` : null,
    start ? `${start[1]} start` : null,
    `${(performance.now() - started).toFixed(0)} ms round trip`];
  $("#invoke-status").textContent = parts.filter(Boolean).join(" · ");
  let shown = payload;
  try { shown = JSON.stringify(JSON.parse(payload), null, 2); } catch (ignored) { /* not JSON */ }
  const tail = response.headers.get("X-Amz-Log-Result");
  const result = $("#invoke-result");
  result.hidden = false;
  result.textContent = tail ? `${shown}\n\n--- log tail ---\n${decodeBase64(tail)}` : shown;
  result.className = `result ${error ? "status-Error" : ""}`;
  refreshState();
}

// -- event sources and schedules --------------------------------------------------------------

async function refreshSources() {
  try {
    const { EventSourceMappings: mappings = [] } = await getJson("/2015-03-31/event-source-mappings/");
    fill($("#mappings tbody"), mappings.map((m) => el("tr", {},
      el("td", { title: m.EventSourceArn }, (m.EventSourceArn || "").split(":").slice(-1)[0]),
      el("td", {}, (m.FunctionArn || "").split(":function:")[1]), el("td", {}, m.State),
      el("td", {}, m.BatchSize))), 4, "None.");
    const { schedules = [] } = await getJson("/_simulator/schedules");
    fill($("#schedules tbody"), schedules.map((s) => el("tr", {},
      el("td", {}, s.name), el("td", {}, s.expression), el("td", {}, s.state),
      el("td", {}, (s.targets || []).map((arn) => (arn || "").split(":").slice(-1)[0]).join(", ")),
      el("td", { title: s.error || "" }, s.nextFire ? new Date(s.nextFire).toLocaleString() : "–"))),
    5, "None.");
  } catch (error) {
    // shown as stale by the state poll; the next tick retries
  }
}

// -- what it would cost on AWS -----------------------------------------------------------------

function usd(amount) {
  if (amount === undefined) return "–";
  const size = Math.abs(amount);
  if (size === 0 || size >= 0.01) return `$${amount.toFixed(2)}`;
  return `$${amount.toFixed(10).replace(/0+$/, "")}`;
}

async function refreshCost() {
  try {
    const report = await getJson("/_simulator/cost");
    costs = {};
    for (const row of report.functions) costs[row.function] = (costs[row.function] || 0) + row.costUsd;
    for (const row of document.querySelectorAll("#functions tbody tr[data-function]")) {
      row.querySelector(".cost").textContent = usd(costs[row.dataset.function]);
    }
    const { totals, prices } = report;
    $("#cost-total").textContent = `This month on AWS: ${usd(totals.beforeFreeTierUsd)} · ` +
      `free tier −${usd(totals.freeTier.creditUsd)} · after the free tier ` +
      `${usd(totals.afterFreeTierUsd)} (${prices.region} prices of ${prices.asOf}` +
      `${prices.note ? `; ${prices.note}` : ""})`;
  } catch (error) {
    // shown as stale by the state poll; the next tick retries
  }
}

// -- wiring -----------------------------------------------------------------------------------

$("#test-function").addEventListener("change", loadSavedEvents);
$("#saved-events").addEventListener("change", showSavedEvent);
$("#save-event").addEventListener("click", saveEvent);
$("#delete-event").addEventListener("click", deleteEvent);
$("#test-form").addEventListener("submit", invoke);
$("#log-function").addEventListener("change", () => { resetLogs(); followLogs(); });
$("#log-clear").addEventListener("click", () => $("#log-lines").replaceChildren());

resetLogs();
loadSavedEvents();
refreshState();
refreshSources();
refreshCost();
followLogs();
setInterval(refreshState, 1000);
setInterval(followLogs, 1000);
setInterval(refreshSources, 5000);
setInterval(refreshCost, 2000);
