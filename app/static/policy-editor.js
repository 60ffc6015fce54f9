// ParcelDesk rule editor: builds business-rules JSON from forms generated out of the
// exported metadata (/api/v1/rulesets/metadata). Plain DOM, no framework, no CDN.
(function () {
  "use strict";
  const root = document.getElementById("policy-editor");
  if (!root) return;
  const T = window.PD_TEXT || {};
  const kind = root.dataset.kind;
  const canEdit = root.dataset.canEdit === "true";
  const canSimulate = root.dataset.canSimulate === "true";
  const api = "/api/v1/rulesets/" + kind;
  const state = { meta: null, rules: [], parameters: {}, basedOn: null, selected: 0,
                  problems: [], warnings: [], hits: {}, published: null };
  let saveTimer = null;

  // ---------- small helpers ----------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  // the session cookie signs these requests in, so every change carries the CSRF token
  function headers(json) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    const out = meta ? { "X-CSRFToken": meta.content } : {};
    if (json) out["Content-Type"] = "application/json";
    return out;
  }
  async function call(method, url, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin", headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      const error = new Error(data.message || T.failed);
      error.data = data; error.status = response.status;
      throw error;
    }
    return data;
  }
  function message(text, level) {
    const box = document.getElementById("pe-messages");
    box.replaceChildren(el("div", { class: "alert alert-" + (level || "info") }, text));
  }
  function variable(name) { return state.meta.variables.find((v) => v.name === name); }
  function operators(typeName) { return state.meta.variable_type_operators[typeName] || []; }
  function actionSpec(name) { return state.meta.actions.find((a) => a.name === name); }
  function option(value, label, selected) {
    return el("option", { value, selected: selected ? "selected" : null }, label);
  }

  // ---------- rule list ----------
  function renderList() {
    const body = document.querySelector("#pe-rules tbody");
    body.replaceChildren();
    state.rules.forEach((rule, i) => {
      const hits = state.hits[rule.name];
      const problems = state.problems.filter((p) => p.path.startsWith(`rules[${i}]`)).length;
      const warnings = state.warnings.filter((w) => w.path.startsWith(`rules[${i}]`)).length;
      const row = el("tr", {
        class: (i === state.selected ? "pe-selected " : "") + (rule.enabled === false ? "pe-disabled" : ""),
        "data-rule": i,
        // Editors may drag a rule to its place; ↑/↓ do the same from the keyboard.
        draggable: canEdit ? "true" : null, title: canEdit ? T.dragHint : null,
        ondragstart: (e) => { e.dataTransfer.setData("text/plain", String(i)); e.dataTransfer.effectAllowed = "move"; },
        ondragover: (e) => { if (canEdit) { e.preventDefault(); e.currentTarget.classList.add("pe-drop"); } },
        ondragleave: (e) => e.currentTarget.classList.remove("pe-drop"),
        ondrop: (e) => {
          e.preventDefault();
          const from = Number(e.dataTransfer.getData("text/plain"));
          if (Number.isInteger(from)) moveTo(from, i);
        },
      },
        el("td", {}, i + 1),
        el("td", { class: "pe-name" },
          el("a", { href: "#", onclick: (e) => { e.preventDefault(); state.selected = i; render(); } },
            rule.name || "#" + (i + 1)),
          problems ? el("span", { class: "badge pe-badge-problem" }, problems) : null,
          warnings ? el("span", { class: "badge pe-badge-warning" }, warnings) : null),
        el("td", {}, el("input", {
          type: "checkbox", class: "pe-enabled", checked: rule.enabled === false ? null : "checked",
          disabled: canEdit ? null : "disabled",
          onchange: (e) => { rule.enabled = e.target.checked; changed(); },
        })),
        el("td", {}, canEdit ? [
          el("button", { class: "btn btn-xs btn-default pe-up", title: T.up, disabled: i === 0 ? "disabled" : null,
                         onclick: () => move(i, -1) }, "↑"),
          el("button", { class: "btn btn-xs btn-default pe-down", title: T.down,
                         disabled: i === state.rules.length - 1 ? "disabled" : null,
                         onclick: () => move(i, 1) }, "↓")] : ""),
        el("td", { class: "pe-hits" }, hits ? `${hits["24h"]} / ${hits["7d"]} / ${hits["30d"]}` : "–",
          hits && hits.never_fired_30d ? el("div", { class: "pe-never" }, T.neverFired) : null));
      body.append(row);
    });
  }
  function move(i, step) { moveTo(i, i + step); }
  function moveTo(from, to) {
    if (from === to || from < 0 || to < 0 || from >= state.rules.length || to >= state.rules.length) {
      renderList();
      return;
    }
    const [rule] = state.rules.splice(from, 1);
    state.rules.splice(to, 0, rule);
    state.selected = to;
    changed();
  }

  // ---------- rule builder ----------
  function renderBuilder() {
    const box = document.getElementById("pe-builder");
    box.replaceChildren();
    const rule = state.rules[state.selected];
    if (!rule) return;
    const path = `rules[${state.selected}]`;
    const ro = canEdit ? null : "disabled";
    box.append(
      el("div", { class: "form-group" }, el("label", {}, T.name),
        el("input", { class: "form-control", id: "pe-rule-name", "data-path": path + ".name", value: rule.name || "",
                      disabled: ro, oninput: (e) => { rule.name = e.target.value; changed(false); } })),
      el("div", { class: "form-group" }, el("label", {}, T.description),
        el("input", { class: "form-control", "data-path": path + ".description", value: rule.description || "",
                      disabled: ro, oninput: (e) => { rule.description = e.target.value; changed(false); } })),
      el("h5", {}, T.conditions),
      rule.conditions ? group(rule, "conditions", rule.conditions, path + ".conditions", null)
        : el("div", { class: "pe-group" }, T.always, " ",
             canEdit ? el("button", { class: "btn btn-xs btn-default pe-add-condition",
               onclick: () => { rule.conditions = { all: [newLeaf()] }; changed(); } }, T.addCondition) : ""),
      el("h5", {}, T.actions),
      actionList(rule, path + ".actions"),
      canEdit ? el("button", { class: "btn btn-danger btn-xs", id: "pe-delete-rule", onclick: () => {
        state.rules.splice(state.selected, 1);
        state.selected = Math.max(0, state.selected - 1);
        changed();
      } }, T.deleteRule) : "");
    markProblems();
  }
  function newLeaf() {
    const v = state.meta.variables[0];
    const op = operators(v.field_type)[0];
    return { name: v.name, operator: op.name, value: defaultValue(v, op) };
  }
  // "region is in group …": the value is a group of the rule set's `region_groups`.
  const GROUP_OPS = ["is_in_group", "is_not_in_group"];
  function groupNames() {
    return Object.keys((state.parameters || {}).region_groups || state.meta.parameters.region_groups || {});
  }
  function defaultValue(v, op) {
    if (GROUP_OPS.includes(op.name)) return groupNames()[0] || "";
    if (op.input_type === "none") return undefined;
    if (op.input_type === "numeric") return 0;
    if (op.input_type === "select_multiple") return v.options.length ? [v.options[0]] : [];
    if (v.options && v.options.length) return v.options[0];
    return "";
  }
  function group(parent, key, node, path, onRemove) {
    const mode = "all" in node ? "all" : "any";
    const children = node[mode];
    const box = el("div", { class: "pe-group", "data-path": path + "." + mode });
    const modeSelect = el("select", { class: "pe-mode", disabled: canEdit ? null : "disabled", onchange: (e) => {
      const items = node[mode]; delete node[mode]; node[e.target.value] = items; changed();
    } }, option("all", T.all, mode === "all"), option("any", T.any, mode === "any"));
    box.append(el("div", {}, modeSelect, " ",
      canEdit ? [
        el("button", { class: "btn btn-xs btn-default pe-add-condition",
                       onclick: () => { children.push(newLeaf()); changed(); } }, T.addCondition), " ",
        el("button", { class: "btn btn-xs btn-default pe-add-group",
                       onclick: () => { children.push({ all: [newLeaf()] }); changed(); } }, T.addGroup), " ",
        el("button", { class: "btn btn-xs btn-link pe-remove-group", onclick: () => {
          if (onRemove) onRemove(); else parent[key] = null;
          changed();
        } }, T.remove)] : ""));
    children.forEach((child, i) => {
      const childPath = `${path}.${mode}[${i}]`;
      const remove = () => { children.splice(i, 1); };
      box.append("all" in child || "any" in child ? group(null, null, child, childPath, remove)
                                                  : leaf(child, childPath, remove));
    });
    return box;
  }
  function leaf(node, path, onRemove) {
    const v = variable(node.name) || state.meta.variables[0];
    const ops = operators(v.field_type);
    const op = ops.find((o) => o.name === node.operator) || ops[0];
    const ro = canEdit ? null : "disabled";
    const varSelect = el("select", { class: "form-control input-sm pe-variable", "data-path": path + ".name", disabled: ro,
      onchange: (e) => {
        const nv = variable(e.target.value); const nop = operators(nv.field_type)[0];
        node.name = nv.name; node.operator = nop.name; node.value = defaultValue(nv, nop);
        if (node.value === undefined) delete node.value;
        changed();
      } }, state.meta.variables.map((x) => option(x.name, x.label, x.name === v.name)));
    const opSelect = el("select", { class: "form-control input-sm pe-operator", "data-path": path + ".operator", disabled: ro,
      onchange: (e) => {
        const nop = ops.find((o) => o.name === e.target.value);
        const keep = nop.input_type === op.input_type
          && GROUP_OPS.includes(nop.name) === GROUP_OPS.includes(op.name);
        node.operator = nop.name;
        if (!keep) { node.value = defaultValue(v, nop); if (node.value === undefined) delete node.value; }
        changed();
      } }, ops.map((o) => option(o.name, o.label, o.name === op.name)));
    return el("div", { class: "pe-leaf form-inline" }, varSelect, " ", opSelect, " ",
      GROUP_OPS.includes(op.name)
        ? valueInput(node, "value", v, op.input_type, groupNames(), path + ".value", {})
        : valueInput(node, "value", v, op.input_type, v.options, path + ".value", v.option_labels), " ",
      canEdit ? el("button", { class: "btn btn-xs btn-link pe-remove", onclick: () => { onRemove(); changed(); } }, T.remove) : "",
      op.help ? el("p", { class: "help-block pe-operator-help" }, op.help) : "");
  }
  // Codes are stored; `labels` (from the metadata) are what the user reads.
  function valueInput(holder, key, v, inputType, options, path, labels = {}) {
    const text = (o) => labels[o] || o;
    const ro = canEdit ? null : "disabled";
    const set = (value) => { holder[key] = value; changed(false); };
    if (inputType === "none") return "";
    if (inputType === "select_multiple") {
      const chosen = new Set(holder[key] || []);
      return el("select", { multiple: "multiple", class: "form-control input-sm pe-value", "data-path": path, disabled: ro,
        onchange: (e) => set([...e.target.selectedOptions].map((o) => o.value)) },
        options.map((o) => option(o, text(o), chosen.has(o))));
    }
    if ((inputType === "select" || inputType === "text") && options && options.length) {
      return el("select", { class: "form-control input-sm pe-value", "data-path": path, disabled: ro,
        onchange: (e) => set(e.target.value) },
        (options.includes(holder[key]) ? [] : [option("", "—", true)]).concat(
          options.map((o) => option(o, text(o), o === holder[key]))));
    }
    if (inputType === "numeric") {
      return el("span", {}, el("input", { type: "number", step: "any", class: "form-control input-sm pe-value",
        "data-path": path, value: holder[key] ?? "", disabled: ro,
        oninput: (e) => set(e.target.value === "" ? null : Number(e.target.value)) }),
        v && v.field_type === "duration" ? " " + T.hours : "");
    }
    return el("input", { type: "text", class: "form-control input-sm pe-value", "data-path": path,
      value: holder[key] ?? "", disabled: ro, oninput: (e) => set(e.target.value) });
  }
  function actionList(rule, path) {
    const box = el("div", {});
    rule.actions = rule.actions || [];
    rule.actions.forEach((action, i) => {
      const spec = actionSpec(action.name) || state.meta.actions[0];
      const apath = `${path}[${i}]`;
      const ro = canEdit ? null : "disabled";
      action.params = action.params || {};
      const row = el("div", { class: "pe-action form-inline", "data-path": apath },
        el("select", { class: "form-control input-sm pe-action-name", "data-path": apath + ".name", disabled: ro,
          onchange: (e) => { rule.actions[i] = { name: e.target.value, params: {} }; changed(); } },
          state.meta.actions.map((a) => option(a.name, a.label, a.name === spec.name))));
      spec.params.forEach((p) => {
        row.append(" ", el("label", {}, p.label + " "),
          valueInput(action.params, p.name, null, p.fieldType, p.options, `${apath}.params.${p.name}`,
            p.option_labels));
      });
      if (canEdit) row.append(" ", el("button", { class: "btn btn-xs btn-link",
        onclick: () => { rule.actions.splice(i, 1); changed(); } }, T.remove));
      box.append(row);
    });
    if (canEdit) box.append(el("button", { class: "btn btn-xs btn-default pe-add-action", onclick: () => {
      const first = state.meta.actions[0];
      rule.actions.push({ name: first.name, params: {} }); changed();
    } }, T.addAction));
    return box;
  }

  // ---------- validation display ----------
  function markProblems() {
    document.querySelectorAll(".pe-error").forEach((n) => n.classList.remove("pe-error"));
    document.querySelectorAll(".pe-error-text").forEach((n) => n.remove());
    for (const p of state.problems) {
      const target = document.querySelector(`#policy-editor [data-path="${CSS.escape(p.path)}"]`);
      if (target) {
        target.classList.add("pe-error");
        target.after(el("span", { class: "pe-error-text" }, p.message));
      }
    }
    const list = document.getElementById("pe-problems");
    list.replaceChildren(
      ...state.problems.map((p) => el("div", { class: "text-danger pe-problem" },
        `${T.problem}: ${p.rule ? p.rule + " — " : ""}${p.message} (${p.path})`)),
      ...state.warnings.map((w) => el("div", { class: "text-warning pe-warning" },
        `${T.warning}: ${w.rule} — ${w.message}`)));
  }

  // ---------- saving the draft ----------
  function changed(rerender = true) {
    if (rerender) render(); else renderList();
    document.getElementById("pe-json").value = JSON.stringify(state.rules, null, 2);
    if (!canEdit) return;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 350);
  }
  async function saveDraft() {
    try {
      const result = await call("PUT", api + "/draft",
        { rules: state.rules, parameters: state.parameters, based_on: state.basedOn });
      state.problems = result.problems; state.warnings = result.warnings;
      setStatus(result.valid ? T.draftSaved : T.draftInvalid);
      renderList(); markProblems();
    } catch (e) { message(e.message, "danger"); }
  }
  function setStatus(text) {
    document.getElementById("pe-status").textContent =
      `${T.published} ${state.published} · ${text || ""}`;
  }
  function render() { renderList(); renderBuilder(); renderParameters(); renderRegionGroups(); }

  // ---------- region groups (a parameter of the rule set, versioned with it) ----------
  function renderRegionGroups() {
    const box = document.getElementById("pe-region-groups");
    if (!box) return;
    box.replaceChildren();
    if (!state.meta.parameters.region_groups) return;
    state.parameters = state.parameters || {};
    const groups = state.parameters.region_groups = state.parameters.region_groups
      || JSON.parse(JSON.stringify(state.meta.parameters.region_groups));
    const ro = canEdit ? null : "disabled";
    box.append(el("h5", {}, T.regionGroups));
    for (const [name, codes] of Object.entries(groups)) {
      const chosen = new Set(codes);
      box.append(el("div", { class: "pe-region-group form-inline", "data-group": name },
        el("label", {}, name, " "),
        el("select", { multiple: "multiple", size: 6, class: "form-control input-sm", disabled: ro,
          "data-path": `parameters.region_groups.${name}`,
          onchange: (e) => { groups[name] = [...e.target.selectedOptions].map((o) => o.value); changed(false); } },
          Object.entries(state.meta.regions).map(([code, label]) => option(code, label, chosen.has(code)))),
        canEdit ? el("button", { class: "btn btn-xs btn-link", onclick: () => { delete groups[name]; changed(); } }, T.remove) : ""));
    }
    if (!canEdit) return;
    const input = el("input", { class: "form-control input-sm pe-new-group", placeholder: T.groupName, size: 12 });
    box.append(el("div", { class: "form-inline" }, input, " ",
      el("button", { class: "btn btn-xs btn-default pe-add-group-name", onclick: () => {
        const name = input.value.trim().toLowerCase();
        if (name && !groups[name]) { groups[name] = []; changed(); }
      } }, T.addRegionGroup)));
  }

  // ---------- rule-set parameters, built from their declaration in the metadata ----------
  function renderParameters() {
    const box = document.getElementById("pe-parameters");
    if (!box) return;
    box.replaceChildren();
    const specs = state.meta.parameter_specs || [];
    if (!specs.length) return;
    state.parameters = state.parameters || {};
    box.append(el("h5", {}, T.parameters));
    for (const spec of specs) box.append(parameterField(spec));
    markProblems();
  }
  function parameterField(spec) {
    const ro = canEdit ? null : "disabled";
    const path = `parameters.${spec.name}`;
    const current = state.parameters[spec.name] ?? spec.default;
    const set = (value) => { state.parameters[spec.name] = value; changed(false); };
    const number = (value) => (value === "" ? null : Number(value));
    let input;
    if (spec.type === "weights" || spec.type === "targets") {  // named numbers
      const weights = { ...(current || {}) };
      input = el("div", { class: "pe-weights" }, spec.fields.map((f) =>
        el("label", { class: "pe-weight" }, `${f.label} `,
          el("input", { type: "number", step: spec.type === "targets" ? "any" : "0.05", min: spec.min, max: spec.max, value: weights[f.name] ?? "",
            "data-weight": f.name, "data-path": `${path}.${f.name}`, class: "form-control input-sm", disabled: ro,
            oninput: (e) => { weights[f.name] = number(e.target.value); set({ ...weights }); } }))));
    } else if (spec.type === "boolean") {
      input = el("input", { type: "checkbox", "data-path": path, "data-parameter": spec.name, disabled: ro,
        checked: current ? "checked" : null, onchange: (e) => set(e.target.checked) });
    } else if (spec.type === "choice") {
      input = el("select", { class: "form-control input-sm", "data-path": path, "data-parameter": spec.name, disabled: ro,
        onchange: (e) => set(e.target.value) },
        spec.options.map((o) => option(o, spec.option_labels[o] || o, o === current)));
    } else if (spec.type === "keywords") {
      input = el("textarea", { class: "form-control input-sm", rows: "3", "data-path": path, "data-parameter": spec.name,
        disabled: ro, oninput: (e) => set(e.target.value) }, current || "");
    } else if (spec.type === "money") {
      // kept as text: an amount in CNY with at most 2 decimals, never a rounded float
      input = el("input", { type: "text", inputmode: "decimal", class: "form-control input-sm", value: current ?? "",
        "data-path": path, "data-parameter": spec.name, disabled: ro, oninput: (e) => set(e.target.value.trim()) });
    } else {
      input = el("input", { type: "number", step: spec.type === "integer" ? "1" : "any", min: spec.min, max: spec.max,
        class: "form-control input-sm", value: current ?? "", "data-path": path, "data-parameter": spec.name,
        disabled: ro, oninput: (e) => set(number(e.target.value)) });
    }
    return el("div", { class: "form-group pe-parameter", "data-parameter-row": spec.name },
      el("label", {}, spec.label), input, spec.help ? el("p", { class: "help-block" }, spec.help) : "");
  }

  // ---------- simulate ----------
  async function simulate() {
    const days = Number(document.getElementById("pe-sim-days").value || 30);
    const bar = document.querySelector("#pe-sim-progress .progress-bar");
    const out = document.getElementById("pe-sim-result");
    document.getElementById("pe-sim-progress").style.display = "";
    bar.style.width = "0%"; out.replaceChildren();
    const response = await fetch(api + "/simulate?stream=1", {
      method: "POST", credentials: "same-origin", headers: headers(true),
      body: JSON.stringify({ rules: state.rules, parameters: state.parameters, days }) });
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      state.problems = data.problems || []; markProblems(); renderList();
      message(data.message || T.failed, "danger");
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffer.slice(0, nl)); buffer = buffer.slice(nl + 1);
        if (line.progress !== undefined && line.total) bar.style.width = `${Math.round(100 * line.progress / line.total)}%`;
        if (line.error) message(line.error.message, "danger");
        if (line.result) { bar.style.width = "100%"; showSimulation(line.result); }
      }
    }
  }
  function showSimulation(result) {
    const out = document.getElementById("pe-sim-result");
    const fields = Object.entries(result.by_field || {}).map(([f, n]) => `${f}: ${n}`).join(", ");
    out.replaceChildren(
      el("p", { id: "pe-sim-summary" }, el("strong", { id: "pe-sim-changed" }, result.changed), ` ${T.wouldChange} / `,
        el("span", { id: "pe-sim-evaluated" }, result.evaluated), ` ${T.evaluated}`, fields ? ` (${fields})` : ""),
      el("table", { class: "table table-condensed", id: "pe-sim-table" },
        el("thead", {}, el("tr", {}, el("th", {}, T.complaint), el("th", {}, T.field),
                           el("th", {}, T.before), el("th", {}, T.after))),
        el("tbody", {}, result.changes.map((c) => el("tr", {},
          el("td", {}, c.complaint || c.scope), el("td", {}, c.field),
          el("td", {}, JSON.stringify(c.before)), el("td", {}, JSON.stringify(c.after)))))));
  }

  // ---------- test one complaint ----------
  const TEST_FIELDS = ["category", "channel", "region", "customer_tier", "service_type", "impact",
                       "urgency", "description", "declared_value", "is_repeat"];
  function renderTestFields() {
    const box = document.getElementById("pe-test-fields");
    const holder = (state.testFields = state.testFields || {});
    box.replaceChildren();
    const names = ["grading", "routing", "sla"].includes(kind) ? TEST_FIELDS : state.meta.variables.map((v) => v.name);
    for (const name of names) {
      const v = variable(name);
      if (!v) continue;
      let input;
      if (v.field_type === "boolean") {
        input = el("input", { type: "checkbox", "data-field": name, onchange: (e) => { holder[name] = e.target.checked; } });
      } else if (v.options && v.options.length) {
        input = el("select", { class: "form-control input-sm", "data-field": name,
          onchange: (e) => { if (e.target.value) holder[name] = e.target.value; else delete holder[name]; } },
          option("", "—", true), v.options.map((o) => option(o, v.option_labels[o] || o, false)));
      } else if (["number", "duration"].includes(v.field_type)) {
        input = el("input", { type: "number", step: "any", class: "form-control input-sm", "data-field": name,
          oninput: (e) => { if (e.target.value === "") delete holder[name]; else holder[name] = Number(e.target.value); } });
      } else {
        input = el("input", { type: "text", class: "form-control input-sm", "data-field": name,
          oninput: (e) => { holder[name] = e.target.value; } });
      }
      box.append(el("div", { class: "form-inline pe-leaf" }, el("label", { style: "min-width:14em" }, v.label), " ", input));
    }
  }
  async function testOne() {
    const id = document.getElementById("pe-test-complaint").value;
    const body = { rules: state.rules, parameters: state.parameters };
    if (id) body.complaint = Number(id); else body.fields = state.testFields || {};
    const out = document.getElementById("pe-test-result");
    try {
      const result = await call("POST", api + "/test", body);
      const head = result.team !== undefined
        ? el("p", { id: "pe-test-summary" }, `${T.level}: ${result.level} · ${T.team}: ${result.team} · ${T.deadlines}: ` +
            `${result.sla.first_response_minutes} min / ${result.sla.resolution_hours} h / ${result.sla.callback_days} d`)
        : "";
      out.replaceChildren(head, ...result.stages.map(traceTable));
    } catch (e) {
      out.replaceChildren(el("div", { class: "alert alert-danger" }, e.message,
        e.data && e.data.details ? " " + JSON.stringify(e.data.details) : ""));
    }
  }
  function traceTable(stage) {
    return el("div", {}, el("h5", {}, `${stage.kind} v${stage.version}: ${stage.fired.join(", ") || "—"}`),
      el("table", { class: "table table-condensed pe-trace" }, el("tbody", {}, stage.rules.flatMap((r) => {
        const rows = (r.conditions.length ? r.conditions : [{ variable: "—", operator: T.always, result: true }]);
        return rows.map((c, i) => el("tr", { class: r.matched ? "pe-hit" : "" },
          el("td", {}, i === 0 ? `${r.rule} (${r.matched ? T.matched : T.notMatched})` : ""),
          el("td", {}, c.variable), el("td", {}, JSON.stringify(c.actual ?? "")), el("td", {}, c.operator),
          el("td", {}, JSON.stringify(c.expected ?? "")),
          el("td", { class: c.result ? "ok" : "" }, c.error ? c.error : c.result ? "✔" : "✘")));
      }))));
  }

  // ---------- publish, history, diff, rollback ----------
  async function publish() {
    const comment = document.getElementById("pe-comment").value.trim();
    if (!comment) { message(T.commentRequired, "warning"); return; }
    try {
      const row = await call("POST", api + "/versions", { rules: state.rules, parameters: state.parameters, comment });
      await call("DELETE", api + "/draft");
      message(`${T.published} ${row.version}`, "success");
      document.getElementById("pe-comment").value = "";
      await load();
    } catch (e) {
      state.problems = (e.data && e.data.problems) || []; render();
      message(e.message, "danger");
    }
  }
  async function loadHistory() {
    const versions = (await call("GET", api + "/versions")).result;
    const box = document.getElementById("pe-history");
    box.replaceChildren(el("table", { class: "table table-condensed", id: "pe-history-table" },
      el("thead", {}, el("tr", {}, el("th", {}, T.version), el("th", {}, T.author), el("th", {}, T.when),
                         el("th", {}, T.comment), el("th", {}, ""))),
      el("tbody", {}, versions.map((v) => el("tr", { "data-version": v.version },
        el("td", {}, v.version), el("td", {}, v.author || "—"), el("td", {}, officeTime(v.created_at)),
        el("td", {}, v.comment),
        el("td", {}, canEdit && v.version !== state.published ? el("button", {
          class: "btn btn-xs btn-warning pe-rollback", onclick: () => rollback(v.version) }, T.rollback) : ""))))));
    for (const id of ["pe-diff-from", "pe-diff-to"]) {
      document.getElementById(id).replaceChildren(...versions.map((v, i) =>
        option(v.version, v.version, id === "pe-diff-to" ? i === 0 : i === Math.min(1, versions.length - 1))));
    }
  }
  async function rollback(version) {
    const why = window.prompt(T.rollbackWhy);
    if (!why) return;
    try {
      const row = await call("POST", api + "/rollback", { version, comment: why });
      message(`${T.published} ${row.version}`, "success");
      await load();
    } catch (e) { message(e.message, "danger"); }
  }
  async function showDiff() {
    const from = document.getElementById("pe-diff-from").value;
    const to = document.getElementById("pe-diff-to").value;
    const d = await call("GET", `${api}/diff?from=${from}&to=${to}`);
    const out = document.getElementById("pe-diff-result");
    const section = (title, items, render) => items.length ? el("div", {}, el("h5", {}, title), el("ul", {}, items.map(render))) : "";
    const nothing = !d.added.length && !d.removed.length && !d.changed.length && !d.moved.length;
    out.replaceChildren(nothing ? el("p", {}, T.noDifference) : "",
      section(T.added, d.added, (r) => el("li", { class: "text-success" }, `${r.rule}: ${r.conditions} → ${r.actions.join("; ")}`)),
      section(T.removed, d.removed, (r) => el("li", { class: "text-danger" }, `${r.rule}: ${r.conditions} → ${r.actions.join("; ")}`)),
      section(T.changed, d.changed, (r) => el("li", {}, r.rule, el("ul", {}, r.changes.map((c) =>
        el("li", {}, `${c.field}: `, el("del", {}, JSON.stringify(c.before)), " → ", el("ins", {}, JSON.stringify(c.after))))))),
      section(T.moved, d.moved, (r) => el("li", {}, `${r.rule}: #${r.from} → #${r.to}`)));
  }

  // ---------- raw JSON ----------
  function applyJson() {
    let rules;
    try { rules = JSON.parse(document.getElementById("pe-json").value); } catch (e) {
      message(`${T.invalidJson}: ${e.message}`, "danger"); return;
    }
    if (!Array.isArray(rules)) { message(T.invalidJson, "danger"); return; }
    state.rules = rules; state.selected = 0; changed();
  }

  // ---------- tabs and start ----------
  function showTab(name) {
    document.querySelectorAll("#pe-tabs li").forEach((li) =>
      li.classList.toggle("active", li.firstElementChild.dataset.tab === name));
    document.querySelectorAll(".pe-tab").forEach((tab) => { tab.style.display = tab.id === "pe-tab-" + name ? "" : "none"; });
    if (name === "history") loadHistory().catch((e) => message(e.message, "danger"));
  }
  async function load() {
    const [meta, draft, current, hits] = await Promise.all([
      call("GET", "/api/v1/rulesets/metadata?kind=" + kind),
      canEdit ? call("GET", api + "/draft") : Promise.resolve(null),
      call("GET", api),
      call("GET", api + "/hits"),
    ]);
    state.meta = meta.result[kind];
    state.published = current.version;
    const source = draft || current;
    state.rules = source.rules; state.parameters = source.parameters || {};
    state.basedOn = draft ? draft.based_on : current.version;
    state.hits = Object.fromEntries(hits.result.map((h) => [h.rule, h]));
    state.selected = Math.min(state.selected, Math.max(0, state.rules.length - 1));
    state.problems = []; state.warnings = [];
    document.getElementById("pe-json").value = JSON.stringify(state.rules, null, 2);
    setStatus(draft && draft.draft ? `${T.draftSaved} (${T.basedOn} ${state.basedOn})` : "");
    render();
    if (canSimulate) renderTestFields();
    if (draft && draft.draft) saveDraft();
  }

  document.querySelectorAll("#pe-tabs a").forEach((a) => a.addEventListener("click", (e) => {
    e.preventDefault(); showTab(a.dataset.tab);
  }));
  const on = (id, handler) => { const n = document.getElementById(id); if (n) n.addEventListener("click", handler); };
  on("pe-add-rule", () => {
    const action = state.meta.actions[0];
    state.rules.push({ name: `${T.newRule} ${state.rules.length + 1}`, enabled: true,
                       conditions: { all: [newLeaf()] }, actions: [{ name: action.name, params: {} }] });
    state.selected = state.rules.length - 1; changed();
  });
  on("pe-discard", async () => {
    if (!window.confirm(T.discardConfirm)) return;
    await call("DELETE", api + "/draft"); await load();
  });
  on("pe-simulate", () => simulate().catch((e) => message(e.message, "danger")));
  on("pe-test", testOne);
  on("pe-publish", publish);
  on("pe-diff", () => showDiff().catch((e) => message(e.message, "danger")));
  on("pe-json-apply", applyJson);
  showTab(canSimulate ? "simulate" : "history");
  load().catch((e) => message(e.message, "danger"));
})();

// Every time on our pages reads in the office's time zone as 2026-11-23 14:30, whatever
// the browser's own locale.
function officeTime(iso) {
  if (!iso) return "—";
  var root = document.getElementById("policy-editor");
  var zone = (root && root.getAttribute("data-office-tz")) || "Asia/Shanghai";
  var parts = {};
  new Intl.DateTimeFormat("en-GB", {timeZone: zone, year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false})
    .formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
  return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
}
