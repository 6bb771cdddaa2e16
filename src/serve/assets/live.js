// errbook serve: reloads the page when the site is rebuilt. Injected in serve mode only.
(function () {
  "use strict";
  var source = new EventSource("/__errbook/events");
  var seen = null;
  source.addEventListener("ready", function (event) {
    // After a reconnect (the server restarted or the connection dropped), a different
    // generation means the page may be stale.
    if (seen !== null && seen !== event.data) location.reload();
    seen = event.data;
  });
  source.addEventListener("reload", function () {
    location.reload();
  });
})();
