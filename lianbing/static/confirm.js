/* Irreversible steps: a form carrying data-confirm="…" asks before it is sent. Without
   scripts the server still requires the form's own confirmation checkbox. */
(function () {
  document.addEventListener('submit', function (ev) {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
  }, true);
})();
