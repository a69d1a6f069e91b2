/**
 * The one script of the web area (progressive enhancement; every page works without it):
 * asks before destructive actions and disables a form's button once it is submitted.
 */
export const APP_JS = `
document.addEventListener("submit", function (e) {
  var f = e.target;
  var q = f.getAttribute("data-confirm");
  if (q && !window.confirm(q)) { e.preventDefault(); return; }
  var b = f.querySelector("button[type=submit]");
  if (b) setTimeout(function () { b.disabled = true; }, 0);
});
`;

/** Where the script is served. */
export const APP_JS_PATH = "/web/app.js";
