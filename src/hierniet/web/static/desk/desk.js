/* The moderation desk's few behaviours: reveal shielded content in place, keyboard shortcuts, the help
   dialog, selecting comments for a bulk decision. Every action also works without JavaScript (forms). */
(function () {
  "use strict";

  var body = document.body;
  var csrf = body.getAttribute("data-csrf") || "";
  var page = body.getAttribute("data-page") || "";
  var help = document.getElementById("help");
  var submitting = false;

  /* A refused form comes back to its page with the error at the top: it takes the focus (autofocus does it
     in most browsers; this covers those that ignore autofocus on a non-control). */
  var errorBox = document.querySelector("[data-error-focus]");
  if (errorBox && (document.activeElement === body || !document.activeElement)) {
    errorBox.focus();
  }

  /* True when the key goes to a text field: shortcuts must not fire while someone types. */
  function typing(el) {
    if (!el || el === body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") {
      var type = (el.getAttribute("type") || "text").toLowerCase();
      return ["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "hidden"].indexOf(type) < 0;
    }
    return false;
  }

  function announce(text) {
    var status = document.getElementById("status");
    if (!status) return;
    var p = document.createElement("p");
    p.className = "flash flash-ok";
    p.textContent = text;
    status.replaceChildren(p);
  }

  /* Messages rendered with the page are put in the live region again, so screen readers read them. */
  (function reannounce() {
    var status = document.getElementById("status");
    if (!status || !status.textContent.trim()) return;
    var nodes = Array.prototype.slice.call(status.childNodes);
    status.replaceChildren();
    window.setTimeout(function () { nodes.forEach(function (n) { status.appendChild(n); }); }, 250);
  })();

  /* --- tables on a phone --------------------------------------------------------------------------- */

  /* On a narrow screen desk.css stacks each table row into a card; each cell is shown under the name of
     its column, copied here from the table's header (so a column added to a template needs nothing more). */
  document.querySelectorAll("main table").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var index = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var head = heads[index];
        index += cell.colSpan || 1;
        if (!head || cell.colSpan > 1 || cell.hasAttribute("data-label")) return;
        cell.setAttribute("data-label", head.textContent.trim());
      });
    });
  });

  /* On a phone the queue's filters fold behind their heading, so the comments come first on the screen;
     the heading becomes a button that opens them (it says how many filters are set). Without JavaScript,
     or on a wider screen, they stay open. */
  var filters = document.getElementById("filters");
  var filtersTitle = document.getElementById("filters-title");
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 44rem)") : null;
  function setFilters(open) {
    if (!filters || !filters.classList.contains("can-fold")) return;
    filters.classList.toggle("is-folded", !open);
    var button = filtersTitle.querySelector("button");
    if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  if (filters && filtersTitle && narrow) {
    var set = 0;
    filters.querySelectorAll("select, input").forEach(function (field) {
      /* A checkbox carries its value whether ticked or not: only a ticked one is a filter set. */
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      if (field.name && field.value && field.name !== "order") set += 1;
    });
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "fold-button";
    toggle.setAttribute("aria-controls", "filters");
    toggle.textContent = filtersTitle.textContent.trim() + (set ? " (" + set + ")" : "");
    toggle.addEventListener("click", function () {
      setFilters(toggle.getAttribute("aria-expanded") !== "true");
    });
    filtersTitle.replaceChildren(toggle);
    filters.classList.add("can-fold");
    /* A filter the desk refused stays in view, with its field, until it is put right. */
    setFilters(!narrow.matches || !!document.querySelector("main .form-error, #alerts .flash-error"));
    var follow = function () { if (!narrow.matches) setFilters(true); };
    if (narrow.addEventListener) narrow.addEventListener("change", follow);
  }

  /* --- revealing shielded content ------------------------------------------------------------------ */

  function unshield(id) {
    /* A comment page may show several texts of one comment (its earlier versions): one reveal shows them all. */
    var wraps = document.querySelectorAll('[data-text-wrap="' + id + '"]');
    if (!wraps.length) return;
    var wrap = wraps[0];
    wraps.forEach(function (w) {
      w.classList.remove("is-shielded", "shield-blur", "shield-mask");
      var note = w.querySelector(".shield-note");
      if (note) note.remove();
    });
    var scope = page === "comment" ? document : wrap;
    scope.querySelectorAll("[data-shielded-text]").forEach(function (el) {
      el.hidden = false;
      el.removeAttribute("aria-hidden");
      el.classList.remove("shielded-cell");
    });
    var text = wrap.querySelector(".comment-text");
    if (text) {
      text.setAttribute("tabindex", "-1");
      text.focus();
    }
  }

  function updateCounter(count, breakDue) {
    document.querySelectorAll("[data-reveal-count]").forEach(function (counter) {
      counter.textContent = String(count);
    });
    var note = document.getElementById("break-note");
    if (note && breakDue) note.hidden = false;
  }

  function reveal(form, how) {
    var id = form.getAttribute("data-reveal-form");
    var data = new FormData(form);
    data.set("how", how);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (result) {
      unshield(id);
      updateCounter(result.revealed_today, result.break_due);
      announce(result.message);
    }).catch(function () {
      form.submit(); /* the plain form: the server records the reveal and shows the page revealed */
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-reveal-form]")) {
      event.preventDefault();
      reveal(form, "click");
      return;
    }
    if (form.id === "decide-form" || form.id === "bulk") {
      if (submitting) { event.preventDefault(); return; }
      submitting = true;
    }
  });

  /* --- the help dialog ------------------------------------------------------------------------------- */

  function openHelp() {
    if (help && !help.open && typeof help.showModal === "function") help.showModal();
  }
  document.querySelectorAll("[data-open-help]").forEach(function (button) {
    button.addEventListener("click", openHelp);
  });

  /* --- copying the text for Unia or the police (issue 13) ------------------------------------------- */

  // The button stays hidden without JavaScript: the text is in a read-only box to select by hand.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!box) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() { if (status) status.textContent = button.getAttribute("data-copied") || ""; }
      function byHand() {
        box.focus();
        box.select();
        try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: the person copies it */ }
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(done, byHand);
      } else {
        byHand();
      }
    });
  });

  /* --- selecting comments in the queue -------------------------------------------------------------- */

  var selectAll = document.querySelector("[data-select-all]");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-select]"));
  var selectedCount = document.querySelector("[data-selected-count]");

  function countSelected() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    if (selectedCount) selectedCount.textContent = n ? n + " \u2713" : "";
    if (selectAll) {
      selectAll.checked = n > 0 && n === boxes.length;
      selectAll.indeterminate = n > 0 && n < boxes.length;
    }
  }
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = selectAll.checked; });
      countSelected();
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", countSelected); });

  /* --- keyboard shortcuts ----------------------------------------------------------------------------- */

  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  var current = -1;

  function currentRow() {
    var active = document.activeElement;
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].contains(active)) return i;
    }
    return current;
  }

  function focusRow(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (r) { r.classList.remove("is-current"); });
    var row = rows[index];
    row.classList.add("is-current");
    var link = row.querySelector("[data-row-link]");
    if (link) link.focus();
    current = index;
  }

  function queueKey(event) {
    var key = event.key;
    var index = currentRow();
    if (key === "j") { event.preventDefault(); focusRow(index + 1); return; }
    if (key === "k") { event.preventDefault(); focusRow(index < 0 ? 0 : index - 1); return; }
    if (key === "/") {
      var first = document.querySelector("#filters select, #filters input");
      setFilters(true);
      if (first) { event.preventDefault(); first.focus(); }
      return;
    }
    if (index < 0) return;
    var row = rows[index];
    if (key === "x") {
      var box = row.querySelector("[data-select]");
      if (box) { event.preventDefault(); box.checked = !box.checked; countSelected(); }
      return;
    }
    if (key === "v") {
      var form = row.querySelector("[data-reveal-form]");
      if (form) { event.preventDefault(); reveal(form, "key"); }
    }
  }

  function commentKey(event) {
    var key = event.key;
    if (key === "v") {
      var form = document.querySelector("[data-reveal-form]");
      if (form) { event.preventDefault(); reveal(form, "key"); }
      return;
    }
    if (key === "t") {
      var reply = document.getElementById("reply");
      if (reply) { event.preventDefault(); reply.focus(); }
      return;
    }
    if (key === "u") {
      var back = document.querySelector("[data-back]");
      if (back) { event.preventDefault(); window.location.assign(back.href); }
      return;
    }
    if (key.length !== 1 || submitting) return;
    var buttons = document.querySelectorAll("#decide-form button[data-key]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("data-key") === key) {
        event.preventDefault();
        buttons[i].click();
        return;
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    var target = event.target;
    if (typing(target)) {
      if (event.key === "Escape" && target.tagName !== "SELECT") target.blur();
      return;
    }
    if (help && help.open) return; /* the dialog handles its own keys (Esc closes it) */
    if (event.key === "?") { event.preventDefault(); openHelp(); return; }
    if (page === "comment") commentKey(event);
    else if (page === "queue") queueKey(event);
  });
})();
