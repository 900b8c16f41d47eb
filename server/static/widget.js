/*
 * wismo web chat: the API client shared with the console, and the embeddable chat widget.
 *
 * Embed on any page (see docs/console.md):
 *   <script src="https://bot.example.com/static/widget.js" data-wismo-url="https://bot.example.com" defer></script>
 *   <div id="wismo-chat"></div>
 *
 * Server text is only ever inserted with textContent (or as the href of an http(s) link), never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;

  var WIDGET_TEXT = {
    en: {
      open: "Chat with us", close: "Close the chat", title: "Order help", label: "Your message",
      placeholder: "e.g. Where is my order 1002?", send: "Send", you: "You", bot: "Assistant",
      greeting: "Hi! I can tell you where your order is. What is your order number?",
      handoff: "A member of our team will take over this conversation.",
      failed: "Sorry, the message could not be sent. Please try again."
    },
    fr: {
      open: "Discuter avec nous", close: "Fermer la discussion", title: "Suivi de commande",
      label: "Votre message", placeholder: "ex. Où est ma commande 1005 ?", send: "Envoyer", you: "Vous",
      bot: "Assistant",
      greeting: "Bonjour ! Je peux vous dire où en est votre commande. Quel est votre numéro de commande ?",
      handoff: "Un membre de notre équipe va prendre le relais.",
      failed: "Désolé, le message n'a pas pu être envoyé. Veuillez réessayer."
    }
  };

  /** An API error: HTTP status (0 when the server did not answer), message and the field at fault. */
  function WismoError(status, message, field) {
    this.name = "WismoError";
    this.status = status;
    this.message = message;
    this.field = field || null;
  }
  WismoError.prototype = Object.create(Error.prototype);
  WismoError.prototype.constructor = WismoError;

  /** A random hex string of `bytes` bytes (crypto quality, so ids do not collide across testers). */
  function randomHex(bytes) {
    var data = new Uint8Array(bytes);
    window.crypto.getRandomValues(data);
    return Array.prototype.map.call(data, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function newConversationId(prefix) {
    return (prefix || "web") + "-" + randomHex(8);
  }

  /**
   * Talks to the wismo HTTP API. `baseUrl` is the server's address ("" for the page's own origin);
   * `getToken` returns the bearer token or "" (read on every call, so a token pasted later is used).
   */
  function Client(baseUrl, getToken) {
    this.baseUrl = (baseUrl || "").replace(/\/+$/, "");
    this.getToken = getToken || function () { return ""; };
  }

  Client.prototype.request = function (method, path, body) {
    var headers = { "Accept": "application/json" };
    var token = this.getToken();
    if (token) { headers["Authorization"] = "Bearer " + token; }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    var init = { method: method, headers: headers };
    if (body !== undefined) { init.body = JSON.stringify(body); }
    return fetch(this.baseUrl + path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var message = data && typeof data.error === "string" ? data.error : response.statusText || "error";
          throw new WismoError(response.status, message, data && data.field);
        }
        return data;
      });
    }, function () {
      throw new WismoError(0, "the server did not answer", null);
    });
  };

  /** POST one message; `options` may hold language and customer ({email, verified, name}). */
  Client.prototype.send = function (conversationId, text, options) {
    var body = { text: text, message_id: "m-" + randomHex(8) };
    options = options || {};
    if (options.language) { body.language = options.language; }
    if (options.customer) { body.customer = options.customer; }
    return this.request("POST", "/api/v1/conversations/" + encodeURIComponent(conversationId) + "/messages", body);
  };

  Client.prototype.demoOrders = function () {
    return this.request("GET", "/api/v1/demo/orders");
  };

  /** Fill `parent` with `text`, turning http(s) URLs into links; everything goes in as text nodes. */
  function appendRichText(parent, text) {
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)]+$/, "");
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = match.index + url.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var WIDGET_CSS = [
    ":host{all:initial;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;border:0;border-radius:999px;",
    "padding:12px 18px;background:#1f5eff;color:#fff;font:inherit;font-weight:600;cursor:pointer;",
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #ffb000;",
    "outline-offset:2px}",
    ".panel{position:fixed;right:16px;bottom:76px;z-index:2147483000;width:min(360px,calc(100vw - 32px));",
    "height:min(520px,calc(100vh - 100px));display:flex;flex-direction:column;background:#fff;",
    "border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;",
    "background:#1f5eff;color:#fff}",
    "h2{margin:0;font-size:16px}",
    ".close{border:0;background:transparent;color:#fff;font:inherit;font-size:20px;cursor:pointer;",
    "padding:2px 8px}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f5f7fb}",
    ".msg{max-width:85%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".msg.user{align-self:flex-end;background:#1f5eff;color:#fff}",
    ".msg.bot{align-self:flex-start;background:#fff;border:1px solid #d8deea}",
    ".msg.note{align-self:center;background:#fff4d6;border:1px solid #f0d48a;font-size:13px}",
    ".msg a{color:inherit}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "form{display:flex;gap:6px;padding:10px;border-top:1px solid #d8deea}",
    "input{flex:1;min-width:0;font:inherit;padding:8px 10px;border:1px solid #8a94a8;border-radius:8px}",
    "form button{font:inherit;font-weight:600;border:0;border-radius:8px;padding:8px 12px;",
    "background:#1f5eff;color:#fff;cursor:pointer}"
  ].join("");

  /**
   * Mount the chat widget in `host` (a floating button and a panel, in a shadow root so the shop's CSS and
   * ours never mix). Options: url (API base), language ("en" | "fr"), title.
   */
  function mountWidget(host, options) {
    options = options || {};
    var language = WIDGET_TEXT[options.language] ? options.language : "en";
    var words = WIDGET_TEXT[language];
    var client = new Client(options.url || "", null);
    var storageKey = "wismo.widget." + (options.url || location.origin);
    var saved = {};
    try { saved = JSON.parse(sessionStorage.getItem(storageKey) || "{}") || {}; } catch (e) { saved = {}; }
    var session = { conversationId: saved.conversationId || newConversationId("web"), lines: saved.lines || [] };

    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = el("style", null, WIDGET_CSS);
    var launcher = el("button", "launcher", words.open);
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    var panel = el("section", "panel");
    panel.hidden = true;
    panel.id = "wismo-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", options.title || words.title);
    launcher.setAttribute("aria-controls", panel.id);
    var header = el("header");
    var title = el("h2", null, options.title || words.title);
    var close = el("button", "close", "×");
    close.type = "button";
    close.setAttribute("aria-label", words.close);
    header.appendChild(title);
    header.appendChild(close);
    var log = el("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.tabIndex = 0;
    var form = el("form");
    var label = el("label", "sr", words.label);
    label.htmlFor = "wismo-input";
    var input = el("input");
    input.id = "wismo-input";
    input.type = "text";
    input.autocomplete = "off";
    input.placeholder = words.placeholder;
    input.maxLength = 4000;
    var send = el("button", null, words.send);
    send.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    panel.appendChild(header);
    panel.appendChild(log);
    panel.appendChild(form);
    root.appendChild(style);
    root.appendChild(launcher);
    root.appendChild(panel);

    function save() {
      try {
        sessionStorage.setItem(storageKey, JSON.stringify({
          conversationId: session.conversationId, lines: session.lines.slice(-60)
        }));
      } catch (e) { /* storage full or disabled: the chat still works, it is just not kept */ }
    }

    function show(kind, text, remember) {
      var bubble = el("div", "msg " + kind);
      var who = el("span", "sr", (kind === "user" ? words.you : words.bot) + ": ");
      bubble.appendChild(who);
      appendRichText(bubble, text);
      log.appendChild(bubble);
      log.scrollTop = log.scrollHeight;
      if (remember) { session.lines.push({ kind: kind, text: text }); save(); }
    }

    show("bot", words.greeting, false);
    session.lines.forEach(function (line) { show(line.kind, line.text, false); });

    function setOpen(open) {
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { input.focus(); } else { launcher.focus(); }
    }

    launcher.addEventListener("click", function () { setOpen(panel.hidden); });
    close.addEventListener("click", function () { setOpen(false); });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { setOpen(false); }
    });

    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || busy) { return; }
      busy = true;
      input.value = "";
      show("user", text, true);
      client.send(session.conversationId, text, { language: language }).then(function (data) {
        (data.replies || []).forEach(function (reply) { show("bot", String(reply.text), true); });
        if (data.handoff) { show("note", words.handoff, true); }
      }, function () {
        show("note", words.failed, false);
      }).then(function () { busy = false; input.focus(); });
    });
    return { client: client, open: function () { setOpen(true); }, conversationId: session.conversationId };
  }

  function autoMount() {
    var url = script && script.getAttribute("data-wismo-url");
    var hosts = document.querySelectorAll("#wismo-chat, [data-wismo-chat]");
    Array.prototype.forEach.call(hosts, function (host) {
      if (host.getAttribute("data-wismo-mounted")) { return; }
      host.setAttribute("data-wismo-mounted", "true");
      var lang = (script && script.getAttribute("data-wismo-language")) || document.documentElement.lang || "en";
      mountWidget(host, {
        url: url !== null && url !== undefined ? url : (script ? new URL(script.src, location.href).origin : ""),
        language: lang.slice(0, 2).toLowerCase(),
        title: script && script.getAttribute("data-wismo-title")
      });
    });
  }

  window.Wismo = {
    Client: Client,
    WismoError: WismoError,
    newConversationId: newConversationId,
    appendRichText: appendRichText,
    mountWidget: mountWidget
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", autoMount);
  } else {
    autoMount();
  }
})();
