/**
 * The one script of the web area (progressive enhancement; every page works without it):
 * asks before destructive actions, disables a form's button once it is submitted, and shows
 * `time[data-local]` in the reader's own time zone, to the second.
 */
export const APP_JS = `
document.addEventListener("submit", function (e) {
  var f = e.target;
  var q = f.getAttribute("data-confirm");
  if (q && !window.confirm(q)) { e.preventDefault(); return; }
  var b = f.querySelector("button[type=submit]");
  if (b) setTimeout(function () { b.disabled = true; }, 0);
});
document.querySelectorAll("time[data-local]").forEach(function (t) {
  var d = new Date(t.getAttribute("datetime"));
  if (isNaN(d.getTime())) return;
  var p = function (n) { return (n < 10 ? "0" : "") + n; };
  t.textContent = d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " +
    p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds()) + " local time";
});
`;

/** Where the script is served. */
export const APP_JS_PATH = "/web/app.js";
