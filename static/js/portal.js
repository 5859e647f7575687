// Small behaviours of the portal, no inline handlers (content-security policy friendly).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
// Dashboard period picker: typing or picking a date means a custom period (the server uses
// the dates only then; a shortcut such as "this month" wins over the pre-filled dates).
document.addEventListener("change", (event) => {
  const input = event.target.closest("[data-custom-period]");
  const select = input && input.form && input.form.querySelector("select[name=period]");
  if (select) {
    select.value = "custom";
  }
});
// Send the CSRF token with htmx requests.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("meta[name=csrf-token]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.content;
  }
});
// Enter in a search box runs its search (htmx "search" trigger) instead of submitting the form.
document.addEventListener("keydown", (event) => {
  const box = event.target.closest && event.target.closest("[data-enter-searches]");
  if (box && event.key === "Enter") {
    event.preventDefault();
    if (window.htmx) {
      window.htmx.trigger(box, "search");
    }
  }
});
// The receive form: show only the chosen procedure's list of required components.
function showComponentsFor(select) {
  document.querySelectorAll("[data-components-for]").forEach((group) => {
    group.hidden = group.dataset.componentsFor !== select.value;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.id === "id_procedure") {
    showComponentsFor(event.target);
  }
});
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_procedure");
  if (select && document.querySelector("[data-components-for]")) {
    showComponentsFor(select);
  }
});
