/* Progressive help for every public form; the server checks everything again.
 *
 * 1. Error summary: move focus to it when the page loads, so a phone user sees what went
 *    wrong without scrolling; its links move to the field (opening a closed <details>) and
 *    scroll the field's label or legend into view, not just the bare input.
 * 2. Multiple choice with a maximum ([data-max-choices]): once the maximum is ticked, the
 *    remaining boxes are disabled and a note says why; unticking one enables them again.
 *
 * A static file, no inline script: the site's Content-Security-Policy forbids inline code.
 */
(function () {
  "use strict";

  function labelFor(field) {
    var fieldset = field.closest("fieldset");
    if (fieldset && (field.type === "radio" || field.type === "checkbox")) {
      return fieldset.querySelector("legend") || fieldset;
    }
    if (field.id) {
      var label = document.querySelector('label[for="' + field.id + '"]');
      if (label) return label;
    }
    return field;
  }

  function moveTo(field) {
    var details = field.closest("details");
    if (details) details.open = true;
    labelFor(field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  function initErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link) return;
      var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) return;
      event.preventDefault();
      moveTo(field);
    });
  }

  function initChoiceLimits() {
    var groups = document.querySelectorAll("[data-max-choices]");
    Array.prototype.forEach.call(groups, function (group) {
      var max = parseInt(group.getAttribute("data-max-choices"), 10);
      if (!(max > 0)) return;
      var boxes = group.querySelectorAll('input[type="checkbox"]');
      var note = group.querySelector("[data-choice-limit-note]");
      function update() {
        var ticked = 0;
        Array.prototype.forEach.call(boxes, function (box) {
          if (box.checked) ticked += 1;
        });
        var full = ticked >= max;
        Array.prototype.forEach.call(boxes, function (box) {
          // Only unticked boxes: a ticked one must stay free to untick (and to be sent).
          box.disabled = full && !box.checked;
        });
        if (note) note.hidden = !full;
      }
      group.addEventListener("change", update);
      update();
    });
  }

  function init() {
    initChoiceLimits();
    initErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
