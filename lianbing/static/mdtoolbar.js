/* A small formatting toolbar for long texts (bulletins, column articles, summary reports).
   Every textarea marked data-markdown-toolbar gets buttons for bold, headings and lists; each
   inserts the Markdown the server renders, so clerks never need to know Markdown. No inline
   handlers: the page's Content-Security-Policy forbids them. */
(function () {
  const TOOLS = [
    { label: '加粗', hint: '把选中的文字加粗', kind: 'wrap', mark: '**', empty: '加粗文字' },
    { label: '标题', hint: '把所在行设为小标题', kind: 'line', prefix: '## ' },
    { label: '• 列表', hint: '把所在行设为列表项', kind: 'line', prefix: '- ' },
    { label: '1. 编号', hint: '把所在行设为编号项', kind: 'line', prefix: '1. ', numbered: true }
  ];

  function changed(area) {
    area.dispatchEvent(new Event('input', { bubbles: true }));  /* counters, drafts */
    area.focus();
  }

  function wrap(area, tool) {
    const start = area.selectionStart, end = area.selectionEnd;
    const chosen = area.value.slice(start, end) || tool.empty;
    area.setRangeText(tool.mark + chosen + tool.mark, start, end, 'end');
    area.setSelectionRange(start + tool.mark.length, start + tool.mark.length + chosen.length);
    changed(area);
  }

  /* A list needs an empty line between it and the paragraph above, or it stays a paragraph. */
  function separated(value, start, tool) {
    if (tool.prefix === '## ' || start === 0) return '';
    const above = value.slice(value.lastIndexOf('\n', start - 2) + 1, start - 1);
    return above.trim() && !/^(- |\* |\d+\. )/.test(above) ? '\n' : '';
  }

  function lines(area, tool) {
    const value = area.value;
    const start = value.lastIndexOf('\n', area.selectionStart - 1) + 1;
    let end = value.indexOf('\n', Math.max(area.selectionEnd - 1, start));
    if (end < 0) end = value.length;
    const marked = value.slice(start, end).split('\n').map(function (line, i) {
      const bare = line.replace(/^(#{1,6} |- |\* |\d+\. )/, '');
      return (tool.numbered ? (i + 1) + '. ' : tool.prefix) + bare;
    }).join('\n');
    area.setRangeText(separated(value, start, tool) + marked, start, end, 'select');
    changed(area);
  }

  function toolbar(area) {
    const bar = document.createElement('div');
    bar.className = 'btn-toolbar gap-1 mb-1 md-toolbar';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', '文字格式');
    TOOLS.forEach(function (tool) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-sm btn-outline-secondary';
      button.textContent = tool.label;
      button.title = tool.hint;
      if (area.id) button.setAttribute('aria-controls', area.id);
      button.addEventListener('click', function () {
        (tool.kind === 'wrap' ? wrap : lines)(area, tool);
      });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }

  document.querySelectorAll('textarea[data-markdown-toolbar]').forEach(toolbar);
})();
