// errbook page behaviour: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  // Copy buttons on error signatures.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button || !navigator.clipboard) return;
    navigator.clipboard.writeText(button.getAttribute("data-copy") || "").then(function () {
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
