/* The queue's selection and bulk form (no inline script: Content-Security-Policy). */
(function () {
  var page = document.getElementById('check-page');
  var checks = document.querySelectorAll('.row-check');
  function sync() {
    checks.forEach(function (c) { c.nextElementSibling.disabled = !c.checked; });
  }
  if (page) page.addEventListener('change', function () { checks.forEach(function (c) { c.checked = page.checked; }); sync(); });
  checks.forEach(function (c) { c.addEventListener('change', sync); });
  var form = document.getElementById('bulk-form');
  if (form) form.addEventListener('submit', function (e) {
    var action = document.getElementById('bulk-action');
    var opt = action && action.options[action.selectedIndex];
    var comment = document.getElementById('bulk-comment');
    if (opt && opt.dataset.comment === '1' && !comment.value.trim()) {
      e.preventDefault(); comment.focus(); comment.setCustomValidity('Thao tác này bắt buộc ghi lý do.'); comment.reportValidity();
      comment.addEventListener('input', function () { comment.setCustomValidity(''); }, { once: true });
      return;
    }
    var all = document.getElementById('select-all-matching');
    var any = Array.prototype.some.call(checks, function (c) { return c.checked; });
    if (!any && !(all && all.checked)) { e.preventDefault(); alert('Hãy chọn ít nhất một hồ sơ.'); }
  });
})();
