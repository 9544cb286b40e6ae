/* Survey drafts for remote communes: every keystroke is kept in the browser (localStorage);
   whenever the connection allows, the draft is also saved to the server. A failed submit or a
   dropped connection never loses what was typed. */
(function () {
  var form = document.getElementById('survey-form');
  if (!form) return;
  var key = 'hc-survey-draft:' + form.dataset.draftKey;
  var status = document.getElementById('draft-status');
  var csrf = form.querySelector('input[name=csrfmiddlewaretoken]').value;
  var dirty = false;
  var submittedWithErrors = form.querySelector('.field-error, .msg.error') !== null;

  function collect() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === 'csrfmiddlewaretoken' || el.type === 'file') return;
      if (el.type === 'checkbox') data[el.name] = el.checked ? 'on' : '';
      else data[el.name] = el.value;
    });
    return data;
  }
  function apply(data) {
    Object.keys(data || {}).forEach(function (name) {
      var el = form.elements[name];
      if (!el || el.type === 'hidden') return;
      if (el.type === 'checkbox') el.checked = data[name] === 'on';
      else if (!el.value || el.tagName === 'SELECT') el.value = data[name];
    });
  }
  function say(text) { if (status) status.textContent = text; }
  function saveLocal() {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: collect() })); } catch (e) {}
    dirty = true;
    say('Đã lưu nháp trên máy lúc ' + new Date().toLocaleTimeString('vi-VN'));
  }
  function saveServer() {
    if (!dirty || !navigator.onLine) return;
    fetch(form.dataset.draftUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify({ key: form.dataset.draftKey, data: collect() })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
      if (j) { dirty = false; say('Đã lưu nháp lên máy chủ lúc ' + j.saved_at); }
    }).catch(function () { say('Mất kết nối: nháp vẫn được giữ trên máy, sẽ gửi khi có mạng.'); });
  }
  // Restore: after a failed submit the server already re-filled the form; otherwise take the newest draft.
  if (!submittedWithErrors) {
    var local = null;
    try { local = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) {}
    var server = {};
    try { server = JSON.parse(document.getElementById('server-draft').textContent || '{}'); } catch (e) {}
    if (local && local.data) { apply(local.data); say('Đã khôi phục bản nháp trên máy.'); }
    else if (server && Object.keys(server).length) { apply(server); say('Đã khôi phục bản nháp từ máy chủ.'); }
  }
  form.addEventListener('input', saveLocal);
  form.addEventListener('change', saveLocal);
  window.addEventListener('online', saveServer);
  setInterval(saveServer, 10000);
  form.addEventListener('submit', function () { saveLocal(); });
  document.getElementById('draft-clear').addEventListener('click', function () {
    try { localStorage.removeItem(key); } catch (e) {}
    form.reset(); say('Đã xóa bản nháp.');
  });
  // The sticky save bar never covers the focused field: CSS scroll-padding handles most fields; a textarea is
  // scrolled only as far as its caret, so whatever still lies under the bar is scrolled clear of it here.
  var bar = form.querySelector('.sticky-actions');
  if (bar) form.addEventListener('focusin', function (e) {
    if (bar.contains(e.target) || getComputedStyle(bar).position !== 'sticky') return;
    var r = e.target.getBoundingClientRect(), top = bar.getBoundingClientRect().top;
    if (r.bottom > top) window.scrollBy(0, Math.min(r.bottom - top + 8, Math.max(r.top - 8, 0)));
  });
  // A successful save lands on the case page: the draft is then cleared there (see case.html).
})();
