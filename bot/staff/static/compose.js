/* The compose page (templates/outreach.html), for admins with script on:
 * - the eight language panels become WAI-ARIA tabs: click, or arrow keys / Home / End on the tab row
 *   (automatic activation: the panels are already in the page, so showing one costs nothing);
 * - while the admin types, POST /staff/api/v1/broadcasts/preview returns every problem and, per
 *   language, the message as Telegram will show it. It is the server's own check with the console's
 *   localized messages, so this page never disagrees with what the queue accepts.
 * Without this script the panels show one under another (noscript.css) and Preview posts the form.
 */
(function () {
  "use strict";
  var form = document.getElementById("compose");
  if (!form) return;
  var tabs = Array.prototype.slice.call(form.querySelectorAll('[role="tab"]'));
  var current = document.getElementById("compose-tab");
  var english = document.getElementById("text-en");
  var status = document.getElementById("preview-status");
  var csrf = form.elements.namedItem("csrf").value;
  var sequence = 0;
  var timer = null;
  var requiredShown = english.value.trim() === "" && english.hasAttribute("aria-invalid");

  function panelOf(tab) { return document.getElementById(tab.getAttribute("aria-controls")); }
  function tabOf(lang) { return tabs.filter(function (tab) { return tab.dataset.lang === lang; })[0]; }

  function select(tab, focus) {
    tabs.forEach(function (other) {
      var on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      panelOf(other).hidden = !on;
    });
    current.value = tab.dataset.lang;
    if (focus) tab.focus();
  }

  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () { select(tab, true); });
    tab.addEventListener("keydown", function (event) {
      var last = tabs.length - 1;
      var moves = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select(tabs[moves[event.key]], true);
    });
  });

  // a link of the error summary may point into a hidden panel: show that panel, then focus the field
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-tab-of]") : null;
    if (!link) return;
    var id = link.dataset.tabOf;
    var tab = id.indexOf("text-") === 0 ? tabOf(id.slice(5)) : null;
    if (tab) select(tab, false);
    var target = document.getElementById(id);
    if (target) { event.preventDefault(); target.focus(); }
  });

  function setError(control, element, message) {
    element.textContent = message;
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }

  function markTab(lang, message) {
    var tab = tabOf(lang);
    tab.classList.toggle("invalid", !!message);
    if (message) tab.setAttribute("aria-describedby", "error-" + lang);
    else tab.removeAttribute("aria-describedby");
  }

  function show(lang, shown) {
    var panel = document.getElementById("panel-" + lang);
    var textarea = document.getElementById("text-" + lang);
    var message = shown.error || "";
    if (lang === "en" && !requiredShown && textarea.value.trim() === "") message = "";  // not before the admin tried
    panel.dataset.state = shown.state;
    panel.querySelector(".count").textContent = shown.count;
    setError(textarea, document.getElementById("error-" + lang), message);
    markTab(lang, message);
    panel.querySelector(".note").textContent = shown.note || "";
    var bubble = panel.querySelector(".bubble");
    // rebuilt by the server from what it parsed: only Telegram's tags, every text escaped
    bubble.innerHTML = shown.html;
    bubble.hidden = !shown.html;
    var keyboard = panel.querySelector(".keyboard");
    keyboard.textContent = "";
    shown.buttons.forEach(function (label) {
      var item = document.createElement("li");
      item.textContent = label;
      keyboard.appendChild(item);
    });
  }

  function draft() {
    var texts = {};
    tabs.forEach(function (tab) { texts[tab.dataset.lang] = document.getElementById("text-" + tab.dataset.lang).value; });
    var start = form.elements.namedItem("start").value.trim();
    return { texts: texts, fallback_to_en: form.elements.namedItem("fallback_to_en").checked, start: start || null };
  }

  function refresh() {
    var mine = ++sequence;
    fetch(form.dataset.preview, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(draft())
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.error ? answer.error.message : String(response.status));
        return answer;
      });
    }).then(function (answer) {
      if (mine !== sequence) return;  // a newer draft is on its way
      status.textContent = "";
      Object.keys(answer.languages).forEach(function (lang) { show(lang, answer.languages[lang]); });
      var start = answer.errors.filter(function (e) { return e.field === "start"; })[0];
      setError(form.elements.namedItem("start"), document.getElementById("error-start"), start ? start.message : "");
    }).catch(function (error) {
      if (mine === sequence) status.textContent = form.dataset.unavailable + " " + error.message;
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.name === "start") later();
  });
  form.elements.namedItem("fallback_to_en").addEventListener("change", later);
  english.addEventListener("change", function () { requiredShown = true; later(); });

  // the console's own message in its language rather than the browser's, and on the English tab
  form.noValidate = true;
  form.addEventListener("submit", function (event) {
    if (english.value.trim() !== "") return;
    event.preventDefault();
    requiredShown = true;
    select(tabOf("en"), false);
    setError(english, document.getElementById("error-en"), form.dataset.required);
    markTab("en", form.dataset.required);
    english.focus();
  });
})();
