// Durable executions: the latest with their status, refreshed every two seconds; a row opens
// that execution's operations on a timeline (steps, waits, callbacks, child contexts).
"use strict";

let openExecution = null;

function renderDurable(executions) {
  fill($("#durable-executions tbody"), executions.map((e) => {
    const row = el("tr", { class: "durable-row", "data-arn": e.arn },
      el("td", {}, e.function), el("td", { title: e.arn }, e.name),
      el("td", { class: `durable-${e.status}` }, e.status),
      el("td", {}, (e.started || "").slice(11, 23)), el("td", {}, (e.ended || "").slice(11, 23)),
      el("td", {}, e.operations), el("td", {}, e.invocations));
    row.addEventListener("click", () => showDurable(e.arn));
    return row;
  }), 7, "No durable executions yet.");
}

async function showDurable(arn) {
  openExecution = arn;
  const view = await getJson(`${UI}/durable/${encodeURIComponent(arn)}`);
  const known = view.timeline.filter((o) => o.offsetMs !== null);
  const total = Math.max(1, ...known.map((o) => o.offsetMs + (o.durationMs ?? 0)));
  const timeline = $("#durable-timeline");
  timeline.hidden = false;
  timeline.replaceChildren(
    el("div", { class: "trace-total" }, `${view.name}: ${view.status} · ${view.timeline.length} ` +
      `operations · ${view.invocations} invocations`),
    ...view.timeline.map((o) => el("div", { class: `trace-row durable-op status-${o.status}` },
      el("span", { class: "trace-name", style: `padding-left:${o.depth}em`, title: o.subType || o.type },
        `${o.type.toLowerCase()} ${o.name}`),
      el("span", { class: "trace-lane" },
        el("span", { class: "trace-bar", title: o.status,
          style: `left:${(100 * (o.offsetMs ?? 0)) / total}%;`
            + `width:${Math.max((100 * (o.durationMs ?? 0)) / total, 0.3)}%` })),
      el("span", { class: "trace-ms" }, o.durationMs === null ? o.status : `${o.durationMs.toFixed(0)} ms`),
    )),
  );
}

async function refreshDurable() {
  try {
    renderDurable(await getJson(`${UI}/durable`));
    if (openExecution) await showDurable(openExecution);
  } catch (error) {
    // the state poll shows the page as stale; the next tick retries
  }
}

refreshDurable();
setInterval(refreshDurable, 2000);
