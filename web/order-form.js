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
    fi: { sending: "Lähetetään…", thanks: "Kiitos tilauksestasi!", number: "Tilausnumero", email: "Vahvistus on lähetetty sähköpostiisi.", pending: "Vahvistussähköposti lähtee pian.", fix: "Tarkista merkityt kentät.", failed: "Tilausta ei voitu lähettää. Yritä hetken kuluttua uudelleen." },
    sv: { sending: "Skickar…", thanks: "Tack för beställningen!", number: "Beställningsnummer", email: "En bekräftelse har skickats till din e-post.", pending: "Bekräftelsen skickas snart per e-post.", fix: "Kontrollera de markerade fälten.", failed: "Beställningen kunde inte skickas. Försök igen om en stund." },
    en: { sending: "Sending…", thanks: "Thank you for your order!", number: "Order reference", email: "A confirmation has been sent to your email.", pending: "The confirmation email will follow shortly.", fix: "Please check the marked fields.", failed: "The order could not be sent. Please try again shortly." }
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

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".error"), function (el) { el.hidden = true; el.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showErrors(errors) {
    var first = null;
    errors.forEach(function (error) {
      var message = document.getElementById(error.field + "-error");
      if (!message) return;
      message.textContent = error.message;
      message.hidden = false;
      var inputs = form.querySelectorAll("[name='" + error.field + "']");
      Array.prototype.forEach.call(inputs, function (input) { input.setAttribute("aria-invalid", "true"); });
      // The first in the page's order, whatever order the errors came in.
      if (inputs.length && (!first || (inputs[0].compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING))) {
        first = inputs[0];
      }
    });
    say("failure", TEXT.fix);
    if (first) first.focus();
  }

  function paragraph(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  // The message; for a success, the order number under its label, then what happens next.
  function say(kind, text, reference, next) {
    status.innerHTML = "";
    var box = document.createElement("div");
    box.className = kind;
    box.appendChild(paragraph(text));
    if (reference) {
      var line = paragraph(TEXT.number + ": ");
      line.className = "reference";
      var ref = document.createElement("strong");
      ref.id = "order-reference";
      ref.textContent = reference;
      line.appendChild(ref);
      box.appendChild(line);
    }
    if (next) box.appendChild(paragraph(next));
    status.appendChild(box);
  }

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
        say("success", TEXT.thanks, result.json.reference, result.json.email_status === "sent" ? TEXT.email : TEXT.pending);
        form.querySelector("button[type=submit]").hidden = true;
        return;
      }
      if (result.status === 422 && result.json.errors) showErrors(result.json.errors);
      else say("failure", result.json.message || TEXT.failed);
      button.disabled = false;
      newToken();
    }).catch(function () {
      say("failure", TEXT.failed);
      button.disabled = false;
      newToken();
    }).then(function () {
      button.textContent = label;
      sending = false;
    });
  });
})();
