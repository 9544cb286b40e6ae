/* The commune/district picker of the workflow activation and migration pages: typing filters the list by
   name, without diacritics ("dak blo" finds "Đăk Blô"); the chosen units are named above the list. */
(function () {
  function fold(text) {
    return (text || '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  }
  function setup(picker) {
    var filter = picker.querySelector('[data-unit-filter]');
    var picked = picker.querySelector('[data-unit-picked]');
    var none = picker.querySelector('[data-unit-none]');
    var labels = Array.prototype.slice.call(picker.querySelectorAll('label.unit'));
    labels.forEach(function (label) { label.dataset.folded = fold(label.dataset.search || label.textContent); });
    function apply() {
      var words = fold(filter.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      labels.forEach(function (label) {
        var ok = words.every(function (w) { return label.dataset.folded.indexOf(w) !== -1; });
        label.hidden = !ok;
        if (ok) shown += 1;
      });
      picker.querySelectorAll('fieldset.unit-group').forEach(function (group) {
        group.hidden = !group.querySelector('label.unit:not([hidden])');
      });
      if (none) none.hidden = shown !== 0;
    }
    function name() {
      var names = labels.filter(function (l) { return l.querySelector('input').checked; })
        .map(function (l) { return l.dataset.name || l.textContent.trim(); });
      /* The words come from the page, in the reader's language. */
      picked.textContent = names.length ? picker.dataset.pickedText + ' ' + names.join('; ') : picker.dataset.noneText;
      picked.dataset.count = names.length;
    }
    /* On the activation page the list matters only for a pilot: it folds away when "the whole province" is chosen. */
    var form = picker.closest('form');
    var modes = form ? form.querySelectorAll('input[name=mode]') : [];
    function follow() {
      var province = form.querySelector('input[name=mode][value=province]:checked');
      picker.hidden = !!province;
    }
    Array.prototype.forEach.call(modes, function (m) { m.addEventListener('change', follow); });
    if (modes.length) follow();
    filter.addEventListener('input', apply);
    filter.addEventListener('keydown', function (e) { if (e.key === 'Enter') e.preventDefault(); });
    picker.addEventListener('change', name);
    name();
  }
  function start() { document.querySelectorAll('[data-unit-picker]').forEach(setup); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
