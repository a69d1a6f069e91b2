/**
 * The one script of the web area (progressive enhancement; every page works without it):
 * asks before destructive actions, disables a form's button once it is submitted, and shows
 * `time[data-local]` in the reader's own time zone, to the second (an age such as "3 min ago"
 * gets that moment as its hover title).
 */
export const APP_JS = `
document.addEventListener("submit", function (e) {
  var f = e.target;
  var q = f.getAttribute("data-confirm");
  if (q && !window.confirm(q)) { e.preventDefault(); return; }
  var b = f.querySelector("button[type=submit]");
  if (b) setTimeout(function () { b.disabled = true; }, 0);
});
document.querySelectorAll("time[datetime]").forEach(function (t) {
  var d = new Date(t.getAttribute("datetime"));
  if (isNaN(d.getTime())) return;
  var p = function (n) { return (n < 10 ? "0" : "") + n; };
  var local = d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " +
    p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds()) + " local time";
  if (t.hasAttribute("data-local")) t.textContent = local;
  else t.title = local;
});
`;

/** Where the script is served. */
export const APP_JS_PATH = "/web/app.js";

/** Where the auditor's kit verifier (verify_kit.py, the one every kit carries) is offered for download. */
export const VERIFIER_PATH = "/web/verify_kit.py";
