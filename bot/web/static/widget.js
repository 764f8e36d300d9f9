/* Paper advisor chat widget. Embed:
 *   <script src="https://HOST/widget.js" data-site="SITE_KEY" async></script>
 * Options: data-lang (code | auto), data-title, data-accent, data-position (right | left), data-start.
 * Plain JS in a shadow root, so the host page's CSS and the widget's never mix. Everything from the
 * bot or the visitor is inserted as text (textContent), never as HTML. */
(function () {
  "use strict";
  var STRINGS = __ADVISOR_STRINGS__;
  var LANGS = Object.keys(STRINGS);
  var script = document.currentScript || document.querySelector("script[src*='widget.js'][data-site]");
  if (!script || window.__paperAdvisorWidget) return;
  window.__paperAdvisorWidget = true;

  var BASE = new URL(script.src, location.href).origin;
  var API = BASE + "/api/v1";
  var opts = script.dataset;
  var SITE = opts.site || "";
  var STORE_KEY = "paper-advisor:" + BASE + ":" + SITE;
  var TIMEOUT_MS = 30000;
  var MAX_TEXT = __ADVISOR_MAX_TEXT__;
  var state = load();
  var ui = {};
  var busy = false;
  var started = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY)) || {}; } catch (e) { return {}; }
  }
  function save() {
    try { localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* storage off: session lasts the page */ }
  }

  function supported(tag) {
    var code = String(tag || "").toLowerCase().replace("_", "-").split("-")[0];
    return LANGS.indexOf(code) >= 0 ? code : null;
  }
  function browserLanguage() {
    var list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < list.length; i++) if (supported(list[i])) return supported(list[i]);
    return null;
  }
  function initialLanguage() {
    var wanted = (opts.lang || "").trim().toLowerCase();
    if (state.lang && supported(state.lang)) return state.lang;
    if (wanted === "auto") return browserLanguage() || "en";
    if (wanted) return supported(wanted) || "en";
    return supported(document.documentElement.lang) || browserLanguage() || "en";
  }
  var lang = initialLanguage();
  function s(key) { return (STRINGS[lang] || STRINGS.en)[key] || STRINGS.en[key]; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text != null) node.textContent = text;
    return node;
  }

  /* ---------- rendering (text only) ---------- */
  var TOKEN = /(https?:\/\/[^\s<>"')\]]+)|(\(§[^()]{1,40}\))/g;
  function safeUrl(raw) {
    try { var url = new URL(raw); return url.protocol === "http:" || url.protocol === "https:" ? url.href : null; }
    catch (e) { return null; }
  }
  function renderText(text) {
    var p = el("p", { "class": "text" });
    var last = 0, match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text))) {
      p.appendChild(document.createTextNode(text.slice(last, match.index)));
      var href = match[1] && safeUrl(match[1]);
      if (href) p.appendChild(el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, match[1]));
      else p.appendChild(el("span", { "class": match[2] ? "cite" : "" }, match[0]));
      last = TOKEN.lastIndex;
    }
    p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }
  function renderButtons(buttons) {
    var group = el("div", { "class": "buttons", role: "group", "aria-label": s("widget_suggestions") });
    buttons.forEach(function (b) {
      var button = el("button", { type: "button" }, b.title);
      button.addEventListener("click", function () { send({ payload: b.payload }, b.title); });
      group.appendChild(button);
    });
    return group;
  }
  function addMessage(role, text, buttons, extraClass, image) {
    var item = el("div", { "class": "msg " + role + (extraClass ? " " + extraClass : "") });
    if (text) item.appendChild(renderText(text));
    if (image && safeUrl(image)) item.appendChild(el("img", { src: safeUrl(image), alt: "", loading: "lazy" }));
    if (buttons && buttons.length) item.appendChild(renderButtons(buttons));
    ui.log.appendChild(item);
    ui.log.scrollTop = ui.log.scrollHeight;
    return item;
  }
  function showError(message, retry) {
    var item = addMessage("bot", message, null, "error");
    if (!retry) return;
    var again = el("button", { type: "button", "class": "retry" }, s("widget_retry"));
    again.addEventListener("click", function () { item.remove(); retry(); });
    item.appendChild(again);
  }
  function typing(on) {
    ui.typing.hidden = !on;
    if (on) ui.log.scrollTop = ui.log.scrollHeight;
  }

  /* ---------- API ---------- */
  function ApiError(status, message, code) { this.status = status; this.message = message; this.code = code; }
  function request(method, path, body, session) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    var headers = { Accept: "application/json", "Accept-Language": lang };
    if (body) headers["Content-Type"] = "application/json";
    if (session) headers.Authorization = "Bearer " + session;
    return fetch(API + path, {
      method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
      signal: controller ? controller.signal : undefined, credentials: "omit", mode: "cors"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var error = data && data.error ? data.error : {};
        throw new ApiError(response.status, error.message || s("widget_network"), error.code);
      });
    }, function () {
      throw new ApiError(0, s("widget_network"), "network");
    }).finally(function () { clearTimeout(timer); });
  }
  function ensureSession() {
    if (state.session) return Promise.resolve(state.session);
    return request("POST", "/session", { site: SITE, language: lang }).then(function (data) {
      state.session = data.session_id;
      save();
      return state.session;
    });
  }
  function forgetSession() { delete state.session; save(); }

  function chat(body, retried) {
    return ensureSession().then(function (session) {
      var full = { session_id: session, language: lang, language_source: "channel" };
      for (var key in body) full[key] = body[key];
      return request("POST", "/chat", full);
    }).catch(function (error) {
      if (error.code === "session" && !retried) { forgetSession(); return chat(body, true); }
      throw error;
    });
  }

  var queue = [];
  function send(body, echo) {
    if (echo) addMessage("user", echo);
    queue.push(body);
    if (!busy) next();
  }
  function next() {
    var body = queue.shift();
    if (!body) return;
    busy = true;
    typing(true);
    chat(body).then(function (reply) {
      (reply.messages || []).forEach(function (m) { addMessage("bot", m.text, m.buttons, null, m.image); });
      if (reply.language) setLanguage(reply.language, false);
    }, function (error) {
      showError(error.message, function () { send(body); });
    }).finally(function () {
      busy = false;
      typing(false);
      next();
    });
  }

  function start() {
    started = true;
    if (!state.session) return send({ start: opts.start || "greet" });
    typing(true);
    request("GET", "/history", null, state.session).then(function (data) {
      typing(false);
      (data.messages || []).forEach(function (m) { addMessage(m.role, m.text, m.role === "bot" ? m.buttons : null); });
      if (!data.messages || !data.messages.length) send({ start: opts.start || "greet" });
    }, function (error) {
      typing(false);
      if (error.code === "session") { forgetSession(); return send({ start: opts.start || "greet" }); }
      showError(error.message, start);
    });
  }

  /* ---------- language ---------- */
  function applyStrings() {
    ui.panel.setAttribute("lang", lang);
    ui.title.textContent = opts.title || s("widget_title");
    ui.subtitle.textContent = s("widget_subtitle");
    ui.log.setAttribute("aria-label", s("widget_log"));
    ui.inputLabel.textContent = s("widget_input");
    ui.input.placeholder = s("widget_placeholder");
    ui.sendButton.textContent = s("widget_send");
    ui.typingText.textContent = s("widget_typing");
    ui.languageLabel.textContent = s("widget_language");
    ui.close.setAttribute("aria-label", s("widget_close"));
    ui.restart.setAttribute("aria-label", s("widget_new"));
    ui.restart.title = s("widget_new");
    ui.launcher.setAttribute("aria-label", ui.panel.hidden ? s("widget_open") : s("widget_close"));
    ui.select.value = lang;
  }
  function setLanguage(code, explicit) {
    code = supported(code);
    if (!code) return;
    var changed = code !== lang;
    lang = code;
    state.lang = code;
    save();
    if (changed || explicit) applyStrings();
    if (explicit) send({ payload: "/change_language", language: code, language_source: "explicit" });
  }

  /* ---------- panel ---------- */
  function toggle(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.setAttribute("aria-label", open ? s("widget_close") : s("widget_open"));
    ui.root.classList.toggle("open", open);
    if (open) {
      if (!started) start();
      ui.input.focus();
    } else {
      ui.launcher.focus();
    }
  }
  function restart() {
    /* The old conversation is deleted on the server; if that fails the visitor reads why and how long
       it is kept, and the new conversation starts anyway. */
    var old = state.session;
    forgetSession();
    ui.log.textContent = "";
    var begin = function () { send({ start: opts.start || "greet" }); };
    if (!old) return begin();
    ui.restart.disabled = true;
    request("DELETE", "/session", null, old).then(begin, function (error) {
      if (error.code !== "session") showError(error.message);
      begin();
    }).finally(function () { ui.restart.disabled = false; });
  }
  function submit(event) {
    event.preventDefault();
    var text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = "";
    send({ text: text }, text);
  }

  function icon(paths) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach(function (d) {
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }
  var CHAT_ICON = ["M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"];
  var CLOSE_ICON = ["M6 6l12 12M18 6L6 18"];
  var RESTART_ICON = ["M4 12a8 8 0 1 0 2.3-5.6M4 4v4h4"];

  function build() {
    var host = el("div", { id: "paper-advisor-widget" });
    var shadow = host.attachShadow({ mode: "open" });
    var link = el("link", { rel: "stylesheet", href: BASE + "/widget.css" });
    var root = el("div", { "class": "aw", hidden: "" });
    link.addEventListener("load", function () { root.hidden = false; });
    link.addEventListener("error", function () { root.hidden = false; });
    shadow.appendChild(link);
    shadow.appendChild(root);
    ui.root = root;
    if (opts.position === "left") root.classList.add("left");
    if (opts.accent && window.CSS && CSS.supports("color", opts.accent)) root.style.setProperty("--accent", opts.accent);

    var panel = ui.panel = el("section", { "class": "panel", id: "aw-panel", role: "dialog", "aria-labelledby": "aw-title", hidden: "" });
    var header = el("header");
    var titles = el("div", { "class": "titles" });
    titles.appendChild(ui.title = el("h2", { id: "aw-title" }));
    titles.appendChild(ui.subtitle = el("p"));
    header.appendChild(titles);
    header.appendChild(ui.languageLabel = el("label", { "for": "aw-language", "class": "sr" }));
    ui.select = el("select", { id: "aw-language" });
    LANGS.forEach(function (code) { ui.select.appendChild(el("option", { value: code, lang: code }, STRINGS[code].language_name)); });
    ui.select.addEventListener("change", function () { setLanguage(ui.select.value, true); });
    header.appendChild(ui.select);
    ui.restart = el("button", { type: "button", "class": "icon" });
    ui.restart.appendChild(icon(RESTART_ICON));
    ui.restart.addEventListener("click", restart);
    header.appendChild(ui.restart);
    ui.close = el("button", { type: "button", "class": "icon" });
    ui.close.appendChild(icon(CLOSE_ICON));
    ui.close.addEventListener("click", function () { toggle(false); });
    header.appendChild(ui.close);
    panel.appendChild(header);

    panel.appendChild(ui.log = el("div", { "class": "log", role: "log", "aria-live": "polite", tabindex: "0" }));
    ui.typing = el("div", { "class": "typing", role: "status", hidden: "" });
    ui.typing.appendChild(el("span", { "class": "dots", "aria-hidden": "true" }, "•••"));
    ui.typing.appendChild(ui.typingText = el("span"));
    panel.appendChild(ui.typing);

    var form = el("form", { "class": "composer" });
    form.appendChild(ui.inputLabel = el("label", { "for": "aw-input", "class": "sr" }));
    form.appendChild(ui.input = el("textarea", { id: "aw-input", rows: "1", maxlength: String(MAX_TEXT), autocomplete: "off" }));
    form.appendChild(ui.sendButton = el("button", { type: "submit", "class": "send" }));
    form.addEventListener("submit", submit);
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
    });
    panel.appendChild(form);
    panel.addEventListener("keydown", function (event) { if (event.key === "Escape") toggle(false); });
    root.appendChild(panel);

    ui.launcher = el("button", { type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "aw-panel" });
    ui.launcher.appendChild(icon(CHAT_ICON));
    ui.launcher.addEventListener("click", function () { toggle(ui.panel.hidden); });
    root.appendChild(ui.launcher);

    applyStrings();
    document.body.appendChild(host);
  }

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
