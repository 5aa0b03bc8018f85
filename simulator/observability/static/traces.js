// The trace view: one request's waterfall across functions and services, drawn from
// /_simulator/ui/traces/<id>, opened from an invocation's row.
"use strict";

function traceLink(traceId) {
  if (!traceId) return "–";
  const link = el("a", { href: `#trace-${traceId}`, class: "trace-link", "data-trace": traceId },
    "view");
  link.addEventListener("click", (event) => {
    event.preventDefault();
    showTrace(traceId);
  });
  return link;
}

async function showTrace(traceId) {
  const section = $("#trace-section");
  section.hidden = false;
  $("#trace-id").textContent = traceId;
  const waterfall = $("#trace-waterfall");
  let view;
  try {
    view = await getJson(`${UI}/traces/${encodeURIComponent(traceId)}`);
  } catch (error) {
    waterfall.replaceChildren(el("p", { class: "empty" }, `No trace ${traceId}: ${error.message}`));
    return;
  }
  const total = view.durationMs || 1;
  waterfall.replaceChildren(
    el("div", { class: "trace-total" }, `${view.rows.length} segments · ${total.toFixed(1)} ms`),
    ...view.rows.map((row) => el("div", { class: `trace-row status-${row.status}`, "data-kind": row.kind },
      el("span", { class: "trace-name", style: `padding-left:${row.depth}em`, title: row.kind },
        row.name),
      el("span", { class: "trace-lane" },
        el("span", { class: "trace-bar", title: `${row.durationMs.toFixed(2)} ms`,
          style: `left:${(100 * row.offsetMs) / total}%;`
            + `width:${Math.max((100 * row.durationMs) / total, 0.3)}%` })),
      el("span", { class: "trace-ms" }, `${row.durationMs.toFixed(1)} ms`),
    )),
  );
  section.scrollIntoView({ block: "nearest" });
}
