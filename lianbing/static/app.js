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
/* Lists on a phone (see app.css "table-cards"): each cell of a table.table-cards gets its
   column's header as data-label (shown before the value on a card), and the role class of
   its column's header: .col-main (what the row is; the first column unless one is marked),
   .col-rank (a place number) and .col-key (the score or status), so that the card shows
   them on its first line. Rows a page rebuilds later (live leaderboards) are labelled again.
   Tables too wide for their box: the box becomes a keyboard-focusable named region (arrow
   keys scroll it) and a cue above it says that it scrolls sideways. */
(function () {
  const ROLES = ['col-main', 'col-rank', 'col-key'];
  function headsOf(table) {
    const heads = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) {
      return { text: th.textContent.trim(), roles: ROLES.filter(function (r) { return th.classList.contains(r); }) };
    });
    if (heads.length && !heads.some(function (h) { return h.roles.indexOf('col-main') >= 0; })) {
      heads[0].roles.push('col-main');
    }
    return heads;
  }
  function labelRows(table, heads) {
    table.querySelectorAll('tbody > tr, tfoot > tr').forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (cell, i) {
        const head = heads[i];
        if (!head || cell.colSpan > 1) return;
        if (!cell.hasAttribute('data-label')) cell.setAttribute('data-label', head.text);
        head.roles.forEach(function (r) { cell.classList.add(r); });
      });
    });
  }
  function cards(table) {
    const heads = headsOf(table);
    labelRows(table, heads);
    table.querySelectorAll('tbody').forEach(function (body) {
      new MutationObserver(function () { labelRows(table, heads); }).observe(body, { childList: true });
    });
  }
  function scrollCue(box) {
    const wide = box.scrollWidth > box.clientWidth + 1;
    let cue = box.previousElementSibling;
    if (!(cue && cue.classList.contains('scroll-cue'))) cue = null;
    if (wide && !cue) {
      cue = document.createElement('div');
      cue.className = 'scroll-cue';
      cue.setAttribute('aria-hidden', 'true');
      cue.textContent = '表格较宽，可左右滑动查看 →';
      box.parentNode.insertBefore(cue, box);
    }
    if (cue) cue.hidden = !wide;
    box.classList.toggle('is-wide', wide);
    if (wide) {
      box.tabIndex = 0;
      box.setAttribute('role', 'region');
      if (!box.hasAttribute('aria-label')) box.setAttribute('aria-label', '可左右滚动的表格');
    } else if (box.getAttribute('role') === 'region') {
      box.removeAttribute('tabindex');
      box.removeAttribute('role');
      if (box.getAttribute('aria-label') === '可左右滚动的表格') box.removeAttribute('aria-label');
    }
  }
  function scrollCues() { document.querySelectorAll('.table-responsive').forEach(scrollCue); }
  document.querySelectorAll('table.table-cards').forEach(cards);
  scrollCues();
  let pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(scrollCues, 150);
  });
})();
/* A page with a sticky header (the quiz's title, timer and progress): keep the window's
   scroll padding at the header's height, so an element reached with Tab or Shift+Tab is
   scrolled clear of the header instead of under it. */
(function () {
  const header = document.querySelector('main .sticky-top');
  if (!header) return;
  function pad() {
    document.documentElement.style.scrollPaddingTop = (header.offsetHeight + 16) + 'px';
  }
  pad();
  window.addEventListener('resize', pad);
})();
