// Progressive enhancement only: every page works without JavaScript.
document.addEventListener('DOMContentLoaded', () => {
  // Buttons with data-confirm ask before submitting their form.
  document.querySelectorAll('[data-confirm]').forEach((el) => {
    el.addEventListener('click', (event) => {
      if (!window.confirm(el.getAttribute('data-confirm'))) event.preventDefault();
    });
  });
  // Demo accounts on the sign-in page fill the form.
  document.querySelectorAll('[data-fill-email]').forEach((el) => {
    el.addEventListener('click', () => {
      const form = document.querySelector('form[action="/login"]');
      form.querySelector('#organization').value = el.getAttribute('data-fill-organization');
      form.querySelector('#email').value = el.getAttribute('data-fill-email');
      form.querySelector('#password').value = el.getAttribute('data-fill-password');
      form.querySelector('#password').focus();
    });
  });
  // Selects with data-autosubmit submit their form on change (filters).
  document.querySelectorAll('select[data-autosubmit], input[data-autosubmit]').forEach((el) => {
    el.addEventListener('change', () => el.form && el.form.submit());
  });
});
