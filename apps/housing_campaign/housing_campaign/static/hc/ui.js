/* Behaviour that templates declare with data- attributes, so that no page needs inline script and
   the Content-Security-Policy can allow scripts from this site only. */
(function () {
  document.addEventListener('change', function (e) {
    var el = e.target;
    if (el && el.matches && el.matches('[data-autosubmit]') && el.form) el.form.submit();
  });
  /* The survey draft kept in the browser is dropped once the case was created from it. */
  if (document.querySelector('[data-clear-survey-draft]') && location.search.indexOf('created=1') !== -1) {
    try { localStorage.removeItem('hc-survey-draft:new'); } catch (e) {}
  }
})();
