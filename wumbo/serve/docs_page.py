"""``GET /docs``: a small page, bundled and offline, that shows the server's OpenAPI document.

The page fetches ``openapi.json`` from the server that served it (nothing from any other host:
no CDN, no fonts, no scripts from elsewhere; its ``Content-Security-Policy`` forbids them) and
lists each route with its summary and its request and response schemas, the shared schemas
last. When the server checks tokens, paste one into the page's token field: it is sent as
``Authorization: Bearer ...`` to ``/openapi.json`` only and kept nowhere.
Everything is shown as text (``textContent``), never as HTML, so names and docstrings cannot
inject markup.

Examples:
    >>> b"openapi.json" in DOCS_PAGE, len(DOCS_PAGE) < 4096
    (True, True)
    >>> DOCS_HEADERS["Content-Security-Policy"].startswith("default-src 'none'")
    True
"""

from __future__ import annotations

from typing import Final

__all__ = ["DOCS_HEADERS", "DOCS_PAGE"]

DOCS_PAGE: Final = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wumbo serve: API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em}
h2{font-size:1.1em;margin:1.5em 0 .3em}code,pre{font:13px ui-monospace,monospace}
pre{background:#f4f4f4;padding:.6em;overflow:auto}summary{cursor:pointer}
.verb{display:inline-block;width:4.5em;font-weight:bold}#problem{color:#b00}
</style></head><body>
<h1 id="title">API</h1>
<p><label>Bearer token (only if the server asks for one):
<input id="token" type="password" size="30"></label> <button id="load">Load</button></p>
<p id="problem"></p><div id="routes"></div>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
function add(parent, tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}
function schemaBlock(parent, label, schema) {
  const box = add(parent, "details");
  add(box, "summary", label);
  add(box, "pre", JSON.stringify(schema, null, 2));
}
function show(api) {
  $("title").textContent = api.info.title + " " + api.info.version;
  const routes = $("routes");
  routes.replaceChildren();
  for (const [path, operations] of Object.entries(api.paths)) {
    for (const [verb, op] of Object.entries(operations)) {
      const head = add(routes, "h2");
      add(head, "span", verb.toUpperCase()).className = "verb";
      add(head, "code", path);
      add(routes, "p", op.summary || "");
      for (const [media, body] of Object.entries((op.requestBody || {}).content || {})) {
        schemaBlock(routes, "request " + media, body.schema);
      }
      for (const [status, answer] of Object.entries(op.responses || {})) {
        const ref = answer.$ref ? answer.$ref.split("/").pop() : null;
        const real = ref ? api.components.responses[ref] : answer;
        for (const [media, body] of Object.entries(real.content || {})) {
          schemaBlock(routes, status + " " + media + ": " + real.description, body.schema);
        }
      }
    }
  }
  add(routes, "h2", "Schemas");
  for (const [name, schema] of Object.entries((api.components || {}).schemas || {})) {
    schemaBlock(routes, name, schema);
  }
}
async function load() {
  $("problem").textContent = "";
  const token = $("token").value.trim();
  const headers = token ? {Authorization: "Bearer " + token} : {};
  const answer = await fetch("openapi.json", {headers});
  const body = await answer.json();
  if (!answer.ok) { $("problem").textContent = body.error.message; return; }
  show(body);
}
$("load").addEventListener("click", () => load().catch((e) => { $("problem").textContent = e; }));
load().catch((e) => { $("problem").textContent = e; });
</script></body></html>
"""
"""The page (UTF-8 HTML with its script inline)."""

DOCS_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; connect-src 'self'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}
"""The headers the page goes with: it may load nothing but ``/openapi.json`` from its server."""
