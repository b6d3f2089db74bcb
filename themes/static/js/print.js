// A button with data-print opens the browser's print dialog (no inline handler: CSP).
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
