/*
 * The wismo web console: chat with the bot and see, next to each answer, why it said what it said.
 * Uses window.Wismo (widget.js) for the API. Server text is only ever inserted with textContent.
 */
(function () {
  "use strict";

  var TEXT = {
    en: {
      skip: "Skip to the message box", title: "wismo console", language: "Language",
      newConversation: "New conversation", conversation: "Conversation",
      hint: "Try “Where is my order 1002?”, then give jane@example.com.",
      messageLabel: "Message to the bot", messagePlaceholder: "e.g. Where is my order 1002?", send: "Send",
      settings: "Settings", email: "Customer email (verified)",
      emailHelp: "Simulates a channel that already knows the customer (sent as a verified customer attribute).",
      token: "API token", saveToken: "Save", forgetToken: "Forget",
      tokenHelp: "Only needed when the server sets WISMO_API_TOKEN. Kept in this browser tab only.",
      orders: "Demo shop orders", ordersHelp: "Choose an order number or an email to add it to your message.",
      orderCol: "Order · email", statusCol: "Status", carrierCol: "Carrier",
      widgetDemo: "Chat widget demo", you: "You", bot: "Bot", trace: "Trace", intent: "Intent",
      entities: "Entities", slots: "Slots", rules: "Rules fired", templates: "Templates",
      awaiting: "Waiting for", verified: "Verified customer", none: "none", handoff: "Handoff to a human",
      reason: "Reason", team: "Team",
      summary: "Summary", tags: "Tags", loading: "Loading…",
      noDemo: "No demo shop: this server uses a real shop connector, whose orders are not listed.",
      unauthorized: "The API needs a bearer token (the server sets WISMO_API_TOKEN). " +
        "Paste it in Settings → API token, then Save.",
      network: "The server did not answer. Is `wismo serve` running?",
      failed: "Error {status}: {message}", inserted: "Added {value} to the message.",
      newStarted: "New conversation started.", tokenSaved: "Token saved for this tab.",
      tokenForgotten: "Token forgotten.", ordersCount: "{count} orders."
    },
    fr: {
      skip: "Aller à la zone de message", title: "Console wismo", language: "Langue",
      newConversation: "Nouvelle conversation", conversation: "Conversation",
      hint: "Essayez « Où est ma commande 1005 ? », puis donnez marie.dupont@exemple.fr.",
      messageLabel: "Message au bot", messagePlaceholder: "ex. Où est ma commande 1005 ?", send: "Envoyer",
      settings: "Réglages", email: "E-mail du client (vérifié)",
      emailHelp: "Simule un canal qui connaît déjà le client (envoyé comme attribut client vérifié).",
      token: "Jeton d'API", saveToken: "Enregistrer", forgetToken: "Oublier",
      tokenHelp: "Seulement si le serveur définit WISMO_API_TOKEN. Gardé dans cet onglet uniquement.",
      orders: "Commandes de la boutique démo",
      ordersHelp: "Choisissez un numéro de commande ou un e-mail pour l'ajouter à votre message.",
      orderCol: "Commande · e-mail", statusCol: "Statut", carrierCol: "Transporteur",
      widgetDemo: "Démo du widget de chat", you: "Vous", bot: "Bot", trace: "Trace", intent: "Intention",
      entities: "Entités", slots: "Slots", rules: "Règles appliquées", templates: "Modèles",
      awaiting: "En attente de", verified: "Client vérifié", none: "aucun", handoff: "Transfert à un humain",
      reason: "Motif",
      team: "Équipe", summary: "Résumé", tags: "Étiquettes", loading: "Chargement…",
      noDemo: "Pas de boutique démo : ce serveur utilise le connecteur d'une vraie boutique, " +
        "dont les commandes ne sont pas listées.",
      unauthorized: "L'API demande un jeton (le serveur définit WISMO_API_TOKEN). " +
        "Collez-le dans Réglages → Jeton d'API, puis Enregistrer.",
      network: "Le serveur ne répond pas. `wismo serve` est-il lancé ?",
      failed: "Erreur {status} : {message}", inserted: "{value} ajouté au message.",
      newStarted: "Nouvelle conversation commencée.", tokenSaved: "Jeton enregistré pour cet onglet.",
      tokenForgotten: "Jeton oublié.", ordersCount: "{count} commandes."
    }
  };
  var TOKEN_KEY = "wismo.console.token";
  var LANGUAGE_KEY = "wismo.console.language";

  var $ = function (id) { return document.getElementById(id); };
  var state = { language: "en", conversationId: "", busy: false, ordersStatus: null };
  var client = new window.Wismo.Client("", function () { return sessionStorage.getItem(TOKEN_KEY) || ""; });

  function t(key, values) {
    var text = (TEXT[state.language] || TEXT.en)[key] || TEXT.en[key] || key;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  /** A label element that follows the language switch. */
  function label(tag, key, className) {
    var node = el(tag, className, t(key));
    node.setAttribute("data-i18n", key);
    return node;
  }

  function applyLanguage() {
    document.documentElement.lang = state.language;
    document.title = t("title");
    document.querySelectorAll("[data-i18n]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    if (state.ordersStatus) { $("orders-status").textContent = t(state.ordersStatus.key, state.ordersStatus.values); }
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (node) {
      node.placeholder = t(node.getAttribute("data-i18n-placeholder"));
    });
  }

  function setAlert(message) {
    var alert = $("alert");
    alert.textContent = message || "";
    alert.hidden = !message;
  }

  function errorText(error) {
    if (error && error.status === 401) { return t("unauthorized"); }
    if (error && error.status === 0) { return t("network"); }
    return t("failed", { status: error && error.status, message: error && error.message });
  }

  function scrollLog() { var log = $("log"); log.scrollTop = log.scrollHeight; }

  function bubble(kind, text) {
    var node = el("div", "bubble " + kind);
    node.appendChild(label("span", kind === "user" ? "you" : "bot", "who"));
    var body = el("p", "text");
    window.Wismo.appendRichText(body, String(text));
    node.appendChild(body);
    return node;
  }

  /** One <dt>/<dd> pair; `value` is a string or a node. */
  function row(list, key, value, field) {
    list.appendChild(label("dt", key));
    var dd = el("dd");
    dd.setAttribute("data-field", field || key);
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = value; }
    list.appendChild(dd);
  }

  function chips(items, empty) {
    if (!items.length) { return el("span", "muted", empty); }
    var list = el("ul", "chips");
    items.forEach(function (item) { list.appendChild(el("li", "chip", item)); });
    return list;
  }

  function traceRules(rules) {
    var list = el("ol", "rules");
    rules.forEach(function (step) {
      var item = el("li");
      item.appendChild(el("code", "rule", step.rule));
      item.appendChild(document.createTextNode(" → " + step.action + (step.template ? " " + step.template : "")));
      item.appendChild(el("span", "reason", step.reason));
      list.appendChild(item);
    });
    return list;
  }

  function handoffBox(handoff) {
    var box = el("section", "handoff");
    box.setAttribute("data-field", "handoff");
    box.appendChild(label("h3", "handoff"));
    var list = el("dl");
    row(list, "reason", handoff.reason);
    row(list, "team", handoff.team || "—");
    row(list, "summary", handoff.summary || "—");
    row(list, "tags", chips(handoff.tags || [], t("none")));
    box.appendChild(list);
    return box;
  }

  /** The panel next to a bot answer: parse, slots, rules, templates and the handoff record. */
  function inspector(data, customer) {
    var trace = data.trace || {};
    var parse = data.parse || {};
    var intent = parse.intent || { name: trace.intent, confidence: trace.confidence };
    var panel = el("details", "inspect");
    panel.open = true;
    var summary = el("summary");
    summary.appendChild(label("span", "trace"));
    var confidence = Number(intent.confidence).toFixed(2);
    summary.appendChild(el("code", "summary-intent", " " + intent.name + " " + confidence));
    panel.appendChild(summary);
    var list = el("dl");
    row(list, "intent", intent.name + " (" + confidence + ", " + (trace.language || parse.language) + ")");
    row(list, "entities", chips((parse.entities || []).map(function (e) {
      return e.entity + " = " + e.value + " (" + e.extractor + ")";
    }), t("none")));
    row(list, "slots", chips(Object.keys(data.slots || {}).map(function (k) {
      return k + " = " + data.slots[k];
    }), t("none")));
    if (data.state && data.state.awaiting) { row(list, "awaiting", data.state.awaiting); }
    if (customer && customer.verified) { row(list, "verified", customer.email); }
    row(list, "rules", traceRules(trace.rules || []));
    row(list, "templates", chips((data.replies || []).map(function (r) { return r.template; }), t("none")));
    panel.appendChild(list);
    if (data.handoff) { panel.appendChild(handoffBox(data.handoff)); }
    return panel;
  }

  function showTurn(data, customer) {
    var turn = el("article", "turn bot-turn" + (data.handoff ? " handed-off" : ""));
    var replies = el("div", "replies");
    (data.replies || []).forEach(function (reply) { replies.appendChild(bubble("bot", reply.text)); });
    turn.appendChild(replies);
    turn.appendChild(inspector(data, customer));
    $("log").appendChild(turn);
    scrollLog();
    $("announcer").textContent = (data.replies || []).map(function (r) { return t("bot") + ": " + r.text; }).join("\n");
  }

  function send(text) {
    var email = $("customer-email").value.trim();
    var options = { language: state.language };
    if (email) { options.customer = { email: email, verified: true }; }
    var hint = $("hint");
    if (hint) { hint.remove(); }
    var turn = el("article", "turn user-turn");
    turn.appendChild(bubble("user", text));
    $("log").appendChild(turn);
    scrollLog();
    state.busy = true;
    $("send").setAttribute("aria-busy", "true");
    return client.send(state.conversationId, text, options).then(function (data) {
      setAlert("");
      showTurn(data, options.customer);
    }, function (error) {
      var message = errorText(error);
      setAlert(message);
      var note = el("p", "bubble error", message);
      $("log").appendChild(note);
      scrollLog();
    }).then(function () {
      state.busy = false;
      $("send").removeAttribute("aria-busy");
    });
  }

  function newConversation(announce) {
    state.conversationId = window.Wismo.newConversationId("console");
    $("conversation-id").textContent = state.conversationId;
    $("log").replaceChildren(label("p", "hint", "hint"));
    $("log").firstChild.id = "hint";
    setAlert("");
    if (announce) { $("announcer").textContent = t("newStarted"); }
  }

  function insertIntoMessage(value) {
    var input = $("message");
    var current = input.value.replace(/\s+$/, "");
    input.value = current ? current + " " + value : value;
    input.focus();
    setOrdersStatus("inserted", { value: value });
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).catch(function () { /* copying is a convenience only */ });
    }
  }

  function valueButton(value, className) {
    var button = el("button", "pick " + className, value);
    button.type = "button";
    button.addEventListener("click", function () { insertIntoMessage(value); });
    return button;
  }

  /** The orders panel's status line, kept as a key so that the language switch can reword it. */
  function setOrdersStatus(key, values, text) {
    state.ordersStatus = key ? { key: key, values: values || {} } : null;
    $("orders-status").textContent = key ? t(key, values) : text;
  }

  function loadOrders() {
    var table = $("orders");
    setOrdersStatus("loading");
    return client.demoOrders().then(function (data) {
      var body = table.tBodies[0];
      body.replaceChildren();
      (data.orders || []).forEach(function (order) {
        var tr = el("tr");
        tr.setAttribute("data-order", order.order_id);
        var who = el("div", "who-cell");
        who.appendChild(valueButton(order.order_id, "order-id"));
        who.appendChild(valueButton(order.email, "email"));
        var status = el("span", "status", String(order.status).replace(/_/g, " "));
        status.setAttribute("data-status", order.status);
        var cells = [who, status, el("span", null, (order.carriers || []).join(", ") || "—")];
        cells.forEach(function (content) { var td = el("td"); td.appendChild(content); tr.appendChild(td); });
        body.appendChild(tr);
      });
      table.hidden = false;
      setOrdersStatus("ordersCount", { count: (data.orders || []).length });
    }, function (error) {
      table.hidden = true;
      var key = { 404: "noDemo", 401: "unauthorized", 0: "network" }[error.status];
      setOrdersStatus(key || null, null, errorText(error));
      if (error.status === 401) { setAlert(t("unauthorized")); }
    });
  }

  function init() {
    var saved = sessionStorage.getItem(LANGUAGE_KEY);
    state.language = TEXT[saved] ? saved : "en";
    $("language").value = state.language;
    $("token").value = sessionStorage.getItem(TOKEN_KEY) || "";
    applyLanguage();
    newConversation(false);

    $("language").addEventListener("change", function (event) {
      state.language = TEXT[event.target.value] ? event.target.value : "en";
      sessionStorage.setItem(LANGUAGE_KEY, state.language);
      applyLanguage();
    });
    document.querySelector(".skip-link").addEventListener("click", function (event) {
      event.preventDefault();
      $("message").focus();
    });
    $("new-conversation").addEventListener("click", function () {
      newConversation(true);
      $("message").focus();
    });
    $("composer").addEventListener("submit", function (event) {
      event.preventDefault();
      var input = $("message");
      var text = input.value.trim();
      if (!text || state.busy) { return; }
      input.value = "";
      send(text).then(function () { input.focus(); });
    });
    $("save-token").addEventListener("click", function () {
      sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
      setAlert("");
      $("announcer").textContent = t("tokenSaved");
      loadOrders();
    });
    $("forget-token").addEventListener("click", function () {
      sessionStorage.removeItem(TOKEN_KEY);
      $("token").value = "";
      $("announcer").textContent = t("tokenForgotten");
    });
    loadOrders();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
