// ftpgate — optional enhancements. Every page works fully without this file;
// each enhancer below finds its elements and quietly does nothing when absent.
// To add one (e.g. drag-and-drop uploads with progress), write a small
// function and list it in ENHANCERS.
(function () {
  "use strict";

  // The flash banner: the close label already hides it through a checkbox
  // (pure CSS); with script, remove it from the page and keep focus in <main>.
  function enhanceFlash() {
    var wrap = document.querySelector(".flash-wrap");
    if (!wrap) return;
    var close = wrap.querySelector(".flash-close");
    if (!close) return;
    close.addEventListener("click", function (event) {
      event.preventDefault();
      wrap.remove();
      var main = document.getElementById("main");
      if (main) main.focus();
    });
  }

  // A field the server marked invalid gets the focus, so the person can fix it.
  function focusFirstInvalid() {
    var field = document.querySelector("[aria-invalid='true']");
    if (field && typeof field.focus === "function") field.focus();
  }

  var ENHANCERS = [enhanceFlash, focusFirstInvalid];

  function run() {
    ENHANCERS.forEach(function (enhance) {
      try {
        enhance();
      } catch (err) {
        // One broken enhancement must not stop the others; the page still works.
        if (window.console) console.error("ftpgate:", err);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
