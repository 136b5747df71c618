/* Long uploads and imports: when a form that sends files (or carries data-busy="…") is
   submitted, show a moving progress bar with a Chinese message and stop a second click. */
(function () {
  function busy(form) {
    if (form.querySelector('.busy-progress')) return;
    const text = form.dataset.busy || '正在上传并处理，请稍候…';
    const box = document.createElement('div');
    box.className = 'busy-progress mt-3';
    box.setAttribute('role', 'status');
    box.innerHTML = '<div class="progress" role="progressbar" aria-label="处理中">' +
      '<div class="progress-bar progress-bar-striped progress-bar-animated bg-success" style="width: 100%"></div></div>' +
      '<div class="small text-muted mt-1"></div>';
    box.querySelector('.small').textContent = text;
    form.appendChild(box);
    form.querySelectorAll('button[type=submit], input[type=submit]').forEach(function (b) { b.disabled = true; });
  }
  document.addEventListener('submit', function (ev) {
    const form = ev.target;
    if (ev.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if (form.enctype === 'multipart/form-data' || form.dataset.busy) {
      setTimeout(function () { busy(form); }, 0);  /* after the browser has read the submit button */
    }
  });
  window.addEventListener('pageshow', function (ev) {  /* back button: forms usable again */
    if (!ev.persisted) return;
    document.querySelectorAll('.busy-progress').forEach(function (el) { el.remove(); });
    document.querySelectorAll('form button[type=submit][disabled], form input[type=submit][disabled]').forEach(function (b) { b.disabled = false; });
  });
})();

/* Forms marked data-confirm-blank: before submitting, ask when questions (elements with
   class "check-question") have no chosen option, naming how many. */
document.addEventListener('submit', function (ev) {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !('confirmBlank' in form.dataset)) return;
  const open = Array.prototype.filter.call(form.querySelectorAll('.check-question'), function (q) {
    return !Array.prototype.some.call(q.querySelectorAll('input'), function (i) { return i.checked; });
  }).length;
  if (open && !window.confirm('还有 ' + open + ' 题未作答，确定交卷吗？')) {
    ev.preventDefault();
    ev.stopImmediatePropagation();
  }
}, true);
/* Behaviour that would otherwise sit in inline handlers (the Content-Security-Policy forbids
   them): a form with data-confirm="…" asks first; a button with data-print prints the page. */
(function () {
  document.addEventListener('submit', function (ev) {
    const form = ev.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener('click', function (ev) {
    const button = ev.target instanceof Element ? ev.target.closest('[data-print]') : null;
    if (button) window.print();
  });
})();
