/* The workflow builder (admin/workflow/builder.html). Everything works without this script (forms
   post to the server, which answers with the page); it adds: field names offered while a condition is
   typed, the condition checked as it is typed, "try on case X" without reloading, confirmations before
   deleting, a filter for long lists of fields, and the diagram's scroll position kept across clicks.
   No inline script (the Content-Security-Policy allows scripts from this site only). */
(function () {
  'use strict';

  function fold(text) {
    return (text || '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  }

  /* Messages come translated from the page (data-msg-* on #wfb), so this file holds no language. */
  var root = document.getElementById('wfb');
  function msg(name, values) {
    var text = (root && root.getAttribute('data-msg-' + name)) || '';
    Object.keys(values || {}).forEach(function (k) { text = text.replace('%(' + k + ')s', values[k]); });
    return text;
  }

  var names = [];
  var source = document.getElementById('wfb-names');
  if (source) { try { names = JSON.parse(source.textContent); } catch (e) { names = []; } }

  /* ------------------------------------------------ field names offered while typing a condition */
  function wordAt(field) {
    var end = field.selectionStart, text = field.value, start = end;
    while (start > 0 && /[A-Za-z0-9_]/.test(text.charAt(start - 1))) start--;
    return {start: start, end: end, word: text.slice(start, end)};
  }

  function setupSuggestions(box) {
    var field = box.querySelector('textarea[data-condition]');
    var list = box.querySelector('.wfb-suggest');
    if (!field || !list || field.disabled) return;
    var items = [], active = -1;

    function close() { list.hidden = true; list.innerHTML = ''; items = []; active = -1; }
    function choose(i) {
      var at = wordAt(field), name = items[i][0];
      field.value = field.value.slice(0, at.start) + name + field.value.slice(at.end);
      var caret = at.start + name.length;
      field.setSelectionRange(caret, caret);
      close();
      field.focus();
      field.dispatchEvent(new Event('input', {bubbles: true}));
    }
    function mark() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute('aria-selected', i === active ? 'true' : 'false');
        if (i === active) li.scrollIntoView({block: 'nearest'});
      });
    }
    function show() {
      var at = wordAt(field);
      if (at.word.length < 1 || /^[0-9]/.test(at.word)) { close(); return; }
      var q = fold(at.word);
      items = names.filter(function (n) {
        return n[0].toLowerCase().indexOf(q) === 0 || fold(n[1]).indexOf(q) !== -1;
      }).slice(0, 12);
      if (!items.length || (items.length === 1 && items[0][0] === at.word)) { close(); return; }
      list.innerHTML = '';
      items.forEach(function (n, i) {
        var li = document.createElement('li');
        li.setAttribute('role', 'option');
        var code = document.createElement('code');
        code.textContent = n[0];
        li.appendChild(code);
        li.appendChild(document.createTextNode(' ' + n[1]));
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      active = 0;
      mark();
      list.hidden = false;
    }
    list.setAttribute('role', 'listbox');
    field.addEventListener('input', show);
    field.addEventListener('blur', function () { setTimeout(close, 150); });
    field.addEventListener('keydown', function (e) {
      if (list.hidden) return;
      if (e.key === 'ArrowDown') { active = (active + 1) % items.length; mark(); e.preventDefault(); }
      else if (e.key === 'ArrowUp') { active = (active - 1 + items.length) % items.length; mark(); e.preventDefault(); }
      else if (e.key === 'Enter' || e.key === 'Tab') { if (active >= 0) { choose(active); e.preventDefault(); } }
      else if (e.key === 'Escape') { close(); }
    });
  }

  /* ------------------------------------------------ the condition checked as typed, and tried on a case */
  function setupCheck(box) {
    var field = box.querySelector('textarea[data-condition]');
    var out = box.querySelector('.wfb-check');
    var url = box.getAttribute('data-check-url');
    if (!field || !out || !url || field.disabled) return;
    var timer = null, seq = 0;

    function ask(extra) {
      var params = new URLSearchParams({condition: field.value});
      if (extra) Object.keys(extra).forEach(function (k) { params.set(k, extra[k]); });
      var mine = ++seq;
      return fetch(url + '?' + params.toString(), {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) { return mine === seq ? data : null; });
    }
    function render(data) {
      if (!data) return;
      out.innerHTML = '';
      var span = document.createElement('span');
      if (!field.value.trim()) { span.textContent = msg('empty'); }
      else if (data.problems.length) { span.className = 'wfb-bad'; span.textContent = data.problems.join(' '); }
      else { span.className = 'wfb-ok'; span.textContent = msg('valid'); }
      out.appendChild(span);
    }
    field.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { ask().then(render).catch(function () {}); }, 350);
    });

    var tryButton = box.querySelector('[data-try]');
    var doc = box.querySelector('input[name=try_document]');
    var result = box.querySelector('.wfb-try-result');
    if (tryButton && doc && result) {
      tryButton.addEventListener('click', function (e) {
        e.preventDefault();
        result.textContent = msg('trying');
        ask({document: doc.value}).then(function (data) {
          if (!data) return;
          render(data);
          var t = data['try'];
          result.innerHTML = '';
          var span = document.createElement('span');
          if (!doc.value.trim()) { span.className = 'wfb-bad'; span.textContent = msg('need-code'); }
          else if (t && t.ok) {
            span.className = t.value ? 'wfb-ok' : 'wfb-bad';
            span.textContent = msg('on-case', {case: t.document, result: msg(t.value ? 'passed' : 'failed')});
          } else { span.className = 'wfb-bad'; span.textContent = (t && t.message) || data.problems.join(' '); }
          result.appendChild(span);
        }).catch(function () { result.textContent = msg('offline'); });
      });
      doc.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); tryButton.click(); } });
    }
  }

  /* ------------------------------------------------ filters for long lists of checkboxes */
  function setupFilter(input) {
    var list = input.parentNode.querySelector('.wfb-choices');
    if (!list) return;
    input.hidden = false;
    input.addEventListener('input', function () {
      var q = fold(input.value);
      Array.prototype.forEach.call(list.querySelectorAll('label'), function (label) {
        var row = label.parentNode;
        row.style.display = !q || fold(label.textContent).indexOf(q) !== -1 ? '' : 'none';
      });
    });
  }

  /* ------------------------------------------------ keep the diagram where it was after a click on it */
  var KEY = 'wfb-scroll:' + location.pathname;
  function remember() {
    try { sessionStorage.setItem(KEY, JSON.stringify({y: window.scrollY})); } catch (e) {}
  }
  function restore() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      sessionStorage.removeItem(KEY);
      if (saved) window.scrollTo(0, saved.y);
    } catch (e) {}
  }

  document.addEventListener('click', function (e) {
    var target = e.target;
    var confirmer = target.closest && target.closest('[data-confirm]');
    if (confirmer && !window.confirm(confirmer.getAttribute('data-confirm'))) { e.preventDefault(); return; }
    if (target.closest && target.closest('#wfb-svg a, .wfb-lists a, .wfb-problems a')) remember();
  });
  document.addEventListener('submit', function (e) {
    if (e.target.closest && e.target.closest('#wfb-panel')) remember();
  });

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll('.wfb-condition'), function (box) {
      setupSuggestions(box);
      setupCheck(box);
    });
    Array.prototype.forEach.call(document.querySelectorAll('.wfb-filter'), setupFilter);
    restore();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
})();
