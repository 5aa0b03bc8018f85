// The read-only resource view: buckets and objects, queues and their counts, tables and their
// first items, streams and shards, as the embedded services answer for them. Every 5 s.
"use strict";

function objectList(bucket) {
  const names = bucket.objects.map((o) => `${o.key} (${o.size} B)`);
  return names.length ? names.join(", ") + (bucket.more ? ", …" : "") : "empty";
}

function itemList(table) {
  const items = table.items.map((item) => JSON.stringify(item));
  return items.length ? items.join(" ") + (table.more ? " …" : "") : "empty";
}

function renderKind(selector, rows, columns, render) {
  if (!Array.isArray(rows)) {
    fill($(`${selector} tbody`), [], columns, `Not available: ${rows.error}`);
    return;
  }
  fill($(`${selector} tbody`), rows.map(render), columns, "None.");
}

async function refreshResources() {
  try {
    const view = await getJson(`${UI}/resources`);
    renderKind("#buckets", view.buckets, 2, (b) => el("tr", {},
      el("td", { class: "name" }, b.name), el("td", { class: "entries" }, objectList(b))));
    renderKind("#queues", view.queues, 4, (q) => el("tr", {},
      el("td", { class: "name" }, q.name), el("td", {}, q.visible), el("td", {}, q.inFlight),
      el("td", {}, q.delayed)));
    renderKind("#tables", view.tables, 4, (t) => el("tr", {},
      el("td", { class: "name" }, t.name), el("td", {}, t.itemCount), el("td", {}, t.stream || "–"),
      el("td", { class: "entries" }, itemList(t))));
    renderKind("#streams", view.streams, 3, (s) => el("tr", {},
      el("td", { class: "name" }, s.name), el("td", {}, s.status), el("td", {}, s.shards)));
  } catch (error) {
    // shown as stale by the state poll; the next tick retries
  }
}

refreshResources();
setInterval(refreshResources, 5000);
