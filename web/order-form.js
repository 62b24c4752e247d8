// Progressive enhancement of the order form: without this script the form posts as a plain HTML
// form. With it, the same fields go as JSON to the form's own action URL (the one place the
// endpoint is set), with an idempotency key made once per filled form, so a double click or a
// retry places one order; errors appear next to their fields and are announced.
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  if (!form || !window.fetch || !window.JSON) return;
  var status = document.getElementById("form-status");
  var button = form.querySelector("button[type=submit]");
  var lang = document.documentElement.lang || "fi";
  var TEXT = {
    fi: { sending: "Lähetetään…", thanks: "Kiitos tilauksestasi!", number: "Tilausnumero", email: "Vahvistus on lähetetty sähköpostiisi.", pending: "Vahvistussähköposti lähtee pian.", waiting: "Kouluttaja tarkistaa tilauksesi ja vahvistaa sen sähköpostiisi pian.", next: "Kouluttajamme ottavat sinuun yhteyttä kahden arkipäivän kuluessa.", spam: "Jos vahvistusta ei näy, tarkista roskapostikansio.", failed: "Tilausta ei voitu lähettää. Yritä hetken kuluttua uudelleen." },
    sv: { sending: "Skickar…", thanks: "Tack för din beställning!", number: "Beställningsnummer", email: "En bekräftelse har skickats till din e\u2011post.", pending: "Bekräftelsen skickas snart per e\u2011post.", waiting: "En utbildare går igenom din beställning och bekräftar den snart per e\u2011post.", next: "Våra utbildare kontaktar dig inom två vardagar.", spam: "Om du inte ser bekräftelsen, titta i skräppostmappen.", failed: "Beställningen kunde inte skickas. Försök igen om en stund." },
    en: { sending: "Sending…", thanks: "Thank you for your order", number: "Order reference", email: "A confirmation has been sent to your email address.", pending: "The confirmation email will follow shortly.", waiting: "A trainer will check your order and confirm it to your email address soon.", next: "Our trainers will contact you within two working days.", spam: "If you cannot see the confirmation, check your spam folder.", failed: "The order could not be sent. Please try again shortly." }
  }[lang] || null;
  if (!TEXT) return;
  var LISTS = { channels: true, preferred_dates: true };
  var idempotencyKey = null;
  var sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  // A changed form is a new order: it gets a new key on the next submit.
  form.addEventListener("input", function () { if (!sending) idempotencyKey = null; });

  function body() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || value === "") return;
      if (LISTS[name]) (data[name] = data[name] || []).push(value);
      else data[name] = value;
    });
    data.privacy_consent = form.elements.privacy_consent.checked;
    return data;
  }

  // A Turnstile token is good for one verification: after a refusal the next try needs another.
  function newToken() {
    if (window.turnstile && typeof window.turnstile.reset === "function") window.turnstile.reset();
  }

  var summary = document.getElementById("error-summary");
  var contact = document.getElementById("form-contact");
  var title = document.title;
  var prefix = summary ? summary.getAttribute("data-title-prefix") : "";

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".error"), function (el) { el.hidden = true; el.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
    if (summary) { summary.hidden = true; summary.querySelector("ul").innerHTML = ""; }
    document.title = title;
  }

  // The order of two errors on the page: by their first input; those without one (a hidden
  // field's) last.
  function pageOrder(a, b) {
    if (!a.input || !b.input) return (a.input ? -1 : 0) + (b.input ? 1 : 0);
    return a.input.compareDocumentPosition(b.input) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  }

  function summaryItem(error) {
    var item = document.createElement("li");
    if (!error.input) { item.textContent = error.message; return item; }
    var link = document.createElement("a");
    link.href = "#" + error.input.id;
    link.textContent = error.message;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      // The question with its input: a choice's fieldset, else the input's label.
      var input = error.input;
      var choice = input.type === "radio" || input.type === "checkbox";
      var question = (choice && input.closest("fieldset")) || form.querySelector("label[for='" + input.id + "']") || input;
      question.scrollIntoView({ block: "start" });
      input.focus({ preventScroll: true });
    });
    item.appendChild(link);
    return item;
  }

  // GOV.UK's pattern: a summary at the top, one link per error in the page's order, focused;
  // "Virhe: " before the page's title and (for screen readers) before each inline message.
  function showErrors(errors) {
    var found = errors.map(function (error) {
      var inputs = form.querySelectorAll("[name='" + error.field + "']");
      var message = document.getElementById(error.field + "-error");
      if (message) {
        message.textContent = "";
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = prefix;
        message.appendChild(hidden);
        message.appendChild(document.createTextNode(error.message));
        message.hidden = false;
      }
      Array.prototype.forEach.call(inputs, function (input) { input.setAttribute("aria-invalid", "true"); });
      return { message: error.message, input: inputs.length && inputs[0].type !== "hidden" ? inputs[0] : null };
    }).sort(pageOrder);
    status.innerHTML = "";
    document.title = prefix + title;
    if (!summary) return;
    var list = summary.querySelector("ul");
    found.forEach(function (error) { list.appendChild(summaryItem(error)); });
    summary.hidden = false;
    summary.focus();
  }

  function paragraph(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function sayFailure(text) {
    status.innerHTML = "";
    var box = document.createElement("div");
    box.className = "failure";
    box.appendChild(paragraph(text));
    // A way out when sending fails: the phone and the addresses of the page's contact line.
    if (contact) box.appendChild(contact.cloneNode(true)).removeAttribute("id");
    status.appendChild(box);
  }

  // As the plain form's thank-you page: the thanks as a heading, the order number, what
  // happens next; the contact line follows on the page.
  // `emailStatus`: the answer's email_status: sent, pending (on its way) or waiting (for a
  // person to confirm the order).
  function sayThanks(reference, emailStatus) {
    status.innerHTML = "";
    var box = document.createElement("div");
    box.className = "success";
    var heading = document.createElement("h2");
    heading.textContent = TEXT.thanks;
    heading.tabIndex = -1;
    box.appendChild(heading);
    if (reference) {
      var line = paragraph(TEXT.number + ": ");
      line.className = "reference";
      var ref = document.createElement("strong");
      ref.id = "order-reference";
      ref.textContent = reference;
      line.appendChild(ref);
      box.appendChild(line);
    }
    var emailLine = emailStatus === "sent" ? TEXT.email : emailStatus === "waiting" ? TEXT.waiting : TEXT.pending;
    box.appendChild(paragraph(emailLine));
    box.appendChild(paragraph(TEXT.next));
    box.appendChild(paragraph(TEXT.spam));
    status.appendChild(box);
    heading.focus();
  }

  // "Olet tilaamassa: Some haltuun, 1 129,50 € (sis. alv)" by the button, for the chosen one.
  var orderSummary = document.getElementById("order-summary");
  function showChoice() {
    var chosen = form.querySelector("input[name=package]:checked");
    if (orderSummary) orderSummary.textContent = chosen ? chosen.getAttribute("data-summary") : "";
  }
  form.addEventListener("change", function (event) { if (event.target.name === "package") showChoice(); });
  showChoice();

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) return; // a second click while the first is on its way
    sending = true;
    idempotencyKey = idempotencyKey || newKey();
    button.disabled = true;
    var label = button.textContent;
    button.textContent = TEXT.sending;
    clearErrors();
    fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": idempotencyKey },
      body: JSON.stringify(body())
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      if (result.status === 201 || result.status === 200) {
        sayThanks(result.json.reference, result.json.email_status);
        form.querySelector("button[type=submit]").hidden = true;
        return;
      }
      if (result.status === 422 && result.json.errors) showErrors(result.json.errors);
      else sayFailure([result.json.message || TEXT.failed, result.json.try_again].filter(Boolean).join(" "));
      button.disabled = false;
      newToken();
    }).catch(function () {
      sayFailure(TEXT.failed);
      button.disabled = false;
      newToken();
    }).then(function () {
      button.textContent = label;
      sending = false;
    });
  });
})();
