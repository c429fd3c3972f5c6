// Resend countdown. The server renders the remaining milliseconds (from its own clock) in
// data-cooldown-ms and disables the button; this only counts down and re-enables it.
// Without JavaScript the button stays disabled until the page is reloaded.
for (const button of document.querySelectorAll('button[data-cooldown-ms]')) {
  const ms = Number(button.dataset.cooldownMs);
  if (!(ms > 0)) continue;
  const label = button.querySelector('.countdown');
  const end = performance.now() + ms;
  const tick = () => {
    const left = Math.ceil((end - performance.now()) / 1000);
    if (left <= 0) {
      button.disabled = false;
      if (label) label.textContent = '';
      return;
    }
    if (label) label.textContent = ` in ${left} s`;
    setTimeout(tick, 250);
  };
  tick();
}
