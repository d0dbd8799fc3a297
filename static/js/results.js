// The results page's "Print or save as PDF" button: shown only where it works, that is
// with JavaScript; the browser's own print command gives the same report without it.
const printButton = document.getElementById("print-report");
if (printButton) {
  printButton.hidden = false;
  printButton.addEventListener("click", () => window.print());
}
