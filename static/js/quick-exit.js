/*
 * The quick exit, ready before any of the page is shown.
 *
 * Loaded without "defer" or "async" at the top of <head>, so the browser runs it before
 * it parses, let alone paints, any of the body: the Escape key and the "Leave this
 * site" link work from the first moment anything is on screen, even while the rest of
 * a long page and its other script are still arriving. It listens on the window and
 * the document, not on the link, because the link does not exist yet when this runs.
 *
 * Without JavaScript the link still works: it is a real link to /exit/, which redirects.
 * Nothing is stored in the browser.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var exitUrl = script && script.getAttribute("data-quick-exit-url");
  if (!exitUrl) {
    return; // the link's own /exit/ still works
  }
  var leaving = false;

  function leave(event) {
    event.preventDefault();
    event.stopImmediatePropagation();
    if (leaving) {
      return;
    }
    leaving = true;
    // In this same task: the answers leave the DOM (not merely hidden), the title that
    // history would show goes blank, and the tab goes elsewhere without a history entry.
    // The body may not exist yet if the key comes while the head is still arriving.
    document.title = "";
    (document.body || document.documentElement).replaceChildren();
    window.location.replace(exitUrl);
  }

  // Capture phase, so no field or widget can swallow the key first.
  window.addEventListener(
    "keydown",
    function (event) {
      if (event.key === "Escape" || event.key === "Esc") {
        leave(event);
      }
    },
    true
  );
  document.addEventListener(
    "click",
    function (event) {
      if (event.target.closest && event.target.closest("[data-quick-exit]")) {
        leave(event);
      }
    },
    true
  );

  // A page brought back by Back/Forward from the browser's memory must not show answers.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.body.replaceChildren();
      window.location.replace(window.location.pathname);
    }
  });
})();
