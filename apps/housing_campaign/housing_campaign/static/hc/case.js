/* Case page: a step closed only because the stage form's required inputs are empty opens as soon as they
   are filled in (the server checks again; without script, "Lưu" then the step works the same way). A
   link to a missing field puts the cursor in it. */
(function () {
  /* The survey draft kept in the browser (draft.js) is dropped once the case was created from it. */
  if (location.search.indexOf('created=1') !== -1) {
    try { localStorage.removeItem('hc-survey-draft:new'); } catch (e) {}
  }
  var buttons = document.querySelectorAll('button[data-needs]');
  function filled(id) {
    var el = document.getElementById(id);
    return el && String(el.value || '').trim() !== '';
  }
  function update() {
    buttons.forEach(function (button) {
      button.disabled = !button.getAttribute('data-needs').split(' ').every(filled);
    });
  }
  if (buttons.length) {
    document.addEventListener('input', update);
    document.addEventListener('change', update);
  }
  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('.missing-fields a[href^="#"]');
    if (!link) return;
    var el = document.getElementById(link.getAttribute('href').slice(1));
    if (el) { e.preventDefault(); el.scrollIntoView({block: 'center'}); el.focus(); }
  });
})();
