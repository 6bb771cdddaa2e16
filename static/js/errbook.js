// errbook page behaviour: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  // What every error page would otherwise repeat in its markup is added here: the copy button
  // of each signature, the `#` anchor of each section heading and each citation's title (the
  // source it points at).
  var boxes = document.querySelectorAll(".signature > pre, .sig-example > pre");
  for (var b = 0; b < boxes.length; b++) {
    var next = boxes[b].nextElementSibling;
    if (!navigator.clipboard || (next && next.matches("button.copy"))) continue;
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.setAttribute("aria-label", "Copy error text");
    copy.textContent = "Copy";
    boxes[b].after(copy);
  }
  var headings = document.querySelectorAll(".section > h2[id]");
  for (var h = 0; h < headings.length; h++) {
    if (headings[h].querySelector(".anchor")) continue;
    var anchor = document.createElement("a");
    anchor.className = "anchor";
    anchor.href = "#" + headings[h].id;
    anchor.setAttribute("aria-hidden", "true");
    anchor.textContent = "#";
    headings[h].prepend(anchor);
  }
  var cites = document.querySelectorAll(".cite a[href^='#source-']");
  for (var c = 0; c < cites.length; c++) {
    var source = document.getElementById(cites[c].getAttribute("href").slice(1));
    if (!source || cites[c].title) continue;
    var first = source.firstChild;
    cites[c].title = ((first && first.nodeType === 1 ? first.textContent : first && first.nodeValue) || "").trim();
  }

  // Copy buttons on error signatures: a button copies the text of the <pre> before it (or its
  // `data-copy`, which templates written for older versions carry).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button || !navigator.clipboard) return;
    var text = button.getAttribute("data-copy");
    if (text === null) {
      var pre = button.previousElementSibling;
      while (pre && pre.tagName !== "PRE") pre = pre.previousElementSibling;
      text = pre ? pre.textContent : "";
    }
    navigator.clipboard.writeText(text).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  // Opened from disk (file://), a directory link shows a listing instead of the page:
  // point the site's own links at index.html.
  if (location.protocol === "file:") {
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (!/^[a-z]+:|^\/\/|^#/i.test(href) && /\/(#.*)?$/.test(href)) {
        links[i].setAttribute("href", href.replace(/\/(#.*)?$/, "/index.html$1"));
      }
    }
  }
})();
