// Field mode: the registration form keeps working without signal (issue 11, item 7).
// Every entry is first saved on the phone (IndexedDB) with a random idempotency key, then
// sent; what cannot be sent waits and goes when the connection returns. The server takes
// each key once (participants/field_mode.py), so a send whose answer was lost is safe to
// repeat. Nothing is deleted from the phone until the server has accepted it; a refused
// entry stays, with the server's reasons, until it is corrected or deleted by hand.
// Progressive enhancement: without service workers or IndexedDB the form posts as always.
(function () {
  "use strict";
  var form = document.querySelector("form[data-field-mode]");
  if (!form || !("serviceWorker" in navigator) || !window.indexedDB || !window.fetch || !window.FormData) return;
  var cfg = form.dataset;
  var texts = JSON.parse(document.getElementById("field-mode-texts").textContent);
  var panel = document.getElementById("field-queue");
  var countLine = document.getElementById("field-queue-count");
  var statusLine = document.getElementById("field-queue-status");
  var list = document.getElementById("field-queue-entries");
  var sentList = document.getElementById("field-queue-sent");
  var sendButton = document.getElementById("field-queue-send");
  var editingKey = null;
  var flushing = null;
  var RETRY_MS = 30000;

  // --- the queue on the phone -------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("lindung-field", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("entries", { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function inStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction("entries", mode);
        var request = work(transaction.objectStore("entries"));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function saveEntry(entry) { return inStore("readwrite", function (store) { return store.put(entry); }); }
  function deleteEntry(key) { return inStore("readwrite", function (store) { return store.delete(key); }); }
  function allEntries() {
    return inStore("readonly", function (store) { return store.getAll(); }).then(function (entries) {
      return (entries || []).sort(function (a, b) { return a.saved < b.saved ? -1 : 1; });
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function entryFromForm(key) {
    var fields = [];
    var choiceTexts = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (value instanceof File && !value.name && !value.size) return;
      fields.push([name, value]);
    });
    // A district's villages may not be listed when the entry is opened again: keep the names.
    form.querySelectorAll("select").forEach(function (select) {
      if (select.selectedIndex >= 0) choiceTexts[select.name] = select.options[select.selectedIndex].text;
    });
    var value = function (name) { var field = form.elements[name]; return field && field.value ? field.value : ""; };
    return {
      key: key || newKey(), user: cfg.fieldUser, saved: new Date().toISOString(), status: "queued",
      name: value("full_name"), nik: value("nik"), fields: fields, choiceTexts: choiceTexts, message: "", errors: []
    };
  }

  // --- talking to the server ----------------------------------------------------------
  function isJson(response) {
    return !response.redirected && (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  // A token fetched just now: the cached page's may be hours old, or rotated by a new sign-in.
  function freshToken() {
    return fetch(cfg.fieldToken, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!isJson(response)) return { outcome: "signed_out" };
        if (!response.ok) return { outcome: "later" };
        return response.json().then(function (body) { return { outcome: "ok", token: body.csrfToken }; });
      }, function () { return { outcome: "offline" }; });
  }

  function post(entry, token, immediate) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("idempotency_key", entry.key);
    var headers = { "X-CSRFToken": token, Accept: "application/json" };
    if (immediate) headers["X-Field-Immediate"] = "1";
    return fetch(cfg.fieldSubmit, { method: "POST", body: body, headers: headers, credentials: "same-origin" }).then(
      function (response) {
        if (response.status === 403 && !isJson(response)) return { outcome: "csrf" };
        if (!isJson(response)) return { outcome: response.redirected ? "signed_out" : "later" };
        return response.json().then(function (answer) {
          if (response.status === 200 || response.status === 201) return { outcome: "accepted", answer: answer };
          if (response.status === 400) return { outcome: "rejected", answer: answer };
          return { outcome: "later" };
        });
      },
      function () { return { outcome: "offline" }; }
    );
  }

  // Token first; a refused token (it rotated meanwhile) is fetched again once.
  function send(entry, immediate) {
    return freshToken().then(function (got) {
      if (got.outcome !== "ok") return got;
      return post(entry, got.token, immediate).then(function (result) {
        if (result.outcome !== "csrf") return result;
        return freshToken().then(function (again) {
          return again.outcome === "ok" ? post(entry, again.token, immediate) : again;
        });
      });
    });
  }

  function settle(entry, result) {
    if (result.outcome === "accepted") {
      if (editingKey === entry.key) editingKey = null;
      return deleteEntry(entry.key).then(function () { noteSent(result.answer); return true; });
    }
    if (result.outcome === "rejected") {
      entry.status = "rejected";
      entry.message = result.answer.message || "";
      entry.errors = result.answer.errors || [];
      return saveEntry(entry).then(function () { return true; });
    }
    var says = { offline: texts.offline, signed_out: texts.signed_out, csrf: texts.signed_out }[result.outcome];
    say(says || texts.server_busy, result.outcome === "signed_out" || result.outcome === "csrf");
    statusLine.dataset.outcome = result.outcome;
    return Promise.resolve(false);
  }

  function flushNow() {
    return allEntries().then(function (entries) {
      var waiting = entries.filter(function (entry) { return entry.status === "queued" && entry.user === cfg.fieldUser; });
      if (!waiting.length) return;
      say(texts.sending);
      delete statusLine.dataset.outcome;
      // One at a time, in the order saved; stop at the first network or session problem.
      return waiting.reduce(function (chain, entry) {
        return chain.then(function (goOn) {
          if (!goOn) return false;
          return send(entry, false).then(function (result) { return settle(entry, result); });
        });
      }, Promise.resolve(true)).then(function (allWent) { if (allWent) say(""); });
    }).then(render, render);
  }

  function flush() {
    if (!flushing) flushing = flushNow().then(function () { flushing = null; }, function () { flushing = null; });
    return flushing;
  }

  // --- the page -------------------------------------------------------------------------
  function say(message, withSignIn) {
    statusLine.textContent = message;
    if (withSignIn) {
      var link = document.createElement("a");
      link.href = cfg.fieldLogin;
      link.textContent = texts.sign_in;
      statusLine.append(" ", link);
    }
  }

  function noteSent(answer) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = answer.url;
    link.textContent = texts.sent.replace("%(name)s", answer.name);
    item.append(link);
    if (answer.warning) item.append(" ", answer.warning);
    sentList.append(item);
  }

  function button(label, onClick, extraClass) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "outline " + (extraClass || "");
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function render() {
    return allEntries().then(function (entries) {
      list.textContent = "";
      countLine.textContent = entries.length ? texts.title_waiting.replace("%(count)s", entries.length) : texts.nothing_waiting;
      sendButton.hidden = !entries.some(function (entry) { return entry.status === "queued"; });
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = "field-entry field-entry-" + entry.status;
        item.dataset.key = entry.key;
        var title = document.createElement("strong");
        title.textContent = (entry.name || "?") + " · " + (entry.nik || "?");
        item.append(title);
        var state = document.createElement("p");
        if (entry.user !== cfg.fieldUser) state.textContent = texts.other_user;
        else state.textContent = entry.status === "rejected" ? texts.rejected + " " + entry.message : texts.waiting;
        item.append(state);
        if (entry.status === "rejected") {
          var reasons = document.createElement("ul");
          entry.errors.forEach(function (error) {
            error.messages.forEach(function (message) {
              var reason = document.createElement("li");
              reason.textContent = (error.label ? error.label + ": " : "") + message;
              reasons.append(reason);
            });
          });
          item.append(reasons);
          if (entry.user === cfg.fieldUser) item.append(button(texts.edit, function () { edit(entry); }));
        }
        item.append(" ", button(texts.delete, function () {
          if (window.confirm(texts.confirm_delete)) deleteEntry(entry.key).then(render);
        }, "secondary"));
        list.append(item);
      });
    });
  }

  // --- errors shown in the form, where the server would have put them ---------------------
  function clearErrors() {
    form.querySelectorAll(".errorlist, .message-error").forEach(function (element) { element.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (element) {
      element.removeAttribute("aria-invalid");
      var described = (element.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && !/_error$/.test(id);
      });
      if (described.length) element.setAttribute("aria-describedby", described.join(" "));
      else element.removeAttribute("aria-describedby");
    });
  }

  function alertBox(tag, className, lines) {
    var box = document.createElement(tag);
    box.className = className;
    box.setAttribute("role", "alert");
    lines.forEach(function (line) {
      var part = document.createElement(tag === "ul" ? "li" : "p");
      part.textContent = line;
      box.append(part);
    });
    return box;
  }

  function showErrors(message, errors) {
    clearErrors();
    var first = form.querySelector("fieldset");
    var general = [];
    var firstInvalid = null;
    errors.forEach(function (error) {
      var widget = document.getElementById("id_" + error.field);
      if (!widget) { general = general.concat(error.messages); return; }
      var list = alertBox("ul", "errorlist", error.messages);
      list.id = "id_" + error.field + "_error";
      var anchor = widget.type === "checkbox" ? widget.closest("label") || widget : widget;
      anchor.after(list);
      var inputs = widget.matches("input, select, textarea") ? [widget] : widget.querySelectorAll("input, select, textarea");
      inputs.forEach(function (input) {
        input.setAttribute("aria-invalid", "true");
        var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        input.setAttribute("aria-describedby", [list.id].concat(described).join(" "));
      });
      firstInvalid = firstInvalid || inputs[0];
    });
    form.insertBefore(alertBox("p", "message message-error", [message]), first);
    if (general.length) form.insertBefore(alertBox("div", "message message-error", general), first);
    if (firstInvalid) firstInvalid.focus();
  }

  // --- correcting a refused entry ---------------------------------------------------------
  function setField(name, value, choiceText) {
    var field = form.elements[name];
    if (!field) return;
    if (value instanceof File) {
      var files = new DataTransfer();
      files.items.add(value);
      field.files = files.files;
    } else if (field instanceof RadioNodeList || field.type === "radio") {
      Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (input) {
        input.checked = input.value === value;
      });
    } else if (field.type === "checkbox") {
      field.checked = true;
    } else if (field.tagName === "SELECT") {
      if (!Array.prototype.some.call(field.options, function (option) { return option.value === value; })) {
        field.add(new Option(choiceText || value, value));
      }
      field.value = value;
    } else {
      field.value = value;
    }
  }

  function edit(entry) {
    form.reset();
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
    entry.fields.forEach(function (pair) { setField(pair[0], pair[1], entry.choiceTexts[pair[0]]); });
    editingKey = entry.key;
    showErrors(texts.editing + " " + entry.message, entry.errors);
  }

  // --- the form's own submit --------------------------------------------------------------
  var submitting = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    // A second tap while the first entry is on its way would save the person twice.
    if (submitting) return;
    submitting = true;
    var submitButton = form.querySelector("button[type=submit]");
    submitButton.disabled = true;
    var entry = entryFromForm(editingKey);
    saveEntry(entry).then(function () {
      return send(entry, true).then(function (result) {
        submitting = false;
        submitButton.disabled = false;
        if (result.outcome === "accepted") {
          return deleteEntry(entry.key).then(function () { window.location.assign(result.answer.url); });
        }
        return settle(entry, result).then(function () {
          if (result.outcome === "rejected") {
            // Still in the form: correct it there, as after the ordinary form.
            editingKey = entry.key;
            showErrors(result.answer.message, result.answer.errors);
          } else {
            // Kept on the phone: clear the form for the next person.
            editingKey = null;
            clearErrors();
            form.reset();
            if (result.outcome === "offline") say(texts.saved_offline);
            window.scrollTo(0, 0);
          }
          return render();
        });
      });
    }, function () {
      submitting = false;
      submitButton.disabled = false;
      say(texts.storage_failed);
    });
  });

  sendButton.addEventListener("click", flush);
  window.addEventListener("online", flush);
  window.setInterval(function () { if (navigator.onLine) flush(); }, RETRY_MS);
  panel.hidden = false;
  render().then(function () { if (navigator.onLine) flush(); });
  navigator.serviceWorker.register(cfg.fieldSw, { scope: cfg.fieldScope }).catch(function () {
    // No worker (e.g. a private window): the queue still works while the page stays open.
  });
})();
