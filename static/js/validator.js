// errbook validator widget: checks a pasted config against the page's validator and shows
// line-precise findings. Everything from the config or the server is inserted as text, never
// as HTML.
(function () {
  "use strict";

  // The preview server (errbook serve) injects its live-reload script; it answers
  // /api/validate/<id> itself.
  function inPreview() {
    return document.querySelector('script[src="/__errbook/live.js"]') !== null;
  }

  // Where to post, or null when there is nowhere: then the widget shows the command. The
  // level asks the server for errors only, warnings and errors, or everything (`?level=`).
  function endpointFor(widget, id) {
    var level = widget.querySelector(".validator-level");
    var query = "?level=" + encodeURIComponent(level ? level.value : "warning");
    if (inPreview()) return "/api/validate/" + encodeURIComponent(id) + query;
    var base = widget.getAttribute("data-endpoint");
    if (!base) return null;
    return base.replace(/\/+$/, "") + "/" + encodeURIComponent(id) + query;
  }

  // The "Show" menu: the same choice as `errbook validate --level`.
  function addLevelMenu(widget) {
    var run = widget.querySelector(".validator-run");
    if (!run || widget.querySelector(".validator-level")) return;
    var label = element("label", "validator-level-label", "Show ");
    var select = element("select", "validator-level");
    [["error", "errors"], ["warning", "warnings and errors"], ["info", "everything, with advice"]]
      .forEach(function (choice) {
        var option = element("option", null, choice[1]);
        option.value = choice[0];
        if (choice[0] === "warning") option.selected = true;
        select.appendChild(option);
      });
    label.appendChild(select);
    run.parentNode.insertBefore(label, run);
    run.parentNode.insertBefore(document.createTextNode(" "), run);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // The config, one element per line, the lines with findings marked.
  function showLines(widget, text, findings) {
    var pre = widget.querySelector(".validator-lines");
    pre.textContent = "";
    var marked = {};
    findings.forEach(function (f) { marked[f.line] = f.severity || "error"; });
    text.split("\n").forEach(function (line, i) {
      var number = i + 1;
      var row = element("span", "validator-line" + (marked[number] ? " validator-line-" + marked[number] : ""));
      row.id = "validator-line-" + number;
      row.appendChild(element("span", "validator-line-number", number));
      row.appendChild(document.createTextNode(line + "\n"));
      pre.appendChild(row);
    });
    pre.hidden = findings.length === 0;
  }

  // Puts the textarea's cursor on a line, so the reader can fix it in place.
  function selectLine(textarea, text, line) {
    var lines = text.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[line - 1] || "").length;
    textarea.focus();
    textarea.setSelectionRange(start, end);
  }

  function showFindings(widget, text, findings) {
    var list = widget.querySelector(".validator-findings");
    var status = widget.querySelector(".validator-status");
    var textarea = widget.querySelector(".validator-input");
    list.textContent = "";
    status.textContent = findings.length === 0
      ? "No problems found."
      : findings.length + (findings.length === 1 ? " problem found." : " problems found.");
    findings.forEach(function (f) {
      var item = element("li", "validator-finding validator-" + (f.severity || "error"));
      var at = element("button", "validator-at", "line " + f.line + ":" + f.column);
      at.type = "button";
      at.addEventListener("click", function () { selectLine(textarea, text, f.line); });
      item.appendChild(at);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "validator-severity", f.severity));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "validator-message", f.message));
      if (f.help) item.appendChild(element("span", "validator-help", f.help));
      if (f.url && /^\/[^\/]/.test(f.url)) {
        var link = element("a", "validator-rule", "Why: " + f.rule);
        // Rule pages are site-relative; the page's own root link finds the site's base.
        var home = document.querySelector(".brand");
        var base = home ? home.getAttribute("href") || "/" : "/";
        if (inPreview()) base = "/";
        link.href = base.replace(/\/+$/, "") + f.url;
        item.appendChild(link);
      } else {
        item.appendChild(element("code", "validator-rule", f.rule));
      }
      list.appendChild(item);
    });
    showLines(widget, text, findings);
  }

  function run(widget) {
    var id = widget.getAttribute("data-validator");
    var textarea = widget.querySelector(".validator-input");
    var status = widget.querySelector(".validator-status");
    var url = endpointFor(widget, id);
    if (!url) {
      status.textContent = "This site has no validation service; run the command above instead.";
      return;
    }
    var text = textarea.value;
    status.textContent = "Checking…";
    fetch(url, { method: "POST", body: text, headers: { "Content-Type": "text/plain; charset=utf-8" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (answer.body && Array.isArray(answer.body.diagnostics) && answer.ok) {
          showFindings(widget, text, answer.body.diagnostics);
        } else {
          widget.querySelector(".validator-findings").textContent = "";
          status.textContent = (answer.body && answer.body.error) || "The config could not be checked.";
        }
      })
      .catch(function () {
        status.textContent = "The validation service did not answer; run the command above instead.";
      });
  }

  var widgets = document.querySelectorAll("section.validator[data-validator]");
  for (var i = 0; i < widgets.length; i++) {
    (function (widget) {
      addLevelMenu(widget);
      widget.querySelector(".validator-run").addEventListener("click", function () { run(widget); });
    })(widgets[i]);
  }
})();
